using nanoFramework.TestFramework;
using Qrng.Firmware.Protocol;

namespace Qrng.Firmware.Tests
{
    /// <summary>
    /// Issue 19 item 2: a persistent failure's pause, its back-off and the stale-frame fingerprints survive what anyone
    /// on the line can send (SELFTEST, CONFIG SET on a board without a key); only an authenticated request ends a
    /// pause, and STATUS says which. On nanoCLR as on .NET.
    /// </summary>
    [TestClass]
    public class ProtocolPauseTests
    {
        /// <summary>The LED dies: frames fail T−, the LED loop reaches full duty, a persistent error pauses the engine.</summary>
        private static string Paused(BoardLine line)
        {
            line.Board.Camera.LedDead = true;
            for (int i = 0; i < 400 && line.Board.Status.State != EngineState.Error; i++)
            {
                line.StepKeepingAlive(1);
            }

            Assert.AreEqual((int)EngineState.Error, (int)line.Board.Status.State, "a persistent failure");
            return line.Board.Status.Reason();
        }

        [TestMethod]
        public static void An_unauthenticated_selftest_and_config_set_leave_the_pause_its_reason_and_its_back_off()
        {
            BoardLine line = ProtocolTests.InCommandMode(new FirmwareConfig(), 40);
            string reason = Paused(line);
            Assert.IsTrue(reason.IndexOf("LED at full duty") >= 0, reason);
            Assert.AreEqual(10, line.Board.Status.PauseSeconds, "the first pause: 10 s");

            string selftest = line.AskText(Wire.SelfTest, 1, null, 3);
            Assert.AreEqual("paused", BoardLine.Value(selftest, "result"), selftest);
            Assert.AreEqual("pass", BoardLine.Value(selftest, "drbg_kat"));
            Assert.AreEqual("not-run", BoardLine.Value(selftest, "sensor"));
            Assert.IsTrue(BoardLine.Value(selftest, "reason").IndexOf("LED at full duty") >= 0, selftest);
            Assert.AreEqual((int)EngineState.Error, (int)line.Board.Status.State, "SELFTEST did not end the pause");

            string set = line.AskText(Wire.ConfigSet, 2, Hex.Ascii("uart.baud = 921600"), 3);
            Assert.AreEqual("yes", BoardLine.Value(set, "applied"));
            Assert.IsNotNull(BoardLine.Value(set, "paused_s"), set);
            Assert.AreEqual((int)EngineState.Error, (int)line.Board.Status.State, "CONFIG SET did not end the pause");
            string status = line.AskText(Wire.Status, 3, null, 3);
            Assert.AreEqual(reason, BoardLine.Value(status, "reason"), "the reason survives");
            Assert.AreEqual("none", BoardLine.Value(status, "pause_ended_by"));
            Assert.IsTrue(int.Parse(BoardLine.Value(status, "pause_s")) <= 10, status);

            // the pause ends by itself; the LED is still dead: the next pause is twice as long (the back-off went on)
            for (int i = 0; i < 400 && line.Board.Status.State == EngineState.Error; i++)
            {
                line.StepKeepingAlive(1);
            }

            for (int i = 0; i < 400 && line.Board.Status.State != EngineState.Error; i++)
            {
                line.StepKeepingAlive(1);
            }

            Assert.AreEqual((int)EngineState.Error, (int)line.Board.Status.State);
            Assert.AreEqual(20, line.Board.Status.PauseSeconds, "the second pause in a row: 20 s");
        }

        [TestMethod]
        public static void An_authenticated_selftest_ends_the_pause_and_status_says_so()
        {
            var config = new FirmwareConfig();
            config.Apply("device.hmac_key = 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
            BoardLine line = ProtocolTests.InCommandMode(config, 41);
            line.StartSession(config);
            Paused(line);
            line.Board.Camera.LedDead = false;

            line.Send(Wire.SelfTest, 10, null, true);
            Reply[] r = line.Await(10, 200);
            Assert.IsNotNull(r, "the self-test's verdict");
            Assert.AreEqual("pass", BoardLine.Value(r[r.Length - 1].Text, "result"), r[r.Length - 1].Text);
            string text = line.AskText(Wire.Status, 11, null, 3, true);         // its parts joined
            Assert.AreEqual("authenticated SELFTEST (request 10)", BoardLine.Value(text, "pause_ended_by"), text);
        }

        [TestMethod]
        public static void Config_set_keeps_the_stale_frame_fingerprints()
        {
            // the FIFO records the next 3 frames and then serves them again; a CONFIG SET in between must not let the
            // replays pass as new frames (the new pipeline takes over the fingerprints)
            BoardLine line = ProtocolTests.InCommandMode(new FirmwareConfig(), 42);
            line.Board.Camera.ReplayCycle = 3;
            long frames = line.Board.Status.Frames;
            while (line.Board.Status.Frames < frames + 3)
            {
                line.Step(1);
            }

            long replayed = line.Board.Status.FramesReplayed;
            frames = line.Board.Status.Frames;
            string set = line.AskText(Wire.ConfigSet, 20, Hex.Ascii("uart.baud = 921600"), 3);
            Assert.AreEqual("yes", BoardLine.Value(set, "applied"));
            for (int i = 0; i < 20 && line.Board.Status.Frames < frames + 2; i++)
            {
                line.Step(1);
            }

            long after = line.Board.Status.Frames - frames;
            Assert.IsTrue(after >= 2 && after <= 3, "frames after the set: " + after);
            Assert.AreEqual(after, line.Board.Status.FramesReplayed - replayed, "every one was recognised as a replay at once");
        }
    }
}
