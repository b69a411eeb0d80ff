using nanoFramework.TestFramework;
using Qrng.Emulator;

namespace Qrng.Firmware.Tests
{
    /// <summary>
    /// The whole firmware (App, QrngEngine, the 90B tests, Hash_DRBG, the ArduCAM driver) on the byte-level emulated
    /// ArduCAM module with shot-noise pixels: the same bytes on nanoCLR, on .NET and on a board.
    /// </summary>
    [TestClass]
    public class EmulatedBoardTests
    {
        /// <summary>
        /// SHA-256 of the 44-frame scenario's output at the default 40x32 window: the known answer both runtimes must
        /// reproduce byte for byte (taken from the .NET twin; nanoCLR agrees, which is the point).
        /// </summary>
        private const string ScenarioDigest = "35e2c34ee3571fde9e4077c40986d076e59a89181cd7dc1bd742e7deafb8ef43";

        [TestMethod]
        public static void The_firmware_streams_from_the_emulated_module_and_not_a_byte_while_the_led_is_dead()
        {
            var config = new FirmwareConfig();
            var sink = new DigestSink();
            EmulatedBoard board = EmulatedBoard.WithShotNoise(config, 20261127, sink, null);
            Assert.IsFalse(config.EmulatorTestSize, "a real sensor size");
            Run(board, 70);                                           // start-up, then 65,536 pairs verified (52 frames)
            Assert.AreEqual((int)EngineState.Streaming, (int)board.Status.State, "streaming after start-up and seeding");
            Assert.IsTrue(board.Status.Reseeds > 0, "reseeded while streaming");
            long before = sink.Count;
            Assert.IsTrue(before > 0);

            board.Camera.LedDead = true;
            Run(board, 10);
            Assert.AreEqual(before, sink.Count, "no byte while the LED is dead");
            Assert.AreEqual((int)Fault.FrameLow, (int)board.Status.LastFault);

            board.Camera.LedDead = false;
            Run(board, 18);
            Assert.AreEqual((int)EngineState.Streaming, (int)board.Status.State, "streaming again after a fresh start-up test");
            Assert.IsTrue(sink.Count > before);
            Assert.AreEqual(98L, board.Status.Frames);

            string digest = sink.Hex();
            OutputHelper.WriteLine("emulated board: 98 frames, " + sink.Count + " bytes, SHA-256 " + digest);
            Assert.AreEqual(ScenarioDigest, digest, "the same output on every runtime");
        }

        [TestMethod]
        public static void A_sensor_left_at_its_power_on_values_never_streams_and_the_reason_names_the_register()
        {
            var sink = new CountingSink();
            EmulatedBoard board = EmulatedBoard.WithShotNoise(new FirmwareConfig(), 5, sink, null);
            board.Camera.NoInit = true;
            Run(board, 4);
            Assert.AreEqual(0L, sink.Count, "no byte");
            Assert.AreEqual((int)EngineState.SensorDown, (int)board.Status.State);
            string reason = board.Status.Reason();
            Assert.IsTrue(reason.IndexOf("sensor not configured") >= 0 && reason.IndexOf("register 0x") >= 0, reason);

            board.Camera.NoInit = false;                              // a sensor that takes its set-up: the next start works
            Run(board, 70);
            Assert.AreEqual((int)EngineState.Streaming, (int)board.Status.State, board.Status.Summary());
        }

        [TestMethod]
        public static void A_dsp_left_in_the_data_path_never_streams_and_the_fault_names_the_dsp()
        {
            var sink = new CountingSink();
            EmulatedBoard board = EmulatedBoard.WithShotNoise(new FirmwareConfig(), 6, sink, null);
            board.Camera.DspStaysOn = true;                           // R_BYPASS reads back 1, the DSP still smooths
            Run(board, 24);
            Assert.AreEqual(0L, sink.Count, "no byte from processed pixels");
            Assert.IsTrue(board.Status.NoiseFailures > 0);
            Assert.AreEqual((int)Fault.ShotNoise, (int)board.Status.LastFault);
            string reason = board.Status.Reason();
            Assert.IsTrue(board.Status.NoiseRatioPercent < 75 && reason.IndexOf("DSP") >= 0, reason);
        }

        [TestMethod]
        public static void The_8x8_test_size_is_marked_and_only_the_emulator_accepts_it()
        {
            FirmwareConfig config = FirmwareConfig.EmulatorTest();
            EmulatedBoard board = EmulatedBoard.WithShotNoise(config, 7, new CountingSink(), null);
            Assert.IsTrue(board.App.SensorSetup.IndexOf("emulator test size") >= 0, board.App.SensorSetup);
            Run(board, 2);
            Assert.AreEqual(64, board.Status.FrameBytes);

            // the same window on a module that behaves like the chip: no pixels, a sensor error that says so
            EmulatedBoard strict = EmulatedBoard.WithShotNoise(FirmwareConfig.EmulatorTest(), 7, new CountingSink(), null);
            strict.Camera.AcceptsTestSizes = false;
            Run(strict, 2);
            Assert.AreEqual((int)EngineState.SensorDown, (int)strict.Status.State);
            Assert.IsTrue(strict.Status.Reason().IndexOf("sent no pixels") >= 0, strict.Status.Reason());

            // and no configuration text reaches it
            try
            {
                new FirmwareConfig().Apply("sensor.width = 8\nsensor.height = 8\n");
            }
            catch (ConfigException e)
            {
                Assert.IsTrue(e.Message.IndexOf("40x30") >= 0, e.Message);
                return;
            }

            Assert.IsTrue(false, "8x8 accepted from text");
        }

        [TestMethod]
        public static void Symbols_of_frames_the_shot_noise_check_has_not_passed_are_never_credited()
        {
            // at 8x8 a noise block spans ~17 frames: with averaging switched on mid-stream, the symbols of the open block's
            // frames were committed at their APT windows and credited before the block failed (issue 18 item 4)
            EmulatedBoard board = EmulatedBoard.WithShotNoise(FirmwareConfig.EmulatorTest(), 31, new CountingSink(), null);
            Run(board, 120);
            Assert.AreEqual((int)EngineState.Streaming, (int)board.Status.State, board.Status.Summary());
            long noiseFailures = board.Status.NoiseFailures;
            long credited = board.Status.CreditedMilliBits;
            long bound = credited + (1960L * board.Engine.CommittedSymbols);    // what was committed before the switch
            board.Camera.DspAveraging = true;
            for (int i = 0; i < 60 && board.Status.NoiseFailures == noiseFailures; i++)
            {
                board.Step();
            }

            Assert.IsTrue(board.Status.NoiseFailures > noiseFailures, "the averaging was caught");
            Assert.IsTrue(board.Status.CreditedMilliBits <= bound,
                "credited " + (board.Status.CreditedMilliBits - credited) + " millibits after the switch, at most " + (bound - credited) + " were committed before it");
        }

        private static void Run(EmulatedBoard board, int frames)
        {
            for (int i = 0; i < frames; i++)
            {
                board.Step();
            }
        }
    }
}
