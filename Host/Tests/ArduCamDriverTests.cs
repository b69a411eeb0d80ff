using System.IO;
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

        private static (ArduCamOv2640 driver, VirtualArduCam cam, RecordingSpi spi, CountingDelay delay) Make(int w = 40, int h = 32, bool testSize = false)
        {
            var cam = new VirtualArduCam(11, SensorParams.Paper, NoiseParams.TableI(1)) { Duty = 5000 };
            var spi = new RecordingSpi(cam);
            var delay = new CountingDelay();
            cam.Clock = delay;
            cam.AcceptsTestSizes = testSize;
            return (new ArduCamOv2640(spi, cam, delay, delay, w, h, testSize), cam, spi, delay);
        }

        /// <summary>The rows of docs/hardware.md §3's register table: (bank, register, value).</summary>
        private static List<(int bank, int reg, int value)> DocumentedTable()
        {
            string doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "hardware.md"));
            int from = doc.IndexOf("<!-- register-table", StringComparison.Ordinal), to = doc.IndexOf("<!-- /register-table -->", StringComparison.Ordinal);
            Assert.True(from > 0 && to > from, "docs/hardware.md has the register table between its markers");
            var rows = new List<(int, int, int)>();
            foreach (string line in doc[from..to].Split('\n'))
            {
                string[] cells = line.Split('|', StringSplitOptions.TrimEntries);
                if (cells.Length < 6 || !int.TryParse(cells[1], out int number)) continue;
                Assert.Equal(rows.Count + 1, number);
                int bank = cells[2] switch { "DSP" => 0, "sensor" => 1, _ => throw new Xunit.Sdk.XunitException($"row {number}: bank '{cells[2]}'") };
                rows.Add((bank, Convert.ToInt32(cells[3], 16), Convert.ToInt32(cells[4], 16)));
            }

            return rows;
        }

        /// <summary>The SCCB writes (bank select excluded) after the sensor's last soft reset.</summary>
        private static List<(int bank, int reg, int value)> WritesAfterReset(ArduCamModule cam)
        {
            var all = new List<(int, int, int)>();
            for (int i = 0; i < cam.SccbWriteCount; i++) all.Add((cam.SccbWrites[3 * i], cam.SccbWrites[(3 * i) + 1], cam.SccbWrites[(3 * i) + 2]));
            int reset = all.FindLastIndex(w => w == (1, 0x12, 0x80));
            Assert.True(reset >= 0, "the driver reset the sensor");
            return all.Skip(reset + 1).ToList();
        }

        [Fact]
        public void Initialize_writes_exactly_the_register_table_of_docs_hardware_md()
        {
            var (d, cam, _, _) = Make();
            d.Initialize();
            var documented = DocumentedTable();
            var written = WritesAfterReset(cam);
            Assert.Equal(ArduCamOv2640.SetupEntries, documented.Count);
            for (int i = 0; i < Math.Max(documented.Count, written.Count); i++)
            {
                Assert.True(i < written.Count && i < documented.Count && documented[i] == written[i],
                    $"row {i + 1}: docs/hardware.md says {(i < documented.Count ? Row(documented[i]) : "nothing")}, the driver wrote {(i < written.Count ? Row(written[i]) : "nothing")}");
            }

            // the driver's own table is the same sequence (it is what it writes)
            byte[] table = d.SetupTable();
            Assert.Equal(documented.SelectMany(r => new[] { (byte)r.bank, (byte)r.reg, (byte)r.value }).ToArray(), table);
        }

        private static string Row((int bank, int reg, int value) r) => $"{(r.bank == 0 ? "DSP" : "sensor")} 0x{r.reg:X2} = 0x{r.value:X2}";

        [Fact]
        public void After_initialize_the_module_reads_out_the_centred_window_raw_with_the_dsp_bypassed()
        {
            var (d, cam, spi, delay) = Make();
            d.Initialize();
            Assert.True(cam.DspBypassed);
            Assert.True(cam.RawMode);
            Assert.True(cam.UxgaReadout);
            Assert.Equal((40, 32), (cam.WindowWidth, cam.WindowHeight));
            Assert.Equal((780, 584), (cam.WindowX, cam.WindowY));
            Assert.Equal((d.WindowX, d.WindowY), (cam.WindowX, cam.WindowY));
            Assert.True(cam.ManualExposure);
            Assert.Equal(0x0100, cam.Exposure);
            Assert.Equal(0, cam.Register(0, 0xC3));                    // CTRL1: every DSP stage off, should the bypass fail
            Assert.Equal(0, cam.Register(0, 0xE0));                    // the DVP out of reset
            // CPLD reset, then the test register written and read back twice
            Assert.Equal(new byte[] { 0x87, 0x80 }, spi.Log[0].sent);
            Assert.Equal(new byte[] { 0x87, 0x00 }, spi.Log[1].sent);
            Assert.Equal(new byte[] { 0x80, 0x55 }, spi.Log[2].sent);
            Assert.Equal(new byte[] { 0x00, 0x00 }, spi.Log[3].sent);
            Assert.Equal(0x55, spi.Log[3].got[1]);
            Assert.Equal(300, delay.Total);      // 2 x 100 ms around the CPLD reset, 100 ms after the sensor reset
            Assert.Contains("window 40x32 at 780,584", d.Describe());
            Assert.DoesNotContain("test size", d.Describe());
        }

        [Theory]
        [InlineData(64, 44)]
        [InlineData(128, 100)]
        [InlineData(400, 32)]
        public void Every_window_size_is_centred_and_read_pixel_for_pixel(int w, int h)
        {
            var (d, cam, _, _) = Make(w, h);
            d.Initialize();
            Assert.Equal((w, h), (cam.WindowWidth, cam.WindowHeight));
            Assert.InRange(cam.WindowX, ((1600 - w) / 2) - 1, ((1600 - w) / 2) + 1);
            Assert.InRange(cam.WindowY, ((1200 - h) / 2) - 1, ((1200 - h) / 2) + 1);
            Assert.Equal(0, cam.WindowX % 2);                          // an even start keeps the Bayer phase (BGGR)
            Assert.Equal(0, cam.WindowY % 2);
            var px = new ushort[w * h];
            d.Capture(px);
            Assert.Equal(w * h, d.FrameBytes);
        }

        [Fact]
        public void A_capture_discards_the_settle_frames_then_is_clear_start_poll_length_and_one_burst_of_pixels_shifted_by_two()
        {
            var (d, cam, spi, _) = Make();
            d.Initialize();
            spi.Log.Clear();
            var px = new ushort[1280];
            d.Capture(px);
            // two settle captures: started, waited for, cleared, never read
            int starts = spi.Log.Count(t => t.sent[0] == 0x84 && t.sent[1] == 0x02);
            Assert.Equal(1 + ArduCamOv2640.SettleFrames, starts);
            Assert.Equal(1, spi.Log.Count(t => t.sent[0] == 0x3C));
            int last = spi.Log.FindLastIndex(t => t.sent[0] == 0x84 && t.sent[1] == 0x02);
            Assert.Equal(new byte[] { 0x81, 0x00 }, spi.Log[last - 2].sent);     // one frame
            Assert.Equal(new byte[] { 0x84, 0x01 }, spi.Log[last - 1].sent);     // clear CAP_DONE
            int i = last + 1;
            while (spi.Log[i].sent[0] == 0x41) i++;                               // status polls
            Assert.Equal(0x08, spi.Log[i - 1].got[1] & 0x08);
            Assert.Equal(new byte[] { 0x44, 0x43, 0x42 }, new[] { spi.Log[i].sent[0], spi.Log[i + 1].sent[0], spi.Log[i + 2].sent[0] });
            var burst = spi.Log[i + 3];
            Assert.Equal(1281, burst.sent.Length);
            Assert.Equal(0x3C, burst.sent[0]);
            Assert.All(burst.sent[1..], b => Assert.Equal(0, b));
            for (int k = 0; k < 1280; k++) Assert.Equal(burst.got[k + 1] << 2, px[k]);
            Assert.Equal(new byte[] { 0x84, 0x01 }, spi.Log[i + 4].sent);
            Assert.InRange(px.Average(p => (double)p), 300, 700);       // 50 % duty: mu_e ~ 625, mean Z ~ 512
            Assert.Equal(1280, d.FrameBytes);

            // the next capture has no settle frames
            spi.Log.Clear();
            d.Capture(px);
            Assert.Equal(1, spi.Log.Count(t => t.sent[0] == 0x84 && t.sent[1] == 0x02));
        }

        [Fact]
        public void A_capture_takes_one_to_two_frame_periods_on_the_emulated_clock_and_the_driver_waits_instead_of_polling()
        {
            var (d, cam, spi, delay) = Make();
            d.Initialize();
            // CLKRC = 0x01 at a 24 MHz XVCLK: 1922 x 1248 PCLK at 18 MHz
            Assert.Equal(1922L * 1248 * 2 * 2000 / (3L * 24000), cam.FramePeriodMicros);
            var px = new ushort[1280];
            d.Capture(px);
            long t0 = delay.Total;
            spi.Log.Clear();
            for (int f = 0; f < 20; f++)
            {
                d.Capture(px);
                Assert.InRange(d.CaptureMilliseconds, 133, 2 * 134 + ArduCamOv2640.PollMs);
            }

            long per = (delay.Total - t0) / 20;
            Assert.InRange(per, 266, 2 * 134 + ArduCamOv2640.PollMs);   // the loop restarts at once: every other frame
            // the driver sleeps through the shortest capture seen (at least a frame period), then polls: without that
            // sleep a 267 ms capture would take 53 polls 5 ms apart
            Assert.True(spi.Log.Count(t => t.sent[0] == 0x41) <= 20 * 30, $"{spi.Log.Count(t => t.sent[0] == 0x41)} status polls for 20 captures");
        }

        [Fact]
        public void Large_frames_are_read_in_bursts_of_at_most_4096_bytes()
        {
            var (d, _, spi, _) = Make(128, 100);
            d.Initialize();
            d.Capture(new ushort[12800]);
            spi.Log.Clear();
            d.Capture(new ushort[12800]);
            var bursts = spi.Log.Where(t => t.sent[0] == 0x3C).Select(t => t.sent.Length - 1).ToArray();
            Assert.Equal(new[] { 4096, 4096, 4096, 512 }, bursts);
        }

        [Fact]
        public void A_capture_that_never_completes_times_out_after_two_seconds()
        {
            var (d, cam, spi, delay) = Make();
            d.Initialize();
            d.Capture(new ushort[1280]);
            cam.CaptureHangs = true;
            long ms = delay.Total;
            var e = Assert.Throws<SensorException>(() => d.Capture(new ushort[1280]));
            Assert.Equal(SensorError.CaptureTimeout, e.Error);
            Assert.InRange(delay.Total - ms, ArduCamOv2640.CaptureTimeoutMs, ArduCamOv2640.CaptureTimeoutMs + ArduCamOv2640.PollMs);
            Assert.Contains("2000 ms", e.Message);
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
                var px = new ushort[1280];
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

        [Theory]
        [InlineData(36, 32)]
        [InlineData(40, 28)]
        [InlineData(8, 8)]
        [InlineData(42, 32)]
        [InlineData(132, 100)]
        [InlineData(1604, 8)]
        public void Frame_sizes_the_sensor_cannot_deliver_are_refused(int w, int h)
        {
            var cam = new VirtualArduCam(1, SensorParams.Paper, NoiseParams.None);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ArduCamOv2640(cam, cam, new CountingDelay(), new CountingDelay(), w, h, false));
            Assert.NotNull(ArduCamOv2640.SizeProblem(w, h, false));
            Assert.Contains(w * h > ArduCamOv2640.MaxPixels && w <= 1600 && w % 4 == 0 ? "12800" : "40x30", e.Message);
        }

        [Fact]
        public void Test_sizes_are_accepted_only_as_test_sizes_and_say_so()
        {
            Assert.Null(ArduCamOv2640.SizeProblem(8, 8, true));
            Assert.Null(ArduCamOv2640.SizeProblem(40, 32, false));
            var (d, cam, _, _) = Make(8, 8, testSize: true);
            d.Initialize();
            d.Capture(new ushort[64]);
            Assert.Contains("emulator test size", d.Describe());
        }

        [Fact]
        public void The_module_refuses_a_window_below_40x30_with_an_empty_fifo_and_the_driver_names_it()
        {
            // a driver told the size is fine, a module that (like the chip) is not
            var (d, cam, _, _) = Make(8, 8, testSize: true);
            cam.AcceptsTestSizes = false;
            d.Initialize();
            var e = Assert.Throws<SensorException>(() => d.Capture(new ushort[64]));
            Assert.Equal(SensorError.BadFrame, e.Error);
            Assert.Contains("FIFO length 0", e.Message);
            Assert.Contains("no pixels", e.Message);
        }

        [Fact]
        public void A_sensor_that_keeps_its_power_on_values_is_refused_at_the_start_with_the_register_named()
        {
            var (d, cam, _, _) = Make();
            cam.SetFault("no-init", true);
            var e = Assert.Throws<SensorException>(d.Initialize);
            Assert.Equal(SensorError.NotConfigured, e.Error);
            Assert.Contains("sensor not configured", e.Message);
            Assert.Contains("register 0x", e.Message);
            Assert.Contains("power-on defaults", e.Message);
            cam.SetFault("no-init", false);
            d.Initialize();
            d.Capture(new ushort[1280]);
        }

        [Fact]
        public void A_sensor_that_loses_its_set_up_while_streaming_is_caught_by_the_fifo_length_and_a_restart_mends_it()
        {
            var (d, cam, _, _) = Make();
            d.Initialize();
            d.Capture(new ushort[1280]);
            cam.PowerCycle();                                          // a brown-out: power-on values, YUV422 UXGA through the DSP
            var e = Assert.Throws<SensorException>(() => d.Capture(new ushort[1280]));
            Assert.Equal(SensorError.BadFrame, e.Error);
            Assert.Equal(1600 * 1200 * 2, d.FrameBytes);
            Assert.Contains("not the configured raw window", e.Message);
            d.Initialize();
            d.Capture(new ushort[1280]);
            Assert.Equal(1280, d.FrameBytes);
        }

        [Fact]
        public void Up_to_a_line_of_fifo_padding_is_accepted_and_counted_more_is_refused()
        {
            var (d, cam, _, _) = Make();
            d.Initialize();
            var px = new ushort[1280];
            cam.FifoPadding = 40;
            d.Capture(px);
            Assert.Equal(1320, d.FrameBytes);
            Assert.Equal(1, d.OversizeFrames);
            cam.FifoPadding = 41;
            var e = Assert.Throws<SensorException>(() => d.Capture(px));
            Assert.Contains("FIFO holds 1321 bytes, expected 1280", e.Message);
        }

        [Fact]
        public void With_the_dsp_in_the_path_the_length_is_right_but_the_pixels_are_smoothed()
        {
            // the same light and seed, bypassed and not: de-noise halves the variance of frame-to-frame differences
            double Ratio(bool dspOn)
            {
                var (d, cam, _, _) = Make();
                cam.SetFault("dsp-on", dspOn);
                d.Initialize();
                var a = new ushort[1280];
                var b = new ushort[1280];
                double sum = 0;
                int n = 0;
                for (int f = 0; f < 20; f++)
                {
                    d.Capture(a);
                    d.Capture(b);
                    Assert.Equal(1280, d.FrameBytes);
                    for (int i = 0; i < 1280; i++) { double x = a[i] - b[i]; sum += x * x; n++; }
                }

                return sum / n;
            }

            double bypassed = Ratio(false), dsp = Ratio(true);
            Assert.InRange(dsp / bypassed, 0.35, 0.75);
        }

        [Fact]
        public void Through_the_dsp_the_stages_act_raw_gamma_compresses_and_yuv_is_two_bytes_a_pixel()
        {
            var (d, cam, _, _) = Make();
            d.Initialize();
            var px = new ushort[1280];
            d.Capture(px);
            double linear = px.Average(p => (double)p);

            // the DSP in the path with raw gamma on (what a set-up that left CTRL1 at its power-on value would give)
            cam.Write([0xFF, 0x00], 2);
            cam.Write([0x05, 0x00], 2);
            cam.Write([0xC3, 0x20], 2);
            d.Capture(px);
            double gamma = px.Average(p => (double)p);
            Assert.InRange(gamma, Math.Sqrt(linear * 1023) * 0.9, Math.Sqrt(linear * 1023) * 1.1);

            // YUV422 output: twice the bytes, refused by length
            cam.Write([0xDA, 0x00], 2);
            var e = Assert.Throws<SensorException>(() => d.Capture(px));
            Assert.Equal(2560, d.FrameBytes);
            Assert.Contains("not the configured raw window", e.Message);
        }

        [Fact]
        public void At_its_power_on_values_the_module_sends_uxga_yuv_through_the_dsp()
        {
            var cam = new VirtualArduCam(3, SensorParams.Paper, NoiseParams.TableI(1)) { Duty = 5000 };
            var rx = new byte[2];
            cam.TransferFullDuplex([0x84, 0x02], rx, 2);
            int Read(int reg) { cam.TransferFullDuplex([(byte)reg, 0], rx, 2); return rx[1]; }
            Assert.Equal(0x08, Read(0x41) & 0x08);
            Assert.Equal(1600 * 1200 * 2, (Read(0x44) << 16) | (Read(0x43) << 8) | Read(0x42));
            Assert.False(cam.RawMode);
            Assert.False(cam.ManualExposure);
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
