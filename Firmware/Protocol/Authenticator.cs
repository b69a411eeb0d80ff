using System;
using Qrng.Crypto;
using Qrng.Drivers;

namespace Qrng.Firmware.Protocol
{
    /// <summary>
    /// Authentication (docs/protocol.md), the second stage of a request's path: with a key provisioned
    /// (device.hmac_key), HELLO exchanges nonces, an authenticated request must carry the HMAC-SHA256 over the device's
    /// nonce, its header and payload, and the replies to it carry one over the host's nonce.
    /// </summary>
    public sealed class Authenticator
    {
        private const int P = FrameWriter.PayloadOffset;
        private readonly App _app;
        private readonly IClock _clock;
        private readonly HmacSha256 _mac;
        private readonly byte[] _hostNonce = new byte[Wire.NonceLength];
        private readonly byte[] _deviceNonce = new byte[Wire.NonceLength];
        private readonly byte[] _scratch = new byte[Wire.MacLength];
        private int _hellos;

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

        /// <summary>
        /// Checks an authenticated request's HMAC (<paramref name="r"/> holds the frame); false after an ERROR was sent.
        /// </summary>
        public bool Verify(FrameReader r, Replies replies)
        {
            int type = r.Type, seq = r.Seq, length = r.PayloadLength;
            if (_mac == null)
            {
                replies.Error(Wire.ErrAuthRequired, type, seq, "no key is provisioned (device.hmac_key): send requests without authentication", false);
                return false;
            }

            byte[] b = r.Buffer;
            FrameWriter.Sign(_mac, _deviceNonce, b, P + length, _scratch, 0);
            bool good = HmacSha256.Equal(_scratch, 0, b, P + length, Wire.MacLength);
            Array.Clear(_scratch, 0, _scratch.Length);
            if (!good)
            {
                replies.Error(Wire.ErrBadAuth, type, seq, "HMAC does not match (another key, or a nonce of another session)", false);
                return false;
            }

            return true;
        }

        /// <summary>HELLO: takes the host's nonce (or none), makes the device's and replies with it and the link's limits.</summary>
        public void Hello(byte[] b, int seq, int length, Replies replies)
        {
            if (length != 0 && length != Wire.NonceLength)
            {
                replies.Error(Wire.ErrBadLength, Wire.Hello, seq, "HELLO takes no payload or a 16-byte host nonce");
                return;
            }

            Array.Clear(_hostNonce, 0, Wire.NonceLength);
            if (length > 0)
            {
                Array.Copy(b, P, _hostNonce, 0, Wire.NonceLength);
            }

            // the device nonce: unique per boot, uptime, HELLO count and host nonce (docs/protocol.md, authentication)
            _hellos++;
            byte[] f = replies.Buffer;
            Wire.Put32(f, 0, _hellos);
            Wire.Put32(f, 4, (int)_clock.ElapsedMilliseconds);
            Wire.Put32(f, 8, (int)(_clock.ElapsedMilliseconds >> 32));
            Wire.Put32(f, 12, (int)_app.Engine.Status.Frames);
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
            Wire.Put32(f, P + 22, Wire.CommandIdleMs);
            replies.Reply(Wire.Hello | Wire.ReplyBit, 0, seq, 26);
        }
    }
}
