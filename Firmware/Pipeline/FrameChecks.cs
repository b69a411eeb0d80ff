using Qrng.Native;

namespace Qrng.Firmware.Pipeline
{
    /// <summary>
    /// The frame checks' one pass over the pixels (frame step 2), fused because a pass of its own per check would cost
    /// the interpreter a pass per pixel each: T±/N± counts and the light mean over unmasked pixels, the stale-frame
    /// fingerprint over all raw pixels (<see cref="ReplayDetector"/>), the shot-noise sums against the previous
    /// healthy frame (<see cref="NoiseCheck"/>), the sums of the row bands (<see cref="DitherCheck"/>), and the
    /// out-of-range runs of <see cref="PixelWatch"/>. The engine
    /// judges the results in the order that names a fault's real cause (light first, then staleness, then noise).
    /// On the native path (<see cref="FrameKernel"/>) the pass runs in qrng_frame.c on the same arrays.
    /// </summary>
    public sealed class FrameChecks
    {
        private readonly int _pixels, _tMinus, _tPlus;
        private readonly PixelWatch _watch;
        private readonly int[] _partEnd;
        private readonly long[] _results;      // native path only: the kernel's sums (layout in qrng_frame.h)
        private ReplayDetector _replay;

        public FrameChecks(FirmwareConfig config, PixelWatch watch)
            : this(config, watch, FrameKernel.Native)
        {
        }

        /// <param name="native">the native kernel (it must exist: the engine chose it) or the managed loop</param>
        public FrameChecks(FirmwareConfig config, PixelWatch watch, bool native)
        {
            _pixels = config.PixelCount;
            _tMinus = config.TMinus;
            _tPlus = config.TPlus;
            _watch = watch;
            _replay = new ReplayDetector(config.ReplayFrames);
            int parts = config.EffectiveDitherParts;
            _partEnd = new int[parts];
            for (int p = 0; p < parts; p++)
            {
                _partEnd[p] = ((p + 1) * config.Height / parts) * config.Width;      // bands of whole rows, top first
            }

            PartSums = new long[parts];
            PartPixels = new int[parts];
            NMinus = config.EffectiveNMinus;
            NPlus = config.EffectiveNPlus;
            MinMean = config.LedMinMean;
            MaxMean = config.LedMaxMean;
            _results = native ? new long[FrameKernelNative.ScanResults] : null;
        }

        /// <summary>True when the native kernel runs the pass.</summary>
        public bool Native
        {
            get { return _results != null; }
        }

        /// <summary>The stale-frame fingerprints (they outlive an engine replaced by CONFIG SET: <see cref="UseReplay"/>).</summary>
        public ReplayDetector Replay
        {
            get { return _replay; }
        }

        /// <summary>Takes over an earlier engine's fingerprints when they are as many: a replay right after CONFIG SET is still a replay.</summary>
        public void UseReplay(ReplayDetector earlier)
        {
            if (earlier != null && earlier.Capacity == _replay.Capacity)
            {
                _replay = earlier;
            }
        }

        public int NMinus { get; private set; }

        public int NPlus { get; private set; }

        public int MinMean { get; private set; }

        public int MaxMean { get; private set; }

        // results of the last Scan
        public int Low;
        public int High;
        public int Mean;
        /// <summary>Frames back that the same frame was seen (1 = the previous one), 0 when it is new.</summary>
        public int ReplayDistance;
        /// <summary>Pixels paired with the previous healthy frame (both inside [T−, T+]), and their sums.</summary>
        public int PairPixels;
        public long SumD;
        public long SumD2;
        public long SumZ;
        /// <summary>Per row band: the sum of its unmasked pixels and their number.</summary>
        public readonly long[] PartSums;
        public readonly int[] PartPixels;
        /// <summary>The frame's fingerprint (its two hashes).</summary>
        public uint H1;
        public uint H2;

        public bool LightInWindow
        {
            get { return Mean >= MinMean && Mean <= MaxMean; }
        }

        public bool PassesTPlusMinus
        {
            get { return Low <= NMinus && High <= NPlus; }
        }

        /// <summary>One pass over the frame; <paramref name="previous"/> is used only when <paramref name="paired"/>.</summary>
        public void Scan(ushort[] frame, ushort[] previous, bool paired)
        {
            if (_results != null)
            {
                long[] r = _results;
                ReplayDetector ring = _replay;
                FrameKernelNative.Scan(frame, previous, paired ? 1 : 0, _watch.Masked, _watch.OutOfRange, _partEnd, _tMinus, _tPlus, PartSums, PartPixels,
                    ring.Ring1, ring.Ring2, ring.Count, ring.Next, r);
                Finish((int)r[0], (int)r[1], (int)r[2], r[3], (int)r[4], r[5], r[6], r[7], (uint)r[8], (uint)r[9]);
                ReplayDistance = ring.Record(H1, H2, (int)r[10]);
                return;
            }

            // configuration and arrays in locals: the loop runs per pixel on an interpreter
            int tMinus = _tMinus, tPlus = _tPlus, n = _pixels;
            byte[] masked = _watch.Masked;
            byte[] outOfRange = _watch.OutOfRange;
            int low = 0, high = 0, used = 0, pairs = 0;
            long sum = 0, sumD = 0, sumD2 = 0, sumZ = 0;
            uint h1 = ReplayDetector.Seed1, h2 = ReplayDetector.Seed2;
            int[] partEnd = _partEnd;
            int i = 0;
            for (int part = 0; part < partEnd.Length; part++)
            {
                long partStart = sum;
                int usedStart = used;
                for (int end = partEnd[part]; i < end; i++)
                {
                    int z = frame[i];
                    h1 = (h1 ^ (uint)z) * 16777619u;                              // FNV-1a
                    h2 = (h2 ^ ((uint)z * 0xCC9E2D51u)) * 0x1B873593u;               // a second, independent mix
                    h2 = (h2 << 13) | (h2 >> 19);
                    if (masked[i] != 0)
                    {
                        continue;
                    }

                    used++;
                    sum += z;
                    if (z < tMinus || z > tPlus)
                    {
                        if (z < tMinus)
                        {
                            low++;
                        }
                        else
                        {
                            high++;
                        }

                        if (outOfRange[i] < 255)
                        {
                            outOfRange[i]++;
                        }

                        continue;
                    }

                    outOfRange[i] = 0;
                    if (paired)
                    {
                        int p = previous[i];
                        if (p >= tMinus && p <= tPlus)
                        {
                            int d = z - p;
                            sumD += d;
                            sumD2 += d * d;
                            sumZ += z + p;
                            pairs++;
                        }
                    }
                }

                PartSums[part] = sum - partStart;
                PartPixels[part] = used - usedStart;
            }

            Finish(low, high, used, sum, pairs, sumD, sumD2, sumZ, h1, h2);
            ReplayDistance = _replay.Check(h1, h2);
        }

        private void Finish(int low, int high, int used, long sum, int pairs, long sumD, long sumD2, long sumZ, uint h1, uint h2)
        {
            Low = low;
            High = high;
            Mean = used == 0 ? 0 : (int)(sum / used);
            PairPixels = pairs;
            SumD = sumD;
            SumD2 = sumD2;
            SumZ = sumZ;
            H1 = h1;
            H2 = h2;
        }
    }
}
