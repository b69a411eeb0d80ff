// SHA-256 for Hash_DRBG (and the serial protocol's CRC-32), computed by native code compiled into the nanoCLR image (a nanoFramework interop assembly):
// the ESP32 image uses mbedTLS, which drives the SHA accelerator; the Linux nanoCLR of CI uses portable C. The
// implementations are in Sha256Native/native/ (docs/sha256-interop.md). Each call does a whole piece of a Hash_DRBG
// request, because an interop call has a fixed cost on the interpreter: a Hashgen of up to 64 KiB, a Hash_df, a hash
// of a prefix byte and two byte strings.
//
// On an image without the native code (stock nanoFramework firmware) every method throws (NotSupportedException on
// nanoCLR; SecurityException on .NET, where the host twin compiles this file): Hash_DRBG probes once at start-up and
// uses its managed SHA-256 then. Arguments are byte arrays and ints only: the generated marshalling of ref/out
// parameters is not safe on a 64-bit nanoCLR. Any change to a signature changes the native checksum: regenerate the
// skeleton (`dotnet run --project Host/NanoClr -- skeleton`) and raise AssemblyNativeVersion.
using System.Runtime.CompilerServices;

namespace Qrng.Crypto
{
    /// <summary>
    /// Native SHA-256 entry points shaped for Hash_DRBG (SP 800-90A §10.1.1, SHA-256, seedlen 440). Counts are checked
    /// natively against the arrays (an out-of-range count throws); a prefix of -1 means "no prefix byte".
    /// </summary>
    public static class Sha256Native
    {
        /// <summary>Length of Hash_DRBG's V in bytes (seedlen 440 bits) that <see cref="Hashgen"/> reads.</summary>
        public const int SeedLength = 55;

        /// <summary>
        /// Hashgen (SP 800-90A §10.1.1.4): writes the first <paramref name="count"/> bytes of
        /// SHA-256(V) || SHA-256(V + 1) || SHA-256(V + 2) || ... (V + i mod 2^440, big-endian) to
        /// <paramref name="output"/> at <paramref name="offset"/>. Reads the first 55 bytes of <paramref name="v"/> and
        /// leaves them unchanged.
        /// </summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern void Hashgen(byte[] v, byte[] output, int offset, int count);

        /// <summary>
        /// Writes SHA-256([prefix] || a[0, aCount) || b[0, bCount)) to <paramref name="digest"/> at
        /// <paramref name="digestOffset"/> (32 bytes); <paramref name="prefix"/> 0..255 is one leading byte, -1 none.
        /// </summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern void Hash(int prefix, byte[] a, int aCount, byte[] b, int bCount, byte[] digest, int digestOffset);

        /// <summary>
        /// Hash_df (SP 800-90A §10.3.1) returning 440 bits: writes the first 55 bytes of
        /// SHA-256(0x01 || 440 || input) || SHA-256(0x02 || 440 || input), input = [prefix] || a || b || c (each
        /// [0, count)), to <paramref name="result"/>[0, 55).
        /// </summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern void HashDf(int prefix, byte[] a, int aCount, byte[] b, int bCount, byte[] c, int cCount, byte[] result);

        /// <summary>
        /// CRC-32 of IEEE 802.3 (zlib's crc32, CRC-32/ISO-HDLC) of <paramref name="data"/>[offset, offset + count), as
        /// its bits in an int: the serial protocol's frame check (the ESP32 image uses the ROM's crc32_le).
        /// </summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int Crc32(byte[] data, int offset, int count);
    }
}
