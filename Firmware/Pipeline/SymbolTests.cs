using Qrng.Firmware.Health;
using Qrng.Native;

namespace Qrng.Firmware.Pipeline
{
    /// <summary>
    /// The symbols of a frame that passed the frame checks (frame steps 3-5), in one pass over the unmasked pixels
    /// (fused: stuck-pixel runs, symbol extraction, the tests and staging share it): each pixel's raw value extends or
    /// ends its stuck run (<see cref="PixelWatch"/>); bits 2-3 go through the SP 800-90B start-up test (§4.3) or the
    /// continuous repetition count (§4.4.1) and adaptive proportion (§4.4.2) tests; a symbol of a pixel inside
    /// [T−, T+] is staged in the pool and credited only once its APT window has completed without a failure.
    /// On the native path (<see cref="FrameKernel"/>) the same pass runs in qrng_frame.c on the same arrays: the tests'
    /// state lives in an int[] the kernel owns (the test objects are the managed path's), the pool's counters go to it
    /// and come back after it (a few copies per frame, none per pixel).
    /// </summary>
    public sealed class SymbolTests
    {
        private readonly int _pixels, _tMinus, _tPlus;
        private readonly PixelWatch _watch;
        private readonly EntropyPool _pool;
        private readonly RepetitionCountTest _rct;
        private readonly AdaptiveProportionTest _apt;
        private readonly StartupTest _startup;
        private readonly int[] _state;          // native path only: the kernel's state (layout in qrng_frame.h)

        public SymbolTests(FirmwareConfig config, PixelWatch watch, EntropyPool pool)
            : this(config, watch, pool, FrameKernel.Native)
        {
        }

        /// <param name="native">the native kernel (it must exist: the engine chose it) or the managed loop</param>
        public SymbolTests(FirmwareConfig config, PixelWatch watch, EntropyPool pool, bool native)
        {
            _pixels = config.PixelCount;
            _tMinus = config.TMinus;
            _tPlus = config.TPlus;
            _watch = watch;
            _pool = pool;
            RctCutoff = HealthMath.RepetitionCountCutoff(config.ClaimedMilliBitsPerSymbol, config.AlphaExponent);
            AptCutoff = HealthMath.AdaptiveProportionCutoff(config.ClaimedMilliBitsPerSymbol, config.AlphaExponent, config.AptWindow);
            if (!native)
            {
                // the managed loop's tests; the native kernel keeps the same state in _state
                _rct = new RepetitionCountTest(RctCutoff);
                _apt = new AdaptiveProportionTest(config.AptWindow, AptCutoff);
                _startup = new StartupTest(RctCutoff, config.AptWindow, AptCutoff, config.StartupSymbols);
            }
            else
            {
                _state = new int[FrameKernelNative.SymbolState];
                _state[StateRctCutoff] = RctCutoff;
                _state[StateAptWindow] = config.AptWindow;
                _state[StateAptCutoff] = AptCutoff;
                _state[StateMinSymbols] = config.StartupSymbols;
            }
        }

        // the state's layout (qrng_frame.h, QRNG_SYM_*): constants, then the continuous tests (4 + 5 ints), the start-up
        // test's (4 + 5, fed, failed), the pool's counters and the outputs
        private const int StateRctCutoff = 0, StateAptWindow = 1, StateAptCutoff = 2, StateMinSymbols = 3, StateTests = 4,
            StateTestsLength = 20, StatePool = 24, StateDetail = 29, StateStartupPassed = 30;

        /// <summary>True when the native kernel runs the pass.</summary>
        public bool Native
        {
            get { return _state != null; }
        }

        public int RctCutoff { get; private set; }

        public int AptCutoff { get; private set; }

        /// <summary>The detail of the last failure (pixel index, run length or window count).</summary>
        public int Detail { get; private set; }

        /// <summary>True when the start-up test completed during the last <see cref="Run"/>: the continuous tests took over.</summary>
        public bool StartupJustPassed { get; private set; }

        /// <summary>
        /// Runs one frame's symbols; <paramref name="startup"/> while the start-up test has not passed. Returns
        /// <see cref="Fault.None"/>, or the failure: <see cref="Fault.PixelStuck"/> (the pixel is masked),
        /// <see cref="Fault.RepetitionCount"/> or <see cref="Fault.AdaptiveProportion"/>.
        /// </summary>
        public Fault Run(ushort[] frame, bool startup)
        {
            if (_state != null)
            {
                return RunNative(frame, startup);
            }

            StartupJustPassed = false;
            // configuration and arrays in locals: the loop runs per pixel on an interpreter
            int tMinus = _tMinus, tPlus = _tPlus, n = _pixels, repeatLimit = _watch.Cutoff - 1;
            byte[] masked = _watch.Masked;
            byte[] repeat = _watch.Repeat;
            ushort[] lastGood = _watch.LastGood;
            for (int i = 0; i < n; i++)
            {
                if (masked[i] != 0)
                {
                    continue;
                }

                // stuck pixels: runs of one raw value over consecutive frames that passed the frame checks (dark or
                // stale frames would make healthy pixels repeat, so they neither extend nor reset a run)
                int z = frame[i];
                if (z == lastGood[i])
                {
                    if (repeat[i] < 255)
                    {
                        repeat[i]++;
                    }
                }
                else
                {
                    repeat[i] = 0;
                    lastGood[i] = (ushort)z;
                }

                if (repeat[i] >= repeatLimit)
                {
                    _watch.Mask(i);
                    Detail = i;
                    return Fault.PixelStuck;
                }

                int symbol = (z >> 2) & 3;                        // paper: bits 2-3 of the 10-bit value
                if (startup)
                {
                    if (!_startup.Feed(symbol))
                    {
                        bool rct = _startup.RepetitionCount.Failures > 0;
                        Detail = rct ? _startup.RepetitionCount.LongestRun : _startup.AdaptiveProportion.MaxCount;
                        return rct ? Fault.RepetitionCount : Fault.AdaptiveProportion;
                    }

                    if (_startup.Passed)
                    {
                        // SP 800-90B §4.3 done; the continuous tests start afresh on the next symbol
                        startup = false;
                        StartupJustPassed = true;
                        _rct.Reset();
                        _apt.Reset();
                    }

                    continue;
                }

                if (!_rct.Feed(symbol))
                {
                    Detail = _rct.Cutoff;
                    return Fault.RepetitionCount;
                }

                if (!_apt.Feed(symbol))
                {
                    Detail = _apt.Cutoff;
                    return Fault.AdaptiveProportion;
                }

                // a pixel outside [T-, T+] (up to N± per frame pass) may sit at a clamp: tested, never credited
                if (z >= tMinus && z <= tPlus)
                {
                    _pool.Add(symbol);
                }

                if (_apt.Position == 0)
                {
                    _pool.AptWindowPassed();                      // the window that holds the staged symbols passed
                }
            }

            return Fault.None;
        }

        // The same pass in qrng_frame.c: state out, one call, state back; a stuck pixel is masked here, as Mask counts it.
        private Fault RunNative(ushort[] frame, bool startup)
        {
            int[] s = _state;
            _pool.Save(s, StatePool);
            int result = FrameKernelNative.Symbols(frame, _pixels, startup ? 1 : 0, _watch.Masked, _watch.Repeat, _watch.LastGood,
                _watch.Cutoff - 1, _tMinus, _tPlus, _pool.Buffer, s);
            _pool.Load(s, StatePool);
            StartupJustPassed = s[StateStartupPassed] != 0;
            if (result == 0)
            {
                return Fault.None;
            }

            Detail = s[StateDetail];
            if (result == 1)
            {
                _watch.Mask(Detail);
                return Fault.PixelStuck;
            }

            return result == 2 ? Fault.RepetitionCount : Fault.AdaptiveProportion;
        }

        /// <summary>A fresh start-up test; the continuous tests start over after it.</summary>
        public void Reset()
        {
            if (_state != null)
            {
                System.Array.Clear(_state, StateTests, StateTestsLength);
                return;
            }

            _startup.Reset();
            _rct.Reset();
            _apt.Reset();
        }
    }
}
