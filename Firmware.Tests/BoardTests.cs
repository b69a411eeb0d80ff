using System;
using System.Reflection;
using nanoFramework.TestFramework;
using Qrng.Drivers;

namespace Qrng.Firmware.Tests
{
    /// <summary>
    /// Board-only checks (hardware in the loop), for Firmware.Tests deployed to a flashed ESP32 by nanoFramework's test
    /// adapter with nano.runsettings' IsRealHardware=True: the sensor answers with its ID, the LED loop reaches its
    /// set-point, the frame rate, the start-up test, a short healthy stream. The board (the Esp32 library: wiring,
    /// adapters, the flashed configuration) is opened by reflection, so that this assembly stays portable; on nanoCLR
    /// and on the .NET twin that library is not loaded and every check skips with the reason.
    /// </summary>
    [TestClass]
    public class BoardTests
    {
        /// <summary>Frames the LED loop may take to bring the frame mean into its window.</summary>
        public const int SettleFrames = 200;
        /// <summary>Frames of the short stream (start-up test, seeding, output).</summary>
        public const int StreamFrames = 400;
        /// <summary>The slowest frame rate that still counts as working (frames per second); the measured rate is printed.</summary>
        public const int MinFramesPerSecond = 1;

        private static Hardware _board;
        private static string _absent;
        private static App _app;
        private static int _settledAfter = -1;
        private static long _streamMs;

        private sealed class Hardware
        {
            public IImageSensor Sensor;
            public IPwmOutput Led;
            public ISerialLink Serial;
            public FirmwareConfig Config;
        }

        private sealed class UtcClock : IClock
        {
            private readonly long _start = DateTime.UtcNow.Ticks;

            public long ElapsedMilliseconds
            {
                get { return (DateTime.UtcNow.Ticks - _start) / TimeSpan.TicksPerMillisecond; }
            }
        }

        /// <summary>The flashed board, or a skip with the reason.</summary>
        private static Hardware Board()
        {
            if (_board != null)
            {
                return _board;
            }

            if (_absent == null)
            {
                Type board = null, config = null;
                string why = "not loaded";
                try
                {
                    Assembly esp32 = Assembly.Load("Qrng.Esp32");
                    if (esp32 != null)
                    {
                        board = esp32.GetType("Qrng.Esp32.Esp32Board");
                        config = esp32.GetType("Qrng.Esp32.BoardConfig");
                    }
                }
                catch (Exception e)
                {
                    why = e.GetType().Name;
                }

                if (board == null || config == null)
                {
                    _absent = "board-only check: the ESP32 board library (Qrng.Esp32) is absent (" + why + "): this run is on nanoCLR or the .NET twin; "
                        + "deploy Firmware.Tests to a flashed ESP32 with nano.runsettings IsRealHardware=True to run it";
                }
                else
                {
                    var cfg = (FirmwareConfig)config.GetMethod("Flashed").Invoke(null, null);
                    object opened = board.GetMethod("Open").Invoke(null, new object[] { cfg });
                    var hw = new Hardware();
                    hw.Sensor = (IImageSensor)board.GetField("Sensor").GetValue(opened);
                    hw.Led = (IPwmOutput)board.GetField("Led").GetValue(opened);
                    hw.Serial = (ISerialLink)board.GetField("Serial").GetValue(opened);
                    hw.Config = cfg;
                    _board = hw;
                    return hw;
                }
            }

            Assert.SkipTest(_absent);
            return null;
        }

        /// <summary>The application on the board, run once for <see cref="StreamFrames"/> frames (shared by the checks below).</summary>
        private static App Streamed()
        {
            Hardware hw = Board();
            if (hw.Config.CalibrationDate == 0)
            {
                // a board's own sensor never streams on the paper default (Fault.Uncalibrated): calibrate it first
                Assert.SkipTest("board-only streaming check: this board runs on the paper default; run qrng calibrate --apply (docs/calibration.md) and flash or apply the record");
            }

            if (_app == null)
            {
                _app = new App(hw.Sensor, hw.Led, hw.Serial, new SleepDelay(), new UtcClock(), new ConsoleLog(), hw.Config);
                long start = DateTime.UtcNow.Ticks;
                FirmwareConfig c = hw.Config;
                for (int i = 0; i < StreamFrames; i++)
                {
                    _app.Tick();
                    EngineStatus s = _app.Engine.Status;
                    if (_settledAfter < 0 && s.LastMean >= c.LedMinMean && s.LastMean <= c.LedMaxMean && !s.LedAtLimit)
                    {
                        _settledAfter = (int)s.Frames;
                    }
                }

                _streamMs = (DateTime.UtcNow.Ticks - start) / TimeSpan.TicksPerMillisecond;
                OutputHelper.WriteLine("board: " + _app.Engine.Status.Summary());
            }

            return _app;
        }

        [TestMethod]
        public static void The_sensor_answers_with_its_id_and_delivers_10_bit_pixels()
        {
            Hardware hw = Board();
            hw.Sensor.Initialize();                           // throws SensorException unless the OV2640 and the ArduChip answer
            var frame = new ushort[hw.Sensor.PixelCount];
            hw.Sensor.Capture(frame);
            int max = 0;
            for (int i = 0; i < frame.Length; i++)
            {
                max = frame[i] > max ? frame[i] : max;
            }

            Assert.IsTrue(max <= 1023, "10-bit pixel values");
            OutputHelper.WriteLine("sensor: " + frame.Length + " pixels, brightest " + max);
        }

        [TestMethod]
        public static void The_led_loop_reaches_its_set_point_within_the_settle_frames()
        {
            App app = Streamed();
            EngineStatus s = app.Engine.Status;
            Assert.IsTrue(_settledAfter >= 0 && _settledAfter <= SettleFrames, "frame mean in [led.min_mean, led.max_mean] within " + SettleFrames + " frames (after " + _settledAfter + "; " + s.Summary() + ")");
            OutputHelper.WriteLine("LED loop: in its window after " + _settledAfter + " frames, duty " + s.LedDuty + ", mean " + s.LastMean);
        }

        [TestMethod]
        public static void The_frame_rate_is_measured()
        {
            App app = Streamed();
            long frames = app.Engine.Status.Frames;
            long fps100 = _streamMs > 0 ? (frames * 100000) / _streamMs : 0;
            OutputHelper.WriteLine("frame rate: " + frames + " frames in " + _streamMs + " ms = " + (fps100 / 100) + "." + (fps100 % 100 < 10 ? "0" : "") + (fps100 % 100) + " frames/s (whole loop: capture, tests, DRBG, UART)");
            Assert.IsTrue(fps100 >= MinFramesPerSecond * 100, "at least " + MinFramesPerSecond + " frame per second");
        }

        [TestMethod]
        public static void The_startup_test_passes()
        {
            App app = Streamed();
            Assert.IsTrue(app.Engine.Status.StartupTestsPassed >= 1, "SP 800-90B start-up test passed (" + app.Engine.Status.Summary() + ")");
        }

        [TestMethod]
        public static void A_short_stream_is_healthy()
        {
            App app = Streamed();
            EngineStatus s = app.Engine.Status;
            Assert.AreEqual((int)EngineState.Streaming, (int)s.State, "streaming at the end (" + s.Summary() + ")");
            Assert.IsTrue(s.BytesOut > 0, "bytes went out");
            Assert.AreEqual(0L, s.ErrorEntries, "no persistent failure");
            Assert.AreEqual(0L, s.SensorErrors, "no sensor error");
        }
    }
}
