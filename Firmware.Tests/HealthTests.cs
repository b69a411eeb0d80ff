using System;
using nanoFramework.TestFramework;
using Qrng.Firmware.Health;

namespace Qrng.Firmware.Tests
{
    // SP 800-90B §4.3/§4.4 health tests for 2-bit symbols. Reference values: mpmath at 50 digits.
    [TestClass]
    public class HealthTests
    {
        private const int RctCutoff = 12;   // H = 1.96 bits/symbol, alpha = 2^-20
        private const int AptWindow = 512;
        private const int AptCutoff = 181;  // H = 1.96 bits/symbol, alpha = 2^-20, W = 512

        [TestMethod]
        public static void Rct_cutoff_for_1960_millibits_and_alpha_2_pow_minus_20_is_12()
        {
            Assert.AreEqual(12, HealthMath.RepetitionCountCutoff(1960, 20));
        }

        [TestMethod]
        public static void Rct_cutoff_is_one_plus_ceiling_of_alpha_exponent_over_h()
        {
            Assert.AreEqual(21, HealthMath.RepetitionCountCutoff(1000, 20));
            Assert.AreEqual(11, HealthMath.RepetitionCountCutoff(2000, 20));
            Assert.AreEqual(41, HealthMath.RepetitionCountCutoff(500, 20));
            Assert.AreEqual(31, HealthMath.RepetitionCountCutoff(1000, 30));
            Assert.AreEqual(2, HealthMath.RepetitionCountCutoff(64000, 1));
        }

        [TestMethod]
        public static void Apt_cutoffs_for_window_512_and_alpha_2_pow_minus_20()
        {
            Assert.AreEqual(410, HealthMath.AdaptiveProportionCutoff(500, 20, 512));
            Assert.AreEqual(311, HealthMath.AdaptiveProportionCutoff(1000, 20, 512));
            Assert.AreEqual(181, HealthMath.AdaptiveProportionCutoff(1960, 20, 512));
            Assert.AreEqual(177, HealthMath.AdaptiveProportionCutoff(2000, 20, 512));
            Assert.AreEqual(62, HealthMath.AdaptiveProportionCutoff(4000, 20, 512));
            Assert.AreEqual(13, HealthMath.AdaptiveProportionCutoff(8000, 20, 512));
        }

        [TestMethod]
        public static void Apt_cutoffs_for_binary_window_1024_and_alpha_2_pow_minus_20()
        {
            Assert.AreEqual(941, HealthMath.AdaptiveProportionCutoff(200, 20, 1024));
            Assert.AreEqual(793, HealthMath.AdaptiveProportionCutoff(500, 20, 1024));
            Assert.AreEqual(589, HealthMath.AdaptiveProportionCutoff(1000, 20, 1024));
        }

        [TestMethod]
        public static void Cutoff_arguments_out_of_range_are_refused()
        {
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => HealthMath.RepetitionCountCutoff(0, 20));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => HealthMath.RepetitionCountCutoff(1960, 0));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => HealthMath.RepetitionCountCutoff(64001, 20));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => HealthMath.AdaptiveProportionCutoff(1960, 65, 512));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => HealthMath.AdaptiveProportionCutoff(1960, 20, 1));
        }

        [TestMethod]
        public static void Exp2_matches_reference_values()
        {
            Close(0.25702845666401663367, HealthMath.Exp2(-1.96), "2^-1.96");
            Close(0.70710678118654752440, HealthMath.Exp2(-0.5), "2^-0.5");
            Close(1.0717734625362931683, HealthMath.Exp2(0.1), "2^0.1");
            Close(1.0000000000693147181, HealthMath.Exp2(1e-10), "2^1e-10");
            Close(9.8491553067593290633, HealthMath.Exp2(3.3), "2^3.3");
            Close(15511800964685064948.0, HealthMath.Exp2(63.75), "2^63.75");
            Close(5.4210108624275221700E-20, HealthMath.Exp2(-64.0), "2^-64");
            Close(2.2250738585072014E-308, HealthMath.Exp2(-1022.0), "2^-1022");
        }

        [TestMethod]
        public static void Exp2_is_exact_at_integers_and_saturates_below_the_double_range()
        {
            Assert.AreEqual(1.0, HealthMath.Exp2(0.0));
            Assert.AreEqual(1024.0, HealthMath.Exp2(10.0));
            Assert.AreEqual(9.5367431640625E-07, HealthMath.Exp2(-20.0));
            Assert.AreEqual(0.0, HealthMath.Exp2(-2000.0));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => HealthMath.Exp2(1024.0));
        }

        [TestMethod]
        public static void Log2_matches_reference_values()
        {
            Close(1.5849625007211561815, HealthMath.Log2(3.0), "log2 3");
            Close(-1.9601597354682089018, HealthMath.Log2(0.257), "log2 0.257");
            Close(-0.41503749927884381855, HealthMath.Log2(0.75), "log2 0.75");
            Close(1.4426949695965583682E-07, HealthMath.Log2(1.0000001), "log2 1.0000001");
            Close(-1.4426957622784504466E-06, HealthMath.Log2(0.999999), "log2 0.999999");
            Close(3.3219280948873623479, HealthMath.Log2(10.0), "log2 10");
            Close(19.931569290671514195, HealthMath.Log2(1000000.5), "log2 1000000.5");
            Close(-996.57842846620870432, HealthMath.Log2(1e-300), "log2 1e-300");
        }

        [TestMethod]
        public static void Log2_is_exact_at_powers_of_two_and_refuses_non_positive_input()
        {
            Assert.AreEqual(0.0, HealthMath.Log2(1.0));
            Assert.AreEqual(64.0, HealthMath.Log2(18446744073709551616.0));
            Assert.AreEqual(-20.0, HealthMath.Log2(9.5367431640625E-07));
            Assert.AreEqual(-1074.0, HealthMath.Log2(4.9406564584124654E-324));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => HealthMath.Log2(0.0));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => HealthMath.Log2(-1.0));
        }

        [TestMethod]
        public static void Exp2_and_Log2_invert_each_other()
        {
            for (int i = -640; i <= 640; i += 7)
            {
                double x = i / 10.0 + 0.0123;
                Close(x, HealthMath.Log2(HealthMath.Exp2(x)), "log2(2^" + x.ToString() + ")");
            }
        }

        [TestMethod]
        public static void Rct_fails_on_a_run_of_exactly_the_cutoff_and_not_one_less()
        {
            RepetitionCountTest rct = new RepetitionCountTest(RctCutoff);
            Assert.AreEqual(RctCutoff, rct.Cutoff);
            Assert.IsTrue(rct.Feed(3));
            for (int i = 0; i < RctCutoff - 1; i++)
            {
                Assert.IsTrue(rct.Feed(0), "a run of " + (i + 1).ToString() + " must pass");
            }

            Assert.AreEqual(RctCutoff - 1, rct.LongestRun);
            Assert.AreEqual(0, rct.Failures);
            Assert.IsFalse(rct.Feed(0), "a run of C must fail");
            Assert.AreEqual(1, rct.Failures);
            Assert.AreEqual(RctCutoff, rct.LongestRun);
            Assert.IsFalse(rct.Feed(0), "a longer run fails again");
            Assert.AreEqual(2, rct.Failures);
            Assert.IsTrue(rct.Feed(1), "a new symbol starts a new run");
        }

        [TestMethod]
        public static void Rct_counts_the_first_symbol_in_the_run_and_reset_clears_state()
        {
            RepetitionCountTest rct = new RepetitionCountTest(RctCutoff);
            for (int i = 1; i < RctCutoff; i++)
            {
                Assert.IsTrue(rct.Feed(2));
            }

            Assert.IsFalse(rct.Feed(2));
            rct.Reset();
            Assert.AreEqual(0, rct.Failures);
            Assert.AreEqual(0, rct.LongestRun);
            Assert.IsTrue(rct.Feed(2), "after Reset the old run is forgotten");
            Assert.AreEqual(1, rct.LongestRun);
        }

        [TestMethod]
        public static void Apt_fails_when_the_window_holds_the_cutoff_copies_of_its_first_symbol()
        {
            AdaptiveProportionTest apt = new AdaptiveProportionTest(AptWindow, AptCutoff);
            Assert.AreEqual(AptWindow, apt.Window);
            Assert.AreEqual(AptCutoff, apt.Cutoff);

            // Window 1: symbol 0 first and C - 1 times in all, spread out; passes.
            FeedWindow(apt, 0, AptCutoff - 1, true);
            Assert.AreEqual(0, apt.Failures);
            Assert.AreEqual(AptCutoff - 1, apt.MaxCount);
            Assert.AreEqual(0, apt.Position);

            // Window 2: symbol 2 first and C times in all; the C-th copy fails.
            FeedWindow(apt, 2, AptCutoff, false);
            Assert.AreEqual(AptCutoff, apt.MaxCount);
            Assert.IsTrue(apt.Failures >= 1);
        }

        [TestMethod]
        public static void Apt_counts_only_the_first_symbol_and_starts_over_each_window()
        {
            AdaptiveProportionTest apt = new AdaptiveProportionTest(8, 4);
            Assert.IsTrue(apt.Feed(1));
            for (int i = 0; i < 7; i++)
            {
                Assert.IsTrue(apt.Feed(0), "symbols other than the first are not counted");
            }

            Assert.AreEqual(1, apt.MaxCount);
            Assert.AreEqual(0, apt.Position);

            // 0 0 0 in the next window: the count starts at the window's first symbol.
            Assert.IsTrue(apt.Feed(0));
            Assert.IsTrue(apt.Feed(0));
            Assert.IsTrue(apt.Feed(0));
            Assert.IsFalse(apt.Feed(0), "the 4th copy of the first symbol fails");
            Assert.AreEqual(1, apt.Failures);

            apt.Reset();
            Assert.AreEqual(0, apt.Failures);
            Assert.AreEqual(0, apt.MaxCount);
            Assert.AreEqual(0, apt.Position);
            Assert.IsTrue(apt.Feed(0), "after Reset a new window starts");
            Assert.AreEqual(1, apt.MaxCount);
        }

        [TestMethod]
        public static void Tests_refuse_cutoffs_and_windows_below_2()
        {
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => new RepetitionCountTest(1));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => new AdaptiveProportionTest(1, 2));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => new AdaptiveProportionTest(512, 1));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => new StartupTest(RctCutoff, AptWindow, AptCutoff, 1023));
            Assert.AreEqual(1024, StartupTest.MinimumSymbols(512));
            Assert.AreEqual(2048, StartupTest.MinimumSymbols(1024));
        }

        [TestMethod]
        public static void Startup_test_passes_on_a_good_sequence_after_the_minimum_symbols()
        {
            StartupTest st = new StartupTest(RctCutoff, AptWindow, AptCutoff, 1024);
            uint state = 2463534242;
            for (int i = 0; i < 1023; i++)
            {
                Assert.IsTrue(st.Feed(NextSymbol(ref state)), "symbol " + i.ToString());
                Assert.IsFalse(st.Passed);
            }

            Assert.IsTrue(st.Feed(NextSymbol(ref state)));
            Assert.IsTrue(st.Passed);
            Assert.AreEqual(1024, st.SymbolsFed);
            Assert.AreEqual(0, st.RepetitionCount.Failures);
            Assert.AreEqual(0, st.AdaptiveProportion.Failures);
        }

        [TestMethod]
        public static void Startup_test_waits_for_a_complete_window()
        {
            StartupTest st = new StartupTest(RctCutoff, AptWindow, AptCutoff, 1100);
            uint state = 88172645;
            for (int i = 0; i < 1535; i++)
            {
                Assert.IsTrue(st.Feed(NextSymbol(ref state)));
                Assert.IsFalse(st.Passed, "symbol " + i.ToString());
            }

            Assert.IsTrue(st.Feed(NextSymbol(ref state)));
            Assert.IsTrue(st.Passed);
        }

        [TestMethod]
        public static void Startup_test_fails_on_a_stuck_source_until_reset()
        {
            StartupTest st = new StartupTest(RctCutoff, AptWindow, AptCutoff, 1024);
            for (int i = 1; i < RctCutoff; i++)
            {
                Assert.IsTrue(st.Feed(3));
            }

            Assert.IsFalse(st.Feed(3), "the RCT cutoff is reached");
            Assert.IsTrue(st.Failed);

            uint state = 2463534242;
            for (int i = 0; i < 2048; i++)
            {
                Assert.IsFalse(st.Feed(NextSymbol(ref state)), "a failure sticks");
            }

            Assert.IsFalse(st.Passed);

            st.Reset();
            Assert.IsFalse(st.Failed);
            Assert.AreEqual(0, st.SymbolsFed);
            state = 2463534242;
            for (int i = 0; i < 1024; i++)
            {
                Assert.IsTrue(st.Feed(NextSymbol(ref state)));
            }

            Assert.IsTrue(st.Passed);
        }

        // Window of AptWindow symbols: 'first' at position 0 and 'copies' times in all, the other positions cycle
        // through the three other symbols. Checks Feed fails exactly from the cutoff-th copy on.
        private static void FeedWindow(AdaptiveProportionTest apt, int first, int copies, bool expectPass)
        {
            int seen = 0;
            int other = 0;
            for (int i = 0; i < AptWindow; i++)
            {
                int symbol;
                if (i == 0 || (i % 2 == 1 && seen < copies))
                {
                    symbol = first;
                    seen++;
                }
                else
                {
                    other = (other + 1) % 4;
                    if (other == first)
                    {
                        other = (other + 1) % 4;
                    }

                    symbol = other;
                }

                bool ok = apt.Feed(symbol);
                Assert.AreEqual(seen < AptCutoff, ok, "position " + i.ToString() + ", copy " + seen.ToString());
            }

            Assert.AreEqual(copies, seen);
            Assert.AreEqual(expectPass, seen < AptCutoff);
        }

        // xorshift32 (Marsaglia 2003); the top two bits are the 2-bit symbol.
        private static int NextSymbol(ref uint state)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            return (int)(state >> 30);
        }

        private static void Close(double expected, double actual, string what)
        {
            double error = expected - actual;
            if (error < 0)
            {
                error = -error;
            }

            double scale = expected < 0 ? -expected : expected;
            Assert.IsTrue(error <= 1e-12 * scale, what + ": expected " + expected.ToString() + ", got " + actual.ToString());
        }
    }
}
