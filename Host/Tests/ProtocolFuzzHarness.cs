using Qrng.Emulator;
using Qrng.Firmware;
using Qrng.Firmware.Protocol;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>
    /// Frames built from docs/protocol.md alone (not with the firmware's FrameWriter), a bitwise CRC-32 and a reference
    /// frame finder: the oracle the fuzz tests hold the firmware's FrameReader, DeviceProtocol and the host's
    /// DeviceSession to.
    /// </summary>
    public static class Spec
    {
        public static readonly byte[] Attention = [0x51, 0x52, 0x4E, 0x47, 0x2D, 0x43, 0x4D, 0x44, 0x00, 0xFF, 0xA5, 0x5A, 0xC3, 0x3C, 0x96, 0x69];

        /// <summary>CRC-32 of IEEE 802.3 (reflected 0xEDB88320, init and final XOR 0xFFFFFFFF: zlib's crc32), from a table built here bit by bit.</summary>
        private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
        {
            uint c = (uint)n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
            return c;
        }).ToArray();

        public static uint Crc32(ReadOnlySpan<byte> data)
        {
            uint c = 0xFFFFFFFFu;
            foreach (byte b in data) c = CrcTable[(byte)(c ^ b)] ^ (c >> 8);
            return ~c;
        }

        /// <summary>A frame (docs/protocol.md, "Frames"): 'Q', direction, type, flags, seq u16, length u16, payload, [4-byte counter and 32-byte MAC: 36 bytes, given in one], CRC-32, little-endian.</summary>
        public static byte[] Frame(byte direction, int type, int flags, int seq, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> mac = default)
        {
            bool auth = (flags & 1) != 0;
            var f = new byte[8 + payload.Length + (auth ? 36 : 0) + 4];
            f[0] = 0x51;
            f[1] = direction;
            f[2] = (byte)type;
            f[3] = (byte)flags;
            f[4] = (byte)seq;
            f[5] = (byte)(seq >> 8);
            f[6] = (byte)payload.Length;
            f[7] = (byte)(payload.Length >> 8);
            payload.CopyTo(f.AsSpan(8));
            if (auth) mac[..36].CopyTo(f.AsSpan(8 + payload.Length));
            uint crc = Crc32(f.AsSpan(0, f.Length - 4));
            for (int i = 0; i < 4; i++) f[f.Length - 4 + i] = (byte)(crc >> (8 * i));
            return f;
        }

        /// <summary>
        /// The frames a reader finds in <paramref name="s"/> (docs/protocol.md, "Finding frames"): at each 'Q' a candidate;
        /// the wrong direction byte is no frame; unknown flags, a length over the limit or a CRC mismatch is a damaged
        /// frame; in both cases the search resumes one byte after the candidate's start. A candidate that is still
        /// consistent when the input ends stopped arriving: after the time-out it is dropped and the search resumes the same way.
        /// </summary>
        public static (List<byte[]> Frames, int Damaged) Find(byte[] s, byte direction, int maxPayload)
        {
            var frames = new List<byte[]>();
            int damaged = 0, p = 0, damagedUntil = 0;
            // a damaged candidate that starts inside the last counted one is a false start (a 'Q' in its bytes): not counted
            void Damage(int end)
            {
                if (p >= damagedUntil)
                {
                    damaged++;
                    damagedUntil = end;
                }

                p++;
            }

            while (p < s.Length)
            {
                int left = s.Length - p;
                if (s[p] != 0x51) { p++; continue; }
                if (left < 2) { p++; continue; }
                if (s[p + 1] != direction) { p++; continue; }
                if (left < 4) { p++; continue; }
                if ((s[p + 3] & ~7) != 0) { Damage(p + 4); continue; }
                if (left < 8) { p++; continue; }
                int length = s[p + 6] | (s[p + 7] << 8);
                if (length > maxPayload) { Damage(p + 8); continue; }
                int total = 8 + length + ((s[p + 3] & 1) != 0 ? 36 : 0) + 4;
                if (left < total) { p++; continue; }
                uint crc = (uint)(s[p + total - 4] | (s[p + total - 3] << 8) | (s[p + total - 2] << 16) | (s[p + total - 1] << 24));
                if (crc != Crc32(s.AsSpan(p, total - 4))) { Damage(p + total); continue; }
                frames.Add(s.AsSpan(p, total).ToArray());
                p += total;
            }

            return (frames, damaged);
        }

        /// <summary>A reply frame.</summary>
        public static byte[] Reply(int type, int flags, int seq, byte[] payload) => Spec.Frame(Wire.ReplyMagic, type, flags, seq, payload);

        /// <summary>READY, then the reply to the session's HELLO (sequence 1): version 1, the limits, no key.</summary>
        public static byte[] Greeting()
        {
            var hello = new byte[22];
            hello[16] = Wire.Version;
            Wire.Put16(hello, 17, Wire.MaxRequestPayload);
            Wire.Put16(hello, 19, Wire.MaxReplyPayload);
            return [.. Reply(Wire.Ready, 0, 0, [Wire.Version]), .. Reply(Wire.Hello | Wire.ReplyBit, 0, 1, hello)];
        }

        /// <summary>A DATA frame of 100 bytes of <paramref name="fill"/> (state Streaming).</summary>
        public static byte[] Data(int part, bool more, int seq, byte fill)
        {
            var p = new byte[ReadOperation.DataHeader + 100];
            Wire.Put32(p, 0, part);
            p[4] = (byte)EngineState.Streaming;
            p.AsSpan(ReadOperation.DataHeader).Fill(fill);
            return Reply(Wire.Read | Wire.ReplyBit, more ? Wire.FlagMore : 0, seq, p);
        }

        /// <summary>Cuts <paramref name="length"/> bytes into chunks of 1..<paramref name="max"/> bytes, deterministically from <paramref name="seed"/>.</summary>
        public static IEnumerable<(int Offset, int Count)> Chunks(int length, int max, uint seed)
        {
            uint x = seed | 1;
            for (int at = 0; at < length;)
            {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                int n = Math.Min(length - at, 1 + (int)(x % (uint)max));
                yield return (at, n);
                at += n;
            }
        }
    }


    /// <summary>
    /// The host's view of everything a device sends (docs/protocol.md): the plain stream after boot and after STREAM,
    /// frames only from READY on. Holds the device to it: in command mode every byte belongs to a CRC-correct reply
    /// frame of a known type, text and ERROR payloads are ASCII, DATA frames answer a READ and RAW / RESTART-RAW frames
    /// (the only ones with the RAW flag) answer a raw request that reached the device as a valid frame.
    /// </summary>
    public sealed class DeviceLineCheck
    {
        private static readonly System.Buffers.SearchValues<byte> TextBytes = System.Buffers.SearchValues.Create([(byte)'\n', .. Enumerable.Range(0x20, 0x5F).Select(b => (byte)b)]);
        private readonly FrameReader _reader = new(Wire.ReplyMagic, Wire.MaxReplyPayload);

        /// <summary>The line carries the plain stream (after boot, after a STREAM reply); false from READY on.</summary>
        public bool Plain { get; private set; } = true;

        public long DataBytes { get; private set; }
        public long PlainBytes { get; private set; }
        public long FramesSeen { get; private set; }

        /// <summary>Sequence numbers of the READ, RAW and RESTART-RAW requests the device may be answering.</summary>
        public readonly HashSet<int> ReadSeqs = [], RawSeqs = [], RestartRawSeqs = [];

        /// <summary>
        /// With a key (a keyed board): the session's HMAC and host nonce; every signed reply frame must verify under them
        /// with a counter above the last one (<see cref="LastReplyCounter"/>, 0 at HELLO). Null: nothing may be signed.
        /// </summary>
        public Qrng.Crypto.HmacSha256 Mac;
        public byte[] HostNonce = new byte[Wire.NonceLength];
        public uint LastReplyCounter;
        public long SignedFrames;

        /// <summary>Frames since the last <see cref="Clear"/>.</summary>
        public readonly List<(int Type, int Flags, int Seq, byte[] Payload)> Frames = [];

        public void Clear()
        {
            Frames.Clear();
            ReadSeqs.Clear();
            RawSeqs.Clear();
            RestartRawSeqs.Clear();
        }

        /// <summary>What the device sent in one loop iteration: frames, then (in the plain stream) <paramref name="plainTail"/> stream bytes.</summary>
        public void Take(byte[] b, int n, int plainTail)
        {
            int framed = n - plainTail;
            Assert.True(framed >= 0, $"{plainTail} stream bytes counted, {n} sent");
            int at = 0;
            do
            {
                at += _reader.Feed(b, at, framed - at);
                int e = _reader.Event;
                Assert.True(e == FrameReader.None || e == FrameReader.Frame, $"a damaged frame (event {e}) on a lossless line");
                if (e == FrameReader.Frame)
                {
                    if (_reader.Authenticated) Signed();
                    Check(_reader.Type, _reader.Flags, _reader.Seq, _reader.Buffer.AsSpan(Wire.HeaderLength, _reader.PayloadLength).ToArray());
                }
            }
            while (_reader.Event != FrameReader.None);

            Assert.Equal(0, _reader.Skipped);                              // nothing between frames
            Assert.False(_reader.InFrame, "a reply frame cut short at the end of a loop iteration");
            if (plainTail > 0) Assert.True(Plain, $"{plainTail} stream bytes while in command mode");
            PlainBytes += plainTail;
        }

        private void Signed()
        {
            Assert.True(Mac != null, "a signed frame from a board without a key");
            var expected = new byte[Wire.MacLength];
            FrameWriter.Sign(Mac, HostNonce, _reader.Buffer, _reader.MacOffset, expected, 0);
            Assert.True(expected.AsSpan().SequenceEqual(_reader.Buffer.AsSpan(_reader.MacOffset, Wire.MacLength)), "a reply HMAC that does not verify under the session's host nonce");
            Assert.True(_reader.Counter > LastReplyCounter, $"reply counter {_reader.Counter} not above {LastReplyCounter}");
            LastReplyCounter = _reader.Counter;
            SignedFrames++;
        }

        private void Check(int type, int flags, int seq, byte[] p)
        {
            FramesSeen++;
            Frames.Add((type, flags, seq, p));
            string what = $"reply type 0x{type:X2} flags {flags} seq {seq} length {p.Length}";
            Assert.True(!Plain || type == Wire.Ready, "in the plain stream only READY starts frames: " + what);
            if (Mac == null) Assert.Equal(0, flags & Wire.FlagAuth);      // no key: nothing is signed
            bool raw = type == (Wire.Raw | Wire.ReplyBit) || type == (Wire.RestartRaw | Wire.ReplyBit);
            Assert.True(raw == ((flags & Wire.FlagRaw) != 0), "RAW flag exactly on RAW / RESTART-RAW frames: " + what);
            switch (type)
            {
                case Wire.Ready:
                    Assert.True(seq == 0 && p.Length == 1 && p[0] == Wire.Version && flags == 0, what);
                    Plain = false;
                    return;
                case Wire.Hello | Wire.ReplyBit:
                    Assert.True(p.Length == 26 && p[16] == Wire.Version && Wire.Get16(p, 17) == Wire.MaxRequestPayload && Wire.Get16(p, 19) == Wire.MaxReplyPayload && p[21] == (Mac == null ? 0 : 1) && Wire.Get32(p, 22) == Wire.CommandIdleMs, what);
                    return;
                case Wire.Read | Wire.ReplyBit:
                    Assert.True(ReadSeqs.Contains(seq), "DATA only for a READ that came as a valid frame: " + what);
                    Assert.True(p.Length >= ReadOperation.DataHeader && p[4] <= (int)EngineState.RawExport, what);
                    DataBytes += p.Length - ReadOperation.DataHeader;
                    return;
                case Wire.Raw | Wire.ReplyBit:
                    Assert.True(RawSeqs.Contains(seq), "RAW symbols only for a RAW request: " + what);
                    Assert.True(p.Length >= RawOperation.Header && p.Length == RawOperation.Header + ((Wire.Get16(p, 4) + 3) / 4), what);
                    return;
                case Wire.RestartRaw | Wire.ReplyBit:
                    Assert.True(RestartRawSeqs.Contains(seq), "RESTART-RAW symbols only for a RESTART-RAW request: " + what);
                    Assert.True(p.Length >= RestartRawOperation.Header && p.Length == RestartRawOperation.Header + ((Wire.Get16(p, 6) + 3) / 4), what);
                    return;
                case Wire.Info | Wire.ReplyBit or Wire.Status | Wire.ReplyBit or Wire.SelfTest | Wire.ReplyBit or Wire.ConfigGet | Wire.ReplyBit
                    or Wire.ConfigSet | Wire.ReplyBit or Wire.Stream | Wire.ReplyBit or Wire.Cancel | Wire.ReplyBit or Wire.Ping | Wire.ReplyBit:
                    Assert.True(p.Length >= Replies.TextHeader, what);
                    Assert.True(p.AsSpan(Replies.TextHeader).ContainsAnyExcept(TextBytes) == false, "text replies are ASCII: " + what);
                    if (type == (Wire.Stream | Wire.ReplyBit) && (flags & Wire.FlagMore) == 0) Plain = true;
                    return;
                case Wire.Error:
                    Assert.True(p.Length >= 2 && p[0] >= Wire.ErrBadCrc && p[0] <= Wire.ErrNoSession, what);
                    Assert.True(p.AsSpan(2).ContainsAnyExceptInRange((byte)0x20, (byte)0x7E) == false, "ERROR text is one ASCII line: " + what);
                    if (p[0] == Wire.ErrIdle) Plain = true;                  // no request for the idle time: the plain stream follows
                    return;
                default:
                    Assert.Fail("a reply type the protocol does not have: " + what);
                    return;
            }
        }
    }

    /// <summary>
    /// An emulated board (the firmware's App and engine on the .NET twin, as in Firmware.Tests' BoardLine) on a
    /// loopback line, every byte it sends checked by <see cref="DeviceLineCheck"/>, and every DRBG byte the engine made
    /// accounted for: it went out in a DATA frame or in the plain stream, nowhere else.
    /// </summary>
    public sealed class BoardRig
    {
        public const int CheckSeq = 65000;                    // request sequence numbers the generators never use
        private readonly LoopbackLink _link = new(null);
        private readonly List<byte> _sent = [];
        private byte[] _out = new byte[1 << 16];
        private long _bytesOut, _streamBytes;

        public BoardRig(uint seed, FirmwareConfig config = null)
        {
            Board = EmulatedBoard.WithShotNoise(config ?? new FirmwareConfig(), seed, _link, null);
            for (int i = 0; i < 400 && Board.Status.State != EngineState.Streaming; i++) Tick();
            Assert.Equal(EngineState.Streaming, Board.Status.State);
        }

        public EmulatedBoard Board { get; }
        public DeviceLineCheck Line { get; } = new();
        public DeviceProtocol Device => Board.App.Protocol;
        public long Ticks { get; private set; }
        public int Pending => _link.ToDevice.Count;

        /// <summary>Bytes for the device; the valid READ / RAW / RESTART-RAW frames they complete may be answered with data.</summary>
        public void Send(byte[] bytes) => SendChunk(bytes, 0, bytes.Length);

        public void SendChunk(byte[] bytes, int offset, int count)
        {
            // a request frame may end in these bytes and start up to a whole frame before them (even in an earlier input's
            // last bytes: a truncated frame whose missing CRC byte is the next request's 'Q')
            int from = Math.Max(0, _sent.Count - Wire.FrameLength(Wire.MaxRequestPayload, true));
            _sent.AddRange(bytes.AsSpan(offset, count));
            Allow(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_sent)[from..]);
            _link.ToDevice.Write(bytes, offset, count);
        }

        /// <summary>One loop iteration of the firmware (App.Tick: protocol input, engine step, the step's frames).</summary>
        public void Tick()
        {
            Board.Step();
            Ticks++;
            Drain();
        }

        /// <summary>The protocol alone, without an engine step (the cheap harness): input, then what AfterStep sends.</summary>
        public void Poll()
        {
            Device.Poll();
            Device.AfterStep();
            Drain();
        }

        /// <summary>Silence on the line for <paramref name="ms"/> milliseconds of the board's clock.</summary>
        public void Wait(int ms) => Board.Delay.Milliseconds(ms);

        /// <summary>Enters command mode with the attention sequence: READY, and the parser starts empty.</summary>
        public void Attention(bool whole)
        {
            Send(Spec.Attention);
            if (whole) Tick(); else Poll();
            Assert.False(Line.Plain, "READY after the attention sequence");
            Line.Clear();
            _sent.Clear();                                    // the parser starts empty: no frame spans the attention sequence
        }

        /// <summary>
        /// The frames of the reply to request <paramref name="type"/> with <paramref name="seq"/> seen so far, and whether
        /// its last one (MORE clear, or an ERROR) came. An ERROR about a frame of another type is not part of it: random
        /// input can hold a damaged frame header with the same sequence number, and the device rightly reports that one.
        /// </summary>
        public (List<(int Type, int Flags, int Seq, byte[] Payload)> Frames, bool Complete) Reply(int seq, int type)
        {
            var frames = Line.Frames.Where(f => f.Seq == seq && (f.Type != Wire.Error || f.Payload.Length < 2 || f.Payload[1] == type)).ToList();
            return (frames, frames.Count > 0 && (frames[^1].Type == Wire.Error || (frames[^1].Flags & Wire.FlagMore) == 0));
        }

        private void Allow(ReadOnlySpan<byte> s)
        {
            // every CRC-correct request frame anywhere in the bytes (a superset of what the device can act on)
            for (int p = 0; p + 12 <= s.Length; p++)
            {
                if (s[p] != Wire.Magic || s[p + 1] != Wire.RequestMagic || (s[p + 3] & ~7) != 0) continue;
                int total = Wire.FrameLength(s[p + 6] | (s[p + 7] << 8), (s[p + 3] & 1) != 0);
                if (p + total > s.Length || Spec.Crc32(s.Slice(p, total - 4)) != (uint)(s[p + total - 4] | (s[p + total - 3] << 8) | (s[p + total - 2] << 16) | (s[p + total - 1] << 24))) continue;
                int seq = s[p + 4] | (s[p + 5] << 8);
                if (s[p + 2] == Wire.Read) Line.ReadSeqs.Add(seq);
                if (s[p + 2] == Wire.Raw) Line.RawSeqs.Add(seq);
                if (s[p + 2] == Wire.RestartRaw) Line.RestartRawSeqs.Add(seq);
            }
        }

        private void Drain()
        {
            long plain = Device.StreamBytes - _streamBytes, made = Board.Status.BytesOut - _bytesOut;
            _streamBytes = Device.StreamBytes;
            _bytesOut = Board.Status.BytesOut;
            int n = _link.FromDevice.Count;
            if (n > _out.Length) _out = new byte[n];
            _link.FromDevice.Read(_out, 0, n);
            long data = Line.DataBytes;
            Line.Take(_out, n, (int)plain);
            Assert.True(made == Line.DataBytes - data + plain, $"the engine made {made} DRBG bytes; {Line.DataBytes - data} went out in DATA frames, {plain} in the plain stream");
        }
    }

    /// <summary>
    /// A device link that plays back a recorded reply stream in chunks, on a clock of its own that moves only while the
    /// line is silent: a read of a drained script returns nothing after its whole time-out, so DeviceSession's waits
    /// end at once; a session that keeps reading past <see cref="MaxReads"/> hangs.
    /// </summary>
    public sealed class ScriptLink(byte[] script, uint chunkSeed, int maxChunk) : Qrng.Cli.IDeviceLink
    {
        public const int MaxReads = 20_000;
        private int _pos;
        private uint _x = chunkSeed | 1;
        private long _now;

        public int Reads { get; private set; }
        public string Name => "script";
        public bool IsVirtual => true;
        public long NowMs => _now;

        public void Write(byte[] buffer, int offset, int count)
        {
        }

        public int Read(byte[] buffer, int count, int timeoutMs)
        {
            if (++Reads > MaxReads) throw new InvalidOperationException($"DeviceSession still reading after {MaxReads} reads: a hang");
            if (_pos == script.Length)
            {
                _now += Math.Max(1, timeoutMs);
                return 0;
            }

            _x ^= _x << 13;
            _x ^= _x >> 17;
            _x ^= _x << 5;
            int n = Math.Min(Math.Min(count, script.Length - _pos), 1 + (int)(_x % (uint)maxChunk));
            Array.Copy(script, _pos, buffer, 0, n);
            _pos += n;
            return n;
        }

        public void SetBaud(int baud)
        {
        }

        public void Dispose()
        {
        }
    }

    /// <summary>A reply stream for the host: garbage, READY, HELLO's reply, then the frames of one request's reply (READ, INFO or RAW), maybe damaged.</summary>
    public sealed record HostCase(int Kind, byte[] Script, byte[][] Reply, byte[] Expected, int N, string Noise, bool Corrupted, uint ChunkSeed, int MaxChunk)
    {
        public override string ToString() => $"kind {Kind}, n {N}, {Noise}, {(Corrupted ? "corrupted" : "intact")}, chunks 1..{MaxChunk} (seed {ChunkSeed}): {Convert.ToHexString(Script)}";
    }
}
