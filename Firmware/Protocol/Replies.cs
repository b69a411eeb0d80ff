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
        private const long NoNumber = long.MinValue;
        private const int P = FrameWriter.PayloadOffset;
        private readonly FrameWriter _writer = new FrameWriter(Wire.ReplyMagic, Wire.MaxReplyPayload);
        private readonly ISerialLink _link;
        private readonly Authenticator _auth;

        // the text reply being written
        private int _textType, _textSeq, _textPart, _textFill;
        private bool _textAuth;

        // whether this poll has sent its one error reply to input
        private bool _errorSent;

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
            _writer.Send(_link, type, flags, seq, length, signed ? _auth.Mac : null, signed ? _auth.HostNonce : null, signed ? _auth.NextReplyCounter() : 0);
        }

        /// <summary>A reply to the request being handled.</summary>
        public void Reply(int type, int flags, int seq, int length)
        {
            Send(type, flags, seq, length, RequestAuth);
        }

        /// <summary>
        /// An ERROR frame answering input (a damaged frame, a refused request): code, the request's type, then the text.
        /// Such errors are limited to one per <see cref="DeviceProtocol.Poll"/> (one per loop iteration: a frame period
        /// or more), so that a flood of bad input cannot make the device talk more than it listens; the rest are counted
        /// (<see cref="ErrorsSuppressed"/>).
        /// </summary>
        public void Error(byte code, int type, int seq, string text, bool auth)
        {
            Error(code, type, seq, text, NoNumber, null, auth, true);
        }

        /// <summary>An ERROR for the request being handled (limited as above).</summary>
        public void Error(byte code, int type, int seq, string text)
        {
            Error(code, type, seq, text, NoNumber, null, RequestAuth, true);
        }

        /// <summary>An ERROR whose text quotes a number, written digit by digit (nothing allocated; limited as above).</summary>
        public void Error(byte code, int type, int seq, string text, long number, string after)
        {
            Error(code, type, seq, text, number, after, RequestAuth, true);
        }

        /// <summary>The same, signed or not as <paramref name="auth"/> says.</summary>
        public void Error(byte code, int type, int seq, string text, long number, string after, bool auth)
        {
            Error(code, type, seq, text, number, after, auth, true);
        }

        /// <summary>The last frame of a running operation, an ERROR: never suppressed (the host waits for it).</summary>
        public void EndWithError(byte code, int type, int seq, string text, bool auth)
        {
            Error(code, type, seq, text, NoNumber, null, auth, false);
        }

        /// <summary>The same with a number in its text.</summary>
        public void EndWithError(byte code, int type, int seq, string text, long number, string after, bool auth)
        {
            Error(code, type, seq, text, number, after, auth, false);
        }

        /// <summary>A poll begins: it may send one error reply.</summary>
        public void NewPoll()
        {
            _errorSent = false;
        }

        /// <summary>Error replies to input that were not sent (more than one in a poll).</summary>
        public long ErrorsSuppressed { get; private set; }

        private void Error(byte code, int type, int seq, string text, long number, string after, bool auth, bool limited)
        {
            byte[] f = _writer.Buffer;
            int n = 2;
            n = PutAscii(f, n, text);
            if (number != NoNumber)
            {
                n = PutNumber(f, n, number);
            }

            if (after != null)
            {
                n = PutAscii(f, n, after);
            }

            if (limited && _errorSent)
            {
                ErrorsSuppressed++;
                System.Array.Clear(f, P, n);
                return;
            }

            _errorSent |= limited;
            f[P] = code;
            f[P + 1] = (byte)type;
            Send(Wire.Error, 0, seq, n, auth);
        }

        private static int PutAscii(byte[] f, int n, string text)
        {
            for (int i = 0; i < text.Length && n < Wire.MaxReplyPayload; i++)
            {
                f[P + n++] = AsciiByte(text[i]);
            }

            return n;
        }

        private static int PutNumber(byte[] f, int n, long value)
        {
            if (value < 0 && n < Wire.MaxReplyPayload)
            {
                f[P + n++] = (byte)'-';
                value = -value;
            }

            long scale = 1;
            while (value / scale >= 10)
            {
                scale *= 10;
            }

            for (; scale > 0 && n < Wire.MaxReplyPayload; scale /= 10)
            {
                f[P + n++] = (byte)('0' + (int)((value / scale) % 10));
            }

            return n;
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
