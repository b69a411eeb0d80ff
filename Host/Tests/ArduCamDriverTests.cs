using Qrng.Drivers;
using Qrng.Emulator;
using Qrng.Model;
using Qrng.VirtualBoard;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>The ArduCAM/OV2640 driver's register traffic against the emulated module, including timeouts and garbage.</summary>
    public class ArduCamDriverTests
    {
        /// <summary>Records every SPI transfer (what the driver sent, what came back) on its way to the module.</summary>
        private sealed class RecordingSpi(ISpiBus inner) : ISpiBus
        {
            public readonly List<(byte[] sent, byte[] got)> Log = [];

            public void TransferFullDuplex(byte[] write, byte[] read, int count)
            {
                inner.TransferFullDuplex(write, read, count);
                Log.Add((write[..count], read[..count]));
            }
        }

        private static (ArduCamOv2640 driver, VirtualArduCam cam, RecordingSpi spi, CountingDelay delay) Make(int w = 8, int h = 8)
        {
            var cam = new VirtualArduCam(11, SensorParams.Paper, NoiseParams.TableI(1)) { Duty = 5000 };
            var spi = new RecordingSpi(cam);
            var delay = new CountingDelay();
            return (new ArduCamOv2640(spi, cam, delay, w, h), cam, spi, delay);
        }

        [Fact]
        public void Initialize_sets_raw10_manual_exposure_and_the_output_size()
        {
            var (d, cam, spi, delay) = Make(16, 12);
            d.Initialize();
            Assert.True(cam.RawMode);
            Assert.Equal(16, cam.Width);
            Assert.Equal(12, cam.Height);
            Assert.True(cam.ManualExposure);
            Assert.Equal(0x0100, cam.Exposure);
            // CPLD reset, then the test register written and read back twice
            Assert.Equal(new byte[] { 0x87, 0x80 }, spi.Log[0].sent);
            Assert.Equal(new byte[] { 0x87, 0x00 }, spi.Log[1].sent);
            Assert.Equal(new byte[] { 0x80, 0x55 }, spi.Log[2].sent);
            Assert.Equal(new byte[] { 0x00, 0x00 }, spi.Log[3].sent);
            Assert.Equal(0x55, spi.Log[3].got[1]);
            Assert.Equal(300, delay.Total);      // 2 x 100 ms around the CPLD reset, 100 ms after the sensor reset
        }

        [Fact]
        public void A_capture_is_clear_start_poll_length_then_one_burst_and_pixels_are_the_byte_shifted_by_two()
        {
            var (d, cam, spi, _) = Make();
            d.Initialize();
            spi.Log.Clear();
            var px = new ushort[64];
            d.Capture(px);
            Assert.Equal(new byte[] { 0x81, 0x00 }, spi.Log[0].sent);     // one frame
            Assert.Equal(new byte[] { 0x84, 0x01 }, spi.Log[1].sent);     // clear CAP_DONE
            Assert.Equal(new byte[] { 0x84, 0x02 }, spi.Log[2].sent);     // start capture
            int i = 3;
            while (spi.Log[i].sent[0] == 0x41) i++;                         // status polls
            Assert.Equal(0x08, spi.Log[i - 1].got[1] & 0x08);
            Assert.Equal(new byte[] { 0x44, 0x43, 0x42 }, new[] { spi.Log[i].sent[0], spi.Log[i + 1].sent[0], spi.Log[i + 2].sent[0] });
            var burst = spi.Log[i + 3];
            Assert.Equal(65, burst.sent.Length);
            Assert.Equal(0x3C, burst.sent[0]);
            Assert.All(burst.sent[1..], b => Assert.Equal(0, b));
            for (int k = 0; k < 64; k++) Assert.Equal(burst.got[k + 1] << 2, px[k]);
            Assert.Equal(new byte[] { 0x84, 0x01 }, spi.Log[i + 4].sent);
            Assert.InRange(px.Average(p => (double)p), 300, 700);       // 50 % duty: mu_e ~ 625, mean Z ~ 512
        }

        [Fact]
        public void Large_frames_are_read_in_bursts_of_at_most_4096_bytes()
        {
            var (d, _, spi, _) = Make(128, 100);
            d.Initialize();
            spi.Log.Clear();
            d.Capture(new ushort[12800]);
            var bursts = spi.Log.Where(t => t.sent[0] == 0x3C).Select(t => t.sent.Length - 1).ToArray();
            Assert.Equal(new[] { 4096, 4096, 4096, 512 }, bursts);
        }

        [Fact]
        public void A_capture_that_never_completes_times_out_after_MaxPolls()
        {
            var (d, cam, spi, delay) = Make();
            d.Initialize();
            cam.CaptureHangs = true;
            long ms = delay.Total;
            var e = Assert.Throws<SensorException>(() => d.Capture(new ushort[64]));
            Assert.Equal(SensorError.CaptureTimeout, e.Error);
            Assert.Equal(d.MaxPolls - 1, delay.Total - ms);
        }

        [Theory]
        [InlineData(SpiFault.Unplugged, SensorError.NotResponding)]
        [InlineData(SpiFault.Garbage, SensorError.NotResponding)]
        public void An_unplugged_or_noisy_bus_fails_initialization(SpiFault fault, SensorError expected)
        {
            var (d, cam, _, _) = Make();
            cam.SpiFault = fault;
            Assert.Equal(expected, Assert.Throws<SensorException>(d.Initialize).Error);
        }

        [Theory]
        [InlineData(SpiFault.Unplugged)]
        [InlineData(SpiFault.Garbage)]
        public void Garbage_during_a_capture_is_refused_never_returned_as_pixels(SpiFault fault)
        {
            for (int seed = 0; seed < 50; seed++)
            {
                var (d, cam, _, _) = Make();
                d.Initialize();
                cam.SpiFault = fault;
                var px = new ushort[64];
                var e = Assert.Throws<SensorException>(() => d.Capture(px));
                Assert.Contains(e.Error, new[] { SensorError.BadFrame, SensorError.CaptureTimeout });
            }
        }

        [Fact]
        public void A_different_sensor_is_refused()
        {
            var (d, cam, _, _) = Make();
            cam.SensorId = 0x56;
            var e = Assert.Throws<SensorException>(d.Initialize);
            Assert.Equal(SensorError.WrongSensor, e.Error);
            Assert.Contains("86", e.Message);
        }

        [Fact]
        public void Frame_sizes_the_module_cannot_deliver_are_refused()
        {
            var cam = new VirtualArduCam(1, SensorParams.Paper, NoiseParams.None);
            Assert.Throws<ArgumentOutOfRangeException>(() => new ArduCamOv2640(cam, cam, new CountingDelay(), 6, 8));
            Assert.Throws<ArgumentOutOfRangeException>(() => new ArduCamOv2640(cam, cam, new CountingDelay(), 132, 100));
        }

        [Fact]
        public void The_virtual_sampler_draws_Poisson_counts_with_the_right_law()
        {
            foreach (double mu in new[] { 3.0, 17.2, 625.0 })
            {
                var rng = new FastSampler(5);
                var pmf = new EntropyModel(new SensorParams(1.0, 65535), NoiseParams.None).ZDistribution(mu);
                var counts = new long[pmf.Length];
                const int n = 200_000;
                for (int i = 0; i < n; i++) counts[Math.Min(rng.Poisson(mu), pmf.Length - 1)]++;
                double chi = 0; int bins = 0;
                for (int k = 0; k < pmf.Length; k++)
                {
                    double e = pmf[k] * n;
                    if (e < 5) continue;
                    chi += (counts[k] - e) * (counts[k] - e) / e;
                    bins++;
                }
                double p = 1 - MathNet.Numerics.Distributions.ChiSquared.CDF(bins - 1, chi);
                Assert.True(p > 1e-4, $"mu {mu}: chi2 {chi} on {bins - 1} dof, p {p}");
            }
        }
    }
}
