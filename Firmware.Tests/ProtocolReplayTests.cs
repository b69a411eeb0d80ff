using nanoFramework.TestFramework;
using Qrng.Crypto;
using Qrng.Emulator;
using Qrng.Firmware.Protocol;

namespace Qrng.Firmware.Tests
{
    /// <summary>
    /// Issue 19 item 1: an authenticated request cannot be sent again, in its session or in any other (after a restart
    /// too), none is accepted before HELLO, and the device nonce comes from the DRBG.
    /// </summary>
    [TestClass]
    public class ProtocolReplayTests
    {
        private const string Key = "device.hmac_key = 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

        private static FirmwareConfig Keyed()
        {
            var config = new FirmwareConfig();
            config.Apply(Key);
            return config;
        }

        /// <summary>The bytes of one request frame as the line's host would send it now (counter given), not sent.</summary>
        private static byte[] Recorded(BoardLine line, int type, int seq, string payload, uint counter)
        {
            var writer = new FrameWriter(Wire.RequestMagic, Wire.MaxRequestPayload);
            byte[] p = Hex.Ascii(payload);
            System.Array.Copy(p, 0, writer.Buffer, FrameWriter.PayloadOffset, p.Length);
            var queue = new ByteQueue();
            writer.Send(queue, type, 0, seq, p.Length, line.Mac, line.DeviceNonce, counter);
            var frame = new byte[queue.Count];
            queue.Read(frame, 0, frame.Length);
            return frame;
        }

        private static Reply Answer(BoardLine line, int seq)
        {
            Reply[] r = line.Await(seq, 3);
            Assert.IsNotNull(r, "a reply to request " + seq);
            return r[r.Length - 1];
        }

        [TestMethod]
        public static void A_signed_config_set_sent_again_in_its_session_is_refused()
        {
            BoardLine line = ProtocolTests.InCommandMode(Keyed(), 51);
            line.StartSession(Keyed());
            byte[] frame = Recorded(line, Wire.ConfigSet, 60, "output.mode = full-entropy", ++line.Counter);
            line.Raw(frame);
            Reply first = Answer(line, 60);
            Assert.AreEqual(Wire.ConfigSet | Wire.ReplyBit, first.Type, first.Text);

            line.Raw(frame);                                                            // the same bytes again
            Reply again = Answer(line, 60);
            Assert.AreEqual(Wire.Error, again.Type);
            Assert.AreEqual(Wire.ErrReplayed, again.Payload[0], again.Text);

            line.SendCounted(Wire.Info, 61, null, true, line.Counter);                     // a fresh frame, the same counter
            Assert.AreEqual(Wire.ErrReplayed, Answer(line, 61).Payload[0]);
            line.Send(Wire.Status, 62, null, true);                                       // the next counter is accepted
            Reply status = Answer(line, 62);
            Assert.AreEqual(Wire.Status | Wire.ReplyBit, status.Type);
            string text = line.AskText(Wire.Status, 63, null, 3, true);

            Assert.AreEqual("2", BoardLine.Value(text, "auth_replays"), text);
            Assert.AreEqual("drbg-nonce", BoardLine.Value(text, "auth_session"), "the streaming board's nonce is DRBG output");
        }

        [TestMethod]
        public static void A_frame_signed_in_an_earlier_session_is_refused_after_the_next_hello()
        {
            BoardLine line = ProtocolTests.InCommandMode(Keyed(), 52);
            line.StartSession(Keyed());
            byte[] nonce = new byte[Wire.NonceLength];
            System.Array.Copy(line.DeviceNonce, nonce, Wire.NonceLength);
            byte[] frame = Recorded(line, Wire.ConfigSet, 70, "output.mode = full-entropy", 1000);

            // the session ends with STREAM; outside a session nothing signed is accepted
            Assert.AreEqual("stream", BoardLine.Value(line.AskText(Wire.Stream, 71, null, 1), "mode"));
            line.Attention();
            line.Step(1);
            Assert.AreEqual(Wire.Ready, line.Pending()[0].Type);
            line.Raw(frame);
            Reply outside = Answer(line, 70);
            Assert.AreEqual(Wire.ErrNoSession, outside.Payload[0], outside.Text);

            line.StartSession(Keyed());
            Assert.AreNotEqual(Hex.Of(nonce), Hex.Of(line.DeviceNonce), "a new session, a new device nonce");
            line.Raw(frame);
            Reply stale = Answer(line, 70);
            Assert.AreEqual(Wire.ErrBadAuth, stale.Payload[0], stale.Text);
            Assert.AreEqual("drbg", ConfigValue(line, 72, "output.mode"), "the configuration was never changed");
        }

        [TestMethod]
        public static void Before_hello_a_signed_request_is_refused_even_under_the_all_zero_nonce()
        {
            BoardLine line = ProtocolTests.InCommandMode(Keyed(), 53);
            line.Mac = new HmacSha256(Keyed().HmacKey);                                  // DeviceNonce: all zero, no HELLO
            line.Raw(Recorded(line, Wire.ConfigSet, 80, "output.mode = full-entropy", 1));
            Reply r = Answer(line, 80);
            Assert.AreEqual(Wire.ErrNoSession, r.Payload[0], r.Text);
        }

        [TestMethod]
        public static void A_board_with_no_frame_yet_opens_no_session_and_says_so()
        {
            // attention and HELLO reach the board before its first frame: no DRBG, no frame noise, no device nonce
            var line = new BoardLine(Keyed(), 54);
            line.Attention();
            line.Mac = new HmacSha256(Keyed().HmacKey);
            line.Send(Wire.Hello, 90, line.HostNonce);
            Reply hello = Answer(line, 90);
            Assert.AreEqual(Wire.Hello | Wire.ReplyBit, hello.Type);
            Assert.AreEqual(3, (int)hello.Payload[21], "key provisioned, no device nonce yet");
            for (int i = 0; i < Wire.NonceLength; i++)
            {
                Assert.AreEqual(0, (int)hello.Payload[i], "no nonce sent");
            }

            line.Hello(hello);
            line.Send(Wire.Info, 91, null, true);
            Assert.AreEqual(Wire.ErrNoSession, Answer(line, 91).Payload[0]);

            // frames come (the source is not seeded yet): the nonce is made from their noise
            line.StepKeepingAlive(1);
            line.StartSession(Keyed());
            string text = line.AskText(Wire.Status, 92, null, 3, true);

            string session = BoardLine.Value(text, "auth_session");
            Assert.IsTrue(session == "frame-nonce" || session == "drbg-nonce", text);
        }

        private static string ConfigValue(BoardLine line, int seq, string key)
        {
            string text = line.AskText(Wire.ConfigGet, seq, Hex.Ascii(key), 1);
            string[] lines = text.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                int eq = lines[i].IndexOf('=');
                if (eq > 0 && lines[i].Substring(0, eq).Trim() == key)
                {
                    return lines[i].Substring(eq + 1).Trim();
                }
            }

            return null;
        }
    }
}
