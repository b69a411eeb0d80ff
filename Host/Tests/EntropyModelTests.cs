using MathNet.Numerics;
using Qrng.Model;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>The paper's results (Fig. 2b, 7, 8) and the numerics behind them, checked against independent code.</summary>
    public class EntropyModelTests
    {
        private static readonly EntropyModel NoNoise = new(SensorParams.Paper, NoiseParams.None);
        private static readonly EntropyModel Pixel1 = new(SensorParams.Paper, NoiseParams.TableI(1));

        [Fact]
        public void Fig2b_no_noise_K_0_8192_mu_625_gives_0_982_per_bit()
        {
            var h = NoNoise.Hmin(625);
            Assert.Equal(0.982, Math.Round(h.HminPerBit, 3));
            // independent: sum the Poisson law over floor(K·n) by hand (no noise: E = 0, Eve learns nothing)
            var sym = new double[4];
            for (int n = 0; n < 2000; n++)
                sym[((int)Math.Floor(0.8192 * n) >> 2) & 3] += Math.Exp(n * Math.Log(625.0) - 625 - SpecialFunctions.GammaLn(n + 1.0));
            Assert.Equal(-Math.Log2(sym.Max()) / 2, h.HminPerBit, 10);   // the model adds its 1e-13 truncation bound to p_guess
            var fromZ = EntropyModel.SymbolDistribution(NoNoise.ZDistribution(625));
            for (int z = 0; z < 4; z++) Assert.Equal(sym[z], fromZ[z], 12);
        }

        [Fact]
        public void Fig7_pixel1_noise_gives_over_0_98_per_bit_for_mu_500_to_750()
        {
            var mu = Enumerable.Range(0, 101).Select(i => 500 + 2.5 * i).ToArray();
            foreach (var h in Pixel1.Curve(mu))
            {
                Assert.True(h.HminPerBit > 0.98, $"H_min({h.MuE}) = {h.HminPerBit}");
                Assert.Equal(0.982, Math.Round(h.HminPerBit, 3));
            }
            // the classical noise costs entropy only when Eve knows it: without side information ~0.9998 (paper Sec. V: 0.999)
            Assert.Equal(1.000, Math.Round(Pixel1.Hmin(625).HNoSideInfoPerBit, 3));
        }

        [Fact]
        public void Fig8_64_pixels_paper_thresholds_negligible_failure_and_full_entropy_for_mu_150_to_1000()
        {
            var array = new ArrayModel(Pixel1, LightDistribution.Uniform(64));
            var mu = Enumerable.Range(0, 171).Select(i => 150 + 5.0 * i).ToArray();
            foreach (var s in array.At(mu))
            {
                double fail = 1 - s.Pass(FrameTestConfig.Paper);
                Assert.True(fail < 1e-7, $"P(fail) at mu {s.Mu} = {fail}");
                Assert.True(Math.Round(s.MeanHminPerBit, 3) >= 0.977, $"H at mu {s.Mu} = {s.MeanHminPerBit}");
            }
            // "the entropy per bit is only dropping in the region where the failure probability is equal to 1"
            var all = array.At(Enumerable.Range(0, 301).Select(i => 5.0 * i).ToArray());
            var dropped = all.Where(s => s.MeanHminPerBit < 0.97).ToArray();
            Assert.NotEmpty(dropped);
            foreach (var s in dropped) Assert.True(1 - s.Pass(FrameTestConfig.Paper) > 0.999, $"mu {s.Mu}: H {s.MeanHminPerBit}, P(fail) {1 - s.Pass(FrameTestConfig.Paper)}");
        }

        /// <summary>
        /// Eq. 6 by brute force: midpoint quadrature of P_E(e)·max_z P(Z23 = z | E = e) on a 2e-5 grid, the integrand
        /// evaluated directly (no sweep, no CDF table). It must agree with the event sweep to 1e-4 in H_min.
        /// </summary>
        [Theory]
        [InlineData(60.0, -1.3, 0.3, 2.0)]
        [InlineData(150.0, -2.0, 0.21, 3.0)]
        public void Hmin_agrees_with_brute_force_quadrature(double muE, double muR, double sigma, double muDark)
        {
            var noise = new NoiseParams(muR, sigma, muDark);
            var fast = new EntropyModel(SensorParams.Paper, noise).Hmin(muE);
            double k = SensorParams.PaperK;
            var nList = Enumerable.Range(0, (int)(muE + 14 * Math.Sqrt(muE) + 30)).ToArray();
            var pn = nList.Select(n => Math.Exp(n * Math.Log(muE) - muE - SpecialFunctions.GammaLn(n + 1.0))).ToArray();
            var mList = Enumerable.Range(0, 40).ToArray();
            var pm = mList.Select(m => Math.Exp(m * Math.Log(muDark) - muDark - SpecialFunctions.GammaLn(m + 1.0))).ToArray();
            double lo = muR - 10 * sigma, hi = muR + k * 39 + 10 * sigma, step = 2e-5, pg = 0;
            var b = new double[4];
            for (double e = lo + step / 2; e < hi; e += step)
            {
                double dens = 0;
                for (int i = 0; i < mList.Length; i++)
                {
                    double z = (e - muR - k * mList[i]) / sigma;
                    if (Math.Abs(z) < 10) dens += pm[i] * Math.Exp(-0.5 * z * z) / (sigma * Math.Sqrt(2 * Math.PI));
                }
                if (dens < 1e-14) continue;
                Array.Clear(b);
                for (int i = 0; i < nList.Length; i++)
                {
                    int zz = (int)Math.Floor(k * nList[i] + e);
                    b[(Math.Clamp(zz, 0, 1023) >> 2) & 3] += pn[i];
                }
                pg += dens * step * b.Max();
            }
            double slow = -Math.Log2(pg) / 2;
            Assert.True(Math.Abs(slow - fast.HminPerBit) < 1e-4, $"sweep {fast.HminPerBit}, quadrature {slow}");
        }

        [Fact]
        public void Noise_cdf_table_matches_the_direct_mixture()
        {
            var e = Pixel1.E;
            double worst = 0;
            for (double x = e.Lo - 1; x < e.Hi + 1; x += 0.000731) worst = Math.Max(worst, Math.Abs(e.Cdf(x) - e.DirectCdf(x)));
            Assert.True(worst < 1e-12, $"max |table - direct| = {worst}");
        }

        [Fact]
        public void Z_distribution_matches_samples_from_the_physical_model()
        {
            var pz = Pixel1.ZDistribution(300);
            Assert.Equal(1.0, pz.Sum(), 10);
            var h = new PixelSampler(SensorParams.Paper, NoiseParams.TableI(1), 7).Histogram(300, 200_000);
            double chi = 0; int bins = 0;
            for (int z = 0; z < pz.Length; z++)
            {
                double exp = pz[z] * h.Total;
                if (exp < 5) continue;
                chi += (h.Counts[z] - exp) * (h.Counts[z] - exp) / exp;
                bins++;
            }
            double p = 1 - MathNet.Numerics.Distributions.ChiSquared.CDF(bins - 1, chi);
            Assert.True(p > 1e-4, $"chi2 {chi} on {bins - 1} dof, p = {p}");
        }

        [Fact]
        public void Frame_pass_probability_matches_enumeration()
        {
            // three pixel groups of 1-2 pixels: enumerate every low/mid/high assignment
            PixelTail[] g = [new(2, 0.1, 0.05), new(1, 0.3, 0.2), new(2, 0.02, 0.4)];
            var pixels = g.SelectMany(x => Enumerable.Repeat(x, x.Count)).ToArray();
            foreach (var (nm, np) in new[] { (0, 0), (1, 1), (2, 1), (0, 3) })
            {
                double pass = 0;
                int total = (int)Math.Pow(3, pixels.Length);
                for (int code = 0; code < total; code++)
                {
                    int c = code, lowN = 0, highN = 0; double pr = 1;
                    foreach (var px in pixels)
                    {
                        int s = c % 3; c /= 3;
                        pr *= s == 0 ? px.PLow : s == 1 ? px.PHigh : 1 - px.PLow - px.PHigh;
                        if (s == 0) lowN++; else if (s == 1) highN++;
                    }
                    if (lowN <= nm && highN <= np) pass += pr;
                }
                Assert.Equal(pass, FrameTest.PassProbability(g, nm, np), 12);
            }
        }

        [Fact]
        public void Bad_parameters_are_refused_with_a_message()
        {
            Assert.Throws<ModelException>(() => NoiseParams.Parse("pixel9"));
            Assert.Throws<ModelException>(() => NoiseParams.Parse("1,2"));
            Assert.Throws<ModelException>(() => NoiseParams.Parse("0,-1,3"));
            Assert.Throws<ModelException>(() => Pixel1.Hmin(-1));
            Assert.Throws<ModelException>(() => Pixel1.Hmin(double.NaN));
            Assert.Throws<ModelException>(() => new EntropyModel(new SensorParams(0), NoiseParams.None));
            Assert.Throws<ModelException>(() => new FrameTestConfig(900, 100, 1, 1).Validate(1023, 64));
            Assert.Equal(new NoiseParams(-13.6, 0.21, 17.2), NoiseParams.Parse(" -13.6,0.21,17.2 "));
        }

        [Fact]
        public void Light_distribution_normalises_and_bins()
        {
            var d = LightDistribution.FromEfficiencies([2, 2, 4, 4], "t");
            Assert.Equal(4, d.Pixels);
            Assert.Equal(2, d.Groups.Count);
            Assert.Equal(4.0, d.Groups.Sum(g => g.Eta * g.Count), 12);
            var many = LightDistribution.FromEfficiencies(Enumerable.Range(0, 1000).Select(i => 0.5 + i / 1000.0).ToArray(), "t");
            Assert.True(many.Binned);
            Assert.Equal(LightDistribution.MaxGroups, many.Groups.Count);
            Assert.Equal(1000, many.Groups.Sum(g => g.Count));
            Assert.Equal(1000.0, many.Groups.Sum(g => g.Eta * g.Count), 9);
        }
    }
}
