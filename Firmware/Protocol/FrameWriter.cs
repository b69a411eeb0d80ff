using System;
using Qrng.Crypto;
using Qrng.Drivers;

namespace Qrng.Firmware.Protocol
{
    /// <summary>
    /// Builds frames (docs/protocol.md) in one buffer allocated once: the caller writes the payload at
    /// <see cref="PayloadOffset"/>, <see cref="Send"/> adds the header, the HMAC when asked and the CRC-32, writes the
    /// frame and clears the buffer (a DATA payload is DRBG output: it does not stay in memory). The device writes
    /// replies with it, the host requests.
    /// </summary>
    public sealed class FrameWriter
    {
        public const int PayloadOffset = Wire.HeaderLength;
        private readonly byte _direction;
        private readonly byte[] _frame;

        public FrameWriter(byte direction, int maxPayload)
        {
            _direction = direction;
            MaxPayload = maxPayload;
            _frame = new byte[Wire.FrameLength(maxPayload, true)];
        }

        public int MaxPayload { get; private set; }

        /// <summary>The frame buffer; the payload goes at <see cref="PayloadOffset"/>.</summary>
        public byte[] Buffer
        {
            get { return _frame; }
        }

        public long FramesSent { get; private set; }

        public long BytesSent { get; private set; }

        /// <summary>
        /// Writes one frame with <paramref name="length"/> payload bytes already in <see cref="Buffer"/>. With a
        /// <paramref name="mac"/>, the session <paramref name="counter"/> follows the payload, then the HMAC over
        /// <paramref name="nonce"/> || header || payload || counter, and flags carry <see cref="Wire.FlagAuth"/>.
        /// </summary>
        public void Send(IByteSink sink, int type, int flags, int seq, int length, HmacSha256 mac, byte[] nonce, uint counter)
        {
            if (length < 0 || length > MaxPayload)
            {
                throw new ArgumentOutOfRangeException("length");
            }

            byte[] f = _frame;
            f[0] = Wire.Magic;
            f[1] = _direction;
            f[2] = (byte)type;
            f[3] = (byte)((flags & ~Wire.FlagAuth) | (mac != null ? Wire.FlagAuth : 0));
            Wire.Put16(f, 4, seq);
            Wire.Put16(f, 6, length);
            int end = Wire.HeaderLength + length;
            if (mac != null)
            {
                Wire.Put32(f, end, (int)counter);
                end += Wire.CounterLength;
                Sign(mac, nonce, f, end, f, end);
                end += Wire.MacLength;
            }

            Wire.Put32(f, end, (int)Crc32.Compute(f, 0, end));
            end += Wire.CrcLength;
            try
            {
                sink.Write(f, 0, end);
                FramesSent++;
                BytesSent += end;
            }
            finally
            {
                Array.Clear(f, 0, end);
            }
        }

        /// <summary>The HMAC of a frame: over the peer's nonce, then the header, payload and counter (<paramref name="length"/> bytes).</summary>
        public static void Sign(HmacSha256 mac, byte[] nonce, byte[] frame, int length, byte[] output, int offset)
        {
            mac.Begin();
            mac.Update(nonce, 0, Wire.NonceLength);
            mac.Update(frame, 0, length);
            mac.Final(output, offset);
        }
    }
}
