using System;
using nanoFramework.TestFramework;
using Qrng.Crypto;

namespace Qrng.Firmware.Tests
{
    [TestClass]
    public class HashDrbgTests
    {
        [Setup]
        public static void Self_tests_pass_at_power_up()
        {
            Assert.IsTrue(DrbgSelfTest.Run(), "SP 800-90A §11.3 power-up known-answer tests");
            Assert.AreEqual((int)SelfTestState.Passed, (int)DrbgSelfTest.State);
        }

        [TestMethod]
        public static void Generate_before_instantiate_is_refused()
        {
            HashDrbg drbg = new HashDrbg();
            ExpectError(DrbgError.NotInstantiated, () => drbg.Generate(new byte[16], 0, 16, null));
            ExpectError(DrbgError.NotInstantiated, () => drbg.Reseed(new byte[32], null));
        }

        [TestMethod]
        public static void Short_entropy_and_nonce_are_refused()
        {
            HashDrbg drbg = new HashDrbg();
            ExpectError(DrbgError.EntropyTooShort, () => drbg.Instantiate(new byte[31], new byte[16], null));
            ExpectError(DrbgError.NonceTooShort, () => drbg.Instantiate(new byte[32], new byte[15], null));
            ExpectError(DrbgError.EntropyTooShort, () => drbg.Instantiate(new byte[47], null, null));
            Assert.IsFalse(drbg.IsInstantiated);
            drbg.Instantiate(new byte[48], null, null);
            ExpectError(DrbgError.EntropyTooShort, () => drbg.Reseed(new byte[31], null));
            Assert.ThrowsException(typeof(ArgumentNullException), () => drbg.Instantiate(null, new byte[16], null));
        }

        [TestMethod]
        public static void Requests_over_2_pow_19_bits_are_refused()
        {
            HashDrbg drbg = Seeded(HashDrbg.MaxReseedInterval);
            byte[] big = new byte[HashDrbg.MaxRequestLength + 1];
            ExpectError(DrbgError.RequestTooLarge, () => drbg.Generate(big, 0, big.Length, null));
            Assert.AreEqual(1L, drbg.ReseedCounter, "a refused request must not advance the state");
            drbg.Generate(big, 0, HashDrbg.MaxRequestLength, null);
            Assert.AreEqual(2L, drbg.ReseedCounter);
        }

        [TestMethod]
        public static void Bad_output_ranges_are_refused()
        {
            HashDrbg drbg = Seeded(HashDrbg.MaxReseedInterval);
            Assert.ThrowsException(typeof(ArgumentNullException), () => drbg.Generate(null, 0, 1, null));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => drbg.Generate(new byte[8], 4, 5, null));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => drbg.Generate(new byte[8], -1, 2, null));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => drbg.Generate(new byte[8], 0, -1, null));
        }

        [TestMethod]
        public static void Reseed_interval_is_enforced()
        {
            HashDrbg drbg = Seeded(2);
            byte[] out16 = new byte[16];
            drbg.Generate(out16, 0, 16, null);
            drbg.Generate(out16, 0, 16, null);
            Assert.IsTrue(drbg.ReseedRequired);
            ExpectError(DrbgError.ReseedRequired, () => drbg.Generate(out16, 0, 16, null));
            drbg.Reseed(DrbgSelfTest.Pattern(0x33, 32), null);
            Assert.IsFalse(drbg.ReseedRequired);
            drbg.Generate(out16, 0, 16, null);
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => new HashDrbg(0));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => new HashDrbg(HashDrbg.MaxReseedInterval + 1));
        }

        [TestMethod]
        public static void Uninstantiate_zeroises_and_disables()
        {
            HashDrbg drbg = Seeded(HashDrbg.MaxReseedInterval);
            drbg.Uninstantiate();
            Assert.IsFalse(drbg.IsInstantiated);
            ExpectError(DrbgError.NotInstantiated, () => drbg.Generate(new byte[1], 0, 1, null));
        }

        [TestMethod]
        [DataRow(1)]
        [DataRow(31)]
        [DataRow(32)]
        [DataRow(33)]
        [DataRow(100)]
        public static void Output_is_a_prefix_of_a_longer_request_and_stays_in_range(int count)
        {
            byte[] longer = new byte[128];
            Seeded(HashDrbg.MaxReseedInterval).Generate(longer, 0, 128, null);

            byte[] shorter = new byte[count + 8];
            for (int i = 0; i < shorter.Length; i++)
            {
                shorter[i] = 0xEE;
            }

            Seeded(HashDrbg.MaxReseedInterval).Generate(shorter, 4, count, null);
            for (int i = 0; i < shorter.Length; i++)
            {
                if (i < 4 || i >= 4 + count)
                {
                    Assert.AreEqual((byte)0xEE, shorter[i], "byte outside offset/count written");
                }
                else
                {
                    Assert.AreEqual(longer[i - 4], shorter[i]);
                }
            }
        }

        [TestMethod]
        public static void Empty_additional_input_is_the_null_string()
        {
            byte[] a = new byte[40];
            byte[] b = new byte[40];
            Seeded(HashDrbg.MaxReseedInterval).Generate(a, 0, 40, new byte[0]);
            Seeded(HashDrbg.MaxReseedInterval).Generate(b, 0, 40, null);
            CollectionAssert.AreEqual(a, b);
        }

        [TestMethod]
        public static void Additional_input_and_personalization_change_the_output()
        {
            byte[] a = new byte[32];
            byte[] b = new byte[32];
            byte[] c = new byte[32];
            Seeded(HashDrbg.MaxReseedInterval).Generate(a, 0, 32, null);
            Seeded(HashDrbg.MaxReseedInterval).Generate(b, 0, 32, DrbgSelfTest.Pattern(1, 1));
            HashDrbg other = new HashDrbg();
            other.Instantiate(DrbgSelfTest.Pattern(0x10, 32), DrbgSelfTest.Pattern(0x30, 16), DrbgSelfTest.Pattern(7, 3));
            other.Generate(c, 0, 32, null);
            CollectionAssert.AreNotEqual(a, b);
            CollectionAssert.AreNotEqual(a, c);
        }

        [TestMethod]
        public static void Known_answers_match_an_independent_implementation()
        {
            byte[] output = new byte[64];
            Seeded(HashDrbg.MaxReseedInterval).Generate(output, 0, 64, null);
            Assert.AreEqual(KnownAnswers.SeededGenerate64, Hex.Of(output));

            HashDrbg drbg = Seeded(HashDrbg.MaxReseedInterval);
            byte[] first = new byte[16];
            drbg.Generate(first, 0, 16, DrbgSelfTest.Pattern(0x50, 32));
            drbg.Reseed(DrbgSelfTest.Pattern(0x70, 32), null);
            byte[] second = new byte[48];
            drbg.Generate(second, 0, 48, DrbgSelfTest.Pattern(0x90, 5));
            Assert.AreEqual(KnownAnswers.ReseedSequence48, Hex.Of(second));
        }

        /// <summary>The DRBG used by these tests: Instantiate(P(0x10,32), P(0x30,16), null).</summary>
        [TestMethod]
        public static void After_each_request_no_working_buffer_can_give_back_earlier_output()
        {
            // SP 800-90A §8.8 backtracking resistance: the state after a request must not reveal its output. H, the
            // Hashgen block and the hash context's last message (0x03 || V) did, with V and C: V_old = V - H - C - counter.
            HashDrbg drbg = Seeded(HashDrbg.MaxReseedInterval);
            Assert.IsTrue(drbg.WorkingBuffersClear(), "after Instantiate");
            drbg.Generate(new byte[100], 0, 100, null);
            Assert.IsTrue(drbg.WorkingBuffersClear(), "after Generate");
            drbg.Generate(new byte[64], 0, 64, DrbgSelfTest.Pattern(0x50, 20));
            Assert.IsTrue(drbg.WorkingBuffersClear(), "after Generate with additional input");
            drbg.Reseed(DrbgSelfTest.Pattern(0x70, 32), DrbgSelfTest.Pattern(0x90, 8));
            Assert.IsTrue(drbg.WorkingBuffersClear(), "after Reseed");
        }

        public static HashDrbg Seeded(long reseedInterval)
        {
            HashDrbg drbg = new HashDrbg(reseedInterval);
            drbg.Instantiate(DrbgSelfTest.Pattern(0x10, 32), DrbgSelfTest.Pattern(0x30, 16), null);
            return drbg;
        }

        private static void ExpectError(DrbgError error, Action action)
        {
            try
            {
                action();
            }
            catch (DrbgException e)
            {
                Assert.AreEqual((int)error, (int)e.Error, e.Message);
                return;
            }

            Assert.IsTrue(false, "expected DrbgException " + (int)error);
        }
    }
}
