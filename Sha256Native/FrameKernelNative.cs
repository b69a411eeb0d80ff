// The per-pixel work of one frame, computed by native code in the nanoCLR image (the interop assembly that also holds
// SHA-256 and CRC-32): Sha256Native/native/qrng_frame.c, portable C that the Linux nanoCLR and the ESP32 image compile
// alike (docs/frame-kernel.md). The managed loops (Firmware/Pipeline/FrameChecks.Scan, SymbolTests.Run) are the
// reference and the fallback of a stock image, where these methods throw (NotSupportedException on nanoCLR,
// SecurityException on .NET). Arrays and ints only (ref/out marshalling is not safe on a 64-bit nanoCLR); lengths are
// checked natively against the arrays, and a bad one throws before anything is written.
using System.Runtime.CompilerServices;

namespace Qrng.Native
{
    /// <summary>Native entry points of the frame kernel; the layouts of results and state are in qrng_frame.h.</summary>
    public static class FrameKernelNative
    {
        /// <summary>Length of Scan's results: low, high, used, sum, pairs, ΣD, ΣD², ΣZ, fingerprint h1, h2, replay distance.</summary>
        public const int ScanResults = 11;

        /// <summary>Length of Symbols' state (constants, the continuous and start-up tests, the pool's counters, outputs).</summary>
        public const int SymbolState = 31;

        /// <summary>
        /// FrameChecks.Scan's pass: pixels [0, partEnd[last]) in row bands ending at partEnd; previous is read when
        /// paired != 0; outOfRange is updated; the band sums go to partSums/partPixels, the rest to results, with how
        /// many frames back the fingerprint is among the <paramref name="held"/> newest of the rings (ReplayDetector;
        /// the newest is at <paramref name="next"/> − 1), 0 if none. The rings are only read.
        /// </summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern void Scan(ushort[] frame, ushort[] previous, int paired, byte[] masked, byte[] outOfRange, int[] partEnd, int tMinus, int tPlus, long[] partSums, int[] partPixels,
            uint[] ring1, uint[] ring2, int held, int next, long[] results);

        /// <summary>
        /// SymbolTests.Run's pass over pixels [0, pixels): returns 0, or 1 (a stuck pixel, state[29] = its index; the
        /// caller masks it), 2 (repetition count) or 3 (adaptive proportion) with the detail in state[29].
        /// </summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int Symbols(ushort[] frame, int pixels, int startup, byte[] masked, byte[] repeat, ushort[] lastGood, int repeatLimit, int tMinus, int tPlus, byte[] pool, int[] state);
    }
}
