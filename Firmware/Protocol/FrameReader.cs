using System;
using Qrng.Crypto;

namespace Qrng.Firmware.Protocol
{
    /// <summary>
    /// Finds frames in a byte stream that may carry anything (docs/protocol.md): the device reads requests with it, the
    /// host reads replies. Bytes that cannot start a frame are skipped; a frame whose length is over the limit or
    /// whose CRC-32 does not match is reported (<see cref="Event"/>) and the search resumes one byte after its start,
    /// so a damaged frame never hides the good one behind it. Allocates once; O(frame) work per byte in the worst case.
    /// </summary>
    public sealed class FrameReader
    {
        public const int None = 0, Frame = 1, BadLength = 2, BadCrc = 3, BadHeader = 4;
        private const int Skip = -1;
        private readonly byte _direction;
        private readonly int _maxPayload;
        private readonly byte[] _buffer;
        private int _count, _checked, _total, _frameLength;
        private long _origin;                               // input offset of _buffer[0] (bytes fed since construction)
        private long _damagedUntil;                         // input offset one past the last damaged candidate that was not a false start
        private bool _expiring;                             // after Expire, until new input: no buffered candidate will complete

        /// <param name="direction"><see cref="Wire.RequestMagic"/> (the device) or <see cref="Wire.ReplyMagic"/> (the host)</param>
        public FrameReader(byte direction, int maxPayload)
        {
            _direction = direction;
            _maxPayload = maxPayload;
            _buffer = new byte[Wire.FrameLength(maxPayload, true)];
        }

        /// <summary>What the last <see cref="Feed"/> stopped for: <see cref="None"/> (all input taken), a frame or a damaged frame.</summary>
        public int Event { get; private set; }

        /// <summary>The frame (<see cref="Event"/> = <see cref="Frame"/>): header at 0, payload at <see cref="Wire.HeaderLength"/>; valid until the next Feed.</summary>
        public byte[] Buffer
        {
            get { return _buffer; }
        }

        public int Type
        {
            get { return _buffer[2]; }
        }

        public int Flags
        {
            get { return _buffer[3]; }
        }

        /// <summary>The sequence number.</summary>
        public int Seq
        {
            get { return Wire.Get16(_buffer, 4); }
        }

        public int PayloadLength
        {
            get { return Wire.Get16(_buffer, 6); }
        }

        public bool Authenticated
        {
            get { return (_buffer[3] & Wire.FlagAuth) != 0; }
        }

        /// <summary>Where the session counter of an <see cref="Authenticated"/> frame is (after the payload).</summary>
        public int CounterOffset
        {
            get { return Wire.HeaderLength + PayloadLength; }
        }

        /// <summary>The session counter of an <see cref="Authenticated"/> frame.</summary>
        public uint Counter
        {
            get { return (uint)Wire.Get32(_buffer, CounterOffset); }
        }

        /// <summary>Where the frame's HMAC starts (<see cref="Authenticated"/> frames): it covers everything before it.</summary>
        public int MacOffset
        {
            get { return Wire.HeaderLength + PayloadLength + Wire.CounterLength; }
        }

        /// <summary>True while a frame has started and is not complete (time-outs: <see cref="Wire.FrameTimeoutMs"/>).</summary>
        public bool InFrame
        {
            get { return _count > _frameLength; }
        }

        /// <summary>The damaged frame's type and sequence number as read (<see cref="Event"/> is a damage; maybe wrong).</summary>
        public int ErrorType { get; private set; }

        public int ErrorSeq { get; private set; }

        /// <summary>
        /// Where the damaged candidate started and ended (one past its last byte read) in the input, counted from the
        /// first byte ever fed. A damage that starts before the end of an earlier one is a false start found while
        /// searching that frame's bytes again (a 'Q' in its payload), not another frame.
        /// </summary>
        public long DamageStart { get; private set; }

        public long DamageEnd { get; private set; }

        /// <summary>
        /// The damage just reported began inside the previous damaged candidate: a false start found while searching
        /// that frame's bytes again, not another frame (the host does not count it as a lost frame).
        /// </summary>
        public bool FalseStart { get; private set; }

        public long Frames { get; private set; }

        /// <summary>Frames dropped for a bad length, header or CRC (false starts inside one are not frames: not counted).</summary>
        public long Damaged { get; private set; }

        /// <summary>Damaged candidates that began inside an earlier damaged frame (<see cref="FalseStart"/>).</summary>
        public long FalseStarts { get; private set; }

        /// <summary>Bytes skipped outside frames.</summary>
        public long Skipped { get; private set; }

        /// <summary>Drops a partial frame (a time-out, the attention sequence).</summary>
        public void Reset()
        {
            _origin += _count;
            Array.Clear(_buffer, 0, _count);
            _count = 0;
            _checked = 0;
            _total = 0;
            _frameLength = 0;
            _expiring = false;
            Event = None;
        }

        /// <summary>
        /// The frame being read stopped arriving (<see cref="Wire.FrameTimeoutMs"/>): it is dropped and the search
        /// resumes one byte after its start, as for a damaged frame, so a request that came behind it is not lost with it.
        /// <see cref="ErrorType"/> and <see cref="ErrorSeq"/> are the dropped frame's as read; call <see cref="Feed"/>
        /// (with no input) until Event is None for the frames behind it. No byte came for the time-out, so a later
        /// candidate that the buffered bytes do not complete stopped arriving too (it began inside the dropped frame):
        /// it is dropped silently, until new input comes.
        /// </summary>
        public void Expire()
        {
            if (_frameLength > 0)
            {
                Shift(_frameLength);
                _frameLength = 0;
            }

            ErrorType = _count > 2 ? _buffer[2] : 0;
            ErrorSeq = _count > 5 ? Wire.Get16(_buffer, 4) : 0;
            Event = None;
            _expiring = true;
            if (_count > 0)
            {
                Resync(BadLength);
            }
        }

        /// <summary>
        /// Takes input until a frame is complete or damaged (<see cref="Event"/>) or all of it is taken; returns how many
        /// bytes it took. Call again (even with no input) until Event is None: bytes behind a damaged frame are searched again.
        /// </summary>
        public int Feed(byte[] data, int offset, int count)
        {
            if (_frameLength > 0)
            {
                // the last call returned a frame: what followed it in the buffer (after a resync) comes next
                Shift(_frameLength);
                _frameLength = 0;
            }

            Event = None;
            if (count > 0)
            {
                _expiring = false;
            }

            int taken = 0;
            while (true)
            {
                // validate what is buffered, then take one more byte
                while (_checked < _count)
                {
                    int e = Check(_checked);
                    if (e == None)
                    {
                        _checked++;
                        if (_total > 0 && _checked == _total)
                        {
                            Frames++;
                            _frameLength = _total;
                            Event = Frame;
                            return taken;
                        }

                        continue;
                    }

                    if (e != Skip)
                    {
                        ErrorType = _count > 2 ? _buffer[2] : 0;
                        ErrorSeq = _count > 5 ? Wire.Get16(_buffer, 4) : 0;
                        DamageStart = _origin;
                        FalseStart = _origin < _damagedUntil;
                        DamageEnd = _origin + _checked + 1;
                        if (FalseStart)
                        {
                            FalseStarts++;
                        }
                        else
                        {
                            _damagedUntil = DamageEnd;
                            Damaged++;
                        }
                    }

                    Resync(e);
                    if (e != Skip)
                    {
                        Event = e;
                        return taken;
                    }
                }

                if (taken == count)
                {
                    if (_expiring && _count > 0)
                    {
                        Resync(BadLength);                        // stalled inside the expired frame: dropped, the search goes on
                        continue;
                    }

                    return taken;
                }

                _buffer[_count++] = data[offset + taken];
                taken++;
            }
        }

        /// <summary>None when byte <paramref name="i"/> fits a frame; Skip: not a frame start; else the damage.</summary>
        private int Check(int i)
        {
            byte[] b = _buffer;
            if (i == 0)
            {
                return b[0] == Wire.Magic ? None : Skip;
            }

            if (i == 1)
            {
                return b[1] == _direction ? None : Skip;
            }

            if (i == 3 && (b[3] & ~Wire.KnownFlags) != 0)
            {
                return BadHeader;
            }

            if (i == 7)
            {
                int length = Wire.Get16(b, 6);
                if (length > _maxPayload)
                {
                    return BadLength;
                }

                _total = Wire.FrameLength(length, (b[3] & Wire.FlagAuth) != 0);
                return None;
            }

            if (_total > 0 && i == _total - 1)
            {
                int end = _total - Wire.CrcLength;
                return (uint)Wire.Get32(b, end) == Crc32.Compute(b, 0, end) ? None : BadCrc;
            }

            return None;
        }

        /// <summary>Drops the candidate's first byte (all of it up to the next 'Q' when it never was a frame start).</summary>
        private void Resync(int damage)
        {
            int next = 1;
            while (next < _count && _buffer[next] != Wire.Magic)
            {
                next++;
            }

            if (damage == Skip)
            {
                Skipped += next;
            }

            Shift(next);
        }

        private void Shift(int n)
        {
            int rest = _count - n;
            if (rest > 0)
            {
                Array.Copy(_buffer, n, _buffer, 0, rest);
            }

            Array.Clear(_buffer, rest, n);
            _origin += n;
            _count = rest;
            _checked = 0;
            _total = 0;
        }
    }
}
