// SP 800-90B §4.4.2 adaptive proportion test. Feed is O(1) and allocates nothing.
using System;

namespace Qrng.Firmware.Health
{
    /// <summary>
    /// SP 800-90B §4.4.2 adaptive proportion test over non-overlapping windows of W symbols: the first symbol A of
    /// a window sets B = 1, each later symbol equal to A increments B, and every symbol at which B &gt;= C is a
    /// failure. Symbols are compared as ints (2-bit symbols 0..3 here). Not thread-safe.
    /// </summary>
    public sealed class AdaptiveProportionTest
    {
        private readonly int _window;
        private readonly int _cutoff;
        private int _position;
        private int _first;
        private int _count;
        private int _failures;
        private int _maxCount;

        /// <summary>
        /// Creates the test with window W &gt;= 2 (SP 800-90B: 1024 for binary, 512 for other sources) and cutoff
        /// C &gt;= 2 (see <see cref="HealthMath.AdaptiveProportionCutoff"/>).
        /// </summary>
        public AdaptiveProportionTest(int window, int cutoff)
        {
            if (window < 2)
            {
                throw new ArgumentOutOfRangeException("window", "the window must hold at least 2 symbols");
            }

            if (cutoff < 2)
            {
                throw new ArgumentOutOfRangeException("cutoff", "the adaptive proportion cutoff must be at least 2");
            }

            _window = window;
            _cutoff = cutoff;
        }

        /// <summary>The cutoff C: C copies of a window's first symbol in that window is a failure.</summary>
        public int Cutoff
        {
            get { return _cutoff; }
        }

        /// <summary>The window size W.</summary>
        public int Window
        {
            get { return _window; }
        }

        /// <summary>Symbols already fed into the current window; 0 when the last window is complete.</summary>
        public int Position
        {
            get { return _position; }
        }

        /// <summary>Number of symbols that failed the test since construction or <see cref="Reset"/>.</summary>
        public int Failures
        {
            get { return _failures; }
        }

        /// <summary>Largest count B of a window's first symbol, over completed windows and the current one.</summary>
        public int MaxCount
        {
            get { return _maxCount; }
        }

        /// <summary>Feeds one symbol; returns false when the count of the window's first symbol reaches C.</summary>
        public bool Feed(int symbol)
        {
            if (_position == 0)
            {
                _first = symbol;
                _count = 1;
            }
            else if (symbol == _first)
            {
                _count++;
            }

            if (++_position == _window)
            {
                _position = 0;
            }

            if (_count > _maxCount)
            {
                _maxCount = _count;
            }

            if (_count >= _cutoff)
            {
                _failures++;
                return false;
            }

            return true;
        }

        /// <summary>Starts a new window and forgets the failure count and the largest count.</summary>
        public void Reset()
        {
            _position = 0;
            _first = 0;
            _count = 0;
            _failures = 0;
            _maxCount = 0;
        }
    }
}
