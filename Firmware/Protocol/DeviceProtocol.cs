using System;
using Qrng.Crypto;
using Qrng.Drivers;

namespace Qrng.Firmware.Protocol
{
    /// <summary>
    /// The device side of the serial protocol (docs/protocol.md). After boot the UART carries the plain DRBG stream;
    /// the attention sequence switches to command mode, where every byte the device sends is part of a frame and DRBG
    /// output is made only for a READ. The engine's output (<see cref="IByteSink"/>) and raw symbols
    /// (<see cref="IRawSink"/>) come through here. <see cref="Poll"/> runs before each engine step and handles at most
    /// <see cref="MaxRequestsPerPoll"/> requests and <see cref="MaxBytesPerPoll"/> received bytes, so that no input
    /// delays the entropy path by more than a step; <see cref="AfterStep"/> sends what the step made. Buffers are
    /// allocated once; text replies allocate only for the strings they quote.
    /// </summary>
    public sealed class DeviceProtocol : IByteSink, IRawSink
    {
        public const int MaxBytesPerPoll = 512;
        public const int MaxRequestsPerPoll = 4;
        /// <summary>DATA payload header: part u32, engine state u8, last fault u8, reseed counter u32.</summary>
        public const int DataHeader = 10;
        /// <summary>RAW payload header: part u32, symbols u16; RESTART-RAW: part u32, restart u16, symbols u16.</summary>
        public const int RawHeader = 6, RestartRawHeader = 8;
        /// <summary>Text payload header: part u32.</summary>
        public const int TextHeader = 4;
        public const int MaxRawSymbols = 1 << 28;
        private const int None = 0;
        private const int P = FrameWriter.PayloadOffset;

        private static readonly int[] Bauds = { 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 1000000, 1500000, 2000000, 3000000 };
        private static readonly string[] Settable =
        {
            "health.t_minus", "health.t_plus", "health.n_minus", "health.n_plus", "led.target_mean", "led.min_mean",
            "led.max_mean", "uart.baud", "output.mode",
        };

        private readonly App _app;
        private readonly ISerialLink _link;
        private readonly IClock _clock;
        private readonly FrameReader _reader = new FrameReader(Wire.RequestMagic, Wire.MaxRequestPayload);
        private readonly FrameWriter _writer = new FrameWriter(Wire.ReplyMagic, Wire.MaxReplyPayload);
        private readonly HmacSha256 _mac;
        private readonly byte[] _rx = new byte[64];
        private readonly byte[] _hostNonce = new byte[Wire.NonceLength];
        private readonly byte[] _deviceNonce = new byte[Wire.NonceLength];
        private readonly byte[] _scratch = new byte[Wire.MacLength];
        private int _rxPos, _rxLen, _attention, _hellos;
        private long _lastRx;

        // the running operation (READ, RAW, RESTART-RAW or SELFTEST) and the frame it is filling
        private int _op, _opSeq, _part, _fill, _remaining, _rawCount, _restarts, _perRestart, _restart, _thisRestart;
        private bool _opAuth, _needRestart, _replyAuth;
        private int _reportedState = -1, _reportedFault = -1;
        private long _basePassed, _baseFailures, _baseSensorErrors;

        // the text reply being written (separate from the operation's frame: a STATUS may come during a READ)
        private int _textType, _textSeq, _textPart, _textFill;
        private bool _textAuth;

        public DeviceProtocol(App app, ISerialLink link, IClock clock)
        {
            _app = app;
            _link = link;
            _clock = clock;
            if (app.Config.HmacKey != null)
            {
                _mac = new HmacSha256(app.Config.HmacKey);
            }
        }

        /// <summary>False in the plain stream (after boot, after STREAM); true after the attention sequence.</summary>
        public bool CommandMode { get; private set; }

        /// <summary>The output the engine may make now: unlimited in the plain stream, what a READ still wants in command mode.</summary>
        public int Demand
        {
            get { return !CommandMode ? int.MaxValue : _op == Wire.Read ? _remaining : 0; }
        }

        public FrameReader Reader
        {
            get { return _reader; }
        }

        public FrameWriter Writer
        {
            get { return _writer; }
        }

        public long StreamBytes { get; private set; }

        public long ReceivedBytes { get; private set; }

        private QrngEngine Engine
        {
            get { return _app.Engine; }
        }

        /// <summary>Reads and handles what the host sent (before an engine step).</summary>
        public void Poll()
        {
            int requests = 0, budget = MaxBytesPerPoll;
            bool received = false;
            while (requests < MaxRequestsPerPoll && budget > 0)
            {
                if (_rxPos == _rxLen)
                {
                    int n = _link.Read(_rx, 0, budget < _rx.Length ? budget : _rx.Length);
                    _rxPos = 0;
                    _rxLen = n > 0 ? n : 0;
                    if (_rxLen == 0)
                    {
                        break;
                    }

                    received = true;
                    ReceivedBytes += _rxLen;
                }

                int at = _rxPos++;
                budget--;
                if (Attention(_rx[at]))
                {
                    EnterCommandMode();
                    continue;
                }

                if (!CommandMode)
                {
                    continue;                                     // the plain stream ignores everything but the attention sequence
                }

                bool taken = false;
                while (true)
                {
                    if (_reader.Feed(_rx, at, taken ? 0 : 1) > 0)
                    {
                        taken = true;
                    }

                    int e = _reader.Event;
                    if (e == FrameReader.None)
                    {
                        break;
                    }

                    if (e == FrameReader.Frame)
                    {
                        requests++;
                        Handle();
                        if (!CommandMode)
                        {
                            _reader.Reset();                      // STREAM: requests received behind it are not answered in the plain stream
                            break;
                        }
                    }
                    else
                    {
                        Damaged(e);
                    }
                }
            }

            long now = _clock.ElapsedMilliseconds;
            if (received)
            {
                _lastRx = now;
            }
            else if (CommandMode && _reader.InFrame && now - _lastRx > Wire.FrameTimeoutMs)
            {
                // only the stalled frame is dropped: a request that came behind it is found again (docs/protocol.md)
                _reader.Expire();
                Error(Wire.ErrTruncated, _reader.ErrorType, _reader.ErrorSeq, "a frame stopped arriving for " + Wire.FrameTimeoutMs + " ms: dropped", false);
                while (true)
                {
                    _reader.Feed(_rx, 0, 0);
                    int e = _reader.Event;
                    if (e == FrameReader.None)
                    {
                        break;
                    }

                    if (e == FrameReader.Frame)
                    {
                        Handle();
                        if (!CommandMode)
                        {
                            _reader.Reset();
                            break;
                        }
                    }
                    else
                    {
                        Damaged(e);
                    }
                }
            }
        }

        /// <summary>Sends what the engine step made (the last DATA or RAW frame of the step) and ends operations that are over.</summary>
        public void AfterStep()
        {
            if (!CommandMode || _op == None)
            {
                return;
            }

            EngineStatus s = Engine.Status;
            if (_op == Wire.Read)
            {
                if (_fill > 0)
                {
                    FlushData(true);
                }

                if (s.State == EngineState.Streaming)
                {
                    _reportedState = (int)EngineState.Streaming;
                }
                else if (s.State == EngineState.Error || s.State == EngineState.SelfTestFailed)
                {
                    Fail(Wire.ErrUnhealthy, "unhealthy: " + s.Reason());
                }
                else if ((int)s.State != _reportedState || (int)s.LastFault != _reportedFault)
                {
                    // output stopped (a fault, a restart): an empty DATA frame tells the host why, at once
                    _reportedState = (int)s.State;
                    _reportedFault = (int)s.LastFault;
                    _fill = DataHeader;
                    FlushData(true);
                }
            }
            else if (_op == Wire.Raw || _op == Wire.RestartRaw)
            {
                if (_rawCount > 0)
                {
                    FlushRaw(true);
                }

                if (!Engine.RawActive)
                {
                    Fail(Wire.ErrUnhealthy, "raw export interrupted: " + s.Reason());
                }
            }
            else if (_op == Wire.SelfTest)
            {
                SelfTestVerdict(s);
            }
        }

        /// <summary>The engine's output: the plain stream, or a READ's DATA frames.</summary>
        public void Write(byte[] buffer, int offset, int count)
        {
            if (!CommandMode)
            {
                _link.Write(buffer, offset, count);
                StreamBytes += count;
                return;
            }

            byte[] f = _writer.Buffer;
            while (count > 0 && _op == Wire.Read && _remaining > 0)
            {
                if (_fill == 0)
                {
                    _fill = DataHeader;
                }

                int n = Wire.MaxReplyPayload - _fill;
                n = n < count ? n : count;
                n = n < _remaining ? n : _remaining;
                Array.Copy(buffer, offset, f, P + _fill, n);
                _fill += n;
                offset += n;
                count -= n;
                _remaining -= n;
                if (_remaining == 0)
                {
                    FlushData(false);
                    _op = None;
                }
                else if (_fill == Wire.MaxReplyPayload)
                {
                    FlushData(true);
                }
            }
        }

        /// <summary>One healthy frame's symbols for RAW or RESTART-RAW (the engine is in its raw export).</summary>
        public RawNext Take(ushort[] frame, bool[] masked)
        {
            if (_op == Wire.RestartRaw)
            {
                return TakeAfterRestart(frame, masked);
            }

            if (_op != Wire.Raw)
            {
                return RawNext.Done;
            }

            int capacity = 4 * (Wire.MaxReplyPayload - RawHeader);
            for (int i = 0; i < frame.Length && _remaining > 0; i++)
            {
                if (masked[i])
                {
                    continue;
                }

                PutSymbol(RawHeader, (frame[i] >> 2) & 3);
                _remaining--;
                if (_rawCount == capacity && _remaining > 0)
                {
                    FlushRaw(true);
                }
            }

            if (_remaining > 0)
            {
                return RawNext.More;
            }

            FlushRaw(false);
            _op = None;
            return RawNext.Done;
        }

        /// <summary>RESTART-RAW (SP 800-90B §3.1.4): the first n symbols after each of r restarts of the noise source.</summary>
        private RawNext TakeAfterRestart(ushort[] frame, bool[] masked)
        {
            if (_needRestart)
            {
                _needRestart = false;                             // the first batch, too, follows a restart
                return RawNext.Restart;
            }

            int capacity = 4 * (Wire.MaxReplyPayload - RestartRawHeader);
            for (int i = 0; i < frame.Length && _thisRestart < _perRestart; i++)
            {
                if (masked[i])
                {
                    continue;
                }

                PutSymbol(RestartRawHeader, (frame[i] >> 2) & 3);
                _thisRestart++;
                if (_rawCount == capacity && _thisRestart < _perRestart)
                {
                    FlushRaw(true);
                }
            }

            if (_thisRestart < _perRestart)
            {
                return RawNext.More;
            }

            bool last = _restart + 1 == _restarts;
            FlushRaw(!last);
            _restart++;
            _thisRestart = 0;
            if (last)
            {
                _op = None;
                return RawNext.Done;
            }

            return RawNext.Restart;
        }

        private void PutSymbol(int header, int symbol)
        {
            byte[] f = _writer.Buffer;
            int index = P + header + (_rawCount >> 2);
            f[index] = (byte)(f[index] | (symbol << (6 - (2 * (_rawCount & 3)))));
            _rawCount++;
        }

        private bool Attention(byte b)
        {
            byte[] a = Wire.Attention;
            if (b == a[_attention])
            {
                if (++_attention == a.Length)
                {
                    _attention = 0;
                    return true;
                }

                return false;
            }

            _attention = b == a[0] ? 1 : 0;                       // 'Q' occurs once in the sequence: no other overlap
            return false;
        }

        private void EnterCommandMode()
        {
            Cancel();
            _reader.Reset();
            CommandMode = true;
            _writer.Buffer[P] = Wire.Version;
            _writer.Send(_link, Wire.Ready, 0, 0, 1, null, null);
        }

        private void Damaged(int e)
        {
            if (e == FrameReader.BadLength)
            {
                Error(Wire.ErrBadLength, _reader.ErrorType, _reader.ErrorSeq, "payload longer than " + Wire.MaxRequestPayload + " bytes: dropped", false);
            }
            else if (e == FrameReader.BadHeader)
            {
                Error(Wire.ErrBadHeader, _reader.ErrorType, _reader.ErrorSeq, "unknown flags: dropped", false);
            }
            else
            {
                Error(Wire.ErrBadCrc, _reader.ErrorType, _reader.ErrorSeq, "CRC-32 mismatch: dropped", false);
            }
        }

        /// <summary>One complete request frame.</summary>
        private void Handle()
        {
            byte[] b = _reader.Buffer;
            int type = _reader.Type, seq = _reader.Seq, length = _reader.PayloadLength;
            bool auth = _reader.Authenticated;
            if (auth)
            {
                if (_mac == null)
                {
                    Error(Wire.ErrAuthRequired, type, seq, "no key is provisioned (device.hmac_key): send requests without authentication", false);
                    return;
                }

                FrameWriter.Sign(_mac, _deviceNonce, b, P + length, _scratch, 0);
                bool good = HmacSha256.Equal(_scratch, 0, b, P + length, Wire.MacLength);
                Array.Clear(_scratch, 0, _scratch.Length);
                if (!good)
                {
                    Error(Wire.ErrBadAuth, type, seq, "HMAC does not match (another key, or a nonce of another session)", false);
                    return;
                }
            }

            _replyAuth = auth;
            bool multi = type == Wire.Read || type == Wire.Raw || type == Wire.RestartRaw || type == Wire.SelfTest || type == Wire.ConfigSet;
            if (multi && _op != None)
            {
                Error(Wire.ErrBusy, type, seq, "busy with request " + _opSeq + ": wait for its last frame, or CANCEL", auth);
                return;
            }

            switch (type)
            {
                case Wire.Hello: Hello(b, seq, length); break;
                case Wire.Info: Info(seq, length); break;
                case Wire.Status: Status(seq, length); break;
                case Wire.Read: StartRead(b, seq, length); break;
                case Wire.Raw: StartRaw(b, seq, length); break;
                case Wire.RestartRaw: StartRestartRaw(b, seq, length); break;
                case Wire.SelfTest: StartSelfTest(seq, length); break;
                case Wire.ConfigGet: ConfigGet(b, seq, length); break;
                case Wire.ConfigSet: ConfigSet(b, seq, length, auth); break;
                case Wire.Stream: BackToStream(seq, length); break;
                case Wire.Cancel: CancelRequest(seq, length); break;
                default: Error(Wire.ErrUnknownCommand, type, seq, "unknown command " + type, auth); break;
            }
        }

        private bool Length(int type, int seq, int length, int expected, string usage)
        {
            if (length == expected)
            {
                return true;
            }

            Error(Wire.ErrBadLength, type, seq, usage, _replyAuth);
            return false;
        }

        private void Hello(byte[] b, int seq, int length)
        {
            if (length != 0 && length != Wire.NonceLength)
            {
                Error(Wire.ErrBadLength, Wire.Hello, seq, "HELLO takes no payload or a 16-byte host nonce", _replyAuth);
                return;
            }

            Array.Clear(_hostNonce, 0, Wire.NonceLength);
            if (length > 0)
            {
                Array.Copy(b, P, _hostNonce, 0, Wire.NonceLength);
            }

            // the device nonce: unique per boot, uptime, HELLO count and host nonce (docs/protocol.md, authentication)
            _hellos++;
            byte[] f = _writer.Buffer;
            Wire.Put32(f, 0, _hellos);
            Wire.Put32(f, 4, (int)_clock.ElapsedMilliseconds);
            Wire.Put32(f, 8, (int)(_clock.ElapsedMilliseconds >> 32));
            Wire.Put32(f, 12, (int)Engine.Status.Frames);
            if (_mac != null)
            {
                _mac.Begin();
                _mac.Update(f, 0, 16);
                _mac.Update(_hostNonce, 0, Wire.NonceLength);
                _mac.Final(_scratch, 0);
            }
            else
            {
                var sha = new Sha256();
                sha.Update(f, 0, 16);
                sha.Update(_hostNonce, 0, Wire.NonceLength);
                sha.Final(_scratch, 0);
            }

            Array.Clear(f, 0, 16);
            Array.Copy(_scratch, 0, _deviceNonce, 0, Wire.NonceLength);
            Array.Copy(_deviceNonce, 0, f, P, Wire.NonceLength);
            f[P + 16] = Wire.Version;
            Wire.Put16(f, P + 17, Wire.MaxRequestPayload);
            Wire.Put16(f, P + 19, Wire.MaxReplyPayload);
            f[P + 21] = (byte)(_mac != null ? 1 : 0);
            Reply(Wire.Hello | Wire.ReplyBit, 0, seq, 22);
        }

        private void Info(int seq, int length)
        {
            if (!Length(Wire.Info, seq, length, 0, "INFO takes no payload"))
            {
                return;
            }

            FirmwareConfig c = _app.Config;
            QrngEngine e = Engine;
            TextBegin(Wire.Info, seq);
            Add("protocol", Wire.Version);
            Add("firmware", Personalization.FirmwareVersion);
            Add("serial", c.DeviceSerial);
            Add("sensor", _app.SensorName);
            Add("sensor_setup", _app.SensorSetup);
            Add("source", _app.Source);
            Add("real_sensor_size", c.EmulatorTestSize ? "no" : "yes");
            Add("width", c.Width);
            Add("height", c.Height);
            Add("pixels", c.PixelCount);
            Add("t_minus", c.TMinus);
            Add("t_plus", c.TPlus);
            Add("n_minus", c.EffectiveNMinus);
            Add("n_plus", c.EffectiveNPlus);
            Add("claimed_millibits_per_symbol", c.ClaimedMilliBitsPerSymbol);
            Add("alpha_exponent", c.AlphaExponent);
            Add("rct_cutoff", e.RctCutoff);
            Add("apt_window", c.AptWindow);
            Add("apt_cutoff", e.AptCutoff);
            Add("output_mode", c.Mode == OutputMode.FullEntropy ? "full-entropy" : "drbg");
            Add("sha256", App.Sha256Path());
            Add("bytes_per_frame", c.OutputBytesPerFrame);
            Add("seed_margin_percent", c.SeedMarginPercent);
            Add("reseed_bytes", e.ReseedBytes);
            Add("led_target_mean", c.LedTargetMean);
            Add("uart_baud", c.UartBaud);
            Add("auth", _mac != null ? "yes" : "no");
            Add("max_request", Wire.MaxRequestPayload);
            Add("max_reply", Wire.MaxReplyPayload);
            Add("config_persisted", "no");
            TextEnd();
        }

        private void Status(int seq, int length)
        {
            if (!Length(Wire.Status, seq, length, 0, "STATUS takes no payload"))
            {
                return;
            }

            EngineStatus s = Engine.Status;
            TextBegin(Wire.Status, seq);
            Add("state", (int)s.State);
            Add("state_name", StateName(s.State));
            Add("healthy", s.State == EngineState.Streaming ? "yes" : "no");
            Add("source", _app.Source);
            Add("mode", CommandMode ? "command" : "stream");
            Add("fault", (int)s.LastFault);
            Add("fault_text", s.LastFaultText());
            Add("persistent", (int)s.Persistent);
            Add("reason", s.Reason());
            Add("frames", s.Frames);
            Add("frames_passed", s.FramesPassed);
            Add("frames_failed_low", s.FramesFailedLow);
            Add("frames_failed_high", s.FramesFailedHigh);
            Add("frames_replayed", s.FramesReplayed);
            Add("frames_out_of_window", s.FramesOutOfWindow);
            Add("noise_blocks", s.NoiseBlocks);
            Add("noise_failures", s.NoiseFailures);
            Add("noise_ratio_percent", s.NoiseRatioPercent);
            Add("rct_failures", s.RctFailures);
            Add("apt_failures", s.AptFailures);
            Add("startup_failures", s.StartupFailures);
            Add("startup_passed", s.StartupTestsPassed);
            Add("sensor_errors", s.SensorErrors);
            Add("stuck_pixels", s.StuckPixels);
            Add("bad_pixels", s.BadPixels);
            Add("masked_pixels", s.MaskedPixels);
            Add("led_duty", s.LedDuty);
            Add("led_at_limit", s.LedAtLimit ? "yes" : "no");
            Add("frame_mean", s.LastMean);
            Add("capture_ms", s.CaptureMs);
            Add("frame_bytes", s.FrameBytes);
            Add("instantiations", s.Instantiations);
            Add("reseeds", s.Reseeds);
            Add("credited_millibits", s.CreditedMilliBits);
            Add("bytes_out", s.BytesOut);
            Add("error_entries", s.ErrorEntries);
            Add("uptime_ms", _clock.ElapsedMilliseconds);
            Add("rx_bytes", ReceivedBytes);
            Add("rx_frames", _reader.Frames);
            Add("rx_damaged", _reader.Damaged);
            Add("rx_skipped", _reader.Skipped);
            Add("tx_frames", _writer.FramesSent);
            TextEnd();
        }

        public static string StateName(EngineState state)
        {
            switch (state)
            {
                case EngineState.SelfTestFailed: return "self-test-failed";
                case EngineState.SensorDown: return "sensor-down";
                case EngineState.StartupTest: return "startup-test";
                case EngineState.Seeding: return "seeding";
                case EngineState.Streaming: return "streaming";
                case EngineState.Error: return "error";
                case EngineState.RawExport: return "raw-export";
                default: return "state-" + (int)state;
            }
        }

        private bool Healthy(int type, int seq)
        {
            EngineStatus s = Engine.Status;
            if (s.State != EngineState.Error && s.State != EngineState.SelfTestFailed)
            {
                return true;
            }

            Error(Wire.ErrUnhealthy, type, seq, "unhealthy: " + s.Reason(), _replyAuth);
            return false;
        }

        private void StartRead(byte[] b, int seq, int length)
        {
            if (!Length(Wire.Read, seq, length, 4, "READ takes n (u32)"))
            {
                return;
            }

            int n = Wire.Get32(b, P);
            if (n <= 0)
            {
                Error(Wire.ErrBadArgument, Wire.Read, seq, "READ: n in 1..2147483647", _replyAuth);
                return;
            }

            if (Healthy(Wire.Read, seq))
            {
                Begin(Wire.Read, seq);
                _remaining = n;
            }
        }

        private void StartRaw(byte[] b, int seq, int length)
        {
            if (!Length(Wire.Raw, seq, length, 4, "RAW takes n (u32 symbols)"))
            {
                return;
            }

            int n = Wire.Get32(b, P);
            if (n <= 0 || n > MaxRawSymbols)
            {
                Error(Wire.ErrBadArgument, Wire.Raw, seq, "RAW: n in 1.." + MaxRawSymbols + " symbols", _replyAuth);
                return;
            }

            if (Healthy(Wire.Raw, seq))
            {
                Begin(Wire.Raw, seq);
                _remaining = n;
                Engine.StartRaw(this);
            }
        }

        private void StartRestartRaw(byte[] b, int seq, int length)
        {
            if (!Length(Wire.RestartRaw, seq, length, 4, "RESTART-RAW takes r (u16 restarts) and n (u16 symbols)"))
            {
                return;
            }

            int r = Wire.Get16(b, P), n = Wire.Get16(b, P + 2);
            if (r == 0 || n == 0)
            {
                Error(Wire.ErrBadArgument, Wire.RestartRaw, seq, "RESTART-RAW: r and n in 1..65535", _replyAuth);
                return;
            }

            if (Healthy(Wire.RestartRaw, seq))
            {
                Begin(Wire.RestartRaw, seq);
                _restarts = r;
                _perRestart = n;
                _restart = 0;
                _thisRestart = 0;
                _needRestart = true;
                Engine.StartRaw(this);
            }
        }

        private void StartSelfTest(int seq, int length)
        {
            if (!Length(Wire.SelfTest, seq, length, 0, "SELFTEST takes no payload"))
            {
                return;
            }

            EngineStatus s = Engine.Status;
            _basePassed = s.StartupTestsPassed;
            _baseFailures = s.StartupFailures;
            _baseSensorErrors = s.SensorErrors;
            Begin(Wire.SelfTest, seq);
            Engine.RunSelfTest();
            SelfTestVerdict(s);
        }

        /// <summary>The self-test's result once it is known: the known-answer tests, the sensor's start, the start-up test.</summary>
        private void SelfTestVerdict(EngineStatus s)
        {
            string failed = null, step = null;
            if (s.State == EngineState.SelfTestFailed)
            {
                step = "drbg_kat";
                failed = "the SHA-256 / Hash_DRBG known-answer tests failed: the device will not output";
            }
            else if (s.SensorErrors > _baseSensorErrors)
            {
                step = "sensor";
                failed = s.LastFaultText();
            }
            else if (s.StartupFailures > _baseFailures || s.State == EngineState.Error)
            {
                step = "startup";
                failed = s.Reason();
            }
            else if (s.StartupTestsPassed == _basePassed)
            {
                return;                                           // not yet: the start-up test needs more frames
            }

            int seq = _opSeq;
            _op = None;
            TextBegin(Wire.SelfTest, seq);
            _textAuth = _opAuth;
            Add("result", failed == null ? "pass" : "fail");
            Add("drbg_kat", step == "drbg_kat" ? "fail" : "pass");
            Add("sensor", step == "drbg_kat" ? "not-run" : step == "sensor" ? "fail" : "pass");
            Add("startup", step == null ? "pass" : step == "startup" ? "fail" : "not-run");
            if (failed != null)
            {
                Add("reason", failed);
            }

            TextEnd();
        }

        private void ConfigGet(byte[] b, int seq, int length)
        {
            string text = _app.Config.ToText();
            if (length > 0)
            {
                string key = Ascii(b, P, length);
                string line = null;
                string[] lines = text.Split('\n');
                for (int i = 0; i < lines.Length && line == null; i++)
                {
                    if (lines[i].IndexOf(key + " = ") == 0)
                    {
                        line = lines[i] + "\n";
                    }
                }

                if (line == null)
                {
                    Error(Wire.ErrBadArgument, Wire.ConfigGet, seq, "no configuration key '" + key + "'", _replyAuth);
                    return;
                }

                text = line;
            }

            TextBegin(Wire.ConfigGet, seq);
            PutText(text, true);
            TextEnd();
        }

        private void ConfigSet(byte[] b, int seq, int length, bool auth)
        {
            if (_mac != null && !auth)
            {
                Error(Wire.ErrAuthRequired, Wire.ConfigSet, seq, "this device has a key: CONFIG SET must be authenticated", false);
                return;
            }

            string text = Ascii(b, P, length);
            string refused = SettableOnly(text);
            FirmwareConfig next = _app.Config.Copy();
            if (refused == null)
            {
                try
                {
                    next.Apply(text);
                    if (!StandardBaud(next.UartBaud))
                    {
                        refused = "uart.baud " + next.UartBaud + " is not one of the standard rates 9600..3000000";
                    }
                }
                catch (ConfigException e)
                {
                    refused = e.Message;
                }
            }

            int oldBaud = _app.Config.UartBaud;
            if (refused == null)
            {
                refused = _app.Reconfigure(next);
            }

            if (refused != null)
            {
                Error(Wire.ErrConfigRefused, Wire.ConfigSet, seq, refused, _replyAuth);
                return;
            }

            TextBegin(Wire.ConfigSet, seq);
            Add("applied", "yes");
            Add("persisted", "no: a reset restores the flashed configuration (Esp32/BoardConfig.cs)");
            Add("uart_baud", next.UartBaud);
            TextEnd();
            if (oldBaud != next.UartBaud)
            {
                _link.SetBaud(next.UartBaud);                     // after the reply went out at the old rate
            }
        }

        /// <summary>Null when every key in <paramref name="text"/> may be set over the link, else why not.</summary>
        private static string SettableOnly(string text)
        {
            string[] lines = text.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i];
                int hash = line.IndexOf('#');
                if (hash >= 0)
                {
                    line = line.Substring(0, hash);
                }

                int eq = line.IndexOf('=');
                if (eq <= 0)
                {
                    if (line.Trim().Length > 0)
                    {
                        return "line " + (i + 1) + ": expected 'key = value'";
                    }

                    continue;
                }

                string key = line.Substring(0, eq).Trim();
                bool ok = false;
                for (int k = 0; k < Settable.Length && !ok; k++)
                {
                    ok = Settable[k] == key;
                }

                if (!ok)
                {
                    return key + " cannot be set over the link (settable: health.t_minus/t_plus/n_minus/n_plus, led.target_mean/min_mean/max_mean, uart.baud, output.mode); others need a reflash";
                }
            }

            return null;
        }

        private static bool StandardBaud(int baud)
        {
            for (int i = 0; i < Bauds.Length; i++)
            {
                if (Bauds[i] == baud)
                {
                    return true;
                }
            }

            return false;
        }

        private void BackToStream(int seq, int length)
        {
            if (!Length(Wire.Stream, seq, length, 0, "STREAM takes no payload"))
            {
                return;
            }

            Cancel();
            TextBegin(Wire.Stream, seq);
            Add("mode", "stream");
            TextEnd();
            CommandMode = false;
        }

        private void CancelRequest(int seq, int length)
        {
            if (!Length(Wire.Cancel, seq, length, 0, "CANCEL takes no payload"))
            {
                return;
            }

            int op = _op, opSeq = _opSeq;
            Cancel();
            TextBegin(Wire.Cancel, seq);
            Add("cancelled", op == None ? "nothing" : "request " + opSeq);
            TextEnd();
        }

        private void Begin(int op, int seq)
        {
            _op = op;
            _opSeq = seq;
            _opAuth = _replyAuth;
            _part = 0;
            _fill = 0;
            _rawCount = 0;
            _reportedState = -1;
            _reportedFault = -1;
        }

        /// <summary>After an exception in the loop: the running operation ends without a reply, a partial request is dropped.</summary>
        public void Abandon()
        {
            Cancel();
            _reader.Reset();
        }

        /// <summary>Ends the running operation without its last frame; a raw export ends (fresh start-up and instantiation).</summary>
        private void Cancel()
        {
            if (_op == Wire.Raw || _op == Wire.RestartRaw)
            {
                Engine.StopRaw();
            }

            _op = None;
            _remaining = 0;
            Array.Clear(_writer.Buffer, 0, _writer.Buffer.Length);   // a DATA frame being filled holds DRBG output
            _fill = 0;
            _rawCount = 0;
        }

        private void Fail(byte code, string text)
        {
            int type = _op, seq = _opSeq;
            bool auth = _opAuth;
            Cancel();
            Error(code, type, seq, text, auth);
        }

        private void FlushData(bool more)
        {
            EngineStatus s = Engine.Status;
            byte[] f = _writer.Buffer;
            Wire.Put32(f, P, _part++);
            f[P + 4] = (byte)s.State;
            f[P + 5] = (byte)s.LastFault;
            Wire.Put32(f, P + 6, (int)s.Reseeds);
            Send(Wire.Read | Wire.ReplyBit, more ? Wire.FlagMore : 0, _opSeq, _fill, _opAuth);
            _fill = 0;
        }

        private void FlushRaw(bool more)
        {
            byte[] f = _writer.Buffer;
            int header = _op == Wire.RestartRaw ? RestartRawHeader : RawHeader;
            Wire.Put32(f, P, _part++);
            if (_op == Wire.RestartRaw)
            {
                Wire.Put16(f, P + 4, _restart);
                Wire.Put16(f, P + 6, _rawCount);
            }
            else
            {
                Wire.Put16(f, P + 4, _rawCount);
            }

            Send(_op | Wire.ReplyBit, Wire.FlagRaw | (more ? Wire.FlagMore : 0), _opSeq, header + ((_rawCount + 3) / 4), _opAuth);
            _rawCount = 0;
        }

        private void Reply(int type, int flags, int seq, int length)
        {
            Send(type, flags, seq, length, _replyAuth);
        }

        private void Send(int type, int flags, int seq, int length, bool auth)
        {
            bool signed = auth && _mac != null;
            _writer.Send(_link, type, flags, seq, length, signed ? _mac : null, signed ? _hostNonce : null);
        }

        private void Error(byte code, int type, int seq, string text, bool auth)
        {
            byte[] f = _writer.Buffer;
            f[P] = code;
            f[P + 1] = (byte)type;
            int n = 2;
            for (int i = 0; i < text.Length && n < Wire.MaxReplyPayload; i++)
            {
                f[P + n++] = AsciiByte(text[i]);
            }

            Send(Wire.Error, 0, seq, n, auth);
        }

        private void TextBegin(int type, int seq)
        {
            _textType = type | Wire.ReplyBit;
            _textSeq = seq;
            _textPart = 0;
            _textFill = TextHeader;
            _textAuth = _replyAuth;
        }

        private void Add(string key, string value)
        {
            PutText(key, false);
            PutByte((byte)'=');
            PutText(value, false);
            PutByte((byte)'\n');
        }

        private void Add(string key, long value)
        {
            PutText(key, false);
            PutByte((byte)'=');
            if (value < 0)
            {
                PutByte((byte)'-');
                value = -value;
            }

            long scale = 1;
            while (value / scale >= 10)
            {
                scale *= 10;
            }

            for (; scale > 0; scale /= 10)
            {
                PutByte((byte)('0' + (int)((value / scale) % 10)));
            }

            PutByte((byte)'\n');
        }

        /// <param name="lines">keep line breaks (a configuration text); else a value, where they become spaces</param>
        private void PutText(string text, bool lines)
        {
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                PutByte(lines && c == '\n' ? (byte)'\n' : AsciiByte(c));
            }
        }

        private void PutByte(byte value)
        {
            if (_textFill == Wire.MaxReplyPayload)
            {
                FlushText(true);
            }

            _writer.Buffer[P + _textFill++] = value;
        }

        private void TextEnd()
        {
            FlushText(false);
        }

        private void FlushText(bool more)
        {
            Wire.Put32(_writer.Buffer, P, _textPart++);
            Send(_textType, more ? Wire.FlagMore : 0, _textSeq, _textFill, _textAuth);
            _textFill = TextHeader;
        }

        /// <summary>Printable ASCII as is, a line break inside a value as a space, anything else as '?'.</summary>
        private static byte AsciiByte(char c)
        {
            return c >= ' ' && c <= '~' ? (byte)c : c == '\n' ? (byte)' ' : (byte)'?';
        }

        private static string Ascii(byte[] b, int offset, int count)
        {
            var chars = new char[count];
            for (int i = 0; i < count; i++)
            {
                byte v = b[offset + i];
                chars[i] = v == '\n' || (v >= ' ' && v <= '~') ? (char)v : '?';
            }

            return new string(chars);
        }
    }
}
