using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Qrng.Assess;
using Qrng.Firmware.Protocol;
using Qrng.Model;
using Spectre.Console;

namespace Qrng.Cli;

/// <summary>How one check of the acceptance run ended. Skip counts as a failure: what was not checked was not shown.</summary>
public enum Outcome { Pass, Fail, Skip, Info }

public sealed record HilCheck(string Phase, string Name, Outcome Outcome, string Detail);

/// <summary>What `qrng hil` was asked to do.</summary>
public sealed class HilOptions
{
    public int Samples { get; init; } = 1_000_000;
    public int Restarts { get; init; } = 1000;
    public int RestartSamples { get; init; } = 1000;
    public long Bytes { get; init; } = 1 << 20;
    /// <summary>Claimed min-entropy per 2-bit symbol; null: the device's (INFO claimed_millibits_per_symbol).</summary>
    public double? Claim { get; init; }
    /// <summary>Bytes per second the DRBG stream must reach; null: throughput is reported, not judged.</summary>
    public double? MinRate { get; init; }
    /// <summary>Folder that keeps raw.bin and restart.bin for other tools (NIST's ea_non_iid, ea_restart); null: a temporary one.</summary>
    public string Keep { get; init; }
    public bool Quiet { get; init; }
}

/// <summary>
/// The acceptance run (issue 12): one board, every command of the serial protocol and its error replies, the self-test,
/// the DRBG stream's sanity and throughput, SP 800-90B on RAW and RESTART-RAW data against the claimed min-entropy,
/// and the health counters at the end. Each step is a check in one report; the run fails when any check fails or
/// could not run.
/// </summary>
public sealed class HilRun
{
    /// <summary>STATUS keys the run reads (docs/protocol.md lists them all).</summary>
    private static readonly string[] StatusKeys =
        ["state_name", "healthy", "fault", "fault_text", "reason", "frames", "frames_passed", "frames_failed_low", "frames_failed_high",
         "frames_replayed", "noise_failures", "dither_blocks", "dither_failures", "rct_failures", "apt_failures", "startup_failures", "sensor_errors", "masked_pixels",
         "led_duty", "led_at_limit", "frame_mean", "reseeds", "bytes_out"];

    private static readonly string[] InfoKeys =
        ["protocol", "firmware", "serial", "sensor", "sensor_setup", "source", "real_sensor_size", "pixels", "claimed_millibits_per_symbol", "output_mode", "sha256", "uart_baud", "led_target_mean"];

    private readonly DeviceSession _s;
    private readonly HilOptions _o;
    private readonly IAnsiConsole _console;
    private bool _sourceHealthy = true;
    private string _stopped;

    private HilRun(DeviceSession session, HilOptions options, IAnsiConsole console)
    {
        _s = session;
        _o = options;
        _console = console;
    }

    public List<HilCheck> Checks { get; } = [];
    public string Info { get; private set; } = "";
    public string FinalStatus { get; private set; } = "";
    public Assessment Assessment { get; private set; }
    public double Claim { get; private set; }
    public bool Passed => Checks.All(c => c.Outcome is Outcome.Pass or Outcome.Info);

    /// <summary>Why the board failed, in its own words when it gave any (STATUS reason), for the report's last line.</summary>
    public string DeviceReason { get; private set; }

    public static HilRun Execute(DeviceSession session, HilOptions options, IAnsiConsole console)
    {
        var run = new HilRun(session, options, console);
        var times = new List<string>();
        void Timed(string phase, Action body)
        {
            var clock = Stopwatch.StartNew();
            body();
            times.Add(string.Create(CultureInfo.InvariantCulture, $"{phase} {clock.Elapsed.TotalSeconds:0.0} s"));
        }

        Timed("link", run.Link);
        Timed("protocol", run.Protocol);
        Timed("self-test", run.SelfTest);
        Timed("stream", run.Stream);
        Timed("entropy", run.Entropy);
        Timed("health", run.Health);
        run.Add("run", "wall time", Outcome.Info, string.Join(", ", times));
        return run;
    }

    private void Add(string phase, string name, Outcome outcome, string detail) => Checks.Add(new HilCheck(phase, name, outcome, detail));

    private void Add(string phase, string name, bool passed, string detail) => Add(phase, name, passed ? Outcome.Pass : Outcome.Fail, detail);

    /// <summary>Runs one step; a device failure (unhealthy, timeout, lost frames) becomes a failed check instead of ending the run.</summary>
    private bool Step(string phase, string name, Action body)
    {
        try
        {
            body();
            return true;
        }
        catch (DeviceException e) when (e.Code != QrngCli.DeviceGone)
        {
            Add(phase, name, false, e.Message);
            if (e.Code == QrngCli.Unhealthy) _sourceHealthy = false;
            return false;
        }
    }

    private static string Missing(string text, string[] keys) => string.Join(", ", keys.Where(k => DeviceSession.Value(text, k) == null));

    private void Link()
    {
        Add("link", "HELLO", _s.ProtocolVersion == Wire.Version,
            $"protocol {_s.ProtocolVersion} (host {Wire.Version}), requests up to {_s.MaxRequest} B, replies up to {_s.MaxReply} B, key {(_s.DeviceHasKey ? "provisioned" : "none")}{(_s.Authenticated ? ", replies authenticated" : "")}");
        Step("link", "INFO", () =>
        {
            Info = _s.Info();
            string missing = Missing(Info, InfoKeys);
            Add("link", "INFO", missing.Length == 0, missing.Length == 0
                ? $"serial {V(Info, "serial")}, firmware {V(Info, "firmware")}, {V(Info, "sensor")} ({V(Info, "sensor_setup")}), {V(Info, "pixels")} pixels, {V(Info, "output_mode")} output, SHA-256 {V(Info, "sha256")}"
                : "keys missing: " + missing);
            if (V(Info, "source") != "sensor")
                Add("link", "source", Outcome.Info, $"source={V(Info, "source")}: a simulation, not a quantum source; its bytes test the firmware, they are not entropy");
        });
        double claimed = int.TryParse(V(Info, "claimed_millibits_per_symbol"), NumberStyles.None, CultureInfo.InvariantCulture, out int mb) ? mb / 1000.0 : 1.96;
        Claim = _o.Claim ?? claimed;
    }

    private static string V(string text, string key) => DeviceSession.Value(text, key) ?? "?";

    /// <summary>Every command answered as docs/protocol.md says, the refusals included; the device serves good frames after each.</summary>
    private void Protocol()
    {
        const string P = "protocol";
        Step(P, "STATUS", () =>
        {
            string status = _s.Status();
            string missing = Missing(status, StatusKeys);
            Add(P, "STATUS", missing.Length == 0, missing.Length == 0 ? $"state {V(status, "state_name")}, {V(status, "frames")} frames" : "keys missing: " + missing);
        });
        Step(P, "CONFIG GET", () =>
        {
            string all = _s.ConfigGet(null), one = _s.ConfigGet("health.t_minus");
            string fromAll = DeviceSession.ConfigValue(all, "health.t_minus"), single = DeviceSession.ConfigValue(one, "health.t_minus");
            bool ok = fromAll != null && fromAll == single && single == V(Info, "t_minus");
            Add(P, "CONFIG GET", ok, $"{all.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length} keys; health.t_minus = {single} (INFO t_minus {V(Info, "t_minus")}, in the full list {fromAll ?? "missing"})");
        });

        // refusals: each must come back as the documented ERROR, and the device must answer normally afterwards
        // what the claim rests on: unauthenticated always refused; authenticated, one key of a calibration record alone is too
        Refusal(P, "CONFIG SET of a claim key alone", Wire.ConfigSet, Ascii("health.t_minus = 70\n"), _s.DeviceHasKey && !_s.Authenticated ? Wire.ErrAuthRequired : Wire.ErrConfigRefused);
        Refusal(P, "CONFIG SET unknown key", Wire.ConfigSet, Ascii("no.such_key = 1\n"), _s.DeviceHasKey && !_s.Authenticated ? Wire.ErrAuthRequired : Wire.ErrConfigRefused);
        Step(P, "configuration unchanged", () =>
        {
            string now = _s.ConfigGet("health.t_minus");
            string value = DeviceSession.ConfigValue(now, "health.t_minus");
            Add(P, "configuration unchanged", value == V(Info, "t_minus"), $"health.t_minus = {value} after the refused sets");
        });
        Refusal(P, "unknown command", 0x3E, null, Wire.ErrUnknownCommand);
        Refusal(P, "INFO with a payload", Wire.Info, [1], Wire.ErrBadLength);
        Refusal(P, "READ 0 bytes", Wire.Read, DeviceSession.U32(0), Wire.ErrBadArgument);
        Refusal(P, "RAW beyond its limit", Wire.Raw, DeviceSession.U32(RawOperation.MaxSymbols + 1), Wire.ErrBadArgument);
        Refusal(P, "RESTART-RAW of 0 rows", Wire.RestartRaw, [0, 0, 0, 0], Wire.ErrBadArgument);
        Refusal(P, "a frame with a bad CRC-32", Wire.Info, null, Wire.ErrBadCrc, f => { f[^1] ^= 0x5A; return f; });
        Refusal(P, "a frame longer than requests may be", Wire.ConfigSet, new byte[Wire.MaxRequestPayload + 1], Wire.ErrBadLength);
        Step(P, "CANCEL", () =>
        {
            string reply = _s.Cancel();
            Add(P, "CANCEL", true, "answered" + (reply.Length > 0 ? ": " + reply.Replace('\n', ' ').Trim() : ""));
        });
    }

    private static byte[] Ascii(string s) => System.Text.Encoding.ASCII.GetBytes(s);

    private void Refusal(string phase, string name, int type, byte[] payload, int expected, Func<byte[], byte[]> damage = null)
    {
        Step(phase, name, () =>
        {
            ReplyFrame f = _s.Probe(type, payload, damage);
            if (f == null)
            {
                Add(phase, name, false, $"no reply within {_s.TimeoutMs / 1000.0:0.#} s (expected ERROR {expected})");
                return;
            }

            bool ok = f.Type == Wire.Error && f.ErrorCode == expected;
            Add(phase, name, ok, f.Type == Wire.Error ? $"ERROR {f.ErrorCode}: {f.Text}" : $"answered with a frame of type 0x{f.Type:X2} instead of ERROR {expected}");
        });
    }

    private void SelfTest()
    {
        Step("self-test", "SELFTEST", () =>
        {
            string text = _s.SelfTest();
            bool ok = V(text, "result") == "pass";
            Add("self-test", "SELFTEST", ok, $"known answers {V(text, "drbg_kat")} (frame kernel {V(text, "kernel_kat")}), sensor {V(text, "sensor")}, start-up test {V(text, "startup")}"
                + (ok ? "" : ": " + V(text, "reason")));
            if (!ok)
            {
                _sourceHealthy = false;
                DeviceReason ??= DeviceSession.Value(text, "reason");
            }
        });
    }

    private bool Gate(string phase, params string[] names)
    {
        if (_sourceHealthy) return true;
        _stopped ??= "the source is unhealthy (above): no output is asked from it";
        foreach (string n in names) Add(phase, n, Outcome.Skip, _stopped);
        return false;
    }

    private void Stream()
    {
        const string P = "DRBG stream";
        if (!Gate(P, "STREAM and back", "READ", "throughput", "stream checks")) return;

        // the plain stream is checked here, on a source the self-test found healthy: an unhealthy one rightly sends nothing
        Step(P, "STREAM and back", () =>
        {
            _s.AwaitStreaming(_s.StartMs);                       // the source started again after SELFTEST
            _s.BackToStream(_s.TimeoutMs);
            const int want = 4096;
            var buffer = new byte[want];
            int got = _s.TakeLeftover(buffer);
            var chunk = new byte[want];
            long start = _s.Link.NowMs;
            while (got < want && _s.Link.NowMs - start < _s.TimeoutMs)
            {
                Signals.Check();
                int n = _s.ReadPlain(chunk, want - got, 200);
                Array.Copy(chunk, 0, buffer, got, n);
                got += n;
            }

            _s.Enter();
            Add(P, "STREAM and back", got == buffer.Length, $"{got:N0} plain-stream bytes after STREAM, then the attention sequence, READY and HELLO again");
        });
        var data = new byte[_o.Bytes];
        var clock = Stopwatch.StartNew();
        bool read = Step(P, "READ", () => Progress($"{_s.Name} READ", _o.Bytes, progress =>
            _s.Read(_o.Bytes, (b, off, n) => Array.Copy(b, off, data, _doneBytes, n), d => { _doneBytes = d; progress(d); })));
        double seconds = clock.Elapsed.TotalSeconds;
        if (!read)
        {
            Add(P, "throughput", Outcome.Skip, "no complete READ");
            Add(P, "stream checks", Outcome.Skip, "no complete READ");
            return;
        }

        Add(P, "READ", true, $"{_o.Bytes:N0} bytes in CRC-checked DATA frames, every frame made while healthy; {_s.DamagedFrames} damaged, {_s.LostFrames} lost, {_s.ReRequests} re-requests");
        double rate = _o.Bytes / Math.Max(seconds, 1e-9);
        int baud = int.TryParse(V(Info, "uart_baud"), out int b0) ? b0 : DeviceOptions.DefaultBaud;
        double line = baud / 10.0;                                    // 8N1: 10 bits on the wire per byte
        string detail = string.Create(CultureInfo.InvariantCulture,
            $"{rate / 1000:0.0} kB/s of DRBG output; a {baud}-baud UART carries {line / 1000:0.0} kB/s (8N1), {rate / line:0.00}× of it")
            + (_s.Link.IsVirtual ? " (the in-process virtual board has no UART)" : "");
        if (_o.MinRate is { } min)
            Add(P, "throughput", rate >= min, detail + string.Create(CultureInfo.InvariantCulture, $"; at least {min / 1000:0.0} kB/s asked"));
        else
            Add(P, "throughput", Outcome.Info, detail);
        foreach (StreamCheck c in StreamChecks.Run(data))
            Add(P, c.Name, c.Passed, string.Create(CultureInfo.InvariantCulture, $"{c.Statistic:0.####} (accepts {c.Accepts})"));
    }

    private long _doneBytes;

    private void Progress(string label, long total, Action<Action<long>> pump) => StreamCommand.WithProgress(label, total, _o.Quiet, pump);

    private void Entropy()
    {
        const string P = "entropy (SP 800-90B)";
        if (!Gate(P, "RAW", "RESTART-RAW", "assessment")) return;
        byte[] raw = null, matrix = null;
        var clock = Stopwatch.StartNew();
        string Took() { string t = string.Create(CultureInfo.InvariantCulture, $" in {clock.Elapsed.TotalSeconds:0.0} s"); clock.Restart(); return t; }
        if (!Step(P, "RAW", () => Progress($"{_s.Name} RAW", _o.Samples, progress => raw = _s.Raw(_o.Samples, d => progress(d)))))
        {
            Add(P, "RESTART-RAW", Outcome.Skip, "RAW failed");
            Add(P, "assessment", Outcome.Skip, "RAW failed");
            return;
        }

        Add(P, "RAW", raw.All(x => x < 4), $"{raw.Length:N0} raw 2-bit symbols, one contiguous run{Took()}");
        long cells = (long)_o.Restarts * _o.RestartSamples;
        if (!Step(P, "RESTART-RAW", () => Progress($"{_s.Name} RESTART-RAW", cells, progress => matrix = _s.RestartRaw(_o.Restarts, _o.RestartSamples, d => progress(d)))))
        {
            Add(P, "assessment", Outcome.Skip, "RESTART-RAW failed");
            return;
        }

        Add(P, "RESTART-RAW", matrix.All(x => x < 4), $"{_o.Restarts} restarts × {_o.RestartSamples} symbols{Took()}");
        string dir = _o.Keep ?? Directory.CreateTempSubdirectory("qrng-hil").FullName;
        try
        {
            Directory.CreateDirectory(dir);
            string rawPath = Path.Combine(dir, "raw.bin"), restartPath = Path.Combine(dir, "restart.bin");
            File.WriteAllBytes(rawPath, raw);
            File.WriteAllBytes(restartPath, matrix);
            var options = new AssessmentOptions
            {
                BitsPerSample = 2, Claim = Claim, Track = Track.Both, RestartMatrix = restartPath, Rows = _o.Restarts, Cols = _o.RestartSamples,
            };
            Assessment first;
            try { first = AssessCommand.Run(rawPath, options, _o.Quiet); }
            catch (AssessException e)
            {
                Add(P, "assessment", false, e.Message);
                return;
            }

            string took = Took();
            if (!_o.Quiet) AssessCommand.Show(_console, first);
            (Assessment a, Assessment retest) = ApplyIidRule(first, () => Retest(P, dir, options));
            if (retest != null)
            {
                Add(P, "IID retest (acceptance rule)", Outcome.Info, $"the IID tests failed on the first {first.Samples.Length:N0} symbols ({FailedIid(first.Iid)}); "
                    + $"on {retest.Samples.Length:N0} fresh ones they {(retest.Iid?.Passed == true ? "passed: the retest decides" : "failed (" + FailedIid(retest.Iid) + ") too: the first run decides")}{Took()}");
            }

            Assessment = a;
            string iid = a.Iid == null ? "not run" : a.Iid.Passed ? "passed" : "failed";
            Add(P, "non-IID track (§6.3)", Outcome.Info, a.NonIid == null ? "not run" : F(a.NonIid.MinEntropy) + " bits per symbol");
            Add(P, "IID tests (§5)", Outcome.Info, $"{iid}{(a.Iid?.Passed == true ? ", most common value " + F(a.Iid.MinEntropy) + " bits per symbol" : "")}");
            if (a.Restart is { } r)
            {
                Add(P, "restart sanity (§3.1.4.3)", r.SanityPassed, $"largest count {r.MaxRowCount} in a row, {r.MaxColCount} in a column; at most {r.RowCutoff} / {r.ColCutoff} pass");
                Add(P, "restart validation (§3.1.4.2)", r.ValidationPassed, $"H_r {F(r.HRows)}, H_c {F(r.HCols)}, at least H_I/2 = {F(r.HI / 2)}");
            }

            string counting = a.CountingTrack == null ? "no track counts" : a.CountingTrack + " track";
            Add(P, "claimed min-entropy", a.ClaimSupported, $"assessed {F(a.MinEntropy)} bits per symbol ({counting}, restart-tested){took}, claimed {Claim:0.###}"
                + (a.ClaimSupported ? "" : a.CountingTrack == "non-iid" ? "; the non-IID estimators cannot certify more than about 1.72-1.76 from 10^6 ideal symbols (docs/assessment.md)" : ""));
            foreach (string note in a.Notes) Add(P, "note", Outcome.Info, note);
            if (_o.Keep != null) Add(P, "kept", Outcome.Info, $"{rawPath}, {restartPath} (one symbol per byte: NIST's ea_non_iid / ea_iid / ea_restart read them)");
        }
        finally
        {
            if (_o.Keep == null) Directory.Delete(dir, true);
        }
    }

    /// <summary>
    /// The acceptance rule for the IID verdict (README, "The acceptance run"). NIST's IID tests reject samples of a truly
    /// IID source with a probability p of at most 2.58 % per run (a union bound: 19 permutation statistics, each failing
    /// when at most 5 of 10 000 permutations lie on one side of it, 2 × 6 / 10 001; plus two chi-square tests and the
    /// LRS test at 0.001 each), so a healthy board could fail one acceptance run in about 40. A failed verdict is tested
    /// once more on fresh samples from the same board, and the IID track fails only when both runs fail: for an IID
    /// source at most p² = 0.067 % (1 in 1 500). Returns the assessment that decides and the retest (null when none ran).
    /// </summary>
    public static (Assessment Deciding, Assessment Retest) ApplyIidRule(Assessment first, Func<Assessment> retest)
    {
        if (first.Iid == null || first.Iid.Passed) return (first, null);
        Assessment second = retest();
        if (second == null) return (first, null);
        return (second.Iid?.Passed == true ? second : first, second);
    }

    /// <summary>The bound of <see cref="ApplyIidRule"/>: the single-run false rejection's union bound, then its square.</summary>
    public static (double Single, double WithRetest) IidFalseRejection()
    {
        // a statistic of exchangeable data ranks among the MostOnOneSide + 1 extremes of the 10 001 values on either side
        int extremes = 2 * (PermutationStatistic.MostOnOneSide + 1);
        double single = (PermutationTests.Names.Length * (double)extremes / (PermutationTests.Permutations + 1)) + (3 * 0.001);
        return (single, single * single);
    }

    private static string FailedIid(IidResult r)
    {
        if (r == null) return "not run";
        var failed = r.Permutation.Where(p => p.Failed).Select(p => p.Name).ToList();
        if (!r.ChiSquarePassed) failed.Add("chi-square");
        if (!r.LrsPassed) failed.Add("LRS");
        return string.Join(", ", failed);
    }

    /// <summary>Fresh RAW symbols from the board, assessed as the first ones were; null when RAW failed (a check says so).</summary>
    private Assessment Retest(string phase, string dir, AssessmentOptions options)
    {
        byte[] raw = null;
        if (!Step(phase, "RAW (IID retest)", () => Progress($"{_s.Name} RAW (retest)", _o.Samples, progress => raw = _s.Raw(_o.Samples, d => progress(d)))))
        {
            return null;
        }

        string path = Path.Combine(dir, "raw-retest.bin");
        File.WriteAllBytes(path, raw);
        try
        {
            Assessment a = AssessCommand.Run(path, options, _o.Quiet);
            if (!_o.Quiet) AssessCommand.Show(_console, a);
            return a;
        }
        catch (AssessException e)
        {
            Add(phase, "assessment (IID retest)", false, e.Message);
            return null;
        }
    }

    private static string F(double x) => double.IsNaN(x) ? "—" : x.ToString("0.000000", CultureInfo.InvariantCulture);

    /// <summary>The health counters after everything above: no fault, no test failure, no masked pixel, the LED inside its range.</summary>
    private void Health()
    {
        const string P = "health";
        string status = null;
        if (!Step(P, "STATUS", () => status = Settled())) return;
        FinalStatus = status;
        long L(string key) => long.TryParse(V(status, key), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : -1;
        bool healthy = V(status, "healthy") == "yes";
        string reason = DeviceSession.Value(status, "reason") is { } rs && rs != "none" ? rs : null;
        if (!healthy && reason != null) DeviceReason = reason;
        Add(P, "state", healthy, $"{V(status, "state_name")}, healthy={V(status, "healthy")}" + (healthy || reason == null ? "" : ": " + reason)
            + (!healthy && V(status, "state_name") is "startup-test" or "seeding" ? $" after {SettleMs / 1000} s" : ""));
        // the RCT and APT fire on a healthy source too, about once per 2^alpha symbols at the claimed entropy (a run of
        // 10^6 RAW symbols and more made ~1.3 M, a false alarm in one run of four at 40x32): fewer failures than the
        // device's persistent-failure cutoff (HealthMath.FailureRateCutoff) are the rate α allows, more are not
        int alpha = int.TryParse(V(Info, "alpha_exponent"), NumberStyles.None, CultureInfo.InvariantCulture, out int a) ? a : 20;
        int window = int.TryParse(V(Info, "apt_window"), NumberStyles.None, CultureInfo.InvariantCulture, out int w) ? w : 512;
        int cutoff = Qrng.Firmware.Health.HealthMath.FailureRateCutoff(alpha, window);
        long continuous = L("rct_failures") + L("apt_failures");
        bool withinRate = continuous >= 0 && continuous < cutoff;
        string fault = V(status, "fault");
        bool none = fault == "0" || fault == "none", falseAlarm = withinRate && fault is "6" or "7";   // Fault.RepetitionCount, AdaptiveProportion
        Add(P, "last fault", none || falseAlarm, none ? "none" : V(status, "fault_text") + (falseAlarm ? " (within the false-alarm rate: the health tests' line)" : ""));
        if (!none && !falseAlarm) DeviceReason ??= V(status, "fault_text");
        long frames = L("frames"), low = L("frames_failed_low"), high = L("frames_failed_high");
        Add(P, "SP 800-90B health tests", withinRate,
            $"repetition count failures {L("rct_failures")}, adaptive proportion failures {L("apt_failures")}, start-up test failures {L("startup_failures")}; "
            + $"fewer than {cutoff} pass (α = 2^-{alpha} allows about one false alarm per 2^{alpha} symbols)");
        Add(P, "shot-noise test", L("noise_failures") == 0, $"{L("noise_failures")} failures in {L("noise_blocks")} blocks (pixel noise {V(status, "noise_ratio_percent")} % of the model)");
        long ditherBlocks = L("dither_blocks"), ditherFailures = L("dither_failures");
        Add(P, "LED dither test", ditherBlocks > 0 && ditherFailures == 0, ditherBlocks > 0
            ? $"{ditherFailures} failures in {ditherBlocks:N0} blocks (worst part of the last {V(status, "dither_ratio_percent")} % of its bound)"
            : "no dither block judged (health.dither_permille = 0, or firmware before it): old data from the FIFO would go unnoticed");
        Add(P, "frames", frames > 0 && low + high + L("frames_replayed") == 0,
            $"{frames:N0} frames, {L("frames_passed"):N0} passed; T- failures {low}, T+ failures {high}, replayed {L("frames_replayed")}, out of window {V(status, "frames_out_of_window")}");
        Add(P, "sensor", L("sensor_errors") == 0, $"{L("sensor_errors")} sensor errors");
        long masked = L("masked_pixels");
        Add(P, "pixels", masked == 0, masked == 0 ? "no pixel masked" : $"{masked} pixels masked as stuck, dead or hot ({V(status, "stuck_pixels")} stuck, {V(status, "bad_pixels")} bad)");
        bool atLimit = V(status, "led_at_limit") != "no";
        Add(P, "LED loop", !atLimit, $"duty {V(status, "led_duty")}, frame mean {V(status, "frame_mean")} (set-point {V(Info, "led_target_mean")}){(atLimit ? ": at its limit" : "")}");
        Add(P, "output", Outcome.Info, $"{L("reseeds"):N0} reseeds, {L("bytes_out"):N0} bytes served, up {L("uptime_ms") / 1000.0:0.0} s");
    }

    /// <summary>
    /// STATUS once the device is past a restart (RESTART-RAW and SELFTEST leave it in its start-up test): polled until
    /// it streams or reports a failure, for at most <see cref="SettleMs"/> on the link's clock.
    /// </summary>
    private string Settled()
    {
        var idle = new byte[256];
        long start = _s.Link.NowMs;
        while (true)
        {
            string status = _s.Status();
            string state = V(status, "state_name");
            if (V(status, "healthy") == "yes" || (state != "startup-test" && state != "seeding") || _s.Link.NowMs - start >= SettleMs) return status;
            _s.ReadPlain(idle, idle.Length, 500);                       // let the device run (nothing is asked of it)
        }
    }

    /// <summary>How long the health phase waits for a restarted device to stream again: many start-up tests' worth.</summary>
    public const int SettleMs = 60_000;

    /// <summary>The report for machines: every check, the device's INFO and final STATUS, the assessment summary.</summary>
    public void WriteJson(Stream output)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("tool", "qrng hil");
        w.WriteString("device", _s.Name);
        w.WriteBoolean("passed", Passed);
        if (DeviceReason != null) w.WriteString("device_reason", DeviceReason);
        w.WriteNumber("claim_bits_per_symbol", Claim);
        w.WriteStartArray("checks");
        foreach (HilCheck c in Checks)
        {
            w.WriteStartObject();
            w.WriteString("phase", c.Phase);
            w.WriteString("name", c.Name);
            w.WriteString("outcome", c.Outcome.ToString().ToLowerInvariant());
            w.WriteString("detail", c.Detail);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        Pairs(w, "info", Info);
        Pairs(w, "status", FinalStatus);
        if (Assessment is { } a)
        {
            using var buffer = new MemoryStream();
            AssessmentJson.Write(a, buffer);
            w.WritePropertyName("assessment");
            w.WriteRawValue(buffer.ToArray());
        }

        w.WriteEndObject();
    }

    private static void Pairs(Utf8JsonWriter w, string name, string text)
    {
        w.WriteStartObject(name);
        foreach (string line in text.Split('\n'))
        {
            int eq = line.IndexOf('=');
            if (eq > 0) w.WriteString(line[..eq], line[(eq + 1)..]);
        }

        w.WriteEndObject();
    }
}

/// <summary>`qrng hil`: the acceptance run against a board (--port) or the virtual board.</summary>
public static class HilCommand
{
    public static Command Build()
    {
        var o = new DeviceOptions();
        var samples = new Option<int>("--samples") { HelpName = "N", Description = "raw symbols for the SP 800-90B assessment (§3.1.3 asks for 1,000,000)", DefaultValueFactory = _ => 1_000_000 };
        var restarts = new Option<int>("--restarts") { HelpName = "R", Description = "restarts for the §3.1.4 restart tests", DefaultValueFactory = _ => 1000 };
        var restartSamples = new Option<int>("--restart-samples") { HelpName = "C", Description = "symbols after each restart", DefaultValueFactory = _ => 1000 };
        var bytes = new Option<string>("--bytes", "-n") { HelpName = "N", Description = "DRBG bytes for the stream checks and the throughput (suffix K, M, G)", DefaultValueFactory = _ => "1M" };
        var claim = new Option<double?>("--claim") { HelpName = "H", Description = "claimed min-entropy per 2-bit symbol (default: the device's, INFO claimed_millibits_per_symbol)" };
        var minRate = new Option<double?>("--min-rate") { HelpName = "B/S", Description = "fail when the DRBG stream is slower than this many bytes per second (default: report the throughput only)" };
        var json = new Option<string>("--json") { HelpName = "FILE|-", Description = "write the report as JSON to FILE ('-' = stdout; the tables then go to stderr)" };
        var keep = new Option<string>("--keep") { HelpName = "DIR", Description = "keep the raw data in DIR: raw.bin and restart.bin, one symbol per byte (NIST's tools read them)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "no progress bars, no estimator tables: the checks only" };
        var c = new Command("hil", "the acceptance run of a board (default: the virtual board): every protocol command and its error replies, SELFTEST, "
            + "the DRBG stream's sanity (FIPS 140-2 §4.9.1 tests, byte frequencies) and throughput, RAW and RESTART-RAW through the SP 800-90B "
            + "assessment against the claimed min-entropy, and the health counters; one report, exit code 9 when a check fails");
        foreach (Option x in new Option[] { samples, restarts, restartSamples, bytes, claim, minRate, json, keep, quiet }) c.Options.Add(x);
        o.AddTo(c);
        c.SetAction(p => Output.Run(() =>
        {
            int n = p.GetValue(samples), r = p.GetValue(restarts), cols = p.GetValue(restartSamples);
            if (n < SampleSet.MinimumSamples || n > RawOperation.MaxSymbols)
                throw new ModelException($"--samples: {SampleSet.MinimumSamples:N0} to {RawOperation.MaxSymbols:N0}, got {n:N0}");
            if (r < 10 || r > 65535) throw new ModelException($"--restarts: 10 to 65535, got {r}");
            if (cols < 10 || cols > 65535) throw new ModelException($"--restart-samples: 10 to 65535, got {cols}");
            if ((long)r * cols > RawOperation.MaxSymbols) throw new ModelException($"--restarts x --restart-samples: at most {RawOperation.MaxSymbols:N0}");
            if ((long)r * cols < SampleSet.MinimumSamples)
                throw new ModelException($"--restarts x --restart-samples: at least {SampleSet.MinimumSamples:N0} symbols for the restart assessment, got {r} x {cols} = {r * cols:N0}");
            long size = StreamCommand.ParseSize(p.GetValue(bytes));
            if (size < StreamChecks.FipsBits / 8 || size > int.MaxValue)
                throw new ModelException($"--bytes: {StreamChecks.FipsBits / 8:N0} (the FIPS 140-2 tests' 20,000 bits) to 2G, got {size:N0}");
            double? h = p.GetValue(claim);
            if (h is { } hv && !(hv > 0 && hv <= 2)) throw new ModelException($"--claim: in (0, 2] bits per 2-bit symbol, got {hv}");
            if (p.GetValue(minRate) is { } mr && !(mr > 0)) throw new ModelException($"--min-rate: a positive number of bytes per second, got {mr}");
            string keepDir = p.GetValue(keep);
            if (keepDir != null && File.Exists(keepDir)) throw new ModelException($"--keep {keepDir} is a file, not a folder");
            string jsonPath = p.GetValue(json);
            o.Validate(p);
            using OutputFile report = Output.Open(jsonPath, "--json");
            IAnsiConsole console = jsonPath == "-" ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }) : AnsiConsole.Console;
            var options = new HilOptions
            {
                Samples = n, Restarts = r, RestartSamples = cols, Bytes = size, Claim = h, MinRate = p.GetValue(minRate), Keep = keepDir,
                Quiet = p.GetValue(quiet),
            };
            return DeviceCommands.WithDevice(p, o, s =>
            {
                HilRun run = HilRun.Execute(s, options, console);
                Show(jsonPath == "-" ? Console.Error : Console.Out, s, run);
                if (report != null)
                {
                    run.WriteJson(report.Stream);
                    report.Commit();
                    if (jsonPath != "-") Console.Error.WriteLine($"wrote JSON report: {jsonPath}");
                }

                return run.Passed ? QrngCli.Ok : QrngCli.Rejected;
            }, () => " during the acceptance run");
        }));
        return c;
    }

    /// <summary>The report: one line per check (outcome, phase / check, detail), then the verdict.</summary>
    private static void Show(TextWriter con, DeviceSession s, HilRun run)
    {
        // plain lines, not a table: they stay whole in a log or a pipe (Spectre wraps at 80 columns there)
        con.WriteLine($"acceptance run of {s.Name}:");
        foreach (HilCheck c in run.Checks)
        {
            string mark = c.Outcome switch
            {
                Outcome.Pass => "pass   ",
                Outcome.Fail => "FAIL   ",
                Outcome.Skip => "skipped",
                _ => "info   ",
            };
            con.WriteLine($"  {mark} {c.Phase} / {c.Name}: {c.Detail}");
        }

        int failed = run.Checks.Count(c => c.Outcome == Outcome.Fail), skipped = run.Checks.Count(c => c.Outcome == Outcome.Skip);
        int passed = run.Checks.Count(c => c.Outcome == Outcome.Pass);
        if (run.Passed)
        {
            con.WriteLine($"PASSED: all {passed} checks passed");
            return;
        }

        HilCheck first = run.Checks.First(c => c.Outcome is Outcome.Fail or Outcome.Skip);
        con.WriteLine($"FAILED: {failed} checks failed, {skipped} skipped, {passed} passed; first: {first.Phase} / {first.Name}: {first.Detail}"
            + (run.DeviceReason != null ? $"; the device says: {run.DeviceReason}" : ""));
    }
}
