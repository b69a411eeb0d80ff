using System.Security.Cryptography;
using System.Text;
using Qrng.Crypto;
using Qrng.Drivers;
using Qrng.Firmware;
using Qrng.Firmware.Protocol;

namespace Qrng.Cli;

/// <summary>How a reply frame's HMAC checked out (only with a key).</summary>
public enum AuthCheck
{
    NotChecked,
    Good,
    Missing,
    Bad,
}

/// <summary>One reply frame as the host received it (its CRC-32 checked by the firmware's own <see cref="FrameReader"/>), or a dropped, damaged one.</summary>
public sealed class ReplyFrame
{
    public int Type { get; init; }
    public int Flags { get; init; }
    public int Seq { get; init; }
    public byte[] Payload { get; init; } = [];
    public AuthCheck Auth { get; init; }

    /// <summary>Not 0: a damaged frame was dropped (<see cref="FrameReader.BadCrc"/>, BadLength, BadHeader): nothing else is known.</summary>
    public int Damage { get; init; }

    public bool IsDamage => Damage != 0;
    public bool More => (Flags & Wire.FlagMore) != 0;
    public bool IsRaw => (Flags & Wire.FlagRaw) != 0;

    /// <summary>The part number of a multi-frame reply (DATA, RAW, RESTART-RAW, text).</summary>
    public int Part => Payload.Length >= 4 ? Wire.Get32(Payload, 0) : -1;

    public int ErrorCode => Type == Wire.Error && Payload.Length > 0 ? Payload[0] : 0;

    /// <summary>An ERROR's text, or a text frame's text after its part number.</summary>
    public string Text => Ascii(Payload, Type == Wire.Error ? 2 : Replies.TextHeader);

    private static string Ascii(byte[] b, int from)
    {
        if (b.Length <= from) return "";
        var c = new char[b.Length - from];
        for (int i = 0; i < c.Length; i++) c[i] = (char)b[from + i];
        return new string(c);
    }
}

/// <summary>
/// The host's side of the serial protocol (docs/protocol.md) over any <see cref="IDeviceLink"/>: command mode entered
/// with the attention sequence (stream bytes before READY discarded), HELLO with a random host nonce, requests with
/// sequence numbers, replies collected until MORE is clear or an ERROR, text parts joined and their part numbers
/// checked (a gap is a lost frame), the HMAC of every reply checked when a key is given. Frames are read and written
/// with the firmware's own <see cref="FrameReader"/> and <see cref="FrameWriter"/>. A lost or damaged frame makes a
/// request be asked again, up to <see cref="Retries"/> times in a row; DRBG output is never sent twice, so a READ asks
/// for the missing bytes instead, and a RAW export, which must be one contiguous run, is asked for again whole.
/// Failures are <see cref="DeviceException"/>s with the tool's exit codes.
/// </summary>
public sealed class DeviceSession : IDisposable
{
    public const int DefaultTimeoutMs = 10_000, DefaultRetries = 8;

    /// <summary>The most bytes one READ asks for: a lost last frame costs at most one probe per chunk.</summary>
    public const int ReadChunk = 1 << 20;

    /// <summary>A READY frame's header (version 1): 'Q' '!' 0x80, flags 0, sequence 0, length 1.</summary>
    private static readonly byte[] ReadyHeader = [Wire.Magic, Wire.ReplyMagic, Wire.Ready, 0, 0, 0, 1, 0];

    private readonly FrameReader _reader = new(Wire.ReplyMagic, Wire.MaxReplyPayload);
    private readonly FrameWriter _writer = new(Wire.RequestMagic, Wire.MaxRequestPayload);
    private readonly byte[] _in = new byte[1 << 16];
    private readonly byte[] _key;
    private readonly LinkSink _sink;
    private int _inPos, _inLen, _seq;
    private HmacSha256 _mac;
    private byte[] _hostNonce = new byte[Wire.NonceLength], _deviceNonce = new byte[Wire.NonceLength];
    private bool _gone;

    public DeviceSession(IDeviceLink link, byte[] key = null, int timeoutMs = DefaultTimeoutMs, int retries = DefaultRetries)
    {
        Link = link;
        _key = key;
        TimeoutMs = timeoutMs;
        Retries = retries;
        _sink = new LinkSink(this);
    }

    public IDeviceLink Link { get; }

    public string Name => Link.Name;

    /// <summary>How long to wait for a reply, or for the next DATA byte while the device says it is healthy.</summary>
    public int TimeoutMs { get; set; }

    /// <summary>How many times in a row a request whose reply lost frames is asked again before giving up.</summary>
    public int Retries { get; set; }

    /// <summary>
    /// Silence after which a READ whose device was streaming, or a RESTART-RAW, is probed with CANCEL (its last frame may
    /// be lost): half the time-out. Not less: a restart of the noise source takes a sensor start and three captures
    /// (about 1.1 s at the module's 133 ms frames), and a board's frame may take a second of interpreted work.
    /// </summary>
    public int ProbeMs => Math.Max(1, TimeoutMs / 2);

    public bool CommandMode { get; private set; }

    public bool Authenticated => _mac != null;

    public int ProtocolVersion { get; private set; }
    public int MaxRequest { get; private set; } = Wire.MaxRequestPayload;
    public int MaxReply { get; private set; } = Wire.MaxReplyPayload;
    public bool DeviceHasKey { get; private set; }

    /// <summary>Plain-stream bytes dropped while waiting for READY.</summary>
    public long DiscardedBytes { get; private set; }

    /// <summary>Damaged frames the reader dropped (bad CRC, length or flags); false starts inside one are not counted.</summary>
    public long DamagedFrames { get; private set; }

    /// <summary>DATA, RAW or text frames missing from a reply (part-number gaps and lost last frames).</summary>
    public long LostFrames { get; private set; }

    /// <summary>Requests asked again because their reply was incomplete.</summary>
    public long ReRequests { get; private set; }

    /// <summary>The engine state and fault the last DATA frame carried (-1: none yet).</summary>
    public int LastState { get; private set; } = -1;

    public int LastFault { get; private set; }

    public long LastReseeds { get; private set; }

    /// <summary>
    /// Enters command mode and says HELLO: sends the attention sequence (again every second until READY comes),
    /// drops everything before the READY frame, then exchanges nonces; with a key, every later request and reply is
    /// authenticated.
    /// </summary>
    public void Enter()
    {
        CommandMode = false;
        _reader.Reset();
        _inPos = _inLen = 0;
        long start = Link.NowMs, lastAttention = start - 1000, before = 0;
        int matched = 0;
        var tail = new byte[5];
        int tailCount = -1;
        while (true)
        {
            long now = Link.NowMs;
            if (now - start >= TimeoutMs)
            {
                throw new DeviceException(QrngCli.Timeout, DiscardedBytes > 0
                    ? $"{Name}: no READY within {TimeoutMs / 1000.0:0.#} s of the attention sequence, {DiscardedBytes:N0} other bytes came (a board without the serial protocol, another baud rate, or not a qrng)"
                    : $"{Name}: no answer within {TimeoutMs / 1000.0:0.#} s to the attention sequence (not a qrng, another baud rate, or the board is not running)");
            }

            if (now - lastAttention >= 1000)
            {
                Write(Wire.Attention, 0, Wire.Attention.Length);
                lastAttention = now;
            }

            Signals.Check();
            int n = ReadLink(_in, _in.Length, (int)Math.Min(200, start + TimeoutMs - now));
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
                        ProtocolVersion = tail[0];
                        DiscardedBytes = before + i + 1 - ReadyHeader.Length - tail.Length;
                        _inPos = i + 1;
                        _inLen = n;
                        CommandMode = true;
                        Hello();
                        return;
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

    private void Hello()
    {
        byte[] nonce = RandomNumberGenerator.GetBytes(Wire.NonceLength);
        ReplyFrame hello = AskFrame(Wire.Hello, nonce, checkAuth: false);
        if (hello.Type != (Wire.Hello | Wire.ReplyBit) || hello.Payload.Length < 22)
            throw new DeviceException(QrngCli.LineErrors, $"{Name}: HELLO answered with a frame of type 0x{hello.Type:X2} and {hello.Payload.Length} bytes");
        byte[] p = hello.Payload;
        ProtocolVersion = p[16];
        MaxRequest = Wire.Get16(p, 17);
        MaxReply = Wire.Get16(p, 19);
        DeviceHasKey = p[21] != 0;
        if (_key == null)
        {
            return;
        }

        if (!DeviceHasKey)
            throw new DeviceException(QrngCli.AuthFailed, $"{Name} has no key (device.hmac_key is not provisioned): its replies cannot be authenticated; drop --key-file");
        _hostNonce = nonce;
        _deviceNonce = p[..Wire.NonceLength];
        _mac = new HmacSha256(_key);
    }

    /// <summary>Leaves command mode: STREAM, and the device is back in the plain stream (the bytes after the reply are stream bytes).</summary>
    public void BackToStream(int timeoutMs)
    {
        AskText(Wire.Stream, null, timeoutMs);
        CommandMode = false;
    }

    /// <summary>Bytes already received after the last frame (after STREAM: the first plain-stream bytes); they are handed over once.</summary>
    public int TakeLeftover(byte[] buffer)
    {
        int n = Math.Min(buffer.Length, _inLen - _inPos);
        Array.Copy(_in, _inPos, buffer, 0, n);
        _inPos += n;
        return n;
    }

    /// <summary>A plain read of the link after STREAM (the session no longer looks for frames).</summary>
    public int ReadPlain(byte[] buffer, int count, int timeoutMs) => ReadLink(buffer, count, timeoutMs);

    public string Info() => AskText(Wire.Info, null);

    public string Status() => AskText(Wire.Status, null);

    /// <summary>SELFTEST: the reply comes when the start-up test has passed or something failed, so it may take a while.</summary>
    public string SelfTest() => AskText(Wire.SelfTest, null, Math.Max(TimeoutMs, 60_000));

    public string ConfigGet(string key) => AskText(Wire.ConfigGet, key == null ? null : Encoding.ASCII.GetBytes(key));

    /// <summary>CONFIG SET of <c>key = value</c> lines; when uart.baud changed, the link follows after the reply.</summary>
    public string ConfigSet(string lines)
    {
        byte[] payload = Encoding.ASCII.GetBytes(lines);
        if (payload.Length > MaxRequest)
            throw new DeviceException(QrngCli.BadInput, $"config set: {payload.Length} bytes of settings, a request carries at most {MaxRequest}: set fewer keys at once");
        string reply = AskText(Wire.ConfigSet, payload);
        if (int.TryParse(Value(reply, "uart_baud"), out int baud) && lines.Contains("uart.baud", StringComparison.Ordinal))
        {
            Link.SetBaud(baud);
        }

        return reply;
    }

    public string Cancel() => AskText(Wire.Cancel, null);

    /// <summary>
    /// A STATUS reply's state and reason as one phrase ("state error: ..."); with no fault yet ("none") the state
    /// itself says why there is no output.
    /// </summary>
    public static string Why(string status)
    {
        string state = Value(status, "state_name") ?? "?", reason = Value(status, "reason") ?? "?";
        if (reason == "none")
        {
            reason = state switch
            {
                "startup-test" => "no fault; the SP 800-90B start-up test is running (the board just started, restarted or was reconfigured)",
                "seeding" => "no fault; collecting credited entropy to seed the DRBG",
                "sensor-down" => "no fault; the sensor is not initialized",
                "raw-export" => "no fault; a RAW export is running",
                _ => "no fault",
            };
        }

        return $"state {state}: {reason}";
    }

    /// <summary>The value of <paramref name="key"/> in a text reply's key=value lines (null when absent).</summary>
    public static string Value(string text, string key)
    {
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith(key + "=", StringComparison.Ordinal)) return line[(key.Length + 1)..];
        }

        return null;
    }

    /// <summary>
    /// READ: <paramref name="n"/> DRBG bytes in DATA frames, handed to <paramref name="sink"/> as they arrive, each
    /// from a frame whose CRC (and HMAC, with a key) checked. Frames lost or damaged on the line are not sent again
    /// (DRBG output is never repeated): the missing bytes are asked for with a new READ, up to <see cref="Retries"/>
    /// times in a row. A device that ends the READ with ERROR UNHEALTHY, or stops making output and says it is not
    /// streaming for <see cref="TimeoutMs"/>, ends it with <see cref="QrngCli.Unhealthy"/> and its reason.
    /// </summary>
    public void Read(long n, Action<byte[], int, int> sink, Action<long> progress)
    {
        long done = 0;
        int failures = 0;
        while (done < n)
        {
            int chunk = (int)Math.Min(n - done, ReadChunk);
            int got = ReadOnce(chunk, sink, done, n, progress);
            done += got;
            if (got == chunk)
            {
                failures = 0;
                continue;
            }

            if (++failures > Retries)
                throw new DeviceException(QrngCli.LineErrors, $"{Name}: {done:N0} of {n:N0} bytes: DATA frames still lost or corrupted after {Retries} re-requests in a row ({DamagedFrames} frames corrupted, {LostFrames} missing)");
            ReRequests++;
        }
    }

    private int ReadOnce(int chunk, Action<byte[], int, int> sink, long before, long total, Action<long> progress)
    {
        int seq = NextSeq();
        Send(Wire.Read, seq, U32(chunk));
        int got = 0, nextPart = 0, cancelSeq = -1;
        long last = Link.NowMs, lastData = last;
        while (true)
        {
            Signals.Check();
            long now = Link.NowMs;
            bool quiet = LastState >= 0 && LastState != (int)EngineState.Streaming;
            if (quiet && now - lastData >= TimeoutMs)
            {
                throw Stopped($"no DATA for {TimeoutMs / 1000.0:0.#} s after {before + got:N0} of {total:N0} bytes");
            }

            if (now - last >= TimeoutMs)
            {
                throw new DeviceException(QrngCli.Timeout, $"{Name}: no answer for {TimeoutMs / 1000.0:0.#} s after {before + got:N0} of {total:N0} bytes{(cancelSeq >= 0 ? " (not even to CANCEL)" : "")}");
            }

            if (cancelSeq < 0 && !quiet && now - last >= ProbeMs)
            {
                // silence while the device was making output: the READ's last frame may be lost; CANCEL says
                cancelSeq = NextSeq();
                Send(Wire.Cancel, cancelSeq, null);
                last = now;
                continue;
            }

            long wait = Math.Max(1, Math.Min(200, (quiet ? lastData : last) + (quiet ? TimeoutMs : cancelSeq < 0 ? ProbeMs : TimeoutMs) - now));
            ReplyFrame f = Next((int)wait);
            if (f == null)
            {
                continue;
            }

            if (f.IsDamage)
            {
                last = Link.NowMs;
                continue;
            }

            if (f.Seq == cancelSeq && cancelSeq >= 0)
            {
                CheckAuth(f);
                if (f.Type == (Wire.Cancel | Wire.ReplyBit) || f.Type == Wire.Error) return Missing(got, chunk);
                continue;
            }

            if (f.Seq != seq)
            {
                continue;
            }

            CheckAuth(f);
            last = Link.NowMs;
            if (f.Type == Wire.Error)
            {
                if (f.ErrorCode == Wire.ErrUnhealthy) throw Unhealthy(f.Text);
                if (DamagedRequest(f.ErrorCode) || f.ErrorCode == Wire.ErrCancelled) return got;
                throw Refused("READ", f);
            }

            if (f.Type != (Wire.Read | Wire.ReplyBit) || f.IsRaw || f.Payload.Length < ReadOperation.DataHeader)
                throw new DeviceException(QrngCli.LineErrors, $"{Name}: a reply to READ of type 0x{f.Type:X2} with {f.Payload.Length} bytes (not a DATA frame)");
            if (f.Part < nextPart) continue;                       // a part number going back: a repeated frame, never new bytes
            if (f.Part != nextPart) LostFrames += f.Part - nextPart;
            nextPart = f.Part + 1;
            LastState = f.Payload[4];
            LastFault = f.Payload[5];
            LastReseeds = (uint)Wire.Get32(f.Payload, 6);
            int bytes = f.Payload.Length - ReadOperation.DataHeader;
            if (got + bytes > chunk)
                throw new DeviceException(QrngCli.LineErrors, $"{Name}: the device sent more bytes than the READ asked for ({got + bytes} of {chunk})");
            if (bytes > 0)
            {
                sink(f.Payload, ReadOperation.DataHeader, bytes);
                got += bytes;
                lastData = last;
                progress?.Invoke(before + got);
            }

            if (!f.More)
            {
                return Missing(got, chunk);
            }
        }
    }

    /// <summary>An incomplete READ: its missing frames count as lost (at least one).</summary>
    private int Missing(int got, int chunk)
    {
        if (got < chunk) LostFrames++;
        return got;
    }

    /// <summary>The device stopped making output and says it is not streaming: why, from STATUS when it answers.</summary>
    private DeviceException Stopped(string what)
    {
        // the last DATA frame's state and fault, unless STATUS answers
        string why = Why($"state_name={StatusCommand.StateName((EngineState)LastState)}\nreason={EngineStatus.Describe((Fault)LastFault, 0)}\n");
        try
        {
            why = Why(AskText(Wire.Status, null, Math.Min(TimeoutMs, 2000)));
        }
        catch (DeviceException)
        {
        }

        return new DeviceException(QrngCli.Unhealthy, $"{Name} is unhealthy: {what}; {why}");
    }

    private DeviceException Unhealthy(string text)
    {
        const string prefix = "unhealthy: ";
        return new DeviceException(QrngCli.Unhealthy, $"{Name} is unhealthy: {(text.StartsWith(prefix, StringComparison.Ordinal) ? text[prefix.Length..] : text)}");
    }

    /// <summary>
    /// RAW: <paramref name="n"/> raw 2-bit symbols, one per byte (values 0..3), one contiguous run. A lost or damaged
    /// frame breaks the run: the export is cancelled and asked for again whole, up to <see cref="Retries"/> times.
    /// </summary>
    public byte[] Raw(int n, Action<long> progress)
    {
        for (int attempt = 0; ; attempt++)
        {
            byte[] symbols = RawOnce(n, progress);
            if (symbols != null) return symbols;
            if (attempt >= Retries)
                throw new DeviceException(QrngCli.LineErrors, $"{Name}: RAW frames still lost or corrupted after {Retries} re-requests ({DamagedFrames} frames corrupted, {LostFrames} missing); raw data must be one contiguous run, so nothing is written");
            ReRequests++;
        }
    }

    private byte[] RawOnce(int n, Action<long> progress)
    {
        var symbols = new byte[n];
        int seq = NextSeq();
        Send(Wire.Raw, seq, U32(n));
        int got = 0, nextPart = 0, cancelSeq = -1;
        bool broken = false;
        long last = Link.NowMs;
        while (true)
        {
            Signals.Check();
            long now = Link.NowMs;
            if (now - last >= TimeoutMs) throw Silent("RAW", $"{got:N0} of {n:N0} symbols", cancelSeq >= 0);
            if (cancelSeq < 0 && (broken || now - last >= ProbeMs))
            {
                cancelSeq = NextSeq();
                Send(Wire.Cancel, cancelSeq, null);
                broken = true;
                last = now;
                continue;
            }

            ReplyFrame f = Next((int)Math.Max(1, Math.Min(200, last + (cancelSeq < 0 ? ProbeMs : TimeoutMs) - now)));
            if (f == null) continue;
            if (f.IsDamage)
            {
                broken = true;
                continue;
            }

            if (f.Seq == cancelSeq && cancelSeq >= 0)
            {
                CheckAuth(f);
                if (f.Type == (Wire.Cancel | Wire.ReplyBit) || f.Type == Wire.Error) return null;
                continue;
            }

            if (f.Seq != seq) continue;
            CheckAuth(f);
            last = Link.NowMs;
            if (f.Type == Wire.Error)
            {
                if (f.ErrorCode == Wire.ErrUnhealthy) throw Unhealthy(f.Text);
                if (DamagedRequest(f.ErrorCode) || f.ErrorCode == Wire.ErrCancelled) return null;
                throw Refused("RAW", f);
            }

            if (broken) continue;                                  // the run is lost: wait for CANCEL's reply
            int count = f.Payload.Length >= RawOperation.Header ? Wire.Get16(f.Payload, 4) : -1;
            if (f.Type != (Wire.Raw | Wire.ReplyBit) || !f.IsRaw || count < 0 || f.Payload.Length != RawOperation.Header + ((count + 3) / 4) || got + count > n)
                throw new DeviceException(QrngCli.LineErrors, $"{Name}: a reply to RAW of type 0x{f.Type:X2}, flags {f.Flags}, {f.Payload.Length} bytes: not a RAW frame of this export");
            if (f.Part != nextPart)
            {
                LostFrames += Math.Max(1, f.Part - nextPart);
                broken = true;
                continue;
            }

            nextPart++;
            Unpack(f.Payload, RawOperation.Header, count, symbols, got);
            got += count;
            progress?.Invoke(got);
            if (!f.More)
            {
                if (got == n) return symbols;
                LostFrames++;
                return null;
            }
        }
    }

    /// <summary>
    /// RESTART-RAW (SP 800-90B §3.1.4): <paramref name="restarts"/> rows of the first <paramref name="n"/> symbols after
    /// a restart of the noise source, row after row (one symbol per byte). A row that lost a frame is replaced by a
    /// fresh restart (rows are independent restarts), up to <see cref="Retries"/> times in a row.
    /// </summary>
    public byte[] RestartRaw(int restarts, int n, Action<long> progress)
    {
        var matrix = new byte[(long)restarts * n];
        var todo = Enumerable.Range(0, restarts).ToList();
        long complete = 0;
        int failures = 0;
        while (todo.Count > 0)
        {
            List<int> left = RestartRawOnce(todo, n, matrix, ref complete, progress);
            if (left.Count < todo.Count) failures = 0;
            else if (++failures > Retries)
                throw new DeviceException(QrngCli.LineErrors, $"{Name}: RESTART-RAW frames still lost or corrupted after {Retries} re-requests in a row ({left.Count} of {restarts} rows incomplete); nothing is written");
            if (left.Count > 0) ReRequests++;
            todo = left;
        }

        return matrix;
    }

    private List<int> RestartRawOnce(List<int> rows, int n, byte[] matrix, ref long complete, Action<long> progress)
    {
        var filled = new int[rows.Count];
        var payload = new byte[4];
        Wire.Put16(payload, 0, rows.Count);
        Wire.Put16(payload, 2, n);
        int seq = NextSeq();
        Send(Wire.RestartRaw, seq, payload);
        int nextPart = 0, cancelSeq = -1;
        long last = Link.NowMs;
        while (true)
        {
            Signals.Check();
            long now = Link.NowMs;
            if (now - last >= TimeoutMs) throw Silent("RESTART-RAW", $"{complete:N0} of {matrix.Length:N0} symbols", cancelSeq >= 0);
            if (cancelSeq < 0 && now - last >= ProbeMs)
            {
                cancelSeq = NextSeq();
                Send(Wire.Cancel, cancelSeq, null);
                last = now;
                continue;
            }

            ReplyFrame f = Next((int)Math.Max(1, Math.Min(200, last + (cancelSeq < 0 ? ProbeMs : TimeoutMs) - now)));
            if (f == null) continue;
            if (f.IsDamage) continue;
            bool end = false;
            if (f.Seq == cancelSeq && cancelSeq >= 0)
            {
                CheckAuth(f);
                end = f.Type == (Wire.Cancel | Wire.ReplyBit) || f.Type == Wire.Error;
                if (!end) continue;
            }
            else if (f.Seq != seq)
            {
                continue;
            }
            else
            {
                CheckAuth(f);
                last = Link.NowMs;
                if (f.Type == Wire.Error)
                {
                    if (f.ErrorCode == Wire.ErrUnhealthy) throw Unhealthy(f.Text);
                    if (!DamagedRequest(f.ErrorCode) && f.ErrorCode != Wire.ErrCancelled) throw Refused("RESTART-RAW", f);
                    end = true;
                }
                else
                {
                    int restart = f.Payload.Length >= RestartRawOperation.Header ? Wire.Get16(f.Payload, 4) : -1;
                    int count = restart >= 0 ? Wire.Get16(f.Payload, 6) : -1;
                    if (f.Type != (Wire.RestartRaw | Wire.ReplyBit) || !f.IsRaw || restart >= rows.Count || count < 0
                        || f.Payload.Length != RestartRawOperation.Header + ((count + 3) / 4))
                        throw new DeviceException(QrngCli.LineErrors, $"{Name}: a reply to RESTART-RAW of type 0x{f.Type:X2}, flags {f.Flags}, {f.Payload.Length} bytes: not a RESTART-RAW frame of this request");
                    if (f.Part != nextPart) LostFrames += Math.Max(1, f.Part - nextPart);
                    nextPart = f.Part + 1;
                    if (filled[restart] + count <= n)
                    {
                        Unpack(f.Payload, RestartRawOperation.Header, count, matrix, ((long)rows[restart] * n) + filled[restart]);
                    }

                    filled[restart] += count;                      // over n (cannot happen on a sane line): the row is redone
                    if (filled[restart] == n) progress?.Invoke(complete + ((long)(restart + 1) * n));

                    end = !f.More;
                }
            }

            if (end)
            {
                var left = new List<int>();
                for (int i = 0; i < rows.Count; i++)
                {
                    if (filled[i] == n) complete += n;
                    else left.Add(rows[i]);
                }

                if (left.Count > 0) LostFrames++;
                progress?.Invoke(complete);
                return left;
            }
        }
    }

    private DeviceException Silent(string request, string progress, bool cancelled)
    {
        string why = "";
        try
        {
            string status = AskText(Wire.Status, null, Math.Min(TimeoutMs, 2000));
            if (Value(status, "healthy") != "yes")
                return new DeviceException(QrngCli.Unhealthy, $"{Name} is unhealthy: {request} made no progress for {TimeoutMs / 1000.0:0.#} s after {progress}; {Why(status)}");
        }
        catch (DeviceException e)
        {
            why = $" ({e.Message})";
        }

        return new DeviceException(QrngCli.Timeout, $"{Name}: no answer for {TimeoutMs / 1000.0:0.#} s after {progress} of {request}{(cancelled ? ", not even to CANCEL" : "")}{why}");
    }

    private static void Unpack(byte[] payload, int offset, int count, byte[] output, long at)
    {
        for (int k = 0; k < count; k++)
        {
            output[at + k] = (byte)((payload[offset + (k >> 2)] >> (6 - (2 * (k & 3)))) & 3);
        }
    }

    /// <summary>
    /// A text request (INFO, STATUS, SELFTEST, CONFIG, STREAM, CANCEL): its frames' texts joined, part numbers checked.
    /// Asked again when the reply lost a frame or did not come, up to <see cref="Retries"/> times.
    /// </summary>
    public string AskText(int type, byte[] payload, int timeoutMs = -1)
    {
        int timeout = timeoutMs > 0 ? timeoutMs : TimeoutMs;
        bool damaged = false;
        for (int attempt = 0; ; attempt++)
        {
            int seq = NextSeq();
            Send(type, seq, payload);
            var text = new StringBuilder();
            int part = 0;
            long last = Link.NowMs;
            bool seenDamage = false;
            string result = null;
            while (result == null)
            {
                Signals.Check();
                long now = Link.NowMs;
                long limit = seenDamage ? Math.Min(timeout, ProbeMs) : timeout;  // a damaged frame may have been the last one
                if (now - last >= limit) break;
                ReplyFrame f = Next((int)Math.Max(1, Math.Min(200, last + limit - now)));
                if (f == null) continue;
                if (f.IsDamage)
                {
                    seenDamage = damaged = true;
                    continue;
                }

                if (f.Seq != seq) continue;
                CheckAuth(f);
                last = Link.NowMs;
                if (f.Type == Wire.Error)
                {
                    if (!DamagedRequest(f.ErrorCode)) throw Refused(CommandName(type), f);
                    damaged = true;
                    break;
                }

                if (f.Type != (type | Wire.ReplyBit) || f.Part != part)
                {
                    LostFrames++;
                    damaged = true;
                    break;
                }

                text.Append(f.Text);
                part++;
                if (!f.More) result = text.ToString();
            }

            if (result != null) return result;
            if (attempt >= Retries)
            {
                throw damaged
                    ? new DeviceException(QrngCli.LineErrors, $"{Name}: the reply to {CommandName(type)} still lost frames or failed its CRC after {Retries} re-requests")
                    : new DeviceException(QrngCli.Timeout, $"{Name}: no reply to {CommandName(type)} within {timeout / 1000.0:0.#} s ({Retries} re-requests)");
            }

            ReRequests++;
        }
    }

    /// <summary>A request answered by one frame (HELLO); asked again when it does not come.</summary>
    private ReplyFrame AskFrame(int type, byte[] payload, bool checkAuth)
    {
        for (int attempt = 0; ; attempt++)
        {
            int seq = NextSeq();
            Send(type, seq, payload);
            long last = Link.NowMs;
            bool seenDamage = false;
            while (true)
            {
                long now = Link.NowMs;
                long limit = seenDamage ? ProbeMs : TimeoutMs;
                if (now - last >= limit) break;
                Signals.Check();
                ReplyFrame f = Next((int)Math.Max(1, Math.Min(200, last + limit - now)));
                if (f == null) continue;
                if (f.IsDamage)
                {
                    seenDamage = true;
                    continue;
                }

                if (f.Seq != seq) continue;
                if (checkAuth) CheckAuth(f);
                if (f.Type == Wire.Error)
                {
                    if (!DamagedRequest(f.ErrorCode)) throw Refused(CommandName(type), f);
                    break;
                }

                return f;
            }

            if (attempt >= Retries)
                throw new DeviceException(seenDamage ? QrngCli.LineErrors : QrngCli.Timeout, $"{Name}: no reply to {CommandName(type)} within {TimeoutMs / 1000.0:0.#} s ({Retries} re-requests)");
            ReRequests++;
        }
    }

    /// <summary>
    /// One request and no retry, for conformance checks (`qrng hil`): the frame's bytes go through
    /// <paramref name="damage"/> on the way out when it is given (a flipped CRC, a lying length), and the first
    /// undamaged reply with the request's sequence number comes back as it is, an ERROR included; null when none came
    /// within <see cref="TimeoutMs"/>. A payload may exceed the device's limit (the device must refuse it).
    /// </summary>
    public ReplyFrame Probe(int type, byte[] payload, Func<byte[], byte[]> damage = null)
    {
        int seq = NextSeq(), n = payload?.Length ?? 0;
        var writer = new FrameWriter(Wire.RequestMagic, Math.Max(n, 1));
        if (n > 0) Array.Copy(payload, 0, writer.Buffer, FrameWriter.PayloadOffset, n);
        var frame = new MemorySink();
        writer.Send(frame, type, 0, seq, n, _mac, _mac != null ? _deviceNonce : null);
        byte[] bytes = frame.Bytes.ToArray();
        if (damage != null) bytes = damage(bytes);
        Write(bytes, 0, bytes.Length);
        long start = Link.NowMs;
        while (Link.NowMs - start < TimeoutMs)
        {
            Signals.Check();
            ReplyFrame f = Next(200);
            if (f == null || f.IsDamage || f.Seq != seq) continue;
            CheckAuth(f);
            return f;
        }

        return null;
    }

    private sealed class MemorySink : IByteSink
    {
        public List<byte> Bytes { get; } = [];

        public void Write(byte[] buffer, int offset, int count) => Bytes.AddRange(buffer.AsSpan(offset, count));
    }

    /// <summary>Codes of an ERROR that says the request itself arrived damaged: asking again is the cure.</summary>
    private static bool DamagedRequest(int code) => code is Wire.ErrBadCrc or Wire.ErrBadHeader or Wire.ErrTruncated;

    private DeviceException Refused(string command, ReplyFrame f)
    {
        string text = f.Text;
        return f.ErrorCode switch
        {
            Wire.ErrUnhealthy => Unhealthy(text),
            Wire.ErrAuthRequired or Wire.ErrBadAuth => new DeviceException(QrngCli.AuthFailed, $"{Name} refused {command}: {text}{(_key == null ? " (give the device's key with --key-file)" : "")}"),
            Wire.ErrBusy => new DeviceException(QrngCli.NoDevice, $"{Name} is busy: {text}"),
            Wire.ErrUnknownCommand => new DeviceException(QrngCli.BadInput, $"{Name} does not know {command} (firmware without it?): {text}"),
            _ => new DeviceException(QrngCli.BadInput, $"{Name} refused {command}: {text}"),
        };
    }

    /// <summary>With a key, every frame of a reply must carry a good HMAC; an ERROR that says our request was damaged is let through (it is asked again).</summary>
    private void CheckAuth(ReplyFrame f)
    {
        if (_mac == null || f.Auth == AuthCheck.Good) return;
        if (f.Type == Wire.Error && (f.ErrorCode is Wire.ErrAuthRequired or Wire.ErrBadAuth))
            throw new DeviceException(QrngCli.AuthFailed, $"{Name} refused the key: {f.Text}");
        if (f.Type == Wire.Error && DamagedRequest(f.ErrorCode)) return;
        throw new DeviceException(QrngCli.AuthFailed, $"{Name}: a reply (type 0x{f.Type:X2}, request {f.Seq}) {(f.Auth == AuthCheck.Missing ? "is not authenticated" : "has an HMAC that does not verify")}: not the device this key belongs to, or someone on the line");
    }

    private static string CommandName(int type) => type switch
    {
        Wire.Hello => "HELLO",
        Wire.Info => "INFO",
        Wire.Status => "STATUS",
        Wire.Read => "READ",
        Wire.Raw => "RAW",
        Wire.RestartRaw => "RESTART-RAW",
        Wire.SelfTest => "SELFTEST",
        Wire.ConfigGet => "CONFIG GET",
        Wire.ConfigSet => "CONFIG SET",
        Wire.Stream => "STREAM",
        Wire.Cancel => "CANCEL",
        _ => $"request 0x{type:X2}",
    };

    internal static byte[] U32(int value)
    {
        var b = new byte[4];
        Wire.Put32(b, 0, value);
        return b;
    }

    private int NextSeq()
    {
        _seq = (_seq % 65535) + 1;                                  // 0 is READY's
        return _seq;
    }

    private void Send(int type, int seq, byte[] payload)
    {
        int n = payload?.Length ?? 0;
        if (n > Wire.MaxRequestPayload) throw new DeviceException(QrngCli.BadInput, $"{CommandName(type)}: {n} bytes, a request carries at most {Wire.MaxRequestPayload}");
        if (n > 0) Array.Copy(payload, 0, _writer.Buffer, FrameWriter.PayloadOffset, n);
        _writer.Send(_sink, type, 0, seq, n, _mac, _mac != null ? _deviceNonce : null);
    }

    /// <summary>The next frame (or a dropped damaged one) within <paramref name="timeoutMs"/>; null when none came.</summary>
    private ReplyFrame Next(int timeoutMs)
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

    private ReplyFrame Capture()
    {
        byte[] b = _reader.Buffer;
        var auth = AuthCheck.NotChecked;
        if (_mac != null)
        {
            if (!_reader.Authenticated)
            {
                auth = AuthCheck.Missing;
            }
            else
            {
                var expected = new byte[Wire.MacLength];
                FrameWriter.Sign(_mac, _hostNonce, b, _reader.MacOffset, expected, 0);
                auth = HmacSha256.Equal(expected, 0, b, _reader.MacOffset, Wire.MacLength) ? AuthCheck.Good : AuthCheck.Bad;
            }
        }

        return new ReplyFrame
        {
            Type = _reader.Type,
            Flags = _reader.Flags,
            Seq = _reader.Seq,
            Payload = b.AsSpan(Wire.HeaderLength, _reader.PayloadLength).ToArray(),
            Auth = auth,
        };
    }

    private int ReadLink(byte[] buffer, int count, int timeoutMs)
    {
        try
        {
            return Link.Read(buffer, count, timeoutMs);
        }
        catch (DeviceGoneException)
        {
            _gone = true;
            throw;
        }
    }

    private void Write(byte[] buffer, int offset, int count)
    {
        try
        {
            Link.Write(buffer, offset, count);
        }
        catch (DeviceGoneException)
        {
            _gone = true;
            throw;
        }
    }

    /// <summary>Back to the plain stream (what the device does after boot) unless the device is gone; then the link closes.</summary>
    public void Dispose()
    {
        try
        {
            if (CommandMode && !_gone && !Link.IsVirtual)
            {
                int retries = Retries;
                Retries = 0;
                BackToStream(Math.Min(TimeoutMs, 2000));
                Retries = retries;
            }
        }
        catch (Exception e) when (e is DeviceException or DeviceGoneException or SignalledException)
        {
            // best effort on the way out: the command's own outcome is what counts
        }
        finally
        {
            Link.Dispose();
        }
    }

    /// <summary>The frame writer's sink: the link.</summary>
    private sealed class LinkSink(DeviceSession session) : IByteSink
    {
        public void Write(byte[] buffer, int offset, int count) => session.Write(buffer, offset, count);
    }
}
