using System.Collections;
using nanoFramework.TestFramework;
using Qrng.Crypto;
using Qrng.Emulator;
using Qrng.Firmware.Protocol;

namespace Qrng.Firmware.Tests
{
    /// <summary>One reply frame as the host received it.</summary>
    public sealed class Reply
    {
        public int Type;
        public int Flags;
        public int Seq;
        public byte[] Payload;
        public byte[] Mac;
        public uint Counter;

        public bool More
        {
            get { return (Flags & Wire.FlagMore) != 0; }
        }

        /// <summary>The text after the part number (text replies), or the text after code and type (ERROR).</summary>
        public string Text
        {
            get
            {
                int skip = Type == Wire.Error ? 2 : Replies.TextHeader;
                var c = new char[Payload.Length - skip];
                for (int i = 0; i < c.Length; i++)
                {
                    c[i] = (char)Payload[skip + i];
                }

                return new string(c);
            }
        }
    }

    /// <summary>
    /// The host's end of an in-process serial line to an emulated board (portable: runs on nanoCLR too). It writes
    /// requests with the firmware's <see cref="FrameWriter"/> and reads replies with its <see cref="FrameReader"/>,
    /// stepping the board's loop until the reply is complete.
    /// </summary>
    public sealed class BoardLine
    {
        private readonly FrameWriter _writer = new FrameWriter(Wire.RequestMagic, Wire.MaxRequestPayload);
        private readonly FrameReader _reader = new FrameReader(Wire.ReplyMagic, Wire.MaxReplyPayload);
        private readonly byte[] _buffer = new byte[512];
        private readonly ArrayList _frames = new ArrayList();
        private long _received, _lastSent;

        /// <summary>The sequence number of the keep-alive PINGs <see cref="Await"/> sends (a host does the same).</summary>
        public const int PingSeq = 0xFFF0;

        public BoardLine(FirmwareConfig config, uint seed)
        {
            Link = new LoopbackLink(null);
            Board = EmulatedBoard.WithShotNoise(config, seed, Link, null);
        }

        public EmulatedBoard Board { get; private set; }

        public LoopbackLink Link { get; private set; }

        public DeviceProtocol Device
        {
            get { return Board.App.Protocol; }
        }

        /// <summary>Every byte the device sent.</summary>
        public long Received
        {
            get { return _received; }
        }

        /// <summary>Bytes outside frames: the plain stream (and anything the reader skipped).</summary>
        public long Skipped
        {
            get { return _reader.Skipped; }
        }

        public long Damaged
        {
            get { return _reader.Damaged; }
        }

        public HmacSha256 Mac;
        public byte[] HostNonce = new byte[Wire.NonceLength];
        public byte[] DeviceNonce = new byte[Wire.NonceLength];

        /// <summary>The counter of the last authenticated request sent, and of the last authenticated reply received.</summary>
        public uint Counter, ReplyCounter;

        /// <summary>A reply's counter not above the last one is left to the test to judge (replay tests) instead of failing.</summary>
        public bool AllowOldReplyCounters;

        public void Step(int loops)
        {
            for (int i = 0; i < loops; i++)
            {
                Board.Step();
                Drain();                                  // every step: the plain stream would fill nanoCLR's heap
            }
        }

        /// <summary>HELLO with a host nonce and the board's key: requests sent with auth are signed from now on, replies checked.</summary>
        public void StartSession(FirmwareConfig config)
        {
            Mac = new HmacSha256(config.HmacKey);
            for (int i = 0; i < Wire.NonceLength; i++)
            {
                HostNonce[i] = (byte)(0xA0 + i);
            }

            Reply hello = Ask(Wire.Hello, 0xFFF1, HostNonce, 2);
            Assert.AreEqual(Wire.Hello | Wire.ReplyBit, hello.Type);
            Assert.AreEqual(1, (int)hello.Payload[21], "a session opened (key, device nonce)");
            Hello(hello);
        }

        /// <summary>HELLO's reply: the device nonce, and both counters start over.</summary>
        public void Hello(Reply hello)
        {
            System.Array.Copy(hello.Payload, 0, DeviceNonce, 0, Wire.NonceLength);
            Counter = 0;
            ReplyCounter = 0;
        }

        /// <summary>Steps like <see cref="Step"/>, with the keep-alive PINGs a host sends in command mode.</summary>
        public void StepKeepingAlive(int loops)
        {
            for (int i = 0; i < loops; i++)
            {
                if (Board.Delay.ElapsedMilliseconds - _lastSent >= Wire.CommandIdleMs / 3)
                {
                    Send(Wire.Ping, PingSeq, null);
                }

                Step(1);
            }
        }

        /// <summary>Silence on the line: the board's clock moves on <paramref name="ms"/> without a loop iteration.</summary>
        public void Wait(int ms)
        {
            Board.Delay.Milliseconds(ms);
        }

        public void Attention()
        {
            Link.ToDevice.Write(Wire.Attention, 0, Wire.Attention.Length);
        }

        public void Raw(byte[] bytes)
        {
            Link.ToDevice.Write(bytes, 0, bytes.Length);
        }

        public void Send(int type, int seq, byte[] payload)
        {
            Send(type, seq, payload, false);
        }

        public void Send(int type, int seq, byte[] payload, bool auth)
        {
            SendCounted(type, seq, payload, auth, auth ? ++Counter : 0);
        }

        /// <summary>An authenticated request (when <paramref name="auth"/>) with the counter given: replay tests.</summary>
        public void SendCounted(int type, int seq, byte[] payload, bool auth, uint counter)
        {
            int n = payload == null ? 0 : payload.Length;
            if (n > 0)
            {
                System.Array.Copy(payload, 0, _writer.Buffer, FrameWriter.PayloadOffset, n);
            }

            _writer.Send(Link.ToDevice, type, 0, seq, n, auth ? Mac : null, DeviceNonce, counter);
            _lastSent = Board.Delay.ElapsedMilliseconds;
        }

        /// <summary>Steps the board until the reply to <paramref name="seq"/> is complete (its last frame, or an ERROR); null when none came.</summary>
        public Reply[] Await(int seq, int maxLoops)
        {
            var got = new ArrayList();
            for (int loop = 0; loop <= maxLoops; loop++)
            {
                while (_frames.Count > 0)
                {
                    var f = (Reply)_frames[0];
                    _frames.RemoveAt(0);
                    if (f.Seq != seq)
                    {
                        continue;
                    }

                    got.Add(f);
                    if (!f.More)
                    {
                        return (Reply[])got.ToArray(typeof(Reply));
                    }
                }

                if (Board.Delay.ElapsedMilliseconds - _lastSent >= Wire.CommandIdleMs / 3)
                {
                    Send(Wire.Ping, PingSeq, null);               // keeps command mode during a long reply, as a host does
                }

                Board.Step();
                Drain();
            }

            return null;
        }

        /// <summary>A one-frame reply (or the last frame of a longer one).</summary>
        public Reply Ask(int type, int seq, byte[] payload, int maxLoops)
        {
            Send(type, seq, payload);
            Reply[] r = Await(seq, maxLoops);
            Assert.IsNotNull(r, "a reply to request " + seq);
            return r[r.Length - 1];
        }

        /// <summary>A text reply, its parts joined.</summary>
        public string AskText(int type, int seq, byte[] payload, int maxLoops)
        {
            return AskText(type, seq, payload, maxLoops, false);
        }

        /// <summary>A text reply to a request sent authenticated when <paramref name="auth"/>, its parts joined.</summary>
        public string AskText(int type, int seq, byte[] payload, int maxLoops, bool auth)
        {
            Send(type, seq, payload, auth);
            Reply[] r = Await(seq, maxLoops);
            Assert.IsNotNull(r, "a reply to request " + seq);
            string text = "";
            for (int i = 0; i < r.Length; i++)
            {
                Assert.AreEqual(type | Wire.ReplyBit, r[i].Type, "reply type (" + (r[i].Type == Wire.Error ? r[i].Text : "") + ")");
                Assert.AreEqual(i, Wire.Get32(r[i].Payload, 0), "part numbers in order");
                text += r[i].Text;
            }

            return text;
        }

        /// <summary>Every frame received so far (and not consumed by Await).</summary>
        public Reply[] Pending()
        {
            Drain();
            var all = (Reply[])_frames.ToArray(typeof(Reply));
            _frames.Clear();
            return all;
        }

        private void Drain()
        {
            while (true)
            {
                int n = Link.FromDevice.Read(_buffer, 0, _buffer.Length);
                _received += n;
                int at = 0;
                do
                {
                    at += _reader.Feed(_buffer, at, n - at);
                    if (_reader.Event == FrameReader.Frame && _reader.Seq != PingSeq)
                    {
                        _frames.Add(Capture());                   // the keep-alive PINGs' replies are not the test's
                    }
                }
                while (_reader.Event != FrameReader.None);

                if (n == 0)
                {
                    return;
                }
            }
        }

        private Reply Capture()
        {
            var r = new Reply();
            byte[] b = _reader.Buffer;
            r.Type = _reader.Type;
            r.Flags = _reader.Flags;
            r.Seq = _reader.Seq;
            r.Payload = new byte[_reader.PayloadLength];
            System.Array.Copy(b, Wire.HeaderLength, r.Payload, 0, r.Payload.Length);
            if (_reader.Authenticated)
            {
                r.Mac = new byte[Wire.MacLength];
                System.Array.Copy(b, _reader.MacOffset, r.Mac, 0, Wire.MacLength);
                r.Counter = _reader.Counter;
                if (Mac != null)
                {
                    var expected = new byte[Wire.MacLength];
                    FrameWriter.Sign(Mac, HostNonce, b, _reader.MacOffset, expected, 0);
                    Assert.IsTrue(HmacSha256.Equal(expected, 0, r.Mac, 0, Wire.MacLength), "reply HMAC verifies with the host nonce");
                    if (!AllowOldReplyCounters)
                    {
                        Assert.IsTrue(r.Counter > ReplyCounter, "reply counter " + r.Counter + " above the last " + ReplyCounter);
                    }

                    if (r.Counter > ReplyCounter)
                    {
                        ReplyCounter = r.Counter;
                    }
                }
            }

            return r;
        }

        public static string Value(string text, string key)
        {
            string[] lines = text.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                if (lines[i].IndexOf(key + "=") == 0)
                {
                    return lines[i].Substring(key.Length + 1);
                }
            }

            return null;
        }

        public static byte[] U32(int value)
        {
            var b = new byte[4];
            Wire.Put32(b, 0, value);
            return b;
        }
    }

    /// <summary>
    /// The serial protocol's device side (docs/protocol.md) against an emulated board through an in-process line: the
    /// parser, the framer, every command, the error replies. On nanoCLR as on .NET.
    /// </summary>
    [TestClass]
    public class ProtocolTests
    {
        private const int Healthy = 24;               // loops until a 40x32 board streams again (start-up, seeding, a noise block)
        private const int FirstStream = 120;          // ... the first time: health.noise_verify's 65,536 pairs are 52 frames

        public static BoardLine Streaming(FirmwareConfig config, uint seed)
        {
            var line = new BoardLine(config, seed);
            for (int i = 0; i < FirstStream && line.Board.Status.State != EngineState.Streaming; i++)
            {
                line.Step(1);
            }

            Assert.AreEqual((int)EngineState.Streaming, (int)line.Board.Status.State, "the board streams (" + line.Board.Status.Summary() + ")");
            return line;
        }

        public static BoardLine InCommandMode(FirmwareConfig config, uint seed)
        {
            BoardLine line = Streaming(config, seed);
            line.Attention();
            line.Step(1);
            Reply[] frames = line.Pending();
            Assert.AreEqual(1, frames.Length, "one READY frame");
            Assert.AreEqual(Wire.Ready, frames[0].Type);
            return line;
        }

        [TestMethod]
        public static void After_boot_the_line_carries_the_plain_stream_and_the_attention_sequence_stops_it()
        {
            BoardLine line = Streaming(new FirmwareConfig(), 11);
            long plain = line.Received;
            Assert.IsTrue(plain > 0 && plain == line.Board.Status.BytesOut, "every DRBG byte went out unframed");
            Assert.AreEqual(0, line.Pending().Length, "no frame in the plain stream");

            // a near miss (15 of the 16 bytes, then a wrong one) changes nothing
            var nearMiss = new byte[16];
            System.Array.Copy(Wire.Attention, nearMiss, 15);
            nearMiss[15] = 0x00;
            line.Raw(nearMiss);
            line.Step(2);
            Assert.IsFalse(line.Device.CommandMode);
            Assert.AreEqual(0, line.Pending().Length);

            // 'Q' right before the sequence: the matcher restarts on it and still finds the sequence
            line.Raw(new byte[] { 0x51, 0x52, 0x51 });
            line.Attention();
            long outBefore = line.Board.Status.BytesOut;
            line.Step(1);
            Reply[] frames = line.Pending();
            Assert.AreEqual(1, frames.Length);
            Assert.AreEqual(Wire.Ready, frames[0].Type);
            Assert.AreEqual(0, frames[0].Seq);
            Assert.AreEqual(Wire.Version, (int)frames[0].Payload[0]);
            Assert.IsTrue(line.Device.CommandMode);

            line.StepKeepingAlive(20);
            Assert.AreEqual(0, line.Pending().Length, "command mode sends nothing unasked");
            Assert.AreEqual(outBefore, line.Board.Status.BytesOut, "and makes no DRBG output without a READ");
            Assert.IsTrue(line.Board.Status.Reseeds > 0, "while reseeding goes on");
        }

        [TestMethod]
        public static void Info_and_status_describe_the_device_and_its_health()
        {
            var config = new FirmwareConfig();
            config.Apply("device.serial = QRNG-0042");
            BoardLine line = InCommandMode(config, 12);
            string info = line.AskText(Wire.Info, 7, null, 2);
            Assert.AreEqual("QRNG-0042", BoardLine.Value(info, "serial"));
            Assert.AreEqual(Personalization.FirmwareVersion, BoardLine.Value(info, "firmware"));
            Assert.AreEqual("1280", BoardLine.Value(info, "pixels"));
            Assert.AreEqual("yes", BoardLine.Value(info, "real_sensor_size"));
            Assert.AreEqual("simulated", BoardLine.Value(info, "source"), "an emulated board never passes for a real one");
            string setup = BoardLine.Value(info, "sensor_setup");
            Assert.IsTrue(setup.IndexOf("DSP bypassed") >= 0 && setup.IndexOf("window 40x32 at 780,584") >= 0, setup);
            Assert.AreEqual("64", BoardLine.Value(info, "t_minus"));
            Assert.AreEqual("940", BoardLine.Value(info, "t_plus"));
            Assert.AreEqual("1960", BoardLine.Value(info, "claimed_millibits_per_symbol"));
            Assert.AreEqual("drbg", BoardLine.Value(info, "output_mode"));
            // "native" on an image with Qrng.Sha256.Native, "managed (why)" on any other
            string sha = BoardLine.Value(info, "sha256");
            Assert.IsTrue(sha == "native" ? HashDrbg.Sha256Path == "native" : sha.IndexOf("managed (") == 0 && HashDrbg.Sha256Path == "managed", "sha256=" + sha);
            Assert.AreEqual("Qrng.Drivers.ArduCamOv2640", BoardLine.Value(info, "sensor"));
            Assert.AreEqual("no", BoardLine.Value(info, "config_persisted"));

            string status = line.AskText(Wire.Status, 8, null, 2);
            Assert.AreEqual("streaming", BoardLine.Value(status, "state_name"));
            Assert.AreEqual("yes", BoardLine.Value(status, "healthy"));
            Assert.AreEqual("command", BoardLine.Value(status, "mode"));
            // the request was answered before the loop's step: one frame ago
            Assert.AreEqual((line.Board.Status.Frames - 1).ToString(), BoardLine.Value(status, "frames"));
            Assert.AreEqual("0", BoardLine.Value(status, "frames_failed_low"));
            Assert.IsTrue(BoardLine.Value(status, "reseeds") != "0" && BoardLine.Value(status, "credited_millibits") != "0");
            Assert.IsNotNull(BoardLine.Value(status, "uptime_ms"));
            Assert.AreEqual("1280", BoardLine.Value(status, "frame_bytes"));
            Assert.AreEqual("simulated", BoardLine.Value(status, "source"));
            int captureMs = int.Parse(BoardLine.Value(status, "capture_ms"));
            Assert.IsTrue(captureMs >= 133 && captureMs <= 2 * 134 + 5, "one to two frame periods of 133 ms: " + captureMs);
        }

        [TestMethod]
        public static void Read_returns_exactly_n_bytes_in_numbered_data_frames_made_while_streaming()
        {
            BoardLine line = InCommandMode(new FirmwareConfig(), 13);
            long reseeds = line.Board.Status.Reseeds;
            line.Send(Wire.Read, 300, BoardLine.U32(40000));
            Reply[] frames = line.Await(300, 40);
            Assert.IsNotNull(frames, "the READ completed");
            int total = 0, lastReseeds = (int)reseeds;
            for (int i = 0; i < frames.Length; i++)
            {
                Reply f = frames[i];
                Assert.AreEqual(Wire.Read | Wire.ReplyBit, f.Type);
                Assert.AreEqual(i, Wire.Get32(f.Payload, 0), "part " + i);
                Assert.AreEqual((int)EngineState.Streaming, (int)f.Payload[4], "made while streaming");
                int r = Wire.Get32(f.Payload, 6);
                Assert.IsTrue(r >= lastReseeds, "the reseed counter never goes back");
                lastReseeds = r;
                Assert.AreEqual(i < frames.Length - 1, f.More, "MORE on all but the last");
                Assert.AreEqual(0, f.Flags & Wire.FlagRaw, "DATA is never marked raw");
                total += f.Payload.Length - ReadOperation.DataHeader;
            }

            Assert.AreEqual(40000, total, "exactly n bytes");
            Assert.IsTrue(lastReseeds > (int)reseeds, "reseeded during the READ");
            long made = line.Board.Status.BytesOut;
            line.Step(10);
            Assert.AreEqual(made, line.Board.Status.BytesOut, "no output after the READ is served");
            Assert.AreEqual(0, line.Pending().Length);
        }

        [TestMethod]
        public static void A_read_stops_with_the_reason_when_the_source_fails_and_resumes_after_a_transient_fault()
        {
            BoardLine line = InCommandMode(new FirmwareConfig(), 14);
            line.Send(Wire.Read, 1, BoardLine.U32(1000000));
            line.Step(3);
            line.Board.Camera.LedDead = true;            // frames fail T-; the LED loop goes to full duty
            line.Step(2);
            Reply[] frames = line.Pending();
            Reply last = frames[frames.Length - 1];
            Assert.AreEqual(Wire.Read | Wire.ReplyBit, last.Type);
            Assert.AreEqual(ReadOperation.DataHeader, last.Payload.Length, "an empty DATA frame: output stopped");
            Assert.AreEqual((int)EngineState.StartupTest, (int)last.Payload[4], "with the engine's new state");
            Assert.AreEqual((int)Fault.FrameLow, (int)last.Payload[5], "and the fault");
            Assert.IsTrue(last.More, "the READ is still open");

            Reply[] rest = line.Await(1, 400);
            Assert.IsNotNull(rest, "the READ ended");
            Reply end = rest[rest.Length - 1];
            Assert.AreEqual(Wire.Error, end.Type);
            Assert.AreEqual(Wire.ErrUnhealthy, end.Payload[0]);
            Assert.IsTrue(end.Text.IndexOf("LED at full duty") >= 0, end.Text);
            for (int i = 0; i < rest.Length - 1; i++)
            {
                Assert.AreEqual(ReadOperation.DataHeader, rest[i].Payload.Length, "not a byte while unhealthy");
            }

            Reply refused = line.Ask(Wire.Read, 2, BoardLine.U32(10), 2);
            Assert.AreEqual(Wire.Error, refused.Type, "a READ in the error state is refused at once");
            Assert.AreEqual(Wire.ErrUnhealthy, refused.Payload[0]);
        }

        [TestMethod]
        public static void Raw_exports_marked_symbols_that_are_never_credited_and_the_drbg_starts_over()
        {
            BoardLine line = InCommandMode(new FirmwareConfig(), 15);
            long instantiations = line.Board.Status.Instantiations;
            long credited = line.Board.Status.CreditedMilliBits;
            line.Send(Wire.Raw, 40, BoardLine.U32(5000));
            Reply[] frames = line.Await(40, 200);
            Assert.IsNotNull(frames);
            int symbols = 0;
            int[] counts = new int[4];
            for (int i = 0; i < frames.Length; i++)
            {
                Reply f = frames[i];
                Assert.AreEqual(Wire.Raw | Wire.ReplyBit, f.Type);
                Assert.AreEqual(Wire.FlagRaw, f.Flags & Wire.FlagRaw, "every frame is marked raw");
                Assert.AreEqual(i, Wire.Get32(f.Payload, 0));
                int n = Wire.Get16(f.Payload, 4);
                Assert.AreEqual(RawOperation.Header + ((n + 3) / 4), f.Payload.Length);
                for (int k = 0; k < n; k++)
                {
                    counts[(f.Payload[RawOperation.Header + (k >> 2)] >> (6 - (2 * (k & 3)))) & 3]++;
                }

                symbols += n;
            }

            Assert.AreEqual(5000, symbols);
            for (int v = 0; v < 4; v++)
            {
                Assert.IsTrue(counts[v] > 1000 && counts[v] < 1500, "symbol " + v + ": " + counts[v] + " of 5000");
            }

            Assert.AreEqual(credited, line.Board.Status.CreditedMilliBits, "nothing credited during the export");
            Assert.AreEqual((int)EngineState.StartupTest, (int)line.Board.Status.State, "a fresh start-up test after the export");

            string data = line.AskText(Wire.Status, 41, null, 2);
            line.Send(Wire.Read, 42, BoardLine.U32(100));
            Assert.IsNotNull(line.Await(42, Healthy), "READ after RAW");
            Assert.AreEqual(instantiations + 1, line.Board.Status.Instantiations, "the DRBG was instantiated anew from symbols after the export");
            Assert.IsNotNull(data);
        }

        [TestMethod]
        public static void Restart_raw_restarts_the_sensor_before_each_batch()
        {
            BoardLine line = InCommandMode(new FirmwareConfig(), 16);
            long resets = line.Board.Camera.Resets;
            var request = new byte[4];
            Wire.Put16(request, 0, 3);
            Wire.Put16(request, 2, 100);                 // more than a frame's 64 symbols: two frames per restart
            line.Send(Wire.RestartRaw, 50, request);
            Reply[] frames = line.Await(50, 100);
            Assert.IsNotNull(frames);
            int[] perRestart = new int[3];
            for (int i = 0; i < frames.Length; i++)
            {
                Reply f = frames[i];
                Assert.AreEqual(Wire.RestartRaw | Wire.ReplyBit, f.Type);
                Assert.AreEqual(Wire.FlagRaw, f.Flags & Wire.FlagRaw);
                perRestart[Wire.Get16(f.Payload, 4)] += Wire.Get16(f.Payload, 6);
            }

            for (int r = 0; r < 3; r++)
            {
                Assert.AreEqual(100, perRestart[r], "restart " + r);
            }

            Assert.AreEqual(resets + 3, line.Board.Camera.Resets, "the sensor was reset before each batch");
        }

        [TestMethod]
        public static void Selftest_reports_each_power_up_test()
        {
            BoardLine line = InCommandMode(new FirmwareConfig(), 17);
            long passed = line.Board.Status.StartupTestsPassed;
            string text = line.AskText(Wire.SelfTest, 60, null, 60);
            Assert.AreEqual("pass", BoardLine.Value(text, "result"), text);
            Assert.AreEqual("pass", BoardLine.Value(text, "drbg_kat"));
            Assert.AreEqual("pass", BoardLine.Value(text, "sensor"));
            Assert.AreEqual("pass", BoardLine.Value(text, "startup"));
            Assert.AreEqual(passed + 1, line.Board.Status.StartupTestsPassed, "a fresh start-up test ran");

            line.Board.Camera.SensorId = 0x55;            // a sensor that does not answer with the OV2640's ID
            text = line.AskText(Wire.SelfTest, 61, null, 60);
            Assert.AreEqual("fail", BoardLine.Value(text, "result"));
            Assert.AreEqual("fail", BoardLine.Value(text, "sensor"));
            Assert.AreEqual("not-run", BoardLine.Value(text, "startup"));
        }

        [TestMethod]
        public static void Config_get_shows_the_keys_and_config_set_validates_applies_and_refuses()
        {
            BoardLine line = InCommandMode(new FirmwareConfig(), 18);
            string all = line.AskText(Wire.ConfigGet, 70, null, 2);
            Assert.IsTrue(all.IndexOf("health.t_minus = 64\n") >= 0, all);
            Assert.IsTrue(all.IndexOf("uart.baud = 921600\n") >= 0);
            Assert.AreEqual("led.target_mean = 512\n", line.AskText(Wire.ConfigGet, 71, Hex.Ascii("led.target_mean"), 2));
            Reply unknown = line.Ask(Wire.ConfigGet, 72, Hex.Ascii("no.such"), 2);
            Assert.AreEqual(Wire.ErrBadArgument, unknown.Payload[0]);

            long startupsBefore = line.Board.Status.StartupTestsPassed;
            Reply claimKey = line.Ask(Wire.ConfigSet, 79, Hex.Ascii("health.t_minus = 80\nuart.baud = 115200\n"), 2);
            Assert.AreEqual(Wire.ErrConfigRefused, claimKey.Payload[0], "what the claim rests on needs an authenticated request");
            Assert.IsTrue(claimKey.Text.IndexOf("this board has no key") >= 0, claimKey.Text);
            string set = line.AskText(Wire.ConfigSet, 73, Hex.Ascii("uart.baud = 115200\n"), 2);
            Assert.AreEqual("yes", BoardLine.Value(set, "applied"));
            Assert.IsTrue(BoardLine.Value(set, "persisted").IndexOf("no") == 0);
            Assert.AreEqual(115200, line.Link.Baud, "the line switched after the reply");
            Assert.AreEqual("64", BoardLine.Value(line.AskText(Wire.Info, 74, null, 2), "t_minus"));
            // a new pipeline: a fresh start-up test (at 1 280 pixels a frame may already have passed it again)
            Assert.IsTrue(line.Board.Status.State == EngineState.StartupTest || line.Board.Status.StartupTestsPassed > startupsBefore, "the pipeline restarted with it");
            Assert.IsTrue(line.Board.Status.Frames > Healthy, "its counters count since boot");

            Reply notSettable = line.Ask(Wire.ConfigSet, 75, Hex.Ascii("device.serial = other"), 2);
            Assert.AreEqual(Wire.ErrConfigRefused, notSettable.Payload[0]);
            Assert.IsTrue(notSettable.Text.IndexOf("cannot be set over the link") >= 0, notSettable.Text);
            Reply badBaud = line.Ask(Wire.ConfigSet, 77, Hex.Ascii("uart.baud = 12345"), 2);
            Assert.AreEqual(Wire.ErrConfigRefused, badBaud.Payload[0]);
            Assert.AreEqual("64", BoardLine.Value(line.AskText(Wire.Info, 78, null, 2), "t_minus"), "a refusal changes nothing");
        }

        [TestMethod]
        public static void Damaged_unknown_oversized_and_truncated_requests_get_error_replies_and_the_device_keeps_serving()
        {
            BoardLine line = InCommandMode(new FirmwareConfig(), 19);
            Reply unknown = line.Ask(0x3C, 80, null, 2);
            Assert.AreEqual(Wire.Error, unknown.Type);
            Assert.AreEqual(Wire.ErrUnknownCommand, unknown.Payload[0]);
            Assert.AreEqual(0x3C, (int)unknown.Payload[1]);

            // a corrupted INFO request: the CRC fails, the error carries its header as read
            var frame = new byte[] { Wire.Magic, Wire.RequestMagic, Wire.Info, 0, 81, 0, 0, 0, 0, 0, 0, 0 };
            line.Raw(frame);
            line.Step(1);
            Reply[] r = line.Pending();
            Assert.AreEqual(1, r.Length);
            Assert.AreEqual(Wire.ErrBadCrc, r[0].Payload[0]);
            Assert.AreEqual(81, r[0].Seq);

            line.Raw(new byte[] { Wire.Magic, Wire.RequestMagic, Wire.Info, 0, 82, 0, 0x01, 0x02 });   // 513 bytes
            line.Step(1);
            r = line.Pending();
            Assert.AreEqual(Wire.ErrBadLength, r[0].Payload[0]);

            Reply wrongSize = line.Ask(Wire.Read, 83, new byte[] { 1, 2 }, 2);
            Assert.AreEqual(Wire.ErrBadLength, wrongSize.Payload[0]);
            Reply zero = line.Ask(Wire.Read, 84, BoardLine.U32(0), 2);
            Assert.AreEqual(Wire.ErrBadArgument, zero.Payload[0]);

            line.Raw(new byte[] { Wire.Magic, Wire.RequestMagic, Wire.Status, 0, 85, 0 });        // then silence
            line.Step(1);
            line.Wait(Wire.FrameTimeoutMs + 100);
            line.Step(1);
            r = line.Pending();
            Assert.AreEqual(1, r.Length, "one error for the stalled frame");
            Assert.AreEqual(Wire.ErrTruncated, r[0].Payload[0]);

            line.Send(Wire.Read, 86, BoardLine.U32(100000));
            Reply busy = line.Ask(Wire.Raw, 87, BoardLine.U32(10), 1);
            Assert.AreEqual(Wire.ErrBusy, busy.Payload[0]);
            Assert.AreEqual("request 86", BoardLine.Value(line.AskText(Wire.Cancel, 88, null, 1), "cancelled"));
            line.Pending();

            // noise, then a good request: served
            var noise = new byte[300];
            uint x = 12345;
            for (int i = 0; i < noise.Length; i++)
            {
                x = (x * 1103515245u) + 12345u;
                noise[i] = (byte)(x >> 16);
            }

            line.Raw(noise);
            line.Step(2);
            line.Pending();
            string status = line.AskText(Wire.Status, 89, null, 3);
            Assert.AreEqual("streaming", BoardLine.Value(status, "state_name"));
        }

        [TestMethod]
        public static void A_request_behind_a_frame_that_stopped_arriving_is_served_after_the_time_out()
        {
            // found by Host/Tests/ProtocolFuzzTests: a frame start whose length reaches past the next request swallowed
            // it, and the time-out dropped both; now only the stalled frame is dropped (docs/protocol.md, "Finding frames")
            BoardLine line = InCommandMode(new FirmwareConfig(), 22);
            line.Raw(new byte[] { Wire.Magic, Wire.RequestMagic, Wire.Status, 0, 92, 0, 200, 0 });   // 200 payload bytes announced, none sent
            line.Send(Wire.Info, 93, null);
            line.Step(2);
            Assert.AreEqual(0, line.Pending().Length, "the INFO is inside the stalled frame until the time-out");
            line.Wait(Wire.FrameTimeoutMs + 100);
            line.Step(1);
            Reply[] r = line.Pending();
            Assert.IsTrue(r.Length >= 2, "the time-out's error, then the INFO's reply");
            Assert.AreEqual(Wire.Error, r[0].Type);
            Assert.AreEqual(Wire.ErrTruncated, r[0].Payload[0]);
            Assert.AreEqual(Wire.Status, (int)r[0].Payload[1], "the stalled frame's type as read");
            Assert.AreEqual(92, r[0].Seq, "and its sequence number");
            for (int i = 1; i < r.Length; i++)
            {
                Assert.AreEqual(Wire.Info | Wire.ReplyBit, r[i].Type);
                Assert.AreEqual(93, r[i].Seq);
                Assert.AreEqual(i < r.Length - 1, r[i].More, "the INFO reply is complete");
            }
        }

        [TestMethod]
        public static void After_stream_a_request_already_received_is_not_answered_inside_the_plain_stream()
        {
            // found by Host/Tests/ProtocolFuzzTests: STREAM and INFO found together behind a damaged frame; the INFO was
            // answered after the STREAM reply, a frame in the plain stream (docs/protocol.md: the plain stream is DRBG bytes only)
            BoardLine line = InCommandMode(new FirmwareConfig(), 23);
            line.Raw(new byte[] { Wire.Magic, Wire.RequestMagic, Wire.Status, 0, 94, 0, 24, 0 });    // a header announcing 24 bytes,
            line.Send(Wire.Stream, 95, null);                                                    // STREAM and INFO inside it,
            line.Send(Wire.Info, 96, null);
            line.Raw(new byte[] { 1, 2, 3, 4 });                                                 // its "CRC": both are found again behind it
            line.Step(3);
            Reply[] r = line.Pending();
            Assert.IsFalse(line.Device.CommandMode);
            Assert.AreEqual(2, r.Length, "the damaged frame's error and the STREAM reply; nothing after it");
            Assert.AreEqual(Wire.ErrBadCrc, r[0].Payload[0]);
            Assert.AreEqual(Wire.Stream | Wire.ReplyBit, r[1].Type);
            Assert.AreEqual(95, r[1].Seq);
            Assert.IsTrue(line.Skipped > 0, "plain stream bytes follow");
        }

        [TestMethod]
        public static void Stream_goes_back_to_the_plain_stream()
        {
            BoardLine line = InCommandMode(new FirmwareConfig(), 20);
            Assert.AreEqual("stream", BoardLine.Value(line.AskText(Wire.Stream, 90, null, 1), "mode"));
            Assert.IsFalse(line.Device.CommandMode);
            long before = line.Received;
            line.Step(3);
            Assert.IsTrue(line.Received > before, "plain bytes again");
            Assert.AreEqual(0, line.Pending().Length);
        }

        [TestMethod]
        public static void With_a_key_replies_are_authenticated_and_config_set_requires_it()
        {
            var config = new FirmwareConfig();
            config.Apply("device.hmac_key = 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
            BoardLine line = InCommandMode(config, 21);
            line.Mac = new HmacSha256(config.HmacKey);
            for (int i = 0; i < Wire.NonceLength; i++)
            {
                line.HostNonce[i] = (byte)(0xA0 + i);
            }

            Reply hello = line.Ask(Wire.Hello, 100, line.HostNonce, 1);
            Assert.AreEqual(Wire.Hello | Wire.ReplyBit, hello.Type);
            Assert.AreEqual(1, (int)hello.Payload[21], "authentication available");
            line.Hello(hello);

            line.Send(Wire.Info, 101, null, true);
            Reply[] info = line.Await(101, 2);
            Assert.IsNotNull(info[0].Mac, "an authenticated request gets authenticated replies (verified in Capture)");

            Reply refused = line.Ask(Wire.ConfigSet, 102, Hex.Ascii("output.mode = full-entropy"), 1);
            Assert.AreEqual(Wire.ErrAuthRequired, refused.Payload[0]);

            var wrong = new HmacSha256(new byte[16]);
            HmacSha256 right = line.Mac;
            line.Mac = wrong;
            line.Send(Wire.ConfigSet, 103, Hex.Ascii("output.mode = full-entropy"), true);
            line.Mac = right;
            Reply[] bad = line.Await(103, 1);
            Assert.AreEqual(Wire.ErrBadAuth, bad[0].Payload[0]);

            line.Send(Wire.ConfigSet, 104, Hex.Ascii("output.mode = full-entropy"), true);
            Reply[] ok = line.Await(104, 1);
            Assert.AreEqual(Wire.ConfigSet | Wire.ReplyBit, ok[0].Type);
            Assert.IsNotNull(ok[0].Mac);
            Assert.IsTrue(line.AskText(Wire.ConfigGet, 105, null, 1).IndexOf("device.hmac_key: set (not shown)") >= 0, "the key is never shown");
        }

        [TestMethod]
        public static void A_flood_of_false_frame_starts_draws_fewer_bytes_than_it_sends()
        {
            // issue 19 item 3: 4 096 bytes of "Q?" FF 00 drew 1 024 ERROR frames (40 232 bytes); a 'Q' inside a damaged
            // frame is a false start, not a frame, and error replies are limited to one per poll
            BoardLine line = InCommandMode(new FirmwareConfig(), 24);
            var flood = new byte[4096];
            for (int i = 0; i < flood.Length; i += 4)
            {
                flood[i] = Wire.Magic;
                flood[i + 1] = Wire.RequestMagic;
                flood[i + 2] = 0xFF;
            }

            long before = line.Received;
            line.Raw(flood);
            line.Step(12);
            line.Wait(Wire.FrameTimeoutMs + 100);                                                // the last candidates time out
            line.Step(1);
            long sent = line.Received - before;
            Assert.IsTrue(sent <= flood.Length, "bytes out " + sent + " <= bytes in " + flood.Length);
            string status = line.AskText(Wire.Status, 110, null, 3);
            Assert.IsTrue(long.Parse(BoardLine.Value(status, "rx_false_starts")) > 900, status);
            Assert.IsTrue(long.Parse(BoardLine.Value(status, "rx_damaged")) <= 20, "damaged frames, not false starts: " + BoardLine.Value(status, "rx_damaged"));
        }

        [TestMethod]
        public static void Error_replies_to_input_are_one_per_poll_and_the_rest_are_counted()
        {
            BoardLine line = InCommandMode(new FirmwareConfig(), 25);

            // 64 intact requests of an unknown type at once: 4 handled per poll, one error each poll, the rest counted
            long before = line.Received;
            for (int i = 0; i < 64; i++)
            {
                line.Send(0x3C, 200 + i, null);
            }

            line.Step(20);
            long sent = line.Received - before;
            Reply[] errors = line.Pending();
            Assert.AreEqual(16, errors.Length, "one ERROR per poll of 4 requests");
            Assert.IsTrue(sent <= 64 * Wire.FrameLength(0, false), "bytes out " + sent + " <= bytes in " + (64 * Wire.FrameLength(0, false)));
            string status = line.AskText(Wire.Status, 111, null, 3);
            Assert.AreEqual("48", BoardLine.Value(status, "errors_suppressed"), "suppressed errors are counted");
            Assert.AreEqual("streaming", BoardLine.Value(status, "state_name"), "and the device serves on");

            // the ERROR that ends a READ is its last frame: never suppressed, even in a poll that already sent one
            line.Send(Wire.Read, 112, BoardLine.U32(1000000));
            line.Step(2);
            line.Board.Camera.LedDead = true;
            bool ended = false;
            for (int i = 0; i < 400 && !ended; i++)
            {
                line.Send(0x3C, 1000 + i, null);                                                   // an error every poll
                line.Step(1);
                Reply[] frames = line.Pending();
                for (int k = 0; k < frames.Length; k++)
                {
                    ended |= frames[k].Seq == 112 && frames[k].Type == Wire.Error && frames[k].Payload[0] == Wire.ErrUnhealthy;
                }
            }

            Assert.IsTrue(ended, "the READ ended with ERROR UNHEALTHY");
        }

        [TestMethod]
        public static void A_board_whose_client_went_silent_returns_to_the_plain_stream_after_the_idle_time()
        {
            // issue 19 item 4: a client killed mid-READ left the board in command mode, sending DATA frames to nobody
            BoardLine line = InCommandMode(new FirmwareConfig(), 26);
            line.Send(Wire.Read, 120, BoardLine.U32(1000000000));
            long asked = line.Board.Delay.ElapsedMilliseconds;
            Reply idle = null;
            for (int i = 0; i < 200 && idle == null; i++)
            {
                line.Step(1);
                Reply[] frames = line.Pending();
                for (int k = 0; k < frames.Length; k++)
                {
                    if (frames[k].Type == Wire.Error)
                    {
                        idle = frames[k];
                    }
                }
            }

            long after = line.Board.Delay.ElapsedMilliseconds - asked;
            Assert.IsNotNull(idle, "an ERROR ended the READ");
            Assert.AreEqual(Wire.ErrIdle, idle.Payload[0], idle.Text);
            Assert.AreEqual(120, idle.Seq, "the READ's last frame");
            Assert.IsTrue(idle.Text.IndexOf("back to the plain stream") >= 0, idle.Text);
            Assert.IsFalse(line.Device.CommandMode);
            Assert.IsTrue(after > Wire.CommandIdleMs && after <= Wire.CommandIdleMs + 1000, "left after " + after + " ms");

            // from then on the line carries the plain stream only
            long skipped = line.Skipped, received = line.Received, outBefore = line.Board.Status.BytesOut;
            line.Step(10);
            Assert.AreEqual(0, line.Pending().Length, "no frame after it");
            // the reader skips them (a 'Q' in the random bytes may start a candidate it then drops as damaged, uncounted)
            Assert.IsTrue(line.Skipped - skipped > 0 && line.Received - received == line.Board.Status.BytesOut - outBefore, "every byte after it is a DRBG byte of the plain stream: "
                + (line.Received - received) + " bytes on the line, " + line.Board.Status.Summary());
        }

        [TestMethod]
        public static void Ping_keeps_command_mode_and_is_answered_during_an_operation()
        {
            BoardLine line = InCommandMode(new FirmwareConfig(), 27);
            line.StepKeepingAlive(100);                                                          // 13 s of the board's clock
            Assert.IsTrue(line.Device.CommandMode, "PINGs keep it in command mode");
            line.Send(Wire.Read, 130, BoardLine.U32(1000000000));
            line.Step(2);
            string ping = line.AskText(Wire.Ping, 131, null, 1);
            Assert.AreEqual("", ping, "an empty text reply, while the READ runs");
            line.Send(Wire.Cancel, 132, null);
            line.Await(132, 2);
            string status = line.AskText(Wire.Status, 133, null, 2);
            Assert.AreEqual("0", BoardLine.Value(status, "idle_returns"));
            Assert.AreEqual("5000", BoardLine.Value(line.AskText(Wire.Info, 134, null, 2), "command_idle_ms"));
        }

        /// <summary>A reply frame as the device writes it: header, payload, CRC-32.</summary>
        private static byte[] ReplyFrame(int type, int seq, byte[] payload)
        {
            var f = new byte[Wire.FrameLength(payload.Length, false)];
            f[0] = Wire.Magic;
            f[1] = Wire.ReplyMagic;
            f[2] = (byte)type;
            Wire.Put16(f, 4, seq);
            Wire.Put16(f, 6, payload.Length);
            System.Array.Copy(payload, 0, f, Wire.HeaderLength, payload.Length);
            int end = Wire.HeaderLength + payload.Length;
            Wire.Put32(f, end, (int)Crc32.Compute(f, 0, end));
            return f;
        }

        [TestMethod]
        public static void A_damaged_frame_says_where_it_lay_so_a_false_start_in_its_payload_is_not_another_frame()
        {
            // 3 stray bytes, a good frame A (42 bytes), a frame B (52 bytes) with a flipped bit and, 20 bytes before
            // its CRC, what looks like the header of a 100-byte frame, then a good frame C (212 bytes)
            byte[] a = ReplyFrame(Wire.Info | Wire.ReplyBit, 1, new byte[30]);
            var bPayload = new byte[40];
            byte[] b = ReplyFrame(Wire.Read | Wire.ReplyBit, 2, bPayload);
            byte[] falseStart = new byte[] { Wire.Magic, Wire.ReplyMagic, Wire.Read | Wire.ReplyBit, Wire.FlagMore, 2, 0, 100, 0 };
            System.Array.Copy(falseStart, 0, b, Wire.HeaderLength + 20, falseStart.Length);
            b[Wire.HeaderLength] ^= 1;
            byte[] c = ReplyFrame(Wire.Read | Wire.ReplyBit, 3, new byte[200]);
            var line = new byte[3 + a.Length + b.Length + c.Length];
            System.Array.Copy(a, 0, line, 3, a.Length);
            System.Array.Copy(b, 0, line, 3 + a.Length, b.Length);
            System.Array.Copy(c, 0, line, 3 + a.Length + b.Length, c.Length);

            var reader = new FrameReader(Wire.ReplyMagic, Wire.MaxReplyPayload);
            var events = new int[8];
            var starts = new long[8];
            var ends = new long[8];
            var seqs = new int[8];
            var falseStarts = new bool[8];
            int n = 0, at = 0;
            do
            {
                at += reader.Feed(line, at, line.Length - at);
                if (reader.Event == FrameReader.None)
                {
                    break;
                }

                events[n] = reader.Event;
                seqs[n] = reader.Event == FrameReader.Frame ? reader.Seq : -1;
                starts[n] = reader.DamageStart;
                ends[n] = reader.DamageEnd;
                falseStarts[n] = reader.Event != FrameReader.Frame && reader.FalseStart;
                n++;
            }
            while (n < events.Length);

            Assert.AreEqual(4, n, "A, B damaged, the false start in B, C");
            Assert.AreEqual(FrameReader.Frame, events[0]);
            Assert.AreEqual(1, seqs[0]);
            Assert.AreEqual(FrameReader.BadCrc, events[1]);
            Assert.AreEqual(45L, starts[1], "B starts after the stray bytes and A");
            Assert.AreEqual(97L, ends[1], "and is 52 bytes long");
            Assert.AreEqual(FrameReader.BadCrc, events[2], "the false start's CRC, checked 112 bytes on, in C");
            Assert.AreEqual(73L, starts[2]);
            Assert.IsTrue(starts[2] < ends[1], "inside B: the host does not count it");
            Assert.IsFalse(falseStarts[1], "B is a damaged frame of its own");
            Assert.IsTrue(falseStarts[2], "the reader marks the false start");
            Assert.AreEqual(FrameReader.Frame, events[3], "C is found behind both");
            Assert.AreEqual(3, seqs[3]);
        }
    }
}
