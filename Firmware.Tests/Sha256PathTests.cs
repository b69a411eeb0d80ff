using System;
using nanoFramework.TestFramework;
using Qrng.Crypto;

namespace Qrng.Firmware.Tests
{
    /// <summary>
    /// The two SHA-256 paths of Hash_DRBG: native (interop assembly Qrng.Sha256.Native, in images built with it) and
    /// managed. Where the native code exists both must give the known answers and each other's output; where it does not
    /// (stock firmware, the host twin, nanoCLR run with QRNG_NANOCLR_OMIT_NATIVE) the managed path must be the one in
    /// use and a request for the native one must be refused. The first line names the path, so that the runs on nanoCLR
    /// can check which one they had.
    /// </summary>
    [TestClass]
    public class Sha256PathTests
    {
        [TestMethod]
        public static void The_path_in_use_is_the_one_the_self_tests_ran_on()
        {
            OutputHelper.WriteLine("sha256 path: " + HashDrbg.Sha256Path);
            if (HashDrbg.Sha256Path == "managed")
            {
                OutputHelper.WriteLine("sha256 fallback: " + HashDrbg.Sha256FallbackReason);
                Assert.IsTrue(HashDrbg.Sha256FallbackReason.Length > 0, "the managed path without a failed probe");
            }
            else
            {
                Assert.AreEqual("", HashDrbg.Sha256FallbackReason);
            }

            Assert.IsTrue(DrbgSelfTest.Run(), "SP 800-90A §11.3 power-up known-answer tests");
            Assert.AreEqual(HashDrbg.Sha256Path, DrbgSelfTest.TestedPath);
            Assert.AreEqual(HashDrbg.Sha256Path == "native", new HashDrbg().UsesNativeSha256, "a DRBG created without a path uses the one in use");
            Assert.IsFalse(new HashDrbg(HashDrbg.MaxReseedInterval, false).UsesNativeSha256);

            // what the firmware's banner line says
            string banner = App.Sha256Path();
            Assert.AreEqual(HashDrbg.Sha256Path == "native" ? "native" : "managed (" + HashDrbg.Sha256FallbackReason + ")", banner);
        }

        [TestMethod]
        public static void Known_answers_hold_on_each_path_the_image_has()
        {
            CheckKnownAnswers(false);
            if (Native)
            {
                CheckKnownAnswers(true);
            }
            else
            {
                Assert.ThrowsException(typeof(NotSupportedException), () => new HashDrbg(HashDrbg.MaxReseedInterval, true));
                Assert.AreEqual("managed", HashDrbg.Sha256Path);
            }
        }

        [TestMethod]
        [DataRow(0)]
        [DataRow(1)]
        [DataRow(31)]
        [DataRow(32)]
        [DataRow(33)]
        [DataRow(4096)]
        [DataRow(65536)]
        public static void Native_and_managed_paths_give_the_same_output(int count)
        {
            if (!Native)
            {
                OutputHelper.WriteLine("no native SHA-256 in this image: only the managed path to check");
                Assert.ThrowsException(typeof(NotSupportedException), () => new HashDrbg(HashDrbg.MaxReseedInterval, true));
                return;
            }

            byte[] entropy = DrbgSelfTest.Pattern(0x21, 48);
            byte[] nonce = DrbgSelfTest.Pattern(0x61, 16);
            byte[] personalization = DrbgSelfTest.Pattern(0x05, 19);
            byte[] additional = DrbgSelfTest.Pattern(0x77, 33);
            HashDrbg managed = new HashDrbg(HashDrbg.MaxReseedInterval, false);
            HashDrbg native = new HashDrbg(HashDrbg.MaxReseedInterval, true);
            managed.Instantiate(entropy, nonce, personalization);
            native.Instantiate(entropy, nonce, personalization);
            byte[] a = new byte[count + 2];
            byte[] b = new byte[count + 2];
            for (int round = 0; round < 3; round++)
            {
                byte[] extra = round == 1 ? additional : null;
                managed.Generate(a, 1, count, extra);
                native.Generate(b, 1, count, extra);
                AssertSame(a, b, "generate round " + round);
                if (round == 1)
                {
                    managed.Reseed(DrbgSelfTest.Pattern(0x90, 32), additional);
                    native.Reseed(DrbgSelfTest.Pattern(0x90, 32), additional);
                }
            }

            Assert.AreEqual((byte)0, b[0], "byte before the range written");
            Assert.AreEqual((byte)0, b[count + 1], "byte after the range written");
        }

        [TestMethod]
        public static void Native_sha256_matches_the_managed_one_on_messages_of_every_padding_case()
        {
            if (!Native)
            {
                OutputHelper.WriteLine("no native SHA-256 in this image: nothing to compare");

                // nanoCLR: NotSupportedException (no native method registered); .NET: SecurityException (an InternalCall
                // outside the runtime)
                bool threw = false;
                try
                {
                    Sha256Native.Hash(-1, new byte[0], 0, new byte[0], 0, new byte[32], 0);
                }
                catch (Exception)
                {
                    threw = true;
                }

                Assert.IsTrue(threw, "the native entry point answered although the path in use is managed");
                return;
            }

            byte[] message = DrbgSelfTest.Pattern(3, 200);
            byte[] expected = new byte[32];
            byte[] actual = new byte[34];
            Sha256 sha = new Sha256();
            int[] lengths = { 0, 1, 3, 54, 55, 56, 63, 64, 65, 119, 120, 128, 199 };
            for (int i = 0; i < lengths.Length; i++)
            {
                int n = lengths[i];
                sha.Update(message, 0, n);
                sha.Final(expected, 0);
                Sha256Native.Hash(-1, message, n, message, 0, actual, 2);
                AssertSame(expected, 0, actual, 2, 32, "length " + n);

                // a prefix byte and a split message hash the same bytes
                sha.Update((byte)0xA5);
                sha.Update(message, 0, n);
                sha.Final(expected, 0);
                Sha256Native.Hash(0xA5, message, n / 2, Tail(message, n / 2, n - (n / 2)), n - (n / 2), actual, 0);
                AssertSame(expected, 0, actual, 0, 32, "prefix, length " + n);
            }

            Sha256Native.Hash(-1, Hex.Ascii("abc"), 3, message, 0, actual, 0);
            Assert.AreEqual("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hex.Of(Tail(actual, 0, 32)));
        }

        [TestMethod]
        public static void Native_hashgen_counts_across_byte_carries_and_wraps_at_2_pow_440()
        {
            if (!Native)
            {
                OutputHelper.WriteLine("no native SHA-256 in this image: nothing to compare");
                return;
            }

            // V = 00 .. 00 FF .. FF (the last 20 bytes), then V = FF .. FF, whose successor is 0 mod 2^440
            for (int kind = 0; kind < 2; kind++)
            {
                byte[] v = new byte[Sha256Native.SeedLength];
                for (int i = kind == 0 ? 35 : 0; i < v.Length; i++)
                {
                    v[i] = 0xFF;
                }

                byte[] original = Tail(v, 0, v.Length);
                byte[] output = new byte[3 * 32 - 5];
                Sha256Native.Hashgen(v, output, 0, output.Length);
                AssertSame(original, v, "V must not change");

                Sha256 sha = new Sha256();
                byte[] data = Tail(v, 0, v.Length);
                byte[] expected = new byte[3 * 32];
                for (int block = 0; block < 3; block++)
                {
                    sha.Update(data, 0, data.Length);
                    sha.Final(expected, 32 * block);
                    for (int i = data.Length - 1; i >= 0 && ++data[i] == 0; i--)
                    {
                    }
                }

                AssertSame(expected, 0, output, 0, output.Length, "kind " + kind);
            }
        }

        [TestMethod]
        public static void Native_calls_refuse_counts_outside_their_arrays()
        {
            if (!Native)
            {
                OutputHelper.WriteLine("no native SHA-256 in this image: nothing to check");
                return;
            }

            byte[] v = new byte[Sha256Native.SeedLength];
            byte[] small = new byte[8];
            byte[] digest = new byte[32];
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => Sha256Native.Hashgen(v, small, 4, 5));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => Sha256Native.Hashgen(v, small, -1, 1));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => Sha256Native.Hashgen(small, digest, 0, 32));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => Sha256Native.Hash(-1, small, 9, small, 0, digest, 0));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => Sha256Native.Hash(256, small, 1, small, 0, digest, 0));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => Sha256Native.Hash(-1, small, 1, small, 0, digest, 1));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => Sha256Native.HashDf(-1, small, 1, small, 0, small, -1, v));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => Sha256Native.HashDf(-1, small, 1, small, 0, small, 0, digest));
            Assert.ThrowsException(typeof(NullReferenceException), () => Sha256Native.Hash(-1, null, 0, small, 0, digest, 0));
            for (int i = 0; i < small.Length; i++)
            {
                Assert.AreEqual((byte)0, small[i], "a refused call wrote");
            }
        }

        private static bool Native
        {
            get { return HashDrbg.Sha256Path == "native"; }
        }

        // KnownAnswers.cs: computed with BouncyCastle, recomputed by Host.Tests
        private static void CheckKnownAnswers(bool native)
        {
            byte[] output = new byte[64];
            HashDrbg drbg = Seeded(native);
            drbg.Generate(output, 0, 64, null);
            Assert.AreEqual(KnownAnswers.SeededGenerate64, Hex.Of(output), native ? "native" : "managed");

            drbg = Seeded(native);
            drbg.Generate(new byte[16], 0, 16, DrbgSelfTest.Pattern(0x50, 32));
            drbg.Reseed(DrbgSelfTest.Pattern(0x70, 32), null);
            byte[] second = new byte[48];
            drbg.Generate(second, 0, 48, DrbgSelfTest.Pattern(0x90, 5));
            Assert.AreEqual(KnownAnswers.ReseedSequence48, Hex.Of(second), native ? "native" : "managed");
        }

        private static HashDrbg Seeded(bool native)
        {
            HashDrbg drbg = new HashDrbg(HashDrbg.MaxReseedInterval, native);
            Assert.AreEqual(native, drbg.UsesNativeSha256);
            drbg.Instantiate(DrbgSelfTest.Pattern(0x10, 32), DrbgSelfTest.Pattern(0x30, 16), null);
            return drbg;
        }

        private static byte[] Tail(byte[] a, int start, int count)
        {
            byte[] t = new byte[count];
            Array.Copy(a, start, t, 0, count);
            return t;
        }

        private static void AssertSame(byte[] expected, byte[] actual, string what)
        {
            Assert.AreEqual(expected.Length, actual.Length, what);
            AssertSame(expected, 0, actual, 0, expected.Length, what);
        }

        private static void AssertSame(byte[] expected, int expectedOffset, byte[] actual, int actualOffset, int count, string what)
        {
            for (int i = 0; i < count; i++)
            {
                if (expected[expectedOffset + i] != actual[actualOffset + i])
                {
                    Assert.IsTrue(false, what + ": first difference at byte " + i);
                }
            }
        }
    }
}
