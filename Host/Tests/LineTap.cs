using Qrng.Crypto;
using Qrng.Cli;
using Qrng.Firmware;
using Qrng.Firmware.Protocol;
using Qrng.VirtualBoard;

namespace Qrng.Host.Tests
{
    /// <summary>A frame the device sent, as a tap on the line saw it before any noise, and what the noise did to it.</summary>
    public sealed class TappedFrame
    {
        public int Index;
        public int Type;
        public int Flags;
        public int Seq;
        public byte[] Payload;
        /// <summary>The whole frame as the device sent it (header to CRC).</summary>
        public byte[] Bytes;
        public LineTap.Noise Done;

        /// <summary>Where the frame ends in everything the device sent (<see cref="LineTap.Sent"/>).</summary>
        public long End;

        public bool Intact => Done == LineTap.Noise.None;
    }

    /// <summary>
    /// The line between a device and the host, with a memory: every frame the device sends is parsed (with the
    /// firmware's own reader) before the noise, and the noise damages the frames a test picks — a flipped bit (the
    /// CRC catches it), a dropped frame (a gap in the part numbers), a forged payload with a correct CRC (only the
    /// HMAC catches it), or a damaged frame hiding a false frame start that its rescan must not count twice. Tests compare what the host wrote with the frames that reached it intact.
    /// </summary>
    public sealed class LineTap
    {
        public enum Noise
        {
            None,
            FlipBit,
            Drop,
            Forge,
            /// <summary>A flipped bit, and near the payload's end what looks like the header of a 100-byte frame: its CRC check reaches into the next frame.</summary>
            FalseStart,
            /// <summary>The frame's bytes replaced by what <see cref="Replacement"/> gives (a frame recorded earlier: a replay).</summary>
            Replace,
        }

        private readonly FrameReader _reader = new(Wire.ReplyMagic, Wire.MaxReplyPayload);
        private readonly object _gate = new();
        private readonly List<TappedFrame> _frames = [];
        private readonly MemoryStream _sent = new();

        /// <summary>Every byte the device sent, before the noise.</summary>
        public byte[] Sent
        {
            get
            {
                lock (_gate)
                {
                    return _sent.ToArray();
                }
            }
        }

        /// <summary>What to do to a frame (on the sending thread); null: nothing.</summary>
        public Func<TappedFrame, Noise> Decide { get; set; }

        /// <summary>The bytes sent instead of a frame for which <see cref="Decide"/> says <see cref="Noise.Replace"/>.</summary>
        public Func<TappedFrame, byte[]> Replacement { get; set; }

        public List<TappedFrame> Frames
        {
            get
            {
                lock (_gate)
                {
                    return [.. _frames];
                }
            }
        }

        /// <summary>Passes a chunk of the device's bytes through; returns its new length.</summary>
        public int Process(byte[] chunk, int count)
        {
            lock (_gate)
            {
                long origin = _sent.Length;
                _sent.Write(chunk, 0, count);
                var output = new List<byte>(count);
                int copied = 0, at = 0;
                do
                {
                    at += _reader.Feed(chunk, at, count - at);
                    if (_reader.Event != FrameReader.Frame) continue;
                    int length = Wire.FrameLength(_reader.PayloadLength, _reader.Authenticated), start = at - length;
                    var f = new TappedFrame
                    {
                        Index = _frames.Count,
                        Type = _reader.Type,
                        Flags = _reader.Flags,
                        Seq = _reader.Seq,
                        Payload = _reader.Buffer.AsSpan(Wire.HeaderLength, _reader.PayloadLength).ToArray(),
                        Bytes = _reader.Buffer.AsSpan(0, length).ToArray(),
                        End = origin + at,
                    };
                    _frames.Add(f);
                    Noise n = start >= copied && Decide != null ? Decide(f) : Noise.None;
                    if (n == Noise.None) continue;
                    f.Done = n;
                    output.AddRange(chunk.AsSpan(copied, start - copied).ToArray());
                    var frame = chunk.AsSpan(start, length).ToArray();
                    if (n == Noise.FlipBit)
                    {
                        frame[Wire.HeaderLength + (f.Index % Math.Max(1, f.Payload.Length))] ^= (byte)(1 << (f.Index % 8));
                    }
                    else if (n == Noise.FalseStart)
                    {
                        int at0 = length - Wire.CrcLength - 20;                     // 20 bytes before the CRC
                        if (at0 < Wire.HeaderLength + 1) throw new InvalidOperationException("FalseStart needs a payload of 21 bytes or more");
                        byte[] header = [Wire.Magic, Wire.ReplyMagic, (byte)(Wire.Read | Wire.ReplyBit), Wire.FlagMore, 1, 0, 100, 0];
                        header.CopyTo(frame, at0);
                        frame[Wire.HeaderLength] ^= 1;                              // the CRC fails
                    }
                    else if (n == Noise.Forge)
                    {
                        frame[^5] ^= 0x01;                                         // the last payload or HMAC byte
                        Wire.Put32(frame, length - 4, (int)Crc32.Compute(frame, 0, length - 4));
                    }

                    else if (n == Noise.Replace)
                    {
                        frame = Replacement(f);
                    }

                    if (n != Noise.Drop) output.AddRange(frame);
                    copied = at;
                }
                while (_reader.Event != FrameReader.None);

                if (copied == 0) return count;
                output.AddRange(chunk.AsSpan(copied, count - copied).ToArray());
                output.CopyTo(chunk);
                return output.Count;
            }
        }

        /// <summary>The DRBG bytes of every DATA frame that reached the host intact, in order.</summary>
        public byte[] IntactData() => [.. Frames.Where(f => f.Type == (Wire.Read | Wire.ReplyBit) && f.Intact).SelectMany(f => f.Payload.Skip(ReadOperation.DataHeader))];

        /// <summary>The symbols (one per byte) of the RAW frames of request <paramref name="seq"/>, unpacked.</summary>
        public byte[] RawSymbols(int seq) => [.. Frames.Where(f => f.Type == (Wire.Raw | Wire.ReplyBit) && f.Seq == seq).SelectMany(f => Unpack(f.Payload, RawOperation.Header, Wire.Get16(f.Payload, 4)))];

        public static IEnumerable<byte> Unpack(byte[] payload, int offset, int count)
        {
            for (int k = 0; k < count; k++) yield return (byte)((payload[offset + (k >> 2)] >> (6 - (2 * (k & 3)))) & 3);
        }
    }

    /// <summary>The in-process virtual board with a <see cref="LineTap"/> on its TX line.</summary>
    public sealed class TappedLink(VirtualLink inner, LineTap tap) : IDeviceLink
    {
        public VirtualLink Inner { get; } = inner;
        public LineTap Tap { get; } = tap;
        public string Name => "tapped virtual board";
        public bool IsVirtual => true;
        public long NowMs => Inner.NowMs;

        public static TappedLink Boot(FirmwareConfig config, int seed) => new(VirtualLink.Boot(config, seed, []), new LineTap());

        public void Write(byte[] buffer, int offset, int count) => Inner.Write(buffer, offset, count);

        public int Read(byte[] buffer, int count, int timeoutMs)
        {
            int n = Inner.Read(buffer, count, timeoutMs);
            return n == 0 ? 0 : Tap.Process(buffer, n);
        }

        public void SetBaud(int baud) => Inner.SetBaud(baud);

        public void Dispose() => Inner.Dispose();
    }
}
