using System;
using Qrng.Crypto;
using Qrng.Native;

namespace Qrng.Firmware.Pipeline
{
    /// <summary>
    /// Which code runs the per-pixel passes of a frame (<see cref="FrameChecks.Scan"/>, <see cref="SymbolTests.Run"/>),
    /// chosen once: the native kernel of the interop assembly (qrng_frame.c) when the image has it, else the managed
    /// loops, with the reason (docs/frame-kernel.md). The chosen path must then pass its known-answer frame set
    /// (<see cref="EnsurePassed"/>) before an engine runs on it; a failing native path is not replaced by the managed
    /// one (the engine reports a failed self-test), as for SHA-256.
    /// </summary>
    public static class FrameKernel
    {
        /// <summary>Which path an engine uses: the one chosen for the image, or one named (the differential tests).</summary>
        public const int Chosen = 0, ManagedPath = 1, NativePath = 2;

        /// <summary>
        /// The known answer: the digest (<see cref="Digest"/>) of the frame set on the managed reference loops, recorded
        /// from them and checked on both paths by the device tests (FrameKernelTests).
        /// </summary>
        public const uint KnownDigest = 0x2A032109u;

        private static readonly PathChoice Choice = new PathChoice(Probe);
        private static int _nativeTest, _managedTest;      // 0 not run, 1 passed, 2 failed

        /// <summary>True when the native kernel answers (probed on first use, then fixed for the life of the program).</summary>
        public static bool Native
        {
            get { return Choice.Native; }
        }

        /// <summary>"native" or "managed".</summary>
        public static string Path
        {
            get { return Native ? "native" : "managed"; }
        }

        /// <summary>Why the managed loops run (the probe's exception type), or "" on the native path.</summary>
        public static string ManagedReason
        {
            get { return Choice.ManagedReason; }
        }

        /// <summary>Tests: every known-answer run fails (a broken kernel), on either path, until cleared.</summary>
        public static bool InjectFault { get; set; }

        /// <summary>The known-answer frame set on one path once per program (the engine's start): see <see cref="RunSelfTest"/>.</summary>
        public static bool EnsurePassed(bool native)
        {
            int state = native ? _nativeTest : _managedTest;
            return state == 0 || InjectFault ? RunSelfTest(native) : state == 1;
        }

        /// <summary>
        /// The known-answer frame set on one path, now (SELFTEST): true when its digest is <see cref="KnownDigest"/>; a
        /// throw is a failure. The verdict is kept for <see cref="EnsurePassed"/>.
        /// </summary>
        public static bool RunSelfTest(bool native)
        {
            if (InjectFault)
            {
                return false;                                  // not kept: the next run after the test is a real one
            }

            bool ok;
            try
            {
                ok = Digest(native) == KnownDigest;
            }
            catch (Exception)
            {
                ok = false;
            }

            if (native)
            {
                _nativeTest = ok ? 1 : 2;
            }
            else
            {
                _managedTest = ok ? 1 : 2;
            }

            return ok;
        }

        // One call with one-pixel arrays: throws where the image has no native code. Right answers are for the
        // known-answer test.
        private static string Probe()
        {
            try
            {
                FrameKernelNative.Scan(new ushort[1], new ushort[1], 0, new byte[1], new byte[1], new int[] { 1 }, 0, 1023,
                    new long[1], new int[1], new uint[1], new uint[1], 0, 0, new long[FrameKernelNative.ScanResults]);
                return null;
            }
            catch (Exception e)
            {
                return e.GetType().Name;
            }
        }

        /// <summary>
        /// The known-answer frame set through one path: 44 frames of 12×10 pixels from a fixed generator, with a masked
        /// pixel, pixels outside [T−, T+], a stuck pixel, a run for the repetition count test, a biased frame for the
        /// adaptive proportion test, the start-up test, commits and takes from the pool; every result of every pass,
        /// and the pool and pixel arrays at the end, folded into one FNV-1a digest.
        /// </summary>
        public static uint Digest(bool native)
        {
            var c = new FirmwareConfig();
            c.Width = 12;
            c.Height = 10;
            c.AptWindow = 64;
            c.PixelRepeatCutoff = 4;
            c.DitherParts = 3;
            c.ReplayFrames = 4;
            var watch = new PixelWatch(c.PixelCount, c.PixelRepeatCutoff);
            var checks = new FrameChecks(c, watch, native);
            var pool = new EntropyPool(64, c.AptWindow);
            var symbols = new SymbolTests(c, watch, pool, native);
            ushort[] frame = new ushort[c.PixelCount], previous = new ushort[c.PixelCount];
            byte[] taken = new byte[8];
            uint h = ReplayDetector.Seed1, x = 0x2545F491u;
            bool startup = true;
            watch.Mask(3);
            for (int f = 0; f < Frames; f++)
            {
                for (int i = 0; i < frame.Length; i++)
                {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;                                   // xorshift32
                    frame[i] = (ushort)(300 + (x % 500));
                }

                frame[5] = (ushort)(20 + (f % 3));                 // dark: below T- in every frame, never stuck
                frame[(f * 7) % frame.Length] = 1000;              // one pixel above T+
                frame[(f * 11 + 1) % frame.Length] = 0;            // one at the bottom
                if (f >= 14)
                {
                    frame[7] = 500;                                // stuck from frame 14: a fault 3 frames later, masked
                }

                if (f == 29)
                {
                    for (int i = 30; i < 46; i++)
                    {
                        frame[i] = (ushort)(0x1F0 + (i & 1) * 0x100);  // 16 symbols 0 in a row: the RCT
                    }
                }

                if (f == 41)
                {
                    for (int i = 0; i < frame.Length; i++)
                    {
                        frame[i] = (ushort)((frame[i] & ~0xC) | (i % 3 == 2 ? 4 : 0));  // two thirds symbol 0: the APT
                    }
                }

                checks.Scan(frame, previous, f > 0);
                h = Fold(h, checks.Low, checks.High, checks.Mean, checks.PairPixels);
                h = Fold(h, (int)checks.SumD, (int)checks.SumD2, (int)(checks.SumD2 >> 32), (int)checks.SumZ);
                h = Fold(h, (int)checks.H1, (int)checks.H2, checks.ReplayDistance, watch.MaskedCount);
                for (int p = 0; p < checks.PartSums.Length; p++)
                {
                    h = Fold(h, (int)checks.PartSums[p], checks.PartPixels[p], p, 0);
                }

                Fault fault = symbols.Run(frame, startup);
                h = Fold(h, (int)fault, fault == Fault.None ? 0 : symbols.Detail, symbols.StartupJustPassed ? 1 : 0, pool.Committed);
                h = Fold(h, pool.Staged, watch.MaskedCount, 0, 0);
                if (fault != Fault.None)
                {
                    symbols.Reset();
                    startup = true;
                }
                else if (symbols.StartupJustPassed)
                {
                    startup = false;
                }

                if (f % 3 == 2)
                {
                    pool.NoiseBlockPassed();
                }

                if (f % 4 == 3)
                {
                    pool.DitherBlockPassed();
                }

                if (pool.Committed >= 4 * taken.Length)
                {
                    pool.Take(taken);
                    for (int i = 0; i < taken.Length; i++)
                    {
                        h = Fold(h, taken[i], i, 0, 0);
                    }
                }

                ushort[] t = previous;
                previous = frame;
                frame = t;
            }

            for (int i = 0; i < c.PixelCount; i++)
            {
                h = Fold(h, watch.Masked[i], watch.Repeat[i], watch.LastGood[i], watch.OutOfRange[i]);
            }

            byte[] rest = pool.Buffer;
            for (int i = 0; i < rest.Length; i++)
            {
                h = Fold(h, rest[i], i, 0, 0);
            }

            return h;
        }

        private const int Frames = 44;

        private static uint Fold(uint h, int a, int b, int c, int d)
        {
            h = (h ^ (uint)a) * 16777619u;
            h = (h ^ (uint)b) * 16777619u;
            h = (h ^ (uint)c) * 16777619u;
            return (h ^ (uint)d) * 16777619u;
        }
    }
}
