using Qrng.Drivers;

namespace Qrng.Firmware.Protocol
{
    /// <summary>
    /// The device side of the serial protocol (docs/protocol.md), and its first stage: the link's bytes and the mode.
    /// After boot the UART carries the plain DRBG stream; the attention sequence (<see cref="Attention"/>) switches to
    /// command mode, where every byte the device sends is part of a frame and DRBG output is made only for a READ.
    /// A request flows framing (<see cref="FrameReader"/>) → authentication (<see cref="Authenticator"/>) → dispatch
    /// (<see cref="Dispatcher"/>) → its command or operation (Commands/, Operations/) → replies (<see cref="Replies"/>).
    /// The engine's output (<see cref="IByteSink"/>) and raw symbols (<see cref="IRawSink"/>) come through here.
    /// <see cref="Poll"/> runs before each engine step and handles at most <see cref="MaxRequestsPerPoll"/> requests and
    /// <see cref="MaxBytesPerPoll"/> received bytes, so that no input delays the entropy path by more than a step;
    /// <see cref="AfterStep"/> sends what the step made. Buffers are allocated once.
    /// </summary>
    public sealed class DeviceProtocol : IByteSink, IRawSink
    {
        public const int MaxBytesPerPoll = 512;
        public const int MaxRequestsPerPoll = 4;
        private readonly App _app;
        private readonly ISerialLink _link;
        private readonly IClock _clock;
        private readonly Attention _attention = new Attention();
        private readonly FrameReader _reader = new FrameReader(Wire.RequestMagic, Wire.MaxRequestPayload);
        private readonly Replies _replies;
        private readonly Dispatcher _dispatch;
        private readonly Authenticator _auth;
        private readonly byte[] _rx = new byte[64];
        private int _rxPos, _rxLen;
        private long _lastRx, _lastRequest;

        public DeviceProtocol(App app, ISerialLink link, IClock clock)
        {
            _app = app;
            _link = link;
            _clock = clock;
            _auth = new Authenticator(app, clock);
            _replies = new Replies(link, _auth);
            _dispatch = new Dispatcher(app, this, _replies, _auth, link, clock);
        }

        /// <summary>False in the plain stream (after boot, after STREAM); true after the attention sequence.</summary>
        public bool CommandMode { get; private set; }

        /// <summary>The output the engine may make now: unlimited in the plain stream, what a READ still wants in command mode.</summary>
        public int Demand
        {
            get { return !CommandMode ? int.MaxValue : _dispatch.Read.Remaining; }
        }

        public FrameReader Reader
        {
            get { return _reader; }
        }

        public FrameWriter Writer
        {
            get { return _replies.Writer; }
        }

        public long StreamBytes { get; private set; }

        /// <summary>Error replies to input not sent: one per poll (<see cref="Replies.Error(byte, int, int, string)"/>).</summary>
        public long ErrorsSuppressed
        {
            get { return _replies.ErrorsSuppressed; }
        }

        public long ReceivedBytes { get; private set; }

        /// <summary>Authentication's state (STATUS: the session's nonce source, replays refused).</summary>
        public Authenticator Auth
        {
            get { return _auth; }
        }

        /// <summary>
        /// Reads and handles what the host sent (before an engine step). One loop per received byte, the attention
        /// matcher and the frame reader fused in it: on the interpreter every call per byte counts.
        /// </summary>
        public void Poll()
        {
            int requests = 0, budget = MaxBytesPerPoll;
            bool received = false;
            _replies.NewPoll();
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
                if (_attention.Feed(_rx[at]))
                {
                    EnterCommandMode();
                    continue;
                }

                if (!CommandMode)
                {
                    continue;                                     // the plain stream ignores everything but the attention sequence
                }

                requests += Frames(at, 1);
            }

            long now = _clock.ElapsedMilliseconds;
            if (requests > 0)
            {
                _lastRequest = now;
            }

            if (received)
            {
                _lastRx = now;
            }
            else if (CommandMode && _reader.InFrame && now - _lastRx > Wire.FrameTimeoutMs)
            {
                // only the stalled frame is dropped: a request that came behind it is found again (docs/protocol.md)
                _reader.Expire();
                _replies.RequestAuth = false;
                _replies.Error(Wire.ErrTruncated, _reader.ErrorType, _reader.ErrorSeq, "a frame stopped arriving for ", Wire.FrameTimeoutMs, " ms: dropped");
                if (Frames(0, 0) > 0)
                {
                    _lastRequest = now;
                }
            }

            if (CommandMode && now - _lastRequest > Wire.CommandIdleMs)
            {
                LeaveIdle();
            }
        }

        /// <summary>
        /// No intact request for <see cref="Wire.CommandIdleMs"/>: the client is gone (or stalled). The running operation
        /// ends with ERROR IDLE (the last frame a client still listening gets), then the plain stream, as after STREAM.
        /// </summary>
        private void LeaveIdle()
        {
            Operation op = _dispatch.Running;
            int type = op != null ? op.Type : 0, seq = op != null ? op.Seq : 0;
            bool auth = op != null && op.Auth;
            _dispatch.CancelRunning();
            _replies.EndWithError(Wire.ErrIdle, type, seq, "no request for ", Wire.CommandIdleMs, " ms: back to the plain stream", auth);
            _reader.Reset();
            ToPlainStream();
            IdleReturns++;
        }

        /// <summary>Times the device left command mode by itself (<see cref="Wire.CommandIdleMs"/>).</summary>
        public long IdleReturns { get; private set; }

        /// <summary>
        /// Feeds <paramref name="count"/> (0 or 1) bytes to the frame reader and handles every frame and damage it
        /// reports (a damaged frame's bytes are searched again); returns the requests handled.
        /// </summary>
        private int Frames(int at, int count)
        {
            int requests = 0;
            bool taken = count == 0;
            while (true)
            {
                if (_reader.Feed(_rx, at, taken ? 0 : count) > 0)
                {
                    taken = true;
                }

                int e = _reader.Event;
                if (e == FrameReader.None)
                {
                    return requests;
                }

                if (e == FrameReader.Frame)
                {
                    requests++;
                    _dispatch.Handle(_reader);
                    if (!CommandMode)
                    {
                        _reader.Reset();                          // STREAM: requests received behind it are not answered in the plain stream
                        return requests;
                    }
                }
                else
                {
                    Damaged(e);
                }
            }
        }

        /// <summary>Sends what the engine step made (the last DATA or RAW frame of the step) and ends operations that are over.</summary>
        public void AfterStep()
        {
            Operation op = _dispatch.Running;
            if (CommandMode && op != null)
            {
                op.AfterStep(_app.Engine.Status);
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

            if (_dispatch.Running == _dispatch.Read)
            {
                _dispatch.Read.Write(buffer, offset, count);
            }
        }

        /// <summary>One healthy frame's symbols for RAW or RESTART-RAW (the engine is in its raw export).</summary>
        public RawNext Take(ushort[] frame, byte[] masked)
        {
            var export = _dispatch.Running as SymbolExport;
            return export != null ? export.Take(frame, masked) : RawNext.Done;
        }

        /// <summary>STREAM: the reply, then the plain stream.</summary>
        public void BackToStream(int seq, int length)
        {
            if (!_replies.Expect(Wire.Stream, seq, length, 0, "STREAM takes no payload"))
            {
                return;
            }

            _dispatch.CancelRunning();
            _replies.TextBegin(Wire.Stream, seq);
            _replies.Add("mode", "stream");
            _replies.TextEnd();
            ToPlainStream();
        }

        /// <summary>Leaves command mode (STREAM, idle return): the authenticated session ends with it.</summary>
        private void ToPlainStream()
        {
            _auth.EndSession();
            CommandMode = false;
        }

        /// <summary>After an exception in the loop: the running operation ends without a reply, a partial request is dropped.</summary>
        public void Abandon()
        {
            _dispatch.CancelRunning();
            _reader.Reset();
        }

        private void EnterCommandMode()
        {
            _dispatch.CancelRunning();
            _reader.Reset();
            _auth.EndSession();
            CommandMode = true;
            _lastRequest = _clock.ElapsedMilliseconds;
            _replies.Buffer[FrameWriter.PayloadOffset] = Wire.Version;
            _replies.Send(Wire.Ready, 0, 0, 1, false);
        }

        /// <summary>
        /// A damaged request frame: an ERROR with its header as read. A false start (a 'Q' inside a frame already
        /// reported) is not a frame the host sent: no reply.
        /// </summary>
        private void Damaged(int e)
        {
            _replies.RequestAuth = false;
            if (_reader.FalseStart)
            {
                return;
            }

            if (e == FrameReader.BadLength)
            {
                _replies.Error(Wire.ErrBadLength, _reader.ErrorType, _reader.ErrorSeq, "payload longer than ", Wire.MaxRequestPayload, " bytes: dropped");
            }
            else if (e == FrameReader.BadHeader)
            {
                _replies.Error(Wire.ErrBadHeader, _reader.ErrorType, _reader.ErrorSeq, "unknown flags: dropped", false);
            }
            else
            {
                _replies.Error(Wire.ErrBadCrc, _reader.ErrorType, _reader.ErrorSeq, "CRC-32 mismatch: dropped", false);
            }
        }
    }
}
