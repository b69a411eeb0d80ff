using Qrng.Drivers;
using Qrng.Firmware;
using Qrng.Firmware.Pipeline;

namespace Qrng.Emulator
{
    /// <summary>
    /// The frame kernel's differential test (issue 22; docs/frame-kernel.md): the native kernel (qrng_frame.c) against
    /// the managed reference loops, on the same frames, compared after every frame. Two pairs advance together:
    /// <list type="bullet">
    /// <item>two engines, one per path, on two identical emulated boards (same seed, same fault knob switched on and off
    /// at random, every knob of <see cref="ArduCamModule.KnobNames"/>): every status counter, the verdict, the LED duty,
    /// the pooled symbols and every output byte must agree;</item>
    /// <item>the per-pixel passes alone on adversarial frames: random frame sizes (odd ones included) and thresholds,
    /// pixel values at the extremes, at T± and one past them, saturated, constant, copied from the previous frame, with
    /// one symbol, a dead pixel, pixels masked at random, the pool's blocks passed, taken and cleared at random: every result, the
    /// fingerprints, the stuck-pixel and out-of-range arrays, the masks and the pool's bytes and counters must agree.</item>
    /// </list>
    /// On an image without the native kernel both sides run the managed loops (the test then proves nothing about the
    /// native code, and says so: <see cref="NativeCompared"/>).
    /// </summary>
    public sealed class KernelDiff
    {
        private const int Fields = 36;
        private readonly XorShift _rng;
        private readonly bool _native;
        private readonly int _width, _height;
        private readonly string[] _names = ArduCamModule.KnobNames;
        private readonly long[] _m = new long[Fields], _n = new long[Fields];
        private ArduCamModule _camM, _camN;
        private QrngEngine _engM, _engN;
        private HashSink _outM, _outN;
        private int _knob = -1, _left = 100;
        private Side _a, _b;
        private int _sideLeft, _dark;
        private bool _startup;
        private ushort[] _frame, _previous;

        /// <summary>Boards of <paramref name="width"/>×<paramref name="height"/> (an emulator test size) and a seed.</summary>
        public KernelDiff(uint seed, int width, int height)
        {
            _rng = new XorShift(seed ^ 0x6B1Du);
            _native = FrameKernel.Native;
            _width = width;
            _height = height;
            NewBoards(seed);
        }

        /// <summary>True when one side ran the native kernel (false on an image without it: managed against managed).</summary>
        public bool NativeCompared
        {
            get { return _native; }
        }

        public long EngineFrames { get; private set; }

        public long KernelFrames { get; private set; }

        public long Pixels { get; private set; }

        public int KnobEpisodes { get; private set; }

        public int Sizes { get; private set; }

        /// <summary>Frames of each kind the adversarial side drew (<see cref="Kinds"/> order).</summary>
        public readonly int[] KindCounts = new int[Kinds.Length];

        public static readonly string[] Kinds = new string[] { "noise", "uniform", "extremes", "thresholds", "saturated", "constant", "previous", "one-symbol" };

        /// <summary>The first difference, or null.</summary>
        public string Violation { get; private set; }

        /// <summary>Runs <paramref name="frames"/> more frames on each pair; false (and <see cref="Violation"/>) at the first difference.</summary>
        public bool Advance(int frames)
        {
            for (int i = 0; i < frames && Violation == null; i++)
            {
                EngineFrame();
                if (Violation == null)
                {
                    KernelFrame();
                }
            }

            return Violation == null;
        }

        public string Summary()
        {
            string kinds = "";
            for (int k = 0; k < Kinds.Length; k++)
            {
                kinds += (k > 0 ? ", " : "") + Kinds[k] + " " + KindCounts[k];
            }

            return "kernel diff: " + (_native ? "native against managed" : "managed against managed (no native kernel in this image)")
                + "\nkernel diff: engines " + EngineFrames + " frames at " + _width + "x" + _height + ", " + KnobEpisodes + " fault episodes, output "
                + _outM.Count + " B, credited " + _engM.Status.CreditedMilliBits + " millibits, state " + (int)_engM.Status.State
                + "\nkernel diff: passes " + KernelFrames + " adversarial frames in " + Sizes + " sizes, " + Pixels + " pixels (" + kinds + ")\n";
        }

        private void NewBoards(uint seed)
        {
            FirmwareConfig config = FirmwareConfig.EmulatorTest();
            config.Width = _width;
            config.Height = _height;
            config.Validate();
            _camM = new ArduCamModule(new ShotNoiseSource(seed, config.PixelCount, 50000), seed ^ 0x5A5A5A5Au);
            _camN = new ArduCamModule(new ShotNoiseSource(seed, config.PixelCount, 50000), seed ^ 0x5A5A5A5Au);
            _outM = new HashSink();
            _outN = new HashSink();
            _engM = NewEngine(config, _camM, _outM, FrameKernel.ManagedPath);
            _engN = NewEngine(config, _camN, _outN, _native ? FrameKernel.NativePath : FrameKernel.ManagedPath);
        }

        private static QrngEngine NewEngine(FirmwareConfig config, ArduCamModule camera, IByteSink output, int kernel)
        {
            var delay = new CountingDelay();
            camera.Clock = delay;
            camera.AcceptsTestSizes = config.EmulatorTestSize;
            var driver = new ArduCamOv2640(camera, camera, delay, delay, config.Width, config.Height, config.EmulatorTestSize);
            driver.Exposure = config.Exposure;
            return new QrngEngine(driver, new ModuleLed(camera), output, config, Personalization.For(config), kernel);
        }

        private void EngineFrame()
        {
            if (_knob < 0 && --_left <= 0)
            {
                _knob = (int)(_rng.Next() % (uint)_names.Length);
                int count = 1 + (int)(_rng.Next() % 100), cycle = 2 + (int)(_rng.Next() % 20);
                _camM.SetKnob(_names[_knob], count, cycle, true);
                _camN.SetKnob(_names[_knob], count, cycle, true);
                _left = 20 + (int)(_rng.Next() % 200);
                KnobEpisodes++;
            }
            else if (_knob >= 0 && --_left <= 0)
            {
                _camM.SetKnob(_names[_knob], -1, -1, false);
                _camN.SetKnob(_names[_knob], -1, -1, false);
                _knob = -1;
                _left = 50 + (int)(_rng.Next() % 300);
            }

            _engM.Step();
            _engN.Step();
            EngineFrames++;
            Values(_engM, _outM, _m);
            Values(_engN, _outN, _n);
            for (int k = 0; k < Fields; k++)
            {
                if (_m[k] != _n[k])
                {
                    Violation = "engines differ at frame " + EngineFrames + " in field " + k + ": managed " + _m[k] + ", other " + _n[k]
                        + (_knob >= 0 ? " (knob " + _names[_knob] + ")" : "") + "; managed " + _engM.Status.Summary() + "; other " + _engN.Status.Summary();
                    return;
                }
            }
        }

        private static void Values(QrngEngine e, HashSink output, long[] v)
        {
            EngineStatus s = e.Status;
            v[0] = (long)s.State;
            v[1] = (long)s.LastFault;
            v[2] = s.FaultDetail;
            v[3] = (long)s.Persistent;
            v[4] = s.PersistentDetail;
            v[5] = s.Frames;
            v[6] = s.FramesPassed;
            v[7] = s.FramesFailedLow;
            v[8] = s.FramesFailedHigh;
            v[9] = s.FramesReplayed;
            v[10] = s.FramesOutOfWindow;
            v[11] = s.NoiseFailures;
            v[12] = s.NoiseBlocks;
            v[13] = s.NoiseRatioPercent;
            v[14] = s.DitherBlocks;
            v[15] = s.DitherFailures;
            v[16] = s.DitherRatioPercent;
            v[17] = s.RctFailures;
            v[18] = s.AptFailures;
            v[19] = s.StartupFailures;
            v[20] = s.StuckPixels;
            v[21] = s.BadPixels;
            v[22] = s.MaskedPixels;
            v[23] = s.StartupTestsPassed;
            v[24] = s.Instantiations;
            v[25] = s.Reseeds;
            v[26] = s.CreditedMilliBits;
            v[27] = s.BytesOut;
            v[28] = s.ErrorEntries;
            v[29] = s.LedDuty;
            v[30] = s.LastMean;
            v[31] = s.LastLow;
            v[32] = s.LastHigh;
            v[33] = e.PooledSymbols;
            v[34] = output.Count;
            v[35] = output.Hash;
        }

        private void KernelFrame()
        {
            if (_sideLeft <= 0)
            {
                NewSides();
            }

            _sideLeft--;
            Fill();
            Side a = _a, b = _b;
            bool paired = KernelFrames % 5 != 0;
            a.Checks.Scan(_frame, _previous, paired);
            b.Checks.Scan(_frame, _previous, paired);
            Compare(a, b, "scan");
            if (Violation != null)
            {
                return;
            }

            // the symbols' pass runs as in the engine: after the scan, on frames the engine would pass (most of them)
            if (_rng.Next() % 8 != 0)
            {
                Fault fa = a.Symbols.Run(_frame, _startup), fb = b.Symbols.Run(_frame, _startup);
                if (fa != fb || (fa != Fault.None && a.Symbols.Detail != b.Symbols.Detail) || a.Symbols.StartupJustPassed != b.Symbols.StartupJustPassed)
                {
                    Violation = "symbols differ at adversarial frame " + KernelFrames + ": fault " + (int)fa + "/" + (int)fb + " detail "
                        + a.Symbols.Detail + "/" + b.Symbols.Detail;
                    return;
                }

                if (fa != Fault.None)
                {
                    a.Symbols.Reset();
                    b.Symbols.Reset();
                    _startup = true;
                }
                else if (a.Symbols.StartupJustPassed)
                {
                    _startup = false;
                }

                Compare(a, b, "symbols");
            }

            uint r = _rng.Next();
            if (r % 3 == 0)
            {
                a.Pool.NoiseBlockPassed();
                b.Pool.NoiseBlockPassed();
            }

            if ((r >> 4) % 4 == 0)
            {
                a.Pool.DitherBlockPassed();
                b.Pool.DitherBlockPassed();
            }

            if ((r >> 8) % 16 == 0)
            {
                int p = (int)((r >> 12) % (uint)_frame.Length);
                a.Watch.Mask(p);
                b.Watch.Mask(p);
            }

            if ((r >> 16) % 64 == 0)
            {
                a.Pool.Clear();
                b.Pool.Clear();
                a.Watch.ClearRuns();
                b.Watch.ClearRuns();
            }
            else if (a.Pool.Committed >= 32)
            {
                a.Pool.Take(a.Taken);
                b.Pool.Take(b.Taken);
            }

            Compare(a, b, "pool");
            ushort[] t = _previous;
            _previous = _frame;
            _frame = t;
            KernelFrames++;
            Pixels += _frame.Length;
        }

        private void NewSides()
        {
            var c = new FirmwareConfig();
            c.Width = 1 + (int)(_rng.Next() % 67);
            c.Height = 1 + (int)(_rng.Next() % 37);
            c.TMinus = (int)(_rng.Next() % 200);
            c.TPlus = 1023 - (int)(_rng.Next() % 200);
            c.AptWindow = 64 << (int)(_rng.Next() % 4);
            c.StartupSymbols = 2 * c.AptWindow > 1024 ? 2 * c.AptWindow : 1024;
            c.PixelRepeatCutoff = 3 + (int)(_rng.Next() % 10);
            c.DitherParts = 1 + (int)(_rng.Next() % 12);
            c.ClaimedMilliBitsPerSymbol = 1000 + (int)(_rng.Next() % 1000);
            _a = new Side(c, false);
            _b = new Side(c, _native);
            _frame = new ushort[c.PixelCount];
            _previous = new ushort[c.PixelCount];
            _startup = true;
            _sideLeft = 20 + (int)(_rng.Next() % 400);
            _dark = (int)(_rng.Next() % (uint)c.PixelCount);
            Sizes++;
        }

        private void Fill()
        {
            ushort[] f = _frame;
            int tMinus = _a.Config.TMinus, tPlus = _a.Config.TPlus;
            int kind = (int)(_rng.Next() % (uint)Kinds.Length);
            KindCounts[kind]++;
            uint c = _rng.Next() % 1024;
            for (int i = 0; i < f.Length; i++)
            {
                uint x = _rng.Next();
                int v;
                switch (kind)
                {
                    case 0: v = 300 + (int)(x % 400); break;
                    case 1: v = (int)(x % 1024); break;
                    case 2: v = (x & 1) == 0 ? 0 : 1023; break;
                    case 3:
                        int[] edge = { tMinus - 1, tMinus, tPlus, tPlus + 1 };
                        v = edge[x % 4];
                        break;
                    case 4: v = x % 4 == 0 ? 1023 : 500 + (int)(x % 100); break;
                    case 5: v = (int)c; break;
                    case 6: v = _previous[i]; break;
                    default: v = (int)((c & ~0xCu) | ((x % 16 == 0 ? x : 0) & 0xCu)); break;
                }

                f[i] = (ushort)(v < 0 ? 0 : (v > 1023 ? 1023 : v));
            }

            // a dead pixel, never stuck (it would be masked): its out-of-range run reaches the cap of 255 frames
            int odd = (int)(KernelFrames & 1);
            f[_dark] = (ushort)(tMinus >= 2 ? odd : 1022 + odd);

        }

        private void Compare(Side a, Side b, string after)
        {
            FrameChecks x = a.Checks, y = b.Checks;
            string what = null;
            if (x.Low != y.Low || x.High != y.High || x.Mean != y.Mean || x.PairPixels != y.PairPixels)
            {
                what = "counts or mean";
            }
            else if (x.SumD != y.SumD || x.SumD2 != y.SumD2 || x.SumZ != y.SumZ)
            {
                what = "shot-noise sums";
            }
            else if (x.H1 != y.H1 || x.H2 != y.H2 || x.ReplayDistance != y.ReplayDistance)
            {
                what = "fingerprint";
            }
            else if (a.Pool.Committed != b.Pool.Committed || a.Pool.Staged != b.Pool.Staged || a.Watch.MaskedCount != b.Watch.MaskedCount)
            {
                what = "pool counters or masks";
            }
            else
            {
                for (int p = 0; p < x.PartSums.Length && what == null; p++)
                {
                    what = x.PartSums[p] != y.PartSums[p] || x.PartPixels[p] != y.PartPixels[p] ? "row band " + p : null;
                }

                what = what != null ? what : (a.Watch.Digest() != b.Watch.Digest() ? "pixel arrays (masks, stuck or out-of-range runs, last values)" : null);
                what = what != null ? what : (a.Pool.Digest() != b.Pool.Digest() ? "pool bytes or marks" : null);
                what = what != null ? what : Differ(a.Taken, b.Taken, "taken bytes");
            }

            if (what != null)
            {
                Violation = "paths differ after the " + after + " pass of adversarial frame " + KernelFrames + " (" + a.Config.Width + "x"
                    + a.Config.Height + "): " + what;
            }
        }

        private static string Differ(byte[] x, byte[] y, string name)
        {
            for (int i = 0; i < x.Length; i++)
            {
                if (x[i] != y[i])
                {
                    return name + " at " + i + ": " + x[i] + "/" + y[i];
                }
            }

            return null;
        }

        /// <summary>One path's per-pixel state: the passes, the pixel arrays and the pool.</summary>
        private sealed class Side
        {
            public readonly FirmwareConfig Config;
            public readonly PixelWatch Watch;
            public readonly FrameChecks Checks;
            public readonly EntropyPool Pool;
            public readonly SymbolTests Symbols;
            public readonly byte[] Taken = new byte[8];

            public Side(FirmwareConfig c, bool native)
            {
                Config = c;
                Watch = new PixelWatch(c.PixelCount, c.PixelRepeatCutoff);
                Checks = new FrameChecks(c, Watch, native);
                Pool = new EntropyPool(64, c.AptWindow);
                Symbols = new SymbolTests(c, Watch, Pool, native);
            }
        }

        /// <summary>Output kept as a count and an FNV-1a hash of the bytes.</summary>
        private sealed class HashSink : IByteSink
        {
            public long Count;
            public long Hash = 2166136261u;

            public void Write(byte[] buffer, int offset, int count)
            {
                uint h = (uint)Hash;
                for (int i = offset; i < offset + count; i++)
                {
                    h = (h ^ buffer[i]) * 16777619u;
                }

                Hash = h;
                Count += count;
            }
        }
    }
}
