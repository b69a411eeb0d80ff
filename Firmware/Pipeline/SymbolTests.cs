using Qrng.Firmware.Health;

namespace Qrng.Firmware.Pipeline
{
    /// <summary>
    /// The symbols of a frame that passed the frame checks (frame steps 3-5), in one pass over the unmasked pixels
    /// (fused: stuck-pixel runs, symbol extraction, the tests and staging share it): each pixel's raw value extends or
    /// ends its stuck run (<see cref="PixelWatch"/>); bits 2-3 go through the SP 800-90B start-up test (§4.3) or the
    /// continuous repetition count (§4.4.1) and adaptive proportion (§4.4.2) tests; a symbol of a pixel inside
    /// [T−, T+] is staged in the pool and credited only once its APT window has completed without a failure.
    /// </summary>
    public sealed class SymbolTests
    {
        private readonly int _pixels, _tMinus, _tPlus;
        private readonly PixelWatch _watch;
        private readonly EntropyPool _pool;
        private readonly RepetitionCountTest _rct;
        private readonly AdaptiveProportionTest _apt;
        private readonly StartupTest _startup;

        public SymbolTests(FirmwareConfig config, PixelWatch watch, EntropyPool pool)
        {
            _pixels = config.PixelCount;
            _tMinus = config.TMinus;
            _tPlus = config.TPlus;
            _watch = watch;
            _pool = pool;
            RctCutoff = HealthMath.RepetitionCountCutoff(config.ClaimedMilliBitsPerSymbol, config.AlphaExponent);
            AptCutoff = HealthMath.AdaptiveProportionCutoff(config.ClaimedMilliBitsPerSymbol, config.AlphaExponent, config.AptWindow);
            _rct = new RepetitionCountTest(RctCutoff);
            _apt = new AdaptiveProportionTest(config.AptWindow, AptCutoff);
            _startup = new StartupTest(RctCutoff, config.AptWindow, AptCutoff, config.StartupSymbols);
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
            StartupJustPassed = false;
            // configuration and arrays in locals: the loop runs per pixel on an interpreter
            int tMinus = _tMinus, tPlus = _tPlus, n = _pixels, repeatLimit = _watch.Cutoff - 1;
            bool[] masked = _watch.Masked;
            byte[] repeat = _watch.Repeat;
            ushort[] lastGood = _watch.LastGood;
            for (int i = 0; i < n; i++)
            {
                if (masked[i])
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

        /// <summary>A fresh start-up test; the continuous tests start over after it.</summary>
        public void Reset()
        {
            _startup.Reset();
            _rct.Reset();
            _apt.Reset();
        }
    }
}
