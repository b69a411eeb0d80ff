// CRC-32 for the serial protocol's frames (docs/protocol.md), native where the image has the interop assembly: on the
// interpreter a table lookup per byte cost more than the native Hash_DRBG itself (docs/protocol.md, Cost).
using System;

namespace Qrng.Crypto
{
    /// <summary>
    /// CRC-32 of IEEE 802.3 (reflected polynomial 0xEDB88320, init and final XOR 0xFFFFFFFF: zlib's crc32). The path is
    /// chosen once, on first use: native (<see cref="Sha256Native.Crc32"/>) when the interop answers the known answers,
    /// else managed, with the reason (<see cref="ManagedReason"/>); it never changes afterwards.
    /// </summary>
    public static class Crc32
    {
        /// <summary>CRC-32/ISO-HDLC of ASCII "123456789" (the catalogue's check value).</summary>
        public const uint CheckValue = 0xCBF43926u;

        private static readonly uint[] Table = Build();
        private static readonly PathChoice Choice = new PathChoice(Probe);

        /// <summary>True when frames are checked by the native code (decided on first use).</summary>
        public static bool Native
        {
            get { return Choice.Native; }
        }

        /// <summary>"native" or "managed".</summary>
        public static string Path
        {
            get { return Native ? "native" : "managed"; }
        }

        /// <summary>Why the managed path is used ("" on the native path): the exception of the probe, or a wrong known answer.</summary>
        public static string ManagedReason
        {
            get { return Choice.ManagedReason; }
        }

        /// <summary>The CRC of <paramref name="data"/>[offset, offset + count) on the path in use.</summary>
        public static uint Compute(byte[] data, int offset, int count)
        {
            return Native ? (uint)Sha256Native.Crc32(data, offset, count) : ComputeManaged(data, offset, count);
        }

        /// <summary>The native code's CRC (throws where the image has none): tests and benchmarks.</summary>
        public static uint ComputeNative(byte[] data, int offset, int count)
        {
            return (uint)Sha256Native.Crc32(data, offset, count);
        }

        /// <summary>The managed CRC: one table lookup per byte.</summary>
        public static uint ComputeManaged(byte[] data, int offset, int count)
        {
            if (data == null || offset < 0 || count < 0 || offset > data.Length - count)
            {
                throw new ArgumentOutOfRangeException("count", "offset/count outside the array");
            }

            uint[] table = Table;
            uint c = 0xFFFFFFFFu;
            int end = offset + count;
            for (int i = offset; i < end; i++)
            {
                c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
            }

            return ~c;
        }

        private static uint[] Build()
        {
            var t = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                }

                t[n] = c;
            }

            return t;
        }

        // The native path must exist and give the check value, the empty CRC (0) and the managed CRC of 33 bytes at an
        // offset; otherwise the managed path, with the reason.
        private static string Probe()
        {
            byte[] check = { 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39 };
            byte[] pattern = new byte[40];
            for (int i = 0; i < pattern.Length; i++)
            {
                pattern[i] = (byte)((i * 167) + 13);
            }

            try
            {
                bool ok = ComputeNative(check, 0, check.Length) == CheckValue && ComputeNative(check, 3, 0) == 0
                    && ComputeNative(pattern, 7, 33) == ComputeManaged(pattern, 7, 33);
                return ok ? null : "native CRC-32 failed its known answers";
            }
            catch (Exception e)
            {
                return e.GetType().Name;
            }
        }
    }
}
