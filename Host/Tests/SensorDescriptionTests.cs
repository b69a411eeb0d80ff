using Qrng.Model;
using Qrng.VirtualBoard;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>The virtual board's sensor description (`--sensor FILE`, docs/calibration.md): its parser and its default.</summary>
    public class SensorDescriptionTests : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("qrng-sensor").FullName;

        public void Dispose() => Directory.Delete(_dir, true);

        [Fact]
        public void The_default_sensor_draws_what_the_paper_model_draws()
        {
            var source = new PhysicsPixelSource(5, SensorDescription.Paper);
            var z = new ushort[256];
            source.Draw(z, z.Length, 400_000, 256);
            var rng = new FastSampler(5);
            for (int i = 0; i < z.Length; i++) rng.Gaussian();                     // the efficiencies are drawn first
            var sampler = new PixelSampler(SensorParams.Paper, NoiseParams.TableI(1), rng);
            var eff = new FastSampler(5);
            var expected = new int[z.Length];
            var efficiency = Enumerable.Range(0, z.Length).Select(_ => Math.Max(0.05, 1 + (0.05 * eff.Gaussian()))).ToArray();
            for (int i = 0; i < z.Length; i++) expected[i] = sampler.Sample(efficiency[i] * 0.4 * 1250);
            Assert.Equal(expected, z.Select(v => (int)v).ToArray());
        }

        [Theory]
        [InlineData("gain_k = 0.8\ngain_k = 0.9\n", "line 2: gain_k is set twice")]
        [InlineData("gain = 0.8\n", "unknown key 'gain'")]
        [InlineData("sigma_r = lots\n", "sigma_r needs a number")]
        [InlineData("adc_bits_out = 10\n", "no 10-bit data path is emulated yet")]
        [InlineData("prnu = 0.5\n", "prnu must be in [0, 0.3]")]
        [InlineData("gain_k 0.8\n", "expected 'key = value'")]
        public void A_bad_sensor_file_is_refused_with_its_line(string text, string why)
        {
            string f = Path.Combine(_dir, "bad.sensor");
            File.WriteAllText(f, text);
            var (code, stdout, err) = QrngCliTests.Qrng("stream", "-n", "1K", "-o", Path.Combine(_dir, "x.bin"), "--sensor", f);
            Assert.Equal(2, code);
            Assert.Equal("", stdout);
            Assert.Contains(why, err);
            Assert.Equal(SensorDescription.Paper, SensorDescription.Parse(SensorDescription.Paper.ToText()));
        }

        [Fact]
        public void A_different_sensor_changes_the_pixels_as_described()
        {
            var paper = new PhysicsPixelSource(6, SensorDescription.Paper);
            var steep = new PhysicsPixelSource(6, SensorDescription.Paper with { GainK = 2.0, MuR = 20, Prnu = 0 });
            var a = new ushort[4096];
            var b = new ushort[4096];
            paper.Draw(a, a.Length, 300_000, 256);
            steep.Draw(b, b.Length, 300_000, 256);
            double ma = a.Average(v => (double)v), mb = b.Average(v => (double)v);
            Assert.InRange(ma, 0.8192 * (375 + 17.2) - 13.6 - 6, 0.8192 * (375 + 17.2) - 13.6 + 6);
            Assert.InRange(mb, 2.0 * (375 + 17.2) + 20 - 6, 2.0 * (375 + 17.2) + 20 + 6);
            double vb = b.Average(v => (v - mb) * (v - mb));
            Assert.InRange(vb, 0.9 * 4 * (375 + 17.2), 1.1 * 4 * (375 + 17.2));    // var = K^2 (mu_e + mu_dark)
        }
    }
}
