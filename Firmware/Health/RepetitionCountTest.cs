// SP 800-90B §4.4.1 repetition count test. Feed is O(1) and allocates nothing.
using System;

namespace Qrng.Firmware.Health
{
    /// <summary>
    /// SP 800-90B §4.4.1 repetition count test: counts the run B of identical consecutive symbols and fails
    /// every symbol at which B &gt;= C. The run is not cut on failure, so a stuck source fails on every further
    /// symbol. Symbols are compared as ints (2-bit symbols 0..3 here). Not thread-safe.
    /// </summary>
    public sealed class RepetitionCountTest
    {
        private readonly int _cutoff;
        private int _last;
        private int _run;
        private int _failures;
        private int _longestRun;

        /// <summary>Creates the test with cutoff C (see <see cref="HealthMath.RepetitionCountCutoff"/>), C &gt;= 2.</summary>
        public RepetitionCountTest(int cutoff)
        {
            if (cutoff < 2)
            {
                throw new ArgumentOutOfRangeException("cutoff", "the repetition count cutoff must be at least 2");
            }

            _cutoff = cutoff;
        }

        /// <summary>The cutoff C: a run of C identical symbols is a failure.</summary>
        public int Cutoff
        {
            get { return _cutoff; }
        }

        /// <summary>Number of symbols that failed the test since construction or <see cref="Reset"/>.</summary>
        public int Failures
        {
            get { return _failures; }
        }

        /// <summary>Longest run of identical symbols seen since construction or <see cref="Reset"/>.</summary>
        public int LongestRun
        {
            get { return _longestRun; }
        }

        /// <summary>Feeds one symbol; returns false when the run it ends reaches the cutoff (B &gt;= C).</summary>
        public bool Feed(int symbol)
        {
            if (_run > 0 && symbol == _last)
            {
                _run++;
            }
            else
            {
                _last = symbol;
                _run = 1;
            }

            if (_run > _longestRun)
            {
                _longestRun = _run;
            }

            if (_run >= _cutoff)
            {
                _failures++;
                return false;
            }

            return true;
        }

        /// <summary>Forgets the current run, the failure count and the longest run.</summary>
        public void Reset()
        {
            _last = 0;
            _run = 0;
            _failures = 0;
            _longestRun = 0;
        }
    }
}
