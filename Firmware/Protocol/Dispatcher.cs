using Qrng.Drivers;

namespace Qrng.Firmware.Protocol
{
    /// <summary>
    /// The third stage of a request's path: a complete, intact request frame is authenticated when it says so
    /// (<see cref="Authenticator"/>), refused while another operation runs if it would start one, and handed to the
    /// class that handles its type: HELLO to the authenticator, INFO/STATUS/CONFIG to Commands/, READ, RAW,
    /// RESTART-RAW, SELFTEST and CHARACTERIZE to Operations/, STREAM to the <see cref="DeviceProtocol"/>; CANCEL and PING are handled here.
    /// </summary>
    public sealed class Dispatcher
    {
        private readonly DeviceProtocol _protocol;
        private readonly Replies _replies;
        private readonly Authenticator _auth;
        private readonly ReadOperation _read;
        private readonly RawOperation _raw;
        private readonly RestartRawOperation _restartRaw;
        private readonly SelfTestOperation _selfTest;
        private readonly CharacterizeOperation _characterize;
        private readonly InfoCommand _info;
        private readonly StatusCommand _status;
        private readonly ConfigCommand _config;
        private Operation _running;

        public Dispatcher(App app, DeviceProtocol protocol, Replies replies, Authenticator auth, ISerialLink link, IClock clock)
        {
            _protocol = protocol;
            _replies = replies;
            _auth = auth;
            _read = new ReadOperation(app, replies);
            _raw = new RawOperation(app, replies);
            _restartRaw = new RestartRawOperation(app, replies);
            _selfTest = new SelfTestOperation(app, replies);
            _characterize = new CharacterizeOperation(app, replies);
            _info = new InfoCommand(app, replies, auth);
            _status = new StatusCommand(app, replies, protocol, clock);
            _config = new ConfigCommand(app, replies, auth, link);
        }

        /// <summary>The operation that runs, or null.</summary>
        public Operation Running
        {
            get { return _running != null && _running.Running ? _running : null; }
        }

        /// <summary>The READ operation (the engine's output goes to it in command mode).</summary>
        public ReadOperation Read
        {
            get { return _read; }
        }

        /// <summary>One complete request frame (in <paramref name="r"/>).</summary>
        public void Handle(FrameReader r)
        {
            byte[] b = r.Buffer;
            int type = r.Type, seq = r.Seq, length = r.PayloadLength;
            bool auth = r.Authenticated;
            if (auth && !_auth.Verify(r, _replies))
            {
                return;
            }

            _replies.RequestAuth = auth;
            Operation running = Running;
            bool starts = type == Wire.Read || type == Wire.Raw || type == Wire.RestartRaw || type == Wire.SelfTest || type == Wire.ConfigSet || type == Wire.Characterize;
            if (starts && running != null)
            {
                _replies.Error(Wire.ErrBusy, type, seq, "busy with request ", running.Seq, ": wait for its last frame, or CANCEL");
                return;
            }

            switch (type)
            {
                case Wire.Hello: _auth.Hello(b, seq, length, _replies); break;
                case Wire.Info: _info.Handle(seq, length); break;
                case Wire.Status: _status.Handle(seq, length); break;
                case Wire.Read: _read.Start(b, seq, length); Track(_read); break;
                case Wire.Raw: _raw.Start(b, seq, length); Track(_raw); break;
                case Wire.RestartRaw: _restartRaw.Start(b, seq, length); Track(_restartRaw); break;
                case Wire.SelfTest: _selfTest.Start(seq, length); Track(_selfTest); break;
                case Wire.Characterize: _characterize.Start(b, seq, length); Track(_characterize); break;
                case Wire.ConfigGet: _config.Get(b, seq, length); break;
                case Wire.ConfigSet: _config.Set(b, seq, length, auth); break;
                case Wire.Stream: _protocol.BackToStream(seq, length); break;
                case Wire.Cancel: Cancel(seq, length); break;
                case Wire.Ping: Ping(seq, length); break;
                default: _replies.Error(Wire.ErrUnknownCommand, type, seq, "unknown command ", type, null); break;
            }
        }

        /// <summary>Ends the running operation without its last frame.</summary>
        public void CancelRunning()
        {
            if (_running != null)
            {
                _running.Cancel();
                _running = null;
            }
            else
            {
                System.Array.Clear(_replies.Buffer, 0, _replies.Buffer.Length);
            }
        }

        private void Track(Operation op)
        {
            if (op.Running)
            {
                _running = op;
            }
        }

        /// <summary>PING: keeps command mode (<see cref="Wire.CommandIdleMs"/>); an empty text reply, also while an operation runs.</summary>
        private void Ping(int seq, int length)
        {
            if (_replies.Expect(Wire.Ping, seq, length, 0, "PING takes no payload"))
            {
                _replies.TextBegin(Wire.Ping, seq);
                _replies.TextEnd();
            }
        }

        private void Cancel(int seq, int length)
        {
            if (!_replies.Expect(Wire.Cancel, seq, length, 0, "CANCEL takes no payload"))
            {
                return;
            }

            Operation running = Running;
            int opSeq = running != null ? running.Seq : 0;
            CancelRunning();
            _replies.TextBegin(Wire.Cancel, seq);
            _replies.Add("cancelled", running == null ? "nothing" : "request " + opSeq);
            _replies.TextEnd();
        }
    }
}
