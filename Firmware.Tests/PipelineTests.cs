using System;
using nanoFramework.TestFramework;
using Qrng.Crypto;
using Qrng.Drivers;
using Qrng.Firmware;

namespace Qrng.Firmware.Tests
{
    /// <summary>The pipeline on fakes, so it also runs on a board (hardware-in-the-loop) without a camera attached.</summary>
    [TestClass]
    public class PipelineTests
    {
        /// <summary>Pixels uniform on 400..623 from xorshift32: healthy for T±, the 90B tests and the LED window.</summary>
        private sealed class FakeSensor : IImageSensor
        {
            private uint _state = 2463534242;

            public bool Dark;

            public int PixelCount
            {
                get { return 64; }
            }

            public void Initialize()
            {
            }

            public void Capture(ushort[] pixels)
            {
                for (int i = 0; i < 64; i++)
                {
                    _state ^= _state << 13;
                    _state ^= _state >> 17;
                    _state ^= _state << 5;
                    pixels[i] = Dark ? (ushort)10 : (ushort)(400 + (_state % 224));
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

        private sealed class CountingSink : IByteSink
        {
            public long Count;

            public void Write(byte[] buffer, int offset, int count)
            {
                Count += count;
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

        private sealed class CountingDelay : IDelay
        {
            public long Total;

            public void Milliseconds(int ms)
            {
                Total += ms;
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

        [TestMethod]
        public static void The_app_loop_survives_a_driver_exception_and_restarts_the_pipeline()
        {
            var sink = new FlakySink();
            var delay = new CountingDelay();
            var log = new LastLineLog();
            var app = new App(new FakeSensor(), new FakeLed(), sink, delay, log, new FirmwareConfig());
            for (int i = 0; i < 21; i++)
            {
                app.Tick();
            }

            Assert.AreEqual(8192L, sink.Count);
            sink.FailNext = 1;
            app.Tick();                                           // Write throws inside Step
            Assert.AreEqual(8192L, sink.Count);
            Assert.AreEqual((int)Fault.Unexpected, (int)app.Engine.Status.LastFault);
            Assert.IsTrue(log.Last.IndexOf("UART gone") >= 0, log.Last);
            Assert.IsTrue(delay.Total >= 1000);

            for (int i = 0; i < 30; i++)
            {
                app.Tick();
            }

            Assert.AreEqual((int)EngineState.Streaming, (int)app.Engine.Status.State);
            Assert.IsTrue(sink.Count > 8192L);
            Assert.IsTrue(app.Engine.Status.StartupTestsPassed >= 2);
        }

        [TestMethod]
        public static void Config_defaults_are_the_papers_and_lines_apply()
        {
            var c = new FirmwareConfig();
            Assert.AreEqual(64, c.TMinus);
            Assert.AreEqual(940, c.TPlus);
            Assert.AreEqual(1, c.EffectiveNMinus);
            c.Apply("# thresholds\nhealth.t_minus = 160   # from qrng model thresholds\n\nsensor.width = 128\nsensor.height = 100\ndevice.serial = QRNG-0001\n");
            Assert.AreEqual(160, c.TMinus);
            Assert.AreEqual(200, c.EffectiveNPlus);
            Assert.AreEqual("QRNG-0001", c.DeviceSerial);
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
        [DataRow("sensor.width = 4\nsensor.height = 1073741828", "4..1020")]
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
        public static void Streams_after_startup_and_seeding_stops_on_a_dark_frame_and_resumes_after_a_fresh_startup()
        {
            var sensor = new FakeSensor();
            var sink = new CountingSink();
            var engine = new QrngEngine(sensor, new FakeLed(), sink, new FirmwareConfig(), new byte[] { 1, 2, 3 });
            Assert.AreEqual(12, engine.RctCutoff);
            Assert.AreEqual(181, engine.AptCutoff);
            Assert.AreEqual(33, engine.BytesFor(256));
            Assert.AreEqual(17, engine.BytesFor(128));

            for (int i = 0; i < 20; i++)
            {
                Assert.AreEqual(0L, sink.Count);
                engine.Step();
            }

            Assert.AreEqual((int)EngineState.Streaming, (int)engine.Status.State);
            Assert.AreEqual(4096L, sink.Count);
            engine.Step();
            Assert.AreEqual(8192L, sink.Count);

            sensor.Dark = true;
            engine.Step();
            Assert.AreEqual((int)Fault.FrameLow, (int)engine.Status.LastFault);
            Assert.AreEqual(64, engine.Status.FaultDetail);
            for (int i = 0; i < 4; i++)
            {
                engine.Step();
            }

            Assert.AreEqual(8192L, sink.Count);
            Assert.AreEqual((int)Fault.FrameRepeated, (int)engine.Status.LastFault);   // identical dark frames

            sensor.Dark = false;
            for (int i = 0; i < 18; i++)
            {
                engine.Step();
            }

            Assert.AreEqual(8192L, sink.Count);                // 16 frames of start-up, then 132 symbols to reseed
            engine.Step();
            Assert.AreEqual(8192L + 4096L, sink.Count);
            Assert.AreEqual(2L, engine.Status.StartupTestsPassed);
        }

        [TestMethod]
        public static void A_DRBG_self_test_failure_while_streaming_stops_output_for_good()
        {
            var sink = new CountingSink();
            var engine = new QrngEngine(new FakeSensor(), new FakeLed(), sink, new FirmwareConfig(), null);
            for (int i = 0; i < 21; i++)
            {
                engine.Step();
            }

            Assert.AreEqual(8192L, sink.Count);
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

            Assert.AreEqual(8192L, sink.Count);
            Assert.AreEqual((int)EngineState.SelfTestFailed, (int)engine.Status.State);
            Assert.AreEqual((int)Fault.DrbgSelfTest, (int)engine.Status.LastFault);
            engine.Step();
            Assert.AreEqual(8192L, sink.Count);            // permanent until the device restarts
        }
    }
}
