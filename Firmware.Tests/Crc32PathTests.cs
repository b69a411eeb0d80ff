using System;
using nanoFramework.TestFramework;
using Qrng.Crypto;

namespace Qrng.Firmware.Tests
{
    /// <summary>
    /// The serial protocol's CRC-32 on its two paths (issue 19 item 6): native (interop assembly Qrng.Sha256.Native) where
    /// the image has it, managed elsewhere. The path in use gives the catalogue's check value; where the native code
    /// exists it equals the managed CRC at every length and offset tried and refuses a range outside the array. The first
    /// line names the path, so that the runs on nanoCLR can check which one they had.
    /// </summary>
    [TestClass]
    public class Crc32PathTests
    {
        private static readonly byte[] Check = { 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39 };   // "123456789"

        [TestMethod]
        public static void The_path_in_use_gives_the_check_value()
        {
            OutputHelper.WriteLine("crc32 path: " + Crc32.Path);
            if (!Crc32.Native)
            {
                OutputHelper.WriteLine("crc32 fallback: " + Crc32.ManagedReason);
                Assert.IsTrue(Crc32.ManagedReason.Length > 0, "the managed path without a failed probe");
            }

            Assert.AreEqual(Crc32.CheckValue, Crc32.Compute(Check, 0, Check.Length));
            Assert.AreEqual(Crc32.CheckValue, Crc32.ComputeManaged(Check, 0, Check.Length));
            Assert.AreEqual(0u, Crc32.Compute(Check, 9, 0));
            Assert.AreEqual(App.Crc32Path(), Crc32.Native ? "native" : "managed (" + Crc32.ManagedReason + ")");
        }

        [TestMethod]
        public static void Native_and_managed_agree_at_every_length_and_offset()
        {
            if (!Crc32.Native)
            {
                bool threw = false;
                try
                {
                    Crc32.ComputeNative(Check, 0, 9);
                }
                catch (Exception)
                {
                    threw = true;                           // NotSupportedException on nanoCLR, SecurityException on .NET
                }

                Assert.IsTrue(threw, "no native code: the call throws");
                return;
            }

            byte[] data = new byte[1100];
            uint x = 0x9E3779B9u;
            for (int i = 0; i < data.Length; i++)
            {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                data[i] = (byte)x;
            }

            for (int length = 0; length <= 70; length++)
            {
                for (int offset = 0; offset < 4; offset++)
                {
                    Assert.AreEqual(Crc32.ComputeManaged(data, offset, length), Crc32.ComputeNative(data, offset, length), "length " + length + " at " + offset);
                }
            }

            Assert.AreEqual(Crc32.ComputeManaged(data, 0, 1096), Crc32.ComputeNative(data, 0, 1096), "a whole authenticated reply frame");
            Assert.AreEqual(Crc32.ComputeManaged(data, 5, 1095), Crc32.ComputeNative(data, 5, 1095), "to the array's end");
        }

        [TestMethod]
        public static void Both_paths_refuse_a_range_outside_the_array()
        {
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => Crc32.ComputeManaged(Check, 5, 5));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => Crc32.ComputeManaged(Check, -1, 2));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => Crc32.ComputeManaged(Check, 10, 0));
            if (Crc32.Native)
            {
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => Crc32.ComputeNative(Check, 5, 5));
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => Crc32.ComputeNative(Check, -1, 2));
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => Crc32.ComputeNative(Check, 0, -1));
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => Crc32.ComputeNative(Check, 10, 0));
            }
        }
    }
}
