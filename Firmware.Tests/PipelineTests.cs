using System;
using nanoFramework.TestFramework;
using Qrng.Crypto;
using Qrng.Drivers;
using Qrng.Emulator;
using Qrng.Firmware;
using Qrng.Firmware.Health;

namespace Qrng.Firmware.Tests
{
    /// <summary>The pipeline on scripted sensors, so it also runs on nanoCLR and on a board without a camera attached.</summary>
    [TestClass]
    public class PipelineTests
    {
        /// <summary>Shot-noise pixels around a mean of about 512 (the LED loop's target), or a scripted fault.</summary>
        private sealed class FakeSensor : IImageSensor
        {
            private readonly ShotNoiseSource _source;
            private readonly ushort[][] _replay = new ushort[8][];
            private int _replayNext, _replayFilled;
            private uint _coin = 2463534242;

            public FakeSensor(int pixels)
            {
                PixelCount = pixels;
                _source = new ShotNoiseSource(7, pixels, 50000);
                Light = 500000;
            }

            public bool Dark;
            public int Light;
            /// <summary>Frames replayed in a cycle of this length (0 = fresh frames).</summary>
            public int Replay;
            /// <summary>Per million: probability that a pixel's bits 2-3 read 00 (a biased ADC).</summary>
            public int BiasPpm;
            public int DeadPixels;
            public bool Throws;
            /// <summary>Bits 2-3 alternate 0, 1, 0, 1 in pixel order: no run for the RCT, but every APT window holds
            /// 256 copies of its first symbol (cutoff 181): the APT fails about 360 symbols into every window.</summary>
            public bool Alternating;

            public int PixelCount { get; set; }

            public int CaptureMilliseconds
            {
                get { return 0; }
            }

            public int FrameBytes
            {
                get { return 0; }
            }

            public string Describe()
            {
                return "scripted test sensor";
            }

            public void Initialize()
            {
                if (Throws)
                {
                    throw new SensorException(SensorError.NotResponding, "scripted: no answer");
                }
            }

            public void Capture(ushort[] pixels)
            {
                if (Throws)
                {
                    throw new SensorException(SensorError.CaptureTimeout, "scripted: no frame");
                }

                if (Replay > 0 && _replayFilled >= Replay)
                {
                    Array.Copy(_replay[_replayNext], pixels, PixelCount);
                    _replayNext = (_replayNext + 1) % Replay;
                    return;
                }

                _source.Draw(pixels, PixelCount, Dark ? 0 : Light, 256);
                for (int i = 0; i < PixelCount; i++)
                {
                    int z = pixels[i];
                    if (BiasPpm > 0)
                    {
                        _coin ^= _coin << 13;
                        _coin ^= _coin >> 17;
                        _coin ^= _coin << 5;
                        if ((int)(_coin % 1000000) < BiasPpm)
                        {
                            z &= ~0x0C;
                        }
                    }

                    if (Alternating)
                    {
                        z = (z & ~0x0C) | ((i & 1) << 2);
                    }

                    pixels[i] = (ushort)(i < DeadPixels ? 0 : z);
                }

                if (Replay > 0)
                {
                    _replay[_replayFilled] = new ushort[PixelCount];
                    Array.Copy(pixels, _replay[_replayFilled], PixelCount);
                    _replayFilled++;
                }
            }
        }

        private sealed class FakeLed : IPwmOutput
        {
            public int Duty { get; private set; }

            public void SetDuty(int duty)
            {
                Duty = duty;
            }
        }

        private sealed class FlakySink : IByteSink
        {
            public long Count;
            public int FailNext;

            public void Write(byte[] buffer, int offset, int count)
            {
                if (FailNext > 0)
                {
                    FailNext--;
                    throw new InvalidOperationException("UART gone");
                }

                Count += count;
            }
        }

        /// <summary>A debug channel that fails on every line (a console that is gone).</summary>
        private sealed class ThrowingLog : ILog
        {
            public int Lines;

            public void Line(string text)
            {
                Lines++;
                throw new InvalidOperationException("console gone");
            }
        }

        private sealed class LastLineLog : ILog
        {
            public string Last = "";
            public int Lines;

            public void Line(string text)
            {
                Last = text;
                Lines++;
            }
        }

        private static QrngEngine Engine(FakeSensor sensor, IByteSink sink, string config)
        {
            var c = FirmwareConfig.EmulatorTest();            // a scripted 64-pixel sensor: the size is not the subject
            c.Apply(config);
            return new QrngEngine(sensor, new FakeLed(), sink, c, new byte[] { 1, 2, 3 });
        }

        /// <summary>
        /// The 8x8 test configuration with the paper's numbers as a calibration record: a board's own App (a sensor, not a
        /// simulation) streams only with one, and the scripted sensor follows the paper's model.
        /// </summary>
        private static FirmwareConfig Calibrated()
        {
            FirmwareConfig c = FirmwareConfig.EmulatorTest();
            c.Apply(CalibrationConfigTests.PaperRecord);
            return c;
        }

        [TestMethod]
        public static void A_board_sensor_on_the_paper_default_verifies_then_stops_uncalibrated_and_streams_with_a_record()
        {
            var sink = new CountingSink();
            var app = new App(new FakeSensor(64), new FakeLed(), sink, new CountingDelay(), null, FirmwareConfig.EmulatorTest());
            Assert.AreEqual("sensor", app.Source);
            TickUntil(app, EngineState.Error);
            EngineStatus s = app.Engine.Status;
            Assert.AreEqual((int)EngineState.Error, (int)s.State, s.Summary());
            Assert.AreEqual((int)Fault.Uncalibrated, (int)s.Persistent);
            Assert.IsTrue(s.Reason().IndexOf("uncalibrated sensor: run qrng calibrate") == 0, s.Reason());
            Assert.IsTrue(s.NoiseBlocks > 0 && s.StartupTestsPassed > 0, "it verified the sensor first: " + s.Summary());
            Assert.AreEqual(0L, sink.Count, "not a byte");
            Assert.AreEqual(0L, s.CreditedMilliBits, "nothing credited");

            // the same App marked simulated (an emulated paper chip) streams on the default
            var simulated = new App(new FakeSensor(64), new FakeLed(), new CountingSink(), new CountingDelay(), null, FirmwareConfig.EmulatorTest());
            simulated.SimulatedSource = true;
            TickUntil(simulated, EngineState.Streaming);
            Assert.AreEqual((int)EngineState.Streaming, (int)simulated.Engine.Status.State, simulated.Engine.Status.Summary());

            // and the board's own sensor with a calibration record
            var calibrated = new App(new FakeSensor(64), new FakeLed(), new CountingSink(), new CountingDelay(), null, Calibrated());
            TickUntil(calibrated, EngineState.Streaming);
            Assert.AreEqual((int)EngineState.Streaming, (int)calibrated.Engine.Status.State, calibrated.Engine.Status.Summary());
        }

        /// <summary>Ticks the app until its engine is in <paramref name="state"/>, at most 300 times (an 8x8 start with its verification takes ~70).</summary>
        private static void TickUntil(App app, EngineState state)
        {
            for (int i = 0; i < 300 && app.Engine.Status.State != state; i++)
            {
                app.Tick();
            }
        }

        private static int UntilStreaming(QrngEngine engine, int maxFrames)
        {
            for (int i = 0; i < maxFrames; i++)
            {
                if (engine.Status.State == EngineState.Streaming)
                {
                    return i;
                }

                engine.Step();
            }

            Assert.AreEqual((int)EngineState.Streaming, (int)engine.Status.State, "not streaming after " + maxFrames + " frames: " + engine.Status.Summary());
            return maxFrames;
        }

        [TestMethod]
        public static void A_frame_of_256_KiB_is_served_in_4_KiB_requests_from_one_buffer()
        {
            var sink = new WriteSizes();
            QrngEngine engine = Engine(new FakeSensor(64), sink, "output.bytes_per_frame = 262144");
            UntilStreaming(engine, 300);
            Assert.AreEqual(262144L, engine.Status.BytesOut, "one frame's output");
            Assert.AreEqual(64, sink.Writes, "in requests of DrbgOutput.Chunk");
            Assert.AreEqual(4096, sink.Largest);
            engine.Step();
            Assert.AreEqual(2L * 262144, engine.Status.BytesOut);

            sink = new WriteSizes();
            engine = Engine(new FakeSensor(64), sink, "output.bytes_per_frame = 10000");
            UntilStreaming(engine, 300);
            Assert.AreEqual(10000L, engine.Status.BytesOut);
            Assert.AreEqual(3, sink.Writes, "4096 + 4096 + 1808");
        }

        private sealed class WriteSizes : IByteSink
        {
            public int Writes, Largest;

            public void Write(byte[] buffer, int offset, int count)
            {
                Writes++;
                Largest = count > Largest ? count : Largest;
            }
        }

        [TestMethod]
        public static void Streams_after_startup_and_seeding_stops_on_a_dark_frame_and_resumes_after_a_fresh_startup()
        {
            var sensor = new FakeSensor(64);
            var sink = new CountingSink();
            QrngEngine engine = Engine(sensor, sink, "");
            Assert.AreEqual(12, engine.RctCutoff);
            Assert.AreEqual(181, engine.AptCutoff);
            UntilStreaming(engine, 300);
            Assert.AreEqual(4096L, sink.Count);
            engine.Step();
            Assert.AreEqual(8192L, sink.Count);

            sensor.Dark = true;
            for (int i = 0; i < 5; i++)
            {
                engine.Step();
                Assert.AreEqual((int)Fault.FrameLow, (int)engine.Status.LastFault, "a dark frame is a light fault, not a frozen frame");
            }

            Assert.AreEqual(8192L, sink.Count);
            Assert.IsTrue(engine.EntropyCleared(), "a fault clears the pool and the raw pixels");
            sensor.Dark = false;
            UntilStreaming(engine, 300);
            Assert.AreEqual(8192L + 4096L, sink.Count);
            Assert.AreEqual(2L, engine.Status.StartupTestsPassed);
        }

        [TestMethod]
        [DataRow(1)]
        [DataRow(2)]
        [DataRow(3)]
        [DataRow(5)]
        public static void A_fifo_that_replays_a_cycle_of_old_frames_gives_no_byte(int cycle)
        {
            var sensor = new FakeSensor(64);
            sensor.Replay = cycle;
            var sink = new CountingSink();
            QrngEngine engine = Engine(sensor, sink, "");
            for (int i = 0; i < 300; i++)
            {
                engine.Step();
            }

            Assert.AreEqual(0L, sink.Count);
            Assert.AreEqual(0L, engine.Status.CreditedMilliBits);
            Assert.AreEqual((int)Fault.FrameReplayed, (int)engine.Status.LastFault);
            Assert.AreEqual(cycle, engine.Status.FaultDetail, "how many frames back");
        }

        [TestMethod]
        public static void Symbols_are_credited_only_once_their_APT_window_has_completed()
        {
            // healthy through the start-up test, then failing the APT about 360 symbols into every window: the old
            // engine instantiated after 200 pooled symbols and served output before the APT fired
            var sensor = new FakeSensor(64);
            var sink = new CountingSink();
            QrngEngine engine = Engine(sensor, sink, "");
            for (int i = 0; i < 200 && engine.Status.State != EngineState.Seeding; i++)
            {
                engine.Step();
            }

            Assert.AreEqual((int)EngineState.Seeding, (int)engine.Status.State);
            sensor.Alternating = true;
            for (int i = 0; i < 40; i++)
            {
                engine.Step();
            }

            Assert.IsTrue(engine.Status.AptFailures > 0, "the source fails the adaptive proportion test");
            Assert.AreEqual(0L, engine.Status.RctFailures);
            Assert.AreEqual(0L, engine.Status.Instantiations);
            Assert.AreEqual(0L, engine.Status.CreditedMilliBits);
            Assert.AreEqual(0L, sink.Count);
        }

        [TestMethod]
        public static void Each_seed_carries_the_margin_and_only_what_the_DRBG_received_is_credited()
        {
            var sensor = new FakeSensor(64);
            var sink = new CountingSink();
            QrngEngine engine = Engine(sensor, sink, "");
            Assert.IsTrue(engine.ReseedBytes * 4L * 1960 >= 2 * 256000L, "a reseed carries at least 2 x 256 credited bits");
            for (int i = 0; i < 300 && engine.Status.Instantiations == 0; i++)
            {
                Assert.AreEqual(0L, engine.Status.CreditedMilliBits, "pooled symbols are not credited");
                engine.Step();
            }

            // a step may instantiate and then reseed at once (a passed noise block commits a burst of symbols)
            long reseeds = engine.Status.Reseeds;
            long instantiation = engine.Status.CreditedMilliBits - (reseeds * engine.ReseedBytes * 4L * 1960);
            Assert.IsTrue(instantiation >= 2 * 384000L, "instantiation: at least 2 x (256 + 128) bits, got " + instantiation);
            engine.Step();
            engine.Step();
            engine.Step();
            Assert.AreEqual(instantiation + (engine.Status.Reseeds * engine.ReseedBytes * 4L * 1960), engine.Status.CreditedMilliBits);
        }

        [TestMethod]
        public static void Two_dead_pixels_are_masked_and_output_goes_on()
        {
            // N- = 1 at 64 pixels: two dead pixels fail T- on every frame; they are bad pixels, not bad light
            var sensor = new FakeSensor(64);
            sensor.DeadPixels = 2;
            var sink = new CountingSink();
            QrngEngine engine = Engine(sensor, sink, "");
            UntilStreaming(engine, 400);
            Assert.AreEqual(2, engine.Status.MaskedPixels);
            Assert.AreEqual((int)Fault.PixelDead, (int)engine.Status.LastFault);
        }

        [TestMethod]
        public static void Continuous_test_failures_at_a_rate_the_claim_cannot_explain_are_a_persistent_error()
        {
            // 11 % of the symbols forced to 00: H_min about 1.59 bits against the 1.96 claimed. Each APT failure only
            // restarted, the start-up test then passed and the source streamed again (issue 18 item 3)
            var sensor = new FakeSensor(64);
            sensor.BiasPpm = 110000;
            var sink = new CountingSink();
            QrngEngine engine = Engine(sensor, sink, "");
            int frames = 0;
            for (; frames < 5000 && engine.Status.State != EngineState.Error; frames++)
            {
                engine.Step();
            }

            EngineStatus s = engine.Status;
            Assert.AreEqual((int)EngineState.Error, (int)s.State, "persistent after " + frames + " frames: " + s.Summary());
            Assert.AreEqual((int)Fault.HealthTestRate, (int)s.Persistent);
            Assert.IsTrue(s.RctFailures + s.AptFailures >= engine.FailureRateCutoff, "failures " + (s.RctFailures + s.AptFailures));
            Assert.IsTrue(s.Reason().IndexOf("more than the claimed entropy explains") >= 0, s.Reason());
            Assert.IsTrue(s.Reason().IndexOf("(last: SP 800-90B adaptive proportion test") >= 0, "the test that failed last is named: " + s.Reason());
            long credited = s.CreditedMilliBits, bytes = sink.Count;
            for (int i = 0; i < 5; i++)
            {
                engine.Step();                                    // paused: nothing more
            }

            Assert.AreEqual(credited, engine.Status.CreditedMilliBits);
            Assert.AreEqual(bytes, sink.Count);
        }

        [TestMethod]
        public static void The_failure_rate_cutoff_is_what_2_to_the_alpha_symbols_of_false_alarms_allow()
        {
            // at the claim the RCT and APT together fire at most about once per 2^alpha symbols (lambda ~ 1); the cutoff
            // is the smallest k with P(Poisson(lambda) >= k) <= 2^-alpha
            Assert.AreEqual(10, HealthMath.FailureRateCutoff(20, 512));
            Assert.AreEqual(6, HealthMath.FailureRateCutoff(10, 512));
            Assert.AreEqual(15, HealthMath.FailureRateCutoff(40, 512));
        }

        [TestMethod]
        public static void A_source_that_fails_every_startup_test_is_a_persistent_error_that_is_retried_after_a_pause()
        {
            var sensor = new FakeSensor(64);
            sensor.BiasPpm = 1000000;                 // every symbol 0 or 2 ... with bits 2-3 forced to 00: symbol 0
            var sink = new CountingSink();
            QrngEngine engine = Engine(sensor, sink, "health.startup_retries = 3");
            for (int i = 0; i < 100 && engine.Status.State != EngineState.Error; i++)
            {
                engine.Step();
            }

            Assert.AreEqual((int)EngineState.Error, (int)engine.Status.State);
            Assert.AreEqual((int)Fault.StartupRetries, (int)engine.Status.Persistent);
            Assert.AreEqual(3, engine.Status.PersistentDetail);
            Assert.IsTrue(engine.Status.Reason().IndexOf("3 times in a row") >= 0, engine.Status.Reason());
            long frames = engine.Status.Frames;
            for (int i = 0; i < 9; i++)
            {
                engine.Step();                        // paused: 10 ticks, no frame
            }

            Assert.AreEqual(frames, engine.Status.Frames);
            sensor.BiasPpm = 0;
            UntilStreaming(engine, 300);
            Assert.AreEqual((int)Fault.None, (int)engine.Status.Persistent);
        }

        [TestMethod]
        public static void The_app_loop_survives_a_driver_exception_and_restarts_the_pipeline()
        {
            var sink = new FlakySink();
            var delay = new CountingDelay();
            var log = new LastLineLog();
            var app = new App(new FakeSensor(64), new FakeLed(), sink, delay, log, Calibrated());
            for (int i = 0; i < 300 && app.Engine.Status.State != EngineState.Streaming; i++)
            {
                app.Tick();
            }

            Assert.AreEqual("sensor", app.Source, "the board's own App: a sensor, not a simulation");
            long before = sink.Count;
            Assert.IsTrue(before > 0);
            sink.FailNext = 1;
            app.Tick();                                           // Write throws inside Step
            Assert.AreEqual(before, sink.Count);
            Assert.AreEqual((int)Fault.Unexpected, (int)app.Engine.Status.LastFault);
            Assert.IsTrue(log.Last.IndexOf("UART gone") >= 0, log.Last);
            Assert.IsTrue(delay.Total >= 1000);
            for (int i = 0; i < 300 && app.Engine.Status.State != EngineState.Streaming; i++)
            {
                app.Tick();
            }

            app.Tick();
            Assert.IsTrue(sink.Count > before);
            Assert.IsTrue(app.Engine.Status.StartupTestsPassed >= 2);
        }

        [TestMethod]
        public static void Between_frames_neither_the_output_served_nor_an_old_frame_stays_in_memory()
        {
            // the 4 KiB just written to the UART stayed in DrbgOutput's block, and the frame before the noise partner
            // in the engine's spare buffer, until overwritten (docs/pipeline.md, "What stays in memory")
            foreach (string mode in new[] { "drbg", "full-entropy" })
            {
                var sink = new CountingSink();
                QrngEngine engine = Engine(new FakeSensor(64), sink, "output.mode = " + mode);
                UntilStreaming(engine, 300);
                for (int i = 0; i < 20; i++)
                {
                    engine.Step();
                    Assert.IsTrue(engine.OutputAndStaleFrameCleared(), mode + ": frame " + i);
                }

                Assert.IsTrue(sink.Count > 0, mode);
            }
        }

        [TestMethod]
        public static void The_app_loop_survives_when_reporting_an_error_fails_too()
        {
            // a driver exception, and then the log that would report it throws as well: Tick must not throw
            var sink = new FlakySink();
            var log = new ThrowingLog();
            var app = new App(new FakeSensor(64), new FakeLed(), sink, new CountingDelay(), null, Calibrated());
            for (int i = 0; i < 300 && app.Engine.Status.State != EngineState.Streaming; i++)
            {
                app.Tick();
            }

            var noisy = new App(new FakeSensor(64), new FakeLed(), sink, new CountingDelay(), log, Calibrated());
            for (int i = 0; i < 200; i++)
            {
                if (i == 30)
                {
                    sink.FailNext = 1;
                }

                noisy.Tick();                                     // every status line and every report throws inside
            }

            Assert.IsTrue(log.Lines > 0, "it tried to report");
            Assert.IsTrue(noisy.Engine.Status.BytesOut > 0, "and went on working");
        }

        [TestMethod]
        public static void When_neither_the_new_nor_the_old_configuration_starts_the_loop_lives_and_starts_it_later()
        {
            // the fallback engine of Reconfigure threw (out of memory, a sensor that changed): Engine was left null and
            // the next catch threw a NullReferenceException out of Main's loop
            var sensor = new FakeSensor(64);
            var sink = new CountingSink();
            var log = new LastLineLog();
            var app = new App(sensor, new FakeLed(), sink, new CountingDelay(), log, Calibrated());
            for (int i = 0; i < 300 && app.Engine.Status.State != EngineState.Streaming; i++)
            {
                app.Tick();
            }

            sensor.PixelCount = 65;                                   // no configuration matches the sensor now
            FirmwareConfig next = app.Config.Copy();
            next.TMinus = 70;
            string refused = app.Reconfigure(next, null);
            Assert.IsNotNull(refused);
            long bytes = sink.Count;
            for (int i = 0; i < 20; i++)
            {
                app.Tick();
            }

            Assert.AreEqual(bytes, sink.Count, "no output without an engine");
            Assert.IsTrue(log.Last.IndexOf("65") >= 0, "the reason is reported: " + log.Last);
            sensor.PixelCount = 64;
            for (int i = 0; i < 200 && (app.Engine == null || app.Engine.Status.State != EngineState.Streaming); i++)
            {
                app.Tick();
            }

            Assert.IsNotNull(app.Engine);
            Assert.AreEqual((int)EngineState.Streaming, (int)app.Engine.Status.State);
            Assert.IsTrue(sink.Count > bytes);
        }

        [TestMethod]
        public static void While_the_sensor_is_down_a_status_line_comes_every_ten_seconds()
        {
            var sensor = new FakeSensor(64);
            sensor.Throws = true;
            var delay = new CountingDelay();
            var log = new LastLineLog();
            var app = new App(sensor, new FakeLed(), new CountingSink(), delay, log, FirmwareConfig.EmulatorTest());
            int start = log.Lines;
            for (int i = 0; i < 60; i++)
            {
                app.Tick();
            }

            Assert.AreEqual(60000L, delay.Total, "one second per idle tick");
            Assert.IsTrue(log.Lines - start >= 6, "a status line every 10 s while down, got " + (log.Lines - start));
            Assert.IsTrue(log.Last.IndexOf("scripted: no answer") >= 0, log.Last);
        }

        [TestMethod]
        public static void Start_up_failures_are_reported_and_retried_never_a_dead_board()
        {
            var delay = new CountingDelay();
            var log = new LastLineLog();
            _attempts = 0;
            object result = Boot.Retry(FailTwice, "starting the pipeline", log, delay, 10);
            Assert.AreEqual("started", (string)result);
            Assert.AreEqual(3, _attempts);
            Assert.AreEqual(2, log.Lines);
            Assert.IsTrue(log.Last.IndexOf("starting the pipeline failed (attempt 2)") >= 0, log.Last);
            Assert.IsTrue(log.Last.IndexOf("needs about") >= 0, log.Last);
            Assert.AreEqual(2L * Boot.RetryMilliseconds, delay.Total);
            _attempts = 0;
            Assert.IsNull(Boot.Retry(FailTwice, "x", null, delay, 1));
        }

        private static int _attempts;

        private static object FailTwice()
        {
            if (++_attempts <= 2)
            {
                new FirmwareConfig().Apply("sensor.width = 128\nsensor.height = 100\n");
            }

            return "started";
        }

        [TestMethod]
        public static void Config_defaults_are_the_papers_and_lines_apply()
        {
            var c = new FirmwareConfig();
            Assert.AreEqual(64, c.TMinus);
            Assert.AreEqual(940, c.TPlus);
            Assert.AreEqual(40, c.Width);                            // the OV2640's smallest window (docs/hardware.md §4)
            Assert.AreEqual(32, c.Height);
            Assert.IsFalse(c.EmulatorTestSize);
            Assert.AreEqual(20, c.EffectiveNMinus);                  // 1 per 64 pixels
            Assert.AreEqual(200, c.SeedMarginPercent);
            c.Apply("# thresholds\nhealth.t_minus = 160   # from qrng model thresholds\n\nsensor.width = 60\nsensor.height = 32\ndevice.serial = QRNG-0001\noutput.mode = full-entropy\n");
            Assert.AreEqual(160, c.TMinus);
            Assert.AreEqual(30, c.EffectiveNPlus);
            Assert.AreEqual("QRNG-0001", c.DeviceSerial);
            Assert.AreEqual((int)OutputMode.FullEntropy, (int)c.Mode);
        }

        [TestMethod]
        [DataRow("health.t_minus = sixty", "line 1")]
        [DataRow("\nhealth.bogus = 1", "line 2: unknown key")]
        [DataRow("no equals sign", "expected 'key = value'")]
        [DataRow("health.t_minus = 990", "health.t_minus <= health.t_plus")]
        [DataRow("health.startup_symbols = 100", "1024")]
        [DataRow("health.apt_window = 1024", "2 x health.apt_window")]
        [DataRow("health.n_minus = 4294967297", "out of range")]
        [DataRow("health.pixel_repeat_cutoff = 300", "3..255")]
        [DataRow("sensor.width = 4\nsensor.height = 1073741828", "40x30")]
        [DataRow("sensor.width = 8\nsensor.height = 8", "the OV2640's smallest output is 40x30")]
        [DataRow("sensor.width = 40\nsensor.height = 28", "40x32")]
        [DataRow("sensor.exposure = 1249", "1..1248")]
        [DataRow("sensor.width = 128\nsensor.height = 100", "bytes of managed heap")]
        [DataRow("output.bytes_per_frame = 2000000", "1..1048576")]
        [DataRow("output.mode = fast", "drbg or full-entropy")]
        [DataRow("health.seed_margin_percent = 50", "SP 800-90A's minimum")]
        [DataRow("health.t_minus = 60\n# again\nhealth.t_minus = 70", "line 3: health.t_minus is set twice (also on line 1)")]
        public static void Bad_config_lines_are_refused_with_a_reason(string text, string expected)
        {
            try
            {
                new FirmwareConfig().Apply(text);
            }
            catch (ConfigException e)
            {
                Assert.IsTrue(e.Message.IndexOf(expected) >= 0, e.Message);
                return;
            }

            Assert.IsTrue(false, "accepted: " + text);
        }

        [TestMethod]
        public static void Personalization_names_firmware_and_serial()
        {
            var c = new FirmwareConfig();
            c.DeviceSerial = "QRNG-0042";
            byte[] p = Personalization.For(c);
            string expected = "qrng-esp32 fw " + Personalization.FirmwareVersion + " serial QRNG-0042";
            Assert.AreEqual(expected.Length, p.Length);
            for (int i = 0; i < p.Length; i++)
            {
                Assert.AreEqual((int)expected[i], (int)p[i]);
            }
        }

        [TestMethod]
        public static void Full_entropy_mode_reseeds_with_320_bits_times_the_margin_before_every_32_bytes()
        {
            var sensor = new FakeSensor(64);
            var sink = new CountingSink();
            QrngEngine engine = Engine(sensor, sink, "output.mode = full-entropy");
            UntilStreaming(engine, 300);
            for (int i = 0; i < 60; i++)
            {
                engine.Step();
            }

            EngineStatus s = engine.Status;
            Assert.IsTrue(sink.Count > 0);
            Assert.AreEqual(0L, sink.Count % 32, "whole 32-byte blocks");
            long blocks = sink.Count / 32;
            Assert.AreEqual(blocks, s.Reseeds, "one reseed right before each block");
            long instantiation = 4L * (Bytes(512) + Bytes(256)) * 1960 * s.Instantiations;
            Assert.IsTrue(s.CreditedMilliBits - instantiation >= blocks * 2 * 320000L, "at least 2 x (256 + 64) credited bits per block");
        }

        private static long Bytes(int bits)
        {
            return Qrng.Firmware.Pipeline.DrbgOutput.BytesFor(bits, 1960);
        }

        [TestMethod]
        public static void A_DRBG_self_test_failure_while_streaming_stops_output_for_good()
        {
            var sink = new CountingSink();
            QrngEngine engine = Engine(new FakeSensor(64), sink, "");
            UntilStreaming(engine, 300);
            engine.Step();
            long before = sink.Count;
            try
            {
                DrbgSelfTest.InjectFault = true;
                Assert.IsFalse(DrbgSelfTest.Run());
                for (int i = 0; i < 5; i++)
                {
                    engine.Step();
                }
            }
            finally
            {
                DrbgSelfTest.InjectFault = false;
                Assert.IsTrue(DrbgSelfTest.Run());
            }

            Assert.AreEqual(before, sink.Count);
            Assert.AreEqual((int)EngineState.SelfTestFailed, (int)engine.Status.State);
            Assert.AreEqual((int)Fault.DrbgSelfTest, (int)engine.Status.LastFault);
            Assert.IsTrue(engine.EntropyCleared());
            engine.Step();
            Assert.AreEqual(before, sink.Count);            // permanent until the device restarts
        }
    }
}
