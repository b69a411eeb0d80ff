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
        /// SHA-256 of the 240-frame scenario's output: the known answer both runtimes must reproduce byte for byte
        /// (taken from the .NET twin; nanoCLR agrees, which is the point).
        /// </summary>
        private const string ScenarioDigest = "f5bcdd6754d3628faa257f6f134a78ce392c9638a40f17283d4fc00739a40bc8";

        [TestMethod]
        public static void The_firmware_streams_from_the_emulated_module_and_not_a_byte_while_the_led_is_dead()
        {
            var config = new FirmwareConfig();
            var sink = new DigestSink();
            EmulatedBoard board = EmulatedBoard.WithShotNoise(config, 20261127, sink, null);
            Run(board, 150);
            Assert.AreEqual((int)EngineState.Streaming, (int)board.Status.State, "streaming after start-up and seeding");
            Assert.IsTrue(board.Status.Reseeds > 0, "reseeded while streaming");
            long before = sink.Count;
            Assert.IsTrue(before > 0);

            board.Camera.LedDead = true;
            Run(board, 10);
            Assert.AreEqual(before, sink.Count, "no byte while the LED is dead");
            Assert.AreEqual((int)Fault.FrameLow, (int)board.Status.LastFault);

            board.Camera.LedDead = false;
            Run(board, 80);
            Assert.AreEqual((int)EngineState.Streaming, (int)board.Status.State, "streaming again after a fresh start-up test");
            Assert.IsTrue(sink.Count > before);
            Assert.AreEqual(240L, board.Status.Frames);

            string digest = sink.Hex();
            OutputHelper.WriteLine("emulated board: 240 frames, " + sink.Count + " bytes, SHA-256 " + digest);
            Assert.AreEqual(ScenarioDigest, digest, "the same output on every runtime");
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
