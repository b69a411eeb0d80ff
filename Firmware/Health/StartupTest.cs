// SP 800-90B §4.3 start-up test: the continuous health tests over the first symbols, before any output.
using System;

namespace Qrng.Firmware.Health
{
    /// <summary>
    /// SP 800-90B §4.3 start-up test: runs the repetition count test (§4.4.1) and the adaptive proportion test
    /// (§4.4.2) over at least <see cref="MinSymbols"/> consecutive symbols. It passes once that many symbols were fed
    /// without a failure and the current adaptive proportion window is complete. A failure sticks until
    /// <see cref="Reset"/>: the whole start-up test must then run again. Feed allocates nothing. Not thread-safe.
    /// </summary>
    public sealed class StartupTest
    {
        private readonly RepetitionCountTest _rct;
        private readonly AdaptiveProportionTest _apt;
        private readonly int _minSymbols;
        private int _fed;
        private bool _failed;

        /// <summary>
        /// Creates the start-up test. <paramref name="minSymbols"/> must be at least
        /// <see cref="MinimumSymbols"/>(<paramref name="aptWindow"/>).
        /// </summary>
        public StartupTest(int rctCutoff, int aptWindow, int aptCutoff, int minSymbols)
        {
            _rct = new RepetitionCountTest(rctCutoff);
            _apt = new AdaptiveProportionTest(aptWindow, aptCutoff);
            if (minSymbols < MinimumSymbols(aptWindow))
            {
                throw new ArgumentOutOfRangeException("minSymbols", "the start-up test needs at least max(1024, 2 * window) symbols");
            }

            _minSymbols = minSymbols;
        }

        /// <summary>Smallest start-up length for a window: max(1024, 2 * window) symbols (SP 800-90B §4.3: at least 1024).</summary>
        public static int MinimumSymbols(int aptWindow)
        {
            return 2 * aptWindow > 1024 ? 2 * aptWindow : 1024;
        }

        /// <summary>Symbols the start-up test needs at least.</summary>
        public int MinSymbols
        {
            get { return _minSymbols; }
        }

        /// <summary>Symbols fed since construction or <see cref="Reset"/>.</summary>
        public int SymbolsFed
        {
            get { return _fed; }
        }

        /// <summary>True once a symbol failed; only <see cref="Reset"/> clears it.</summary>
        public bool Failed
        {
            get { return _failed; }
        }

        /// <summary>True when at least <see cref="MinSymbols"/> symbols passed both tests and the APT window is complete.</summary>
        public bool Passed
        {
            get { return !_failed && _fed >= _minSymbols && _apt.Position == 0; }
        }

        /// <summary>The repetition count test the start-up test runs.</summary>
        public RepetitionCountTest RepetitionCount
        {
            get { return _rct; }
        }

        /// <summary>The adaptive proportion test the start-up test runs.</summary>
        public AdaptiveProportionTest AdaptiveProportion
        {
            get { return _apt; }
        }

        /// <summary>Feeds one symbol to both tests; returns false when either fails now or has failed before.</summary>
        public bool Feed(int symbol)
        {
            bool rctOk = _rct.Feed(symbol);
            bool aptOk = _apt.Feed(symbol);
            if (_fed < int.MaxValue)
            {
                _fed++;
            }

            if (!rctOk || !aptOk)
            {
                _failed = true;
            }

            return !_failed;
        }

        /// <summary>Starts the start-up test over: both tests, the symbol count and the failure flag.</summary>
        public void Reset()
        {
            _rct.Reset();
            _apt.Reset();
            _fed = 0;
            _failed = false;
        }
    }
}
