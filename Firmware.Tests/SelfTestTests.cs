using System;
using nanoFramework.TestFramework;
using Qrng.Crypto;

namespace Qrng.Firmware.Tests
{
    [TestClass]
    public class SelfTestTests
    {
        [TestMethod]
        public static void A_failed_self_test_disables_every_drbg_until_it_passes_again()
        {
            HashDrbg before = HashDrbgTests.Seeded(HashDrbg.MaxReseedInterval);
            try
            {
                DrbgSelfTest.InjectFault = true;
                Assert.IsFalse(DrbgSelfTest.Run(), "a corrupted known-answer input must fail");
                Assert.AreEqual((int)SelfTestState.Failed, (int)DrbgSelfTest.State);

                ExpectSelfTestFailure(() => new HashDrbg().Instantiate(new byte[32], new byte[16], null));
                ExpectSelfTestFailure(() => before.Generate(new byte[8], 0, 8, null));
                ExpectSelfTestFailure(() => before.Reseed(new byte[32], null));
            }
            finally
            {
                DrbgSelfTest.InjectFault = false;
            }

            Assert.IsTrue(DrbgSelfTest.Run());
            before.Generate(new byte[8], 0, 8, null);
        }

        [TestMethod]
        public static void A_known_answer_test_that_throws_leaves_the_self_test_failed_not_passed()
        {
            // a native KAT that throws (CLR_E_FAIL from an interop call) used to leave the previous Passed in place
            Assert.IsTrue(DrbgSelfTest.Run());
            HashDrbg before = HashDrbgTests.Seeded(HashDrbg.MaxReseedInterval);
            try
            {
                DrbgSelfTest.InjectThrow = true;
                Assert.IsFalse(DrbgSelfTest.Run(), "a known-answer test that throws is a failure");
                Assert.AreEqual((int)SelfTestState.Failed, (int)DrbgSelfTest.State);
                ExpectSelfTestFailure(() => before.Generate(new byte[8], 0, 8, null));
            }
            finally
            {
                DrbgSelfTest.InjectThrow = false;
            }

            Assert.IsTrue(DrbgSelfTest.Run());
            before.Generate(new byte[8], 0, 8, null);
        }

        private static void ExpectSelfTestFailure(Action action)
        {
            try
            {
                action();
            }
            catch (DrbgException e)
            {
                Assert.AreEqual((int)DrbgError.SelfTestFailed, (int)e.Error, e.Message);
                return;
            }

            Assert.IsTrue(false, "the DRBG worked although its self-tests failed");
        }
    }
}
