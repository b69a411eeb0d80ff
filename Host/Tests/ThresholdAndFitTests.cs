using Qrng.Model;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>The threshold designer (paper Eq. 8–9) and the dark-noise fit (Eq. 4, Fig. 5).</summary>
    public class ThresholdAndFitTests
    {
        private static ThresholdDesigner Fig8(double hLow, double eps = 1e-9) =>
            new(new ArrayModel(new EntropyModel(SensorParams.Paper, NoiseParams.TableI(1)), LightDistribution.Uniform(64)),
                new DesignGoal(Epsilon: eps, HLow: hLow, Delta: 1e-6, N: 1));

        [Fact]
        public void Designer_on_the_Fig8_array_pins_its_thresholds()
        {
            // H_l = 0.97: the designer lands next to the paper's T- = 64 (its T+ = 940 keeps a margin the designer spends)
            var r = Fig8(0.97).Design();
            Assert.Equal(new FrameTestConfig(66, 970, 1, 1), r.Config);
            Assert.True(r.EpsilonAchieved <= 1e-9);
            Assert.InRange(r.WindowLow, 125, 128);
            Assert.InRange(r.WindowHigh, 1047, 1051);
            // H_l = 0.98 (the entropy the firmware credits): T- must rise to keep mu <= 201 out
            var strict = Fig8(0.98).Design();
            Assert.Equal(new FrameTestConfig(160, 958, 1, 1), strict.Config);
            Assert.InRange(strict.BadBelow, 200, 203);
            Assert.True(strict.MinHminInWindow > 0.98);
            Assert.Equal("health.t_minus = 160\nhealth.t_plus = 958\nhealth.n_minus = 1\nhealth.n_plus = 1\n", strict.Config.ToFirmwareConfig());
        }

        [Fact]
        public void The_paper_thresholds_meet_eq9_for_H_l_0_95_and_not_for_0_98()
        {
            var loose = Fig8(0.95).Evaluate(FrameTestConfig.Paper);
            Assert.True(loose.EpsilonAchieved < 1e-40, $"{loose.EpsilonAchieved}");
            Assert.True(loose.WindowLow < 150 && loose.WindowHigh > 1000, $"window {loose.WindowLow}..{loose.WindowHigh}");
            // between mu = 150 and 201 the mean entropy is 0.977-0.980: the paper's T- = 64 lets those frames through
            Assert.Equal(1.0, Fig8(0.98).Evaluate(FrameTestConfig.Paper).EpsilonAchieved, 6);
        }

        [Fact]
        public void Designer_refuses_an_unreachable_entropy_bound()
        {
            var e = Assert.Throws<ModelException>(() => Fig8(0.99).Design());
            Assert.Contains("unreachable", e.Message);
        }

        private static readonly NoiseParams Truth = NoiseParams.TableI(1) with { MuR = -13.6 + 8 };   // paper: ADC offset +8

        /// <summary>
        /// The fit must recover the simulator's true parameters within 4 standard errors (each SE from the observed
        /// Fisher information; a correct fit misses 4 SE with probability 6e-5), and the SEs must be small enough that
        /// this is a real constraint on a 64-pixel x 2000-frame histogram.
        /// </summary>
        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public void Noise_fit_recovers_the_simulated_parameters(int seed)
        {
            var h = new PixelSampler(SensorParams.Paper, Truth, seed).Histogram(0, 128_000);
            var r = NoiseFit.Fit(h, SensorParams.Paper);
            Assert.True(r.StdErr.MuR < 0.02 && r.StdErr.SigmaR < 0.01 && r.StdErr.MuDark < 0.05, $"SE {r.StdErr}");
            Assert.True(Math.Abs(r.Fit.MuR - Truth.MuR) < 4 * r.StdErr.MuR, $"mu_r {r.Fit.MuR} ± {r.StdErr.MuR}");
            Assert.True(Math.Abs(r.Fit.SigmaR - Truth.SigmaR) < 4 * r.StdErr.SigmaR, $"sigma_r {r.Fit.SigmaR} ± {r.StdErr.SigmaR}");
            Assert.True(Math.Abs(r.Fit.MuDark - Truth.MuDark) < 4 * r.StdErr.MuDark, $"mu_dark {r.Fit.MuDark} ± {r.StdErr.MuDark}");
            Assert.True(r.PValue > 1e-4, $"chi2 {r.ChiSquare}/{r.Dof}");
        }

        /// <summary>
        /// The ArduCAM delivers ADC bits 9..2 only: dark values come in 4-code buckets and σr (0.21 code) is invisible,
        /// so it is held fixed; μr and μdark must still come back within 4 standard errors.
        /// </summary>
        [Fact]
        public void Noise_fit_on_4_code_buckets_recovers_mu_r_and_mu_dark()
        {
            var h = new PixelSampler(SensorParams.Paper, Truth, 21).Histogram(0, 128_000, quantize: 4);
            Assert.All(Enumerable.Range(0, 1024).Where(z => z % 4 != 0), z => Assert.Equal(0, h.Counts[z]));
            var r = NoiseFit.Fit(h, SensorParams.Paper, bin: 4, fixedSigma: Truth.SigmaR);
            Assert.Equal(Truth.SigmaR, r.Fit.SigmaR);
            Assert.True(r.StdErr.MuR < 0.06 && r.StdErr.MuDark < 0.06, $"SE {r.StdErr}");
            Assert.True(Math.Abs(r.Fit.MuR - Truth.MuR) < 4 * r.StdErr.MuR, $"mu_r {r.Fit.MuR} ± {r.StdErr.MuR}");
            Assert.True(Math.Abs(r.Fit.MuDark - Truth.MuDark) < 4 * r.StdErr.MuDark, $"mu_dark {r.Fit.MuDark} ± {r.StdErr.MuDark}");
            Assert.True(r.PValue > 1e-4, $"chi2 {r.ChiSquare}/{r.Dof}");
        }

        [Fact]
        public void Noise_fit_on_the_exact_expected_histogram_is_unbiased()
        {
            var counts = new long[1024];
            for (int z = 0; z < counts.Length; z++) counts[z] = (long)Math.Round(1e8 * NoiseFit.Pmf(SensorParams.Paper, Truth, z));
            var r = NoiseFit.Fit(new Histogram(counts), SensorParams.Paper);
            Assert.Equal(Truth.MuR, r.Fit.MuR, 3);
            Assert.Equal(Truth.SigmaR, r.Fit.SigmaR, 3);
            Assert.Equal(Truth.MuDark, r.Fit.MuDark, 3);
        }

        [Fact]
        public void A_histogram_of_the_wrong_shape_is_flagged_by_the_fit_quality()
        {
            // uniform over 0..19: no Poisson-Gaussian mixture fits it
            var counts = new long[1024];
            for (int z = 0; z < 20; z++) counts[z] = 5000;
            var r = NoiseFit.Fit(new Histogram(counts), SensorParams.Paper);
            Assert.True(r.PValue < 1e-6, $"p = {r.PValue}");
        }

        [Fact]
        public void Histogram_files_round_trip_and_bad_files_are_refused()
        {
            string dir = Directory.CreateTempSubdirectory("qrng-hist").FullName;
            try
            {
                var h = new PixelSampler(SensorParams.Paper, Truth, 5).Histogram(0, 1000);
                string f = Path.Combine(dir, "h.csv");
                h.Save(f, "test");
                Assert.Equal(h.Counts, Histogram.Load(f, 1023).Counts);
                File.WriteAllText(f, "adc,count\n3,10\n2000,1\n");
                Assert.Contains(":3:", Assert.Throws<ModelException>(() => Histogram.Load(f, 1023)).Message);
                File.WriteAllText(f, "adc,count\n3,ten\n");
                Assert.Contains(":2:", Assert.Throws<ModelException>(() => Histogram.Load(f, 1023)).Message);
                File.WriteAllText(f, "adc,count\n");
                Assert.Contains("empty", Assert.Throws<ModelException>(() => Histogram.Load(f, 1023)).Message);
                Assert.Contains("not found", Assert.Throws<ModelException>(() => Histogram.Load(Path.Combine(dir, "nope.csv"), 1023)).Message);
            }
            finally { Directory.Delete(dir, true); }
        }
    }
}
