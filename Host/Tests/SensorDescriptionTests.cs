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
        [InlineData("adc_bits_out = 12\n", "adc_bits_out must be 8 (the ArduCAM FIFO) or 10")]
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
        public void A_ten_bit_sensor_delivers_every_code_and_takes_no_fault_knob()
        {
            string f = Path.Combine(_dir, "ten.sensor");
            File.WriteAllText(f, "adc_bits_out = 10\ngain_k = 0.9\nmu_r = 6\n");
            string raw = Path.Combine(_dir, "raw.bin");
            var (code, _, err) = QrngCliTests.Qrng("raw", "-n", "64K", "-o", raw, "--sensor", f, "--seed", "2", "-q");
            Assert.True(code == 0, err);
            var (c2, o2, e2) = QrngCliTests.Qrng("config", "get", "noise.quantum", "--sensor", f, "--seed", "2");
            Assert.True(c2 == 0, e2);
            Assert.Equal("noise.quantum = 1\n", o2);                                // the firmware's configuration of a 10-bit board
            var board = new Board(new Qrng.Firmware.FirmwareConfig(), new StreamSink(Stream.Null, 0), 3, sensor: SensorDescription.Parse("adc_bits_out = 10\n"));
            var z = new ushort[board.Config.PixelCount];
            board.TenBit.SetDuty(5000);
            board.TenBit.Capture(z);
            Assert.Contains(z, v => (v & 3) != 0);                                   // codes in steps of 1, not 4
            Assert.Equal(1, board.Config.NoiseQuantum);
            Assert.Null(board.Camera);
            (code, _, err) = QrngCliTests.Qrng("stream", "-n", "1K", "-o", Path.Combine(_dir, "x.bin"), "--sensor", f, "--fault", "frozen");
            Assert.Equal(2, code);
            Assert.Contains("read without it", err);
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
