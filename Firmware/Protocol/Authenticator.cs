using System;
using Qrng.Crypto;
using Qrng.Drivers;
using Qrng.Firmware.Pipeline;

namespace Qrng.Firmware.Protocol
{
    /// <summary>
    /// Authentication (docs/protocol.md), the second stage of a request's path: with a key provisioned
    /// (device.hmac_key), HELLO exchanges nonces and opens a session; an authenticated request carries a counter above
    /// the session's last one and the HMAC-SHA256 over the device's nonce, its header, payload and counter, and the
    /// replies to it carry their own counter and an HMAC over the host's nonce. The session ends at the attention
    /// sequence, STREAM and the idle return; a new HELLO starts a new one with a new device nonce, so a frame signed in
    /// one session (or before a restart) is refused in every other.
    /// </summary>
    public sealed class Authenticator
    {
        /// <summary>Where the device nonce of the session came from (STATUS auth_session).</summary>
        public const int NoSession = 0, FromDrbg = 1, FromFrames = 2;
        private const int P = FrameWriter.PayloadOffset;
        private readonly App _app;
        private readonly IClock _clock;
        private readonly HmacSha256 _mac;
        private readonly byte[] _hostNonce = new byte[Wire.NonceLength];
        private readonly byte[] _deviceNonce = new byte[Wire.NonceLength];
        private readonly byte[] _scratch = new byte[Wire.MacLength];
        private int _hellos;
        private uint _lastRequest, _lastReply;

        public Authenticator(App app, IClock clock)
        {
            _app = app;
            _clock = clock;
            if (app.Config.HmacKey != null)
            {
                _mac = new HmacSha256(app.Config.HmacKey);
            }
        }

        /// <summary>A key is provisioned: authenticated requests are possible, CONFIG SET requires one.</summary>
        public bool HasKey
        {
            get { return _mac != null; }
        }

        /// <summary>The HMAC that signs replies (null without a key).</summary>
        public HmacSha256 Mac
        {
            get { return _mac; }
        }

        /// <summary>The host's nonce of this session (signed into every authenticated reply).</summary>
        public byte[] HostNonce
        {
            get { return _hostNonce; }
        }

        /// <summary>The open session's device nonce source (<see cref="FromDrbg"/>, <see cref="FromFrames"/>), or <see cref="NoSession"/>.</summary>
        public int Session { get; private set; }

        /// <summary>Authenticated requests refused because their counter was not above the session's last (replays).</summary>
        public long Replays { get; private set; }

        /// <summary>The counter for the next authenticated reply of this session.</summary>
        public uint NextReplyCounter()
        {
            _lastReply++;
            if (_lastReply == 0xFFFFFFFFu)
            {
                EndSession();                                       // no counter left: the host must say HELLO again
                return 0xFFFFFFFFu;
            }

            return _lastReply;
        }

        /// <summary>The session ends (attention, STREAM, idle return): authenticated requests are refused until HELLO.</summary>
        public void EndSession()
        {
            Session = NoSession;
            _lastRequest = 0;
            _lastReply = 0;
            Array.Clear(_deviceNonce, 0, Wire.NonceLength);
        }

        /// <summary>
        /// Checks an authenticated request (<paramref name="r"/> holds the frame): a session, its HMAC, then a counter
        /// above the last one accepted; false after an ERROR was sent.
        /// </summary>
        public bool Verify(FrameReader r, Replies replies)
        {
            int type = r.Type, seq = r.Seq;
            if (_mac == null)
            {
                replies.Error(Wire.ErrAuthRequired, type, seq, "no key is provisioned (device.hmac_key): send requests without authentication", false);
                return false;
            }

            if (Session == NoSession)
            {
                replies.Error(Wire.ErrNoSession, type, seq, _hellos == 0 || _app.Engine.Fingerprints.Count > 0
                    ? "no session: send HELLO first (a session ends at the attention sequence, STREAM and the idle return)"
                    : "no session: no device nonce can be made before the DRBG is seeded or a frame was captured", false);
                return false;
            }

            byte[] b = r.Buffer;
            int mac = r.MacOffset;
            FrameWriter.Sign(_mac, _deviceNonce, b, mac, _scratch, 0);
            bool good = HmacSha256.Equal(_scratch, 0, b, mac, Wire.MacLength);
            Array.Clear(_scratch, 0, _scratch.Length);
            if (!good)
            {
                replies.Error(Wire.ErrBadAuth, type, seq, "HMAC does not match (another key, or a nonce of another session)", false);
                return false;
            }

            uint counter = r.Counter;
            if (counter <= _lastRequest)
            {
                Replays++;
                replies.Error(Wire.ErrReplayed, type, seq, "counter ", counter, " is not above the session's last: a replayed request", false);
                return false;
            }

            _lastRequest = counter;
            return true;
        }

        /// <summary>
        /// HELLO: takes the host's nonce (or none), ends the session there was and opens a new one with a new device
        /// nonce; replies with it and the link's limits.
        /// </summary>
        public void Hello(byte[] b, int seq, int length, Replies replies)
        {
            if (length != 0 && length != Wire.NonceLength)
            {
                replies.Error(Wire.ErrBadLength, Wire.Hello, seq, "HELLO takes no payload or a 16-byte host nonce");
                return;
            }

            EndSession();
            Array.Clear(_hostNonce, 0, Wire.NonceLength);
            if (length > 0)
            {
                Array.Copy(b, P, _hostNonce, 0, Wire.NonceLength);
            }

            _hellos++;
            int source = NewDeviceNonce(replies.Buffer);
            if (_mac != null)
            {
                Session = source;
            }

            byte[] f = replies.Buffer;
            Array.Copy(_deviceNonce, 0, f, P, Wire.NonceLength);
            f[P + 16] = Wire.Version;
            Wire.Put16(f, P + 17, Wire.MaxRequestPayload);
            Wire.Put16(f, P + 19, Wire.MaxReplyPayload);
            f[P + 21] = (byte)((_mac != null ? 1 : 0) | (_mac != null && source == NoSession ? 2 : 0));
            Wire.Put32(f, P + 22, Wire.CommandIdleMs);
            replies.Reply(Wire.Hello | Wire.ReplyBit, 0, seq, 26);
        }

        /// <summary>
        /// The device nonce must never repeat, across restarts too, or a frame signed under it could be replayed: 16
        /// bytes of the instantiated DRBG; else (the source not seeded yet) a hash, keyed when there is a key, over the
        /// fingerprints of the last raw frames (their sensor noise differs from boot to boot), the HELLO count, uptime,
        /// the frame count and the host's nonce; with no frame since boot there is none and no session
        /// (<see cref="NoSession"/>). <paramref name="work"/>: a scratch buffer of at least 16 bytes.
        /// </summary>
        private int NewDeviceNonce(byte[] work)
        {
            if (_app.Engine.DrawNonce(_deviceNonce, 0, Wire.NonceLength))
            {
                return FromDrbg;
            }

            ReplayDetector frames = _app.Engine.Fingerprints;
            if (frames.Count == 0)
            {
                return NoSession;
            }

            var sha = _mac == null ? new Sha256() : null;
            if (_mac != null)
            {
                _mac.Begin();
            }

            for (int i = 0; i < frames.Count; i++)
            {
                frames.CopyFingerprint(i, work, 0);
                Absorb(sha, work, 8);
            }

            Wire.Put32(work, 0, _hellos);
            Wire.Put32(work, 4, (int)_clock.ElapsedMilliseconds);
            Wire.Put32(work, 8, (int)(_clock.ElapsedMilliseconds >> 32));
            Wire.Put32(work, 12, (int)_app.Engine.Status.Frames);
            Absorb(sha, work, 16);
            Absorb(sha, _hostNonce, Wire.NonceLength);
            Array.Clear(work, 0, 16);
            if (_mac != null)
            {
                _mac.Final(_scratch, 0);
            }
            else
            {
                sha.Final(_scratch, 0);
            }

            Array.Copy(_scratch, 0, _deviceNonce, 0, Wire.NonceLength);
            Array.Clear(_scratch, 0, _scratch.Length);
            return FromFrames;
        }

        private void Absorb(Sha256 sha, byte[] data, int count)
        {
            if (sha != null)
            {
                sha.Update(data, 0, count);
            }
            else
            {
                _mac.Update(data, 0, count);
            }
        }
    }
}
