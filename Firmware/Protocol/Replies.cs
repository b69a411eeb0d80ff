using Qrng.Drivers;

namespace Qrng.Firmware.Protocol
{
    /// <summary>
    /// Every frame the device sends in command mode goes out here (the last stage of a request's path): signed when
    /// the request was authenticated (<see cref="Authenticator"/>), as an ERROR, or as a text reply of key=value lines
    /// split into numbered parts. One frame buffer (the <see cref="FrameWriter"/>'s) serves all of them: an operation
    /// fills it only inside an engine step and sends it before the step ends, so a text reply between steps finds it
    /// empty. Text replies allocate only for the strings they quote; numbers are written digit by digit.
    /// </summary>
    public sealed class Replies
    {
        /// <summary>Text payload header: part u32.</summary>
        public const int TextHeader = 4;
        private const int P = FrameWriter.PayloadOffset;
        private readonly FrameWriter _writer = new FrameWriter(Wire.ReplyMagic, Wire.MaxReplyPayload);
        private readonly ISerialLink _link;
        private readonly Authenticator _auth;

        // the text reply being written
        private int _textType, _textSeq, _textPart, _textFill;
        private bool _textAuth;

        public Replies(ISerialLink link, Authenticator auth)
        {
            _link = link;
            _auth = auth;
        }

        public FrameWriter Writer
        {
            get { return _writer; }
        }

        /// <summary>The frame buffer; payloads go at <see cref="FrameWriter.PayloadOffset"/>.</summary>
        public byte[] Buffer
        {
            get { return _writer.Buffer; }
        }

        /// <summary>Whether the request being handled was authenticated: its replies are signed when it was.</summary>
        public bool RequestAuth { get; set; }

        /// <summary>One frame with <paramref name="length"/> payload bytes already in <see cref="Buffer"/>; signed when <paramref name="auth"/> and a key is provisioned.</summary>
        public void Send(int type, int flags, int seq, int length, bool auth)
        {
            bool signed = auth && _auth.HasKey;
            _writer.Send(_link, type, flags, seq, length, signed ? _auth.Mac : null, signed ? _auth.HostNonce : null);
        }

        /// <summary>A reply to the request being handled.</summary>
        public void Reply(int type, int flags, int seq, int length)
        {
            Send(type, flags, seq, length, RequestAuth);
        }

        /// <summary>An ERROR frame: code, the request's type, then the text (printable ASCII).</summary>
        public void Error(byte code, int type, int seq, string text, bool auth)
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

        /// <summary>An ERROR for the request being handled.</summary>
        public void Error(byte code, int type, int seq, string text)
        {
            Error(code, type, seq, text, RequestAuth);
        }

        /// <summary>True when the payload has the length a request takes; else an ERROR with its usage.</summary>
        public bool Expect(int type, int seq, int length, int expected, string usage)
        {
            if (length == expected)
            {
                return true;
            }

            Error(Wire.ErrBadLength, type, seq, usage);
            return false;
        }

        /// <summary>Starts a text reply to the request being handled.</summary>
        public void TextBegin(int type, int seq)
        {
            TextBegin(type, seq, RequestAuth);
        }

        public void TextBegin(int type, int seq, bool auth)
        {
            _textType = type | Wire.ReplyBit;
            _textSeq = seq;
            _textPart = 0;
            _textFill = TextHeader;
            _textAuth = auth;
        }

        public void Add(string key, string value)
        {
            PutText(key, false);
            PutByte((byte)'=');
            PutText(value, false);
            PutByte((byte)'\n');
        }

        public void Add(string key, long value)
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
        public void PutText(string text, bool lines)
        {
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                PutByte(lines && c == '\n' ? (byte)'\n' : AsciiByte(c));
            }
        }

        /// <summary>Sends the text reply's last part.</summary>
        public void TextEnd()
        {
            FlushText(false);
        }

        private void PutByte(byte value)
        {
            if (_textFill == Wire.MaxReplyPayload)
            {
                FlushText(true);
            }

            _writer.Buffer[P + _textFill++] = value;
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

        /// <summary>A request's text payload: printable ASCII and line breaks as is, anything else as '?'.</summary>
        public static string Ascii(byte[] b, int offset, int count)
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
