using Qrng.Crypto;
using Qrng.Drivers;
using Qrng.Firmware.Protocol;

namespace Qrng.Cli;

/// <summary>
/// The host's first stage (docs/protocol.md, in the device's order): the link's bytes and the frames in them. Finds the
/// READY frame after the attention sequence (everything before it is plain-stream bytes), then reads reply frames with
/// the firmware's own <see cref="FrameReader"/> (CRC-32 checked; the HMAC through <see cref="SessionAuth"/>) and writes
/// requests with its <see cref="FrameWriter"/>. A link that reports the device gone is remembered.
/// </summary>
public sealed class FrameLink
{
    /// <summary>A READY frame's header (version 1): 'Q' '!' 0x80, flags 0, sequence 0, length 1.</summary>
    private static readonly byte[] ReadyHeader = [Wire.Magic, Wire.ReplyMagic, Wire.Ready, 0, 0, 0, 1, 0];

    private readonly FrameReader _reader = new(Wire.ReplyMagic, Wire.MaxReplyPayload);
    private readonly FrameWriter _writer = new(Wire.RequestMagic, Wire.MaxRequestPayload);
    private readonly byte[] _in = new byte[1 << 16];
    private readonly SessionAuth _auth;
    private readonly LinkSink _sink;
    private int _inPos, _inLen;

    public FrameLink(IDeviceLink link, SessionAuth auth)
    {
        Link = link;
        _auth = auth;
        _sink = new LinkSink(this);
    }

    public IDeviceLink Link { get; }

    /// <summary>The link reported the device gone (unplugged).</summary>
    public bool Gone { get; private set; }

    /// <summary>Damaged frames the reader dropped (bad CRC, length or flags); false starts inside one are not counted.</summary>
    public long DamagedFrames { get; private set; }

    /// <summary>Plain-stream bytes dropped while waiting for READY.</summary>
    public long DiscardedBytes { get; private set; }

    /// <summary>
    /// Sends the attention sequence (again every second) until a READY frame comes; drops everything before it and
    /// returns the protocol version READY carries. Throws <see cref="DeviceException"/> after <paramref name="timeoutMs"/>.
    /// </summary>
    public int AwaitReady(int timeoutMs, string name)
    {
        _reader.Reset();
        _inPos = _inLen = 0;
        DiscardedBytes = 0;
        long start = Link.NowMs, lastAttention = start - 1000, before = 0;
        int matched = 0;
        var tail = new byte[5];
        int tailCount = -1;
        while (true)
        {
            long now = Link.NowMs;
            if (now - start >= timeoutMs)
            {
                throw new DeviceException(QrngCli.Timeout, DiscardedBytes > 0
                    ? $"{name}: no READY within {timeoutMs / 1000.0:0.#} s of the attention sequence, {DiscardedBytes:N0} other bytes came (a board without the serial protocol, another baud rate, or not a qrng)"
                    : $"{name}: no answer within {timeoutMs / 1000.0:0.#} s to the attention sequence (not a qrng, another baud rate, or the board is not running)");
            }

            if (now - lastAttention >= 1000)
            {
                Write(Wire.Attention, 0, Wire.Attention.Length);
                lastAttention = now;
            }

            Signals.Check();
            int n = ReadLink(_in, _in.Length, (int)Math.Min(200, start + timeoutMs - now));
            for (int i = 0; i < n; i++)
            {
                byte b = _in[i];
                if (tailCount >= 0)
                {
                    tail[tailCount++] = b;
                    if (tailCount < tail.Length) continue;
                    var frame = new byte[ReadyHeader.Length + 1];
                    ReadyHeader.CopyTo(frame, 0);
                    frame[^1] = tail[0];
                    if ((uint)Wire.Get32(tail, 1) == Crc32.Compute(frame, 0, frame.Length))
                    {
                        DiscardedBytes = before + i + 1 - ReadyHeader.Length - tail.Length;
                        _inPos = i + 1;
                        _inLen = n;
                        return tail[0];
                    }

                    tailCount = -1;
                    matched = 0;
                    continue;
                }

                // 'Q' occurs once in READY's header: a one-state-per-byte matcher misses no occurrence
                if (b == ReadyHeader[matched])
                {
                    if (++matched == ReadyHeader.Length) tailCount = 0;
                }
                else
                {
                    matched = b == ReadyHeader[0] ? 1 : 0;
                }
            }

            before += n;
            DiscardedBytes = before;
        }
    }

    /// <summary>One request frame (signed when the session is authenticated).</summary>
    public void Send(int type, int seq, byte[] payload, string command)
    {
        int n = payload?.Length ?? 0;
        if (n > Wire.MaxRequestPayload) throw new DeviceException(QrngCli.BadInput, $"{command}: {n} bytes, a request carries at most {Wire.MaxRequestPayload}");
        if (n > 0) Array.Copy(payload, 0, _writer.Buffer, FrameWriter.PayloadOffset, n);
        _writer.Send(_sink, type, 0, seq, n, _auth.Mac, _auth.Mac != null ? _auth.DeviceNonce : null, _auth.NextCounter());
    }

    /// <summary>The next frame (or a dropped damaged one) within <paramref name="timeoutMs"/>; null when none came.</summary>
    public ReplyFrame Next(int timeoutMs)
    {
        long deadline = Link.NowMs + timeoutMs;
        while (true)
        {
            int taken = _reader.Feed(_in, _inPos, _inLen - _inPos);
            _inPos += taken;
            int e = _reader.Event;
            if (e == FrameReader.Frame) return Capture();
            if (e != FrameReader.None)
            {
                if (_reader.FalseStart) continue;                          // a 'Q' inside a frame already dropped: not another frame
                DamagedFrames++;
                return new ReplyFrame { Damage = e };
            }

            long left = deadline - Link.NowMs;
            if (left <= 0) return null;
            _inPos = 0;
            _inLen = ReadLink(_in, _in.Length, (int)left);
            if (_inLen == 0) return null;
        }
    }

    /// <summary>Bytes already received after the last frame (after STREAM: the first plain-stream bytes); they are handed over once.</summary>
    public int TakeLeftover(byte[] buffer)
    {
        int n = Math.Min(buffer.Length, _inLen - _inPos);
        Array.Copy(_in, _inPos, buffer, 0, n);
        _inPos += n;
        return n;
    }

    public int ReadLink(byte[] buffer, int count, int timeoutMs)
    {
        try
        {
            return Link.Read(buffer, count, timeoutMs);
        }
        catch (DeviceGoneException)
        {
            Gone = true;
            throw;
        }
    }

    public void Write(byte[] buffer, int offset, int count)
    {
        try
        {
            Link.Write(buffer, offset, count);
        }
        catch (DeviceGoneException)
        {
            Gone = true;
            throw;
        }
    }

    private ReplyFrame Capture()
    {
        return new ReplyFrame
        {
            Type = _reader.Type,
            Flags = _reader.Flags,
            Seq = _reader.Seq,
            Payload = _reader.Buffer.AsSpan(Wire.HeaderLength, _reader.PayloadLength).ToArray(),
            Auth = _auth.Check(_reader),
        };
    }

    /// <summary>The frame writer's sink: the link.</summary>
    private sealed class LinkSink(FrameLink link) : IByteSink
    {
        public void Write(byte[] buffer, int offset, int count) => link.Write(buffer, offset, count);
    }
}
