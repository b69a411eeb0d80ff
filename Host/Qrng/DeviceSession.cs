using System.Text;
using Qrng.Drivers;
using Qrng.Firmware;
using Qrng.Firmware.Protocol;

namespace Qrng.Cli;

/// <summary>
/// The host's side of the serial protocol (docs/protocol.md) over any <see cref="IDeviceLink"/>, in the device's
/// order: the link and its frames (<see cref="FrameLink"/>: command mode entered with the attention sequence, stream
/// bytes before READY discarded), authentication (<see cref="SessionAuth"/>: HELLO with a random host nonce, every
/// reply's HMAC checked when a key is given), requests with sequence numbers, and the replies: text replies here
/// (parts joined, part numbers checked, a gap is a lost frame), the operations in Session/ (<see cref="ReadRequest"/>,
/// <see cref="RawRequest"/>, <see cref="RestartRawRequest"/>). A lost or damaged frame makes a request be asked again,
/// up to <see cref="Retries"/> times in a row; DRBG output is never sent twice, so a READ asks for the missing bytes
/// instead, and a RAW export, which must be one contiguous run, is asked for again whole. Failures are
/// <see cref="DeviceException"/>s with the tool's exit codes.
/// </summary>
public sealed class DeviceSession : IDisposable
{
    public const int DefaultTimeoutMs = 10_000, DefaultRetries = 8;

    /// <summary>The most bytes one READ asks for: a lost last frame costs at most one probe per chunk.</summary>
    public const int ReadChunk = 1 << 20;

    private readonly SessionAuth _auth;
    private readonly FrameLink _link;
    private int _seq;
    private long _lastSent;
    private bool _entered, _reenter;

    public DeviceSession(IDeviceLink link, byte[] key = null, int timeoutMs = DefaultTimeoutMs, int retries = DefaultRetries)
    {
        Link = link;
        _auth = new SessionAuth(key);
        _link = new FrameLink(link, _auth);
        TimeoutMs = timeoutMs;
        Retries = retries;
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

    /// <summary>
    /// How long a device that says it is seeding may make no output: its start-up test passed, and the shot-noise
    /// verification (health.noise_verify pairs, 52 captures at 40x32: 14 s on the module's 270 ms captures) comes
    /// before the first byte after a start. As long as SELFTEST may take.
    /// </summary>
    public int StartMs => Math.Max(TimeoutMs, 60_000);

    public bool CommandMode { get; private set; }

    /// <summary>
    /// The device's command-mode idle time (HELLO says it; <see cref="Wire.CommandIdleMs"/> by default): the session
    /// sends PING when it has sent nothing for a third of it, and enters command mode again before a request when it
    /// has been silent nearly that long (the device went back to the plain stream) or the device said ERROR IDLE.
    /// </summary>
    public int IdleMs { get; private set; } = Wire.CommandIdleMs;

    /// <summary>Times the session entered command mode again after the device's idle time.</summary>
    public int ReEntries { get; private set; }

    public bool Authenticated => _auth.Mac != null;

    public int ProtocolVersion { get; private set; }
    public int MaxRequest { get; private set; } = Wire.MaxRequestPayload;
    public int MaxReply { get; private set; } = Wire.MaxReplyPayload;
    public bool DeviceHasKey { get; private set; }

    /// <summary>Plain-stream bytes dropped while waiting for READY.</summary>
    public long DiscardedBytes => _link.DiscardedBytes;

    /// <summary>Damaged frames the reader dropped (bad CRC, length or flags); false starts inside one are not counted.</summary>
    public long DamagedFrames => _link.DamagedFrames;

    /// <summary>DATA, RAW or text frames missing from a reply (part-number gaps and lost last frames).</summary>
    public long LostFrames { get; internal set; }

    /// <summary>Requests asked again because their reply was incomplete.</summary>
    public long ReRequests { get; internal set; }

    /// <summary>The engine state and fault the last DATA frame carried (-1: none yet).</summary>
    public int LastState { get; internal set; } = -1;

    public int LastFault { get; internal set; }

    public long LastReseeds { get; internal set; }

    /// <summary>
    /// Enters command mode and says HELLO: sends the attention sequence (again every second until READY comes),
    /// drops everything before the READY frame, then exchanges nonces; with a key, every later request and reply is
    /// authenticated.
    /// </summary>
    public void Enter()
    {
        CommandMode = false;
        _entered = false;
        ProtocolVersion = _link.AwaitReady(TimeoutMs, Name);
        CommandMode = true;
        _entered = true;
        _reenter = false;
        _lastSent = Link.NowMs;                                    // the attention sequence
        Hello();
    }

    /// <summary>What the line did to the frames so far, for summaries.</summary>
    public string LineDamage => $"{DamagedFrames} frames corrupted (CRC, flags or length), {LostFrames} went missing, {ReRequests} re-requests";

    private void Hello()
    {
        _auth.End();
        long start = Link.NowMs;
        while (!HelloOnce() && Link.NowMs - start < TimeoutMs)
        {
            if (!Link.IsVirtual) Thread.Sleep(250);               // no device nonce yet: the board is just starting (an in-process one moves as it is asked)
            Signals.Check();
        }

        if (_auth.HasKey && _auth.Mac == null)
            throw new DeviceException(QrngCli.AuthFailed, $"{Name} cannot open an authenticated session: its noise source has not been seeded and no frame was captured since it started, so it has no device nonce that cannot repeat (`qrng status`: frames)");
    }

    /// <summary>One HELLO; false when a key is used and the device has no device nonce yet.</summary>
    private bool HelloOnce()
    {
        byte[] nonce = SessionAuth.NewNonce();
        ReplyFrame hello = AskFrame(Wire.Hello, nonce, checkAuth: false);
        if (hello.Type != (Wire.Hello | Wire.ReplyBit) || hello.Payload.Length < 22)
            throw new DeviceException(QrngCli.LineErrors, $"{Name}: HELLO answered with a frame of type 0x{hello.Type:X2} and {hello.Payload.Length} bytes");
        byte[] p = hello.Payload;
        ProtocolVersion = p[16];
        MaxRequest = Wire.Get16(p, 17);
        MaxReply = Wire.Get16(p, 19);
        DeviceHasKey = (p[21] & 1) != 0;
        if (p.Length >= 26 && Wire.Get32(p, 22) >= 300) IdleMs = Wire.Get32(p, 22);
        if (!_auth.HasKey)
        {
            return true;
        }

        if (!DeviceHasKey)
            throw new DeviceException(QrngCli.AuthFailed, $"{Name} has no key (device.hmac_key is not provisioned): its replies cannot be authenticated; drop --key-file");
        if (ProtocolVersion < 2)
            throw new DeviceException(QrngCli.AuthFailed, $"{Name} speaks protocol version {ProtocolVersion}, whose authenticated requests can be replayed: flash the current firmware (version {Wire.Version}) to use --key-file");
        if ((p[21] & 2) != 0)
            return false;
        _auth.Start(nonce, p);
        return true;
    }

    /// <summary>Leaves command mode: STREAM, and the device is back in the plain stream (the bytes after the reply are stream bytes).</summary>
    public void BackToStream(int timeoutMs)
    {
        AskText(Wire.Stream, null, timeoutMs);
        CommandMode = false;
        _entered = false;
    }

    /// <summary>Bytes already received after the last frame (after STREAM: the first plain-stream bytes); they are handed over once.</summary>
    public int TakeLeftover(byte[] buffer) => _link.TakeLeftover(buffer);

    /// <summary>A plain read of the link after STREAM (the session no longer looks for frames).</summary>
    public int ReadPlain(byte[] buffer, int count, int timeoutMs) => _link.ReadLink(buffer, count, timeoutMs);

    public string Info() => AskText(Wire.Info, null);

    public string Status() => AskText(Wire.Status, null);

    /// <summary>
    /// Asks STATUS until the device streams, at most <paramref name="maxMs"/> of the link's clock: after SELFTEST or a
    /// restart of the noise source the start-up test and the shot-noise verification (health.noise_verify pairs: 52
    /// captures at 40x32) come before the first byte. False when it does not, or says it failed.
    /// </summary>
    public bool AwaitStreaming(int maxMs)
    {
        long start = Link.NowMs;
        while (true)
        {
            string state = Value(Status(), "state_name");
            if (state == "streaming") return true;
            if (state == "error" || state == "self-test-failed" || Link.NowMs - start >= maxMs) return false;
            if (!Link.IsVirtual) Thread.Sleep(250);                 // a real board: one capture or so between questions
        }
    }

    /// <summary>SELFTEST: the reply comes when the start-up test has passed or something failed, so it may take a while.</summary>
    public string SelfTest() => AskText(Wire.SelfTest, null, StartMs);

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

    /// <summary>READ: <paramref name="n"/> DRBG bytes (<see cref="ReadRequest"/>), handed to <paramref name="sink"/> as they arrive.</summary>
    public void Read(long n, Action<byte[], int, int> sink, Action<long> progress) => new ReadRequest(this).Run(n, sink, progress);

    /// <summary>RAW: <paramref name="n"/> raw symbols, one per byte, one contiguous run (<see cref="RawRequest"/>).</summary>
    public byte[] Raw(int n, Action<long> progress) => new RawRequest(this).Run(n, progress);

    /// <summary>RESTART-RAW: <paramref name="restarts"/> rows of <paramref name="n"/> symbols (<see cref="RestartRawRequest"/>).</summary>
    public byte[] RestartRaw(int restarts, int n, Action<long> progress) => new RestartRawRequest(this).Run(restarts, n, progress);

    /// <summary>CHARACTERIZE: <paramref name="frames"/> frames at each duty, one <see cref="Model.StepStatistics"/> a step.</summary>
    public List<Model.StepStatistics> Characterize(int frames, int[] duties, Action<int> stepDone) => new CharacterizeRequest(this).Run(frames, duties, stepDone);

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
                "seeding" => "no fault; verifying the sensor's shot noise and collecting credited entropy to seed the DRBG",
                "sensor-down" => "no fault; the sensor is not initialized",
                "raw-export" => "no fault; a RAW export is running",
                _ => "no fault",
            };
        }

        return $"state {state}: {reason}";
    }

    /// <summary>A key's value in CONFIG GET's `key = value` lines; null when the key is not there.</summary>
    public static string ConfigValue(string text, string key) =>
        text.Split('\n').Select(l => l.Split('=', 2)).Where(kv => kv.Length == 2 && kv[0].Trim() == key).Select(kv => kv[1].Trim()).FirstOrDefault();

    /// <summary>The value of <paramref name="key"/> in a text reply's key=value lines (null when absent).</summary>
    public static string Value(string text, string key)
    {
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith(key + "=", StringComparison.Ordinal)) return line[(key.Length + 1)..];
        }

        return null;
    }

    /// <summary>The device stopped making output and says it is not streaming: why, from STATUS when it answers.</summary>
    internal DeviceException Stopped(string what)
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

    internal DeviceException Unhealthy(string text)
    {
        const string prefix = "unhealthy: ";
        return new DeviceException(QrngCli.Unhealthy, $"{Name} is unhealthy: {(text.StartsWith(prefix, StringComparison.Ordinal) ? text[prefix.Length..] : text)}");
    }

    internal DeviceException Silent(string request, string progress, bool cancelled)
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

    internal static void Unpack(byte[] payload, int offset, int count, byte[] output, long at)
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

                if (f.Type == Wire.Error && f.ErrorCode == Wire.ErrIdle) break;   // the device left command mode: asked again after re-entering
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

                if (f.Type == Wire.Error && f.ErrorCode == Wire.ErrIdle) break;   // the device left command mode: asked again after re-entering
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
        EnsureCommandMode(type);
        int seq = NextSeq(), n = payload?.Length ?? 0;
        var writer = new FrameWriter(Wire.RequestMagic, Math.Max(n, 1));
        if (n > 0) Array.Copy(payload, 0, writer.Buffer, FrameWriter.PayloadOffset, n);
        var frame = new MemorySink();
        writer.Send(frame, type, 0, seq, n, _auth.Mac, _auth.Mac != null ? _auth.DeviceNonce : null, _auth.NextCounter());
        byte[] bytes = frame.Bytes.ToArray();
        if (damage != null) bytes = damage(bytes);
        Write(bytes, 0, bytes.Length);
        _lastSent = Link.NowMs;
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
    internal static bool DamagedRequest(int code) => code is Wire.ErrBadCrc or Wire.ErrBadHeader or Wire.ErrTruncated or Wire.ErrIdle;

    internal DeviceException Refused(string command, ReplyFrame f)
    {
        string text = f.Text;
        return f.ErrorCode switch
        {
            Wire.ErrUnhealthy => Unhealthy(text),
            Wire.ErrAuthRequired or Wire.ErrBadAuth => new DeviceException(QrngCli.AuthFailed, $"{Name} refused {command}: {text}{(!_auth.HasKey ? " (give the device's key with --key-file)" : "")}"),
            Wire.ErrBusy => new DeviceException(QrngCli.NoDevice, $"{Name} is busy: {text}"),
            Wire.ErrUnknownCommand => new DeviceException(QrngCli.BadInput, $"{Name} does not know {command} (firmware without it?): {text}"),
            _ => new DeviceException(QrngCli.BadInput, $"{Name} refused {command}: {text}"),
        };
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
        Wire.Ping => "PING",
        Wire.Characterize => "CHARACTERIZE",
        _ => $"request 0x{type:X2}",
    };

    internal static byte[] U32(int value)
    {
        var b = new byte[4];
        Wire.Put32(b, 0, value);
        return b;
    }

    internal int NextSeq()
    {
        _seq = (_seq % 65535) + 1;                                  // 0 is READY's
        return _seq;
    }

    internal void Send(int type, int seq, byte[] payload)
    {
        EnsureCommandMode(type);
        _link.Send(type, seq, payload, CommandName(type));
        _lastSent = Link.NowMs;
    }

    /// <summary>Before a request: command mode again if the device has left it (ERROR IDLE, or silence for nearly its idle time).</summary>
    private void EnsureCommandMode(int type)
    {
        if (type == Wire.Hello || !_entered) return;
        if (_reenter || Link.NowMs - _lastSent >= IdleMs - Math.Min(1000, IdleMs / 5))
        {
            ReEntries++;
            Enter();
        }
    }

    /// <summary>
    /// The next frame (or a dropped damaged one) within <paramref name="timeoutMs"/>; null when none came (or when a
    /// keep-alive PING is due first: callers wait in a loop). ERROR IDLE marks the session for re-entry.
    /// </summary>
    internal ReplyFrame Next(int timeoutMs)
    {
        int keepAlive = IdleMs / 3;
        if (_entered && !_reenter && Link.NowMs - _lastSent >= keepAlive) Send(Wire.Ping, NextSeq(), null);
        long due = _entered ? _lastSent + keepAlive - Link.NowMs : timeoutMs;
        ReplyFrame f = _link.Next((int)Math.Max(1, Math.Min(timeoutMs, due)));
        if (f != null && f.Type == Wire.Error && f.ErrorCode == Wire.ErrIdle) _reenter = true;
        return f;
    }

    /// <summary>With a key, every frame of a reply must carry a good HMAC (<see cref="SessionAuth.Require"/>).</summary>
    internal void CheckAuth(ReplyFrame f) => _auth.Require(f, Name);

    private void Write(byte[] buffer, int offset, int count) => _link.Write(buffer, offset, count);

    /// <summary>Back to the plain stream (what the device does after boot) unless the device is gone; then the link closes.</summary>
    public void Dispose()
    {
        try
        {
            if (CommandMode && !_link.Gone && !Link.IsVirtual)
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
}
