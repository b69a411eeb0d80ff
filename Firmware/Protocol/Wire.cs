namespace Qrng.Firmware.Protocol
{
    /// <summary>
    /// The serial protocol's constants (docs/protocol.md). A frame: magic 'Q' and '?' (request) or '!' (reply), type,
    /// flags, sequence number (u16), payload length (u16), payload, when flags has <see cref="FlagAuth"/> the session
    /// counter (u32) and the HMAC-SHA256 over the peer's nonce and everything before the HMAC, then CRC-32 over
    /// everything before it. Integers are little-endian.
    /// </summary>
    public static class Wire
    {
        /// <summary>2: authenticated frames carry a counter under the HMAC (1 had none: replayable).</summary>
        public const int Version = 2;
        public const byte Magic = 0x51;                     // 'Q'
        public const byte RequestMagic = 0x3F;              // '?'
        public const byte ReplyMagic = 0x21;                // '!'
        public const int HeaderLength = 8, CrcLength = 4, MacLength = 32, NonceLength = 16, CounterLength = 4;

        /// <summary>What <see cref="FlagAuth"/> adds to a frame: the counter, then the HMAC.</summary>
        public const int AuthLength = CounterLength + MacLength;
        public const int MaxRequestPayload = 512, MaxReplyPayload = 1024;

        /// <summary>Flags: the frame carries a session counter and an HMAC-SHA256 before its CRC.</summary>
        public const int FlagAuth = 1;
        /// <summary>Flags (replies): more frames of this reply follow.</summary>
        public const int FlagMore = 2;
        /// <summary>Flags (replies): the payload holds raw, unconditioned noise-source symbols (RAW, RESTART-RAW only).</summary>
        public const int FlagRaw = 4;
        public const int KnownFlags = FlagAuth | FlagMore | FlagRaw;

        // requests; a reply's type is the request's with bit 7 set
        public const byte Hello = 0x01, Info = 0x02, Status = 0x03, Read = 0x04, Raw = 0x05, RestartRaw = 0x06, SelfTest = 0x07;
        public const byte ConfigGet = 0x08, ConfigSet = 0x09, Stream = 0x0A, Cancel = 0x0B, Ping = 0x0C;
        public const byte Characterize = 0x0D;
        public const byte ReplyBit = 0x80;
        /// <summary>Sent unprompted (sequence 0) when the attention sequence has put the device in command mode.</summary>
        public const byte Ready = 0x80;
        public const byte Error = 0xFF;

        // error codes (first payload byte of an Error reply; then the request type, then text)
        public const byte ErrBadCrc = 1, ErrBadLength = 2, ErrBadHeader = 3, ErrTruncated = 4, ErrUnknownCommand = 5, ErrBadArgument = 6;
        public const byte ErrBusy = 7, ErrUnhealthy = 8, ErrConfigRefused = 9, ErrAuthRequired = 10, ErrBadAuth = 11, ErrCancelled = 12;
        public const byte ErrIdle = 13, ErrReplayed = 14, ErrNoSession = 15;

        /// <summary>Milliseconds a started frame may wait for its next byte before it is dropped (<see cref="ErrTruncated"/>).</summary>
        public const int FrameTimeoutMs = 500;

        /// <summary>
        /// Milliseconds in command mode without an intact request after which the device returns to the plain stream by
        /// itself (a client that died must not leave it there): a host keeps the session with PING, a third of it apart.
        /// </summary>
        public const int CommandIdleMs = 5000;

        /// <summary>
        /// "QRNG-CMD", 00 FF, then A5 5A C3 3C 96 69: enters command mode from any state. 128 fixed bits, a byte value
        /// ('Q') that occurs once in it, and bytes a line glitch does not make (framing errors read as 00 or FF, not all four pairs).
        /// </summary>
        public static readonly byte[] Attention = { 0x51, 0x52, 0x4E, 0x47, 0x2D, 0x43, 0x4D, 0x44, 0x00, 0xFF, 0xA5, 0x5A, 0xC3, 0x3C, 0x96, 0x69 };

        public static int FrameLength(int payload, bool auth)
        {
            return HeaderLength + payload + (auth ? AuthLength : 0) + CrcLength;
        }

        public static void Put16(byte[] b, int offset, int value)
        {
            b[offset] = (byte)value;
            b[offset + 1] = (byte)(value >> 8);
        }

        public static void Put32(byte[] b, int offset, int value)
        {
            b[offset] = (byte)value;
            b[offset + 1] = (byte)(value >> 8);
            b[offset + 2] = (byte)(value >> 16);
            b[offset + 3] = (byte)(value >> 24);
        }

        public static int Get16(byte[] b, int offset)
        {
            int v = b[offset] | (b[offset + 1] << 8);       // a typed local: nanoCLR would carry the byte's unsigned tag (NF017)
            return v;
        }

        public static int Get32(byte[] b, int offset)
        {
            int v = (((sbyte)b[offset + 3]) << 24) | (b[offset + 2] << 16) | (b[offset + 1] << 8) | b[offset];   // signed first (NF017)
            return v;
        }
    }
}
