using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Qrng.Firmware;
using Qrng.Firmware.Protocol;
using Qrng.Model;

namespace Qrng.Cli;

/// <summary>
/// The commands that talk to a device over the serial protocol (docs/protocol.md): read, raw, restart-raw, info,
/// status, selftest, config get|set, feed, list, board --pty and udev-id. Every one ends by putting a real device back
/// into the plain stream, the state it boots in.
/// </summary>
public static class DeviceCommands
{
    /// <summary>The most raw symbols one export carries (the firmware's RAW limit, 2^28).</summary>
    public const int MaxSamples = RawOperation.MaxSymbols;

    public static IEnumerable<Command> Build() =>
        [Read(), Raw(), RestartRaw(), Info(), Status(), SelfTest(), Config(), Feed(), List(), BoardCommand(), UdevId()];

    /// <summary>Runs a device command's body on an opened device; a hang-up becomes exit code 5 with what was lost.</summary>
    internal static int WithDevice(ParseResult p, DeviceOptions o, Func<DeviceSession, int> body, Func<string> lost = null)
    {
        o.Validate(p);
        Signals.Cooperative = true;
        using DeviceOptions.Opened opened = o.Open(p);
        try
        {
            return body(opened.Session);
        }
        catch (DeviceGoneException e)
        {
            throw new DeviceException(QrngCli.DeviceGone, $"lost {opened.Session.Name}{lost?.Invoke()}: {e.Message} (unplugged?)");
        }
    }

    /// <summary>READ of <paramref name="n"/> bytes into <paramref name="file"/> with a progress bar; <paramref name="done"/> hears the count (for error lines).</summary>
    internal static void ReadInto(DeviceSession s, long n, OutputFile file, bool quiet, Action<long> done) =>
        StreamCommand.WithProgress(s.Name, n, quiet, progress => s.Read(n, (b, off, count) => file.Write(b.AsSpan(off, count)), d =>
        {
            done(d);
            progress(d);
        }));

    private static Command Read()
    {
        var o = new DeviceOptions();
        var bytes = new Option<string>("--bytes", "-n") { HelpName = "N", Description = "how many random bytes; suffix K, M or G = 1024, 1024², 1024³ (at most 1024G)", Required = true };
        var output = new Option<string>("--out", "-o") { HelpName = "FILE|-", Description = "file to write ('-' = stdout), written as FILE.XXXXXXXX.partial and renamed when complete", Required = true };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "no progress bar" };
        var c = new Command("read", "N DRBG bytes in CRC-checked DATA frames (READ): a frame lost or corrupted on the line is dropped and its bytes asked for again (DRBG output is never sent twice); no wrong byte is ever written");
        c.Options.Add(bytes);
        c.Options.Add(output);
        c.Options.Add(quiet);
        o.AddTo(c);
        c.SetAction(p => Output.Run(() =>
        {
            long n = StreamCommand.ParseSize(p.GetValue(bytes));
            string outPath = p.GetValue(output);
            o.Validate(p);
            using OutputFile file = OutputFile.Open(outPath);
            string notWritten = file.IsTemporary ? $"; {outPath} not written (any earlier one is unchanged)" : "";
            long done = 0;
            try
            {
                return WithDevice(p, o, s =>
                {
                    var clock = Stopwatch.StartNew();
                    try
                    {
                        ReadInto(s, n, file, p.GetValue(quiet), d => done = d);
                    }
                    catch (SignalledException e)
                    {
                        e.Detail = $" after {done:N0} of {n:N0} bytes{notWritten}";
                        throw;
                    }

                    file.Commit();
                    double seconds = clock.Elapsed.TotalSeconds;
                    Console.Error.WriteLine($"read {n:N0} bytes from {s.Name} in {seconds:0.00} s ({n / Math.Max(seconds, 1e-9) / 1000:0.0} kB/s)"
                        + $"; {s.LineDamage}; reseed counter {s.LastReseeds}"
                        + (file.IsStdout ? "" : $"; wrote {outPath}"));
                    return QrngCli.Ok;
                }, () => $" after {done:N0} of {n:N0} bytes{notWritten}");
            }
            catch (DeviceException e) when (e.Code != QrngCli.DeviceGone && e.Code != QrngCli.NoDevice)
            {
                throw new DeviceException(e.Code, $"{e.Message}{(done > 0 ? $" ({done:N0} of {n:N0} bytes read)" : "")}{notWritten}");
            }
        }));
        return c;
    }

    private static Command Raw()
    {
        var o = new DeviceOptions();
        var samples = new Option<string>("--samples", "-n") { HelpName = "N", Description = $"how many raw 2-bit symbols (suffix K, M = 1024, 1024²; at most {MaxSamples:N0}, the firmware's limit)", Required = true };
        var output = new Option<string>("--out", "-o") { HelpName = "FILE|-", Description = "file to write: one symbol per byte, values 0..3, as NIST's ea_non_iid and 'qrng assess' read it; written only when all N are there", Required = true };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "no progress bar" };
        var c = new Command("raw", "N raw noise-source symbols (RAW): bits 2-3 of the pixels of frames that passed the frame checks, never conditioned, one contiguous run; the device empties its pool and restarts its DRBG from fresh symbols afterwards");
        foreach (Option x in new Option[] { samples, output, quiet }) c.Options.Add(x);
        o.AddTo(c);
        c.SetAction(p => Output.Run(() =>
        {
            long n = StreamCommand.ParseSize(p.GetValue(samples), "--samples", MaxSamples);   // 2^28: RAW's limit, one contiguous export
            string outPath = p.GetValue(output);
            o.Validate(p);
            using OutputFile file = OutputFile.Open(outPath);
            return WithDevice(p, o, s =>
            {
                byte[] symbols = null;
                StreamCommand.WithProgress(s.Name + " raw", n, p.GetValue(quiet), progress => symbols = s.Raw((int)n, d => progress(d)));
                file.Write(symbols);
                bool kept = file.IsTemporary;                     // a file that exists afterwards (not stdout, a FIFO or /dev/null)
                file.Commit();
                Console.Error.WriteLine($"{n:N0} raw symbols from {s.Name}{(file.IsStdout ? "" : " in " + outPath)}: one per byte (0..3); assess with: qrng assess {(kept ? outPath : "FILE")}");
                return QrngCli.Ok;
            }, () => $" during RAW; {outPath} not written");
        }));
        return c;
    }

    private static Command RestartRaw()
    {
        var o = new DeviceOptions();
        var rows = new Option<int>("--rows") { HelpName = "R", Description = "restarts of the noise source (SP 800-90B §3.1.4: 1000)", DefaultValueFactory = _ => 1000 };
        var cols = new Option<int>("--cols") { HelpName = "C", Description = "symbols after each restart (§3.1.4: 1000)", DefaultValueFactory = _ => 1000 };
        var output = new Option<string>("--out", "-o") { HelpName = "FILE|-", Description = "the R x C restart matrix, row after row, one symbol per byte: what 'qrng assess --restart-matrix FILE --rows R --cols C' reads", Required = true };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "no progress bar" };
        var c = new Command("restart-raw", "the restart matrix of SP 800-90B §3.1.4 (RESTART-RAW): R times, the noise source restarted (LED off, sensor reset and configured) and its first C raw symbols; a row that lost a frame is replaced by a fresh restart");
        foreach (Option x in new Option[] { rows, cols, output, quiet }) c.Options.Add(x);
        o.AddTo(c);
        c.SetAction(p => Output.Run(() =>
        {
            int r = p.GetValue(rows), n = p.GetValue(cols);
            if (r < 1 || r > 65535) throw new ModelException($"--rows: 1 to 65535 restarts, got {r}");
            if (n < 1 || n > 65535) throw new ModelException($"--cols: 1 to 65535 symbols per restart, got {n}");
            if ((long)r * n > MaxSamples) throw new ModelException($"--rows x --cols: at most {MaxSamples:N0} symbols, got {(long)r * n:N0}");
            string outPath = p.GetValue(output);
            o.Validate(p);
            using OutputFile file = OutputFile.Open(outPath);
            return WithDevice(p, o, s =>
            {
                byte[] matrix = null;
                StreamCommand.WithProgress(s.Name + " restarts", (long)r * n, p.GetValue(quiet), progress => matrix = s.RestartRaw(r, n, d => progress(d)));
                file.Write(matrix);
                bool kept = file.IsTemporary;
                file.Commit();
                Console.Error.WriteLine($"{r} restarts x {n} symbols from {s.Name}{(file.IsStdout ? "" : " in " + outPath)}; assess with: qrng assess RAW-FILE --restart-matrix {(kept ? outPath : "FILE")} --rows {r} --cols {n}");
                return QrngCli.Ok;
            }, () => $" during RESTART-RAW; {outPath} not written");
        }));
        return c;
    }

    private static Command Info()
    {
        var o = new DeviceOptions();
        var c = new Command("info", "the device's INFO: firmware, serial, sensor, thresholds, claimed entropy, output mode, baud, key (key=value lines)");
        o.AddTo(c);
        c.SetAction(p => Output.Run(() => WithDevice(p, o, s =>
        {
            Console.Out.Write(s.Info());
            return QrngCli.Ok;
        })));
        return c;
    }

    private static Command Status()
    {
        var o = new DeviceOptions();
        var c = new Command("status", "the device's STATUS (key=value lines): state and last fault with its reason, frames passed and failed per test, SP 800-90B failures, masked pixels, LED duty, reseeds, credited entropy, bytes served, uptime; exit code 3 when it does not report healthy=yes");
        o.AddTo(c);
        c.SetAction(p => Output.Run(() => WithDevice(p, o, s =>
        {
            string status = s.Status();
            Console.Out.Write(status);
            Console.Out.Flush();
            if (DeviceSession.Value(status, "healthy") == "yes") return QrngCli.Ok;
            Output.Error($"{s.Name} is not healthy: {DeviceSession.Why(status)}");
            return QrngCli.Unhealthy;
        })));
        return c;
    }

    private static Command SelfTest()
    {
        var o = new DeviceOptions();
        var c = new Command("selftest", "SELFTEST: the power-up tests again (SHA-256 and Hash_DRBG known answers, the sensor's ID, a fresh SP 800-90B start-up test); exit code 3 when one fails");
        o.AddTo(c);
        c.SetAction(p => Output.Run(() => WithDevice(p, o, s =>
        {
            string text = s.SelfTest();
            Console.Out.Write(text);
            Console.Out.Flush();
            string result = DeviceSession.Value(text, "result");
            if (result == "pass") return QrngCli.Ok;
            Output.Error($"{s.Name}: {(result == "paused" ? "self-test waits for a persistent failure's pause (known answers passed)" : "self-test failed")}: {DeviceSession.Value(text, "reason") ?? text.Replace('\n', ' ').Trim()}");
            return QrngCli.Unhealthy;
        })));
        return c;
    }

    private static Command Config()
    {
        var get = new Command("get", "CONFIG GET: the configuration in force (key = value lines), or one KEY");
        var key = new Argument<string>("KEY") { Arity = ArgumentArity.ZeroOrOne, Description = "one key, e.g. health.t_minus (default: all)" };
        get.Arguments.Add(key);
        var og = new DeviceOptions();
        og.AddTo(get);
        get.SetAction(p => Output.Run(() =>
        {
            string k = p.GetValue(key);
            if (k != null) CheckText(k, "KEY", allowEquals: false);
            return WithDevice(p, og, s =>
            {
                Console.Out.Write(s.ConfigGet(k));
                return QrngCli.Ok;
            });
        }));

        var set = new Command("set", "CONFIG SET: validated as a whole by the device, applied at once (the pipeline restarts), not persisted: a reset restores the flashed configuration. Settable: health.t_minus/t_plus/n_minus/n_plus, led.target_mean/min_mean/max_mean, uart.baud, output.mode");
        var settings = new Argument<string[]>("KEY=VALUE") { Arity = ArgumentArity.OneOrMore, Description = "settings, e.g. health.t_minus=70 uart.baud=115200" };
        set.Arguments.Add(settings);
        var os = new DeviceOptions();
        os.AddTo(set);
        set.SetAction(p => Output.Run(() =>
        {
            var lines = new StringBuilder();
            foreach (string a in p.GetValue(settings))
            {
                CheckText(a, "KEY=VALUE", allowEquals: true);
                int eq = a.IndexOf('=');
                if (eq <= 0 || a[(eq + 1)..].Trim().Length == 0) throw new ModelException($"config set: expected KEY=VALUE, got '{a}'");
                lines.Append(a[..eq].Trim()).Append(" = ").Append(a[(eq + 1)..].Trim()).Append('\n');
            }

            if (lines.Length > Wire.MaxRequestPayload)
                throw new ModelException($"config set: {lines.Length} bytes of settings, a request carries at most {Wire.MaxRequestPayload}: set fewer keys at once");

            return WithDevice(p, os, s =>
            {
                Console.Out.Write(s.ConfigSet(lines.ToString()));
                return QrngCli.Ok;
            });
        }));

        var c = new Command("config", "the device's configuration: get or set");
        c.Subcommands.Add(get);
        c.Subcommands.Add(set);
        return c;
    }

    /// <summary>Printable ASCII only (a request carries ASCII lines), and no '=' in a key.</summary>
    private static void CheckText(string text, string what, bool allowEquals)
    {
        if (text.Length == 0) throw new ModelException($"{what}: empty");
        foreach (char ch in text)
        {
            if (ch < ' ' || ch > '~') throw new ModelException($"{what} '{text}': printable ASCII only");
            if (!allowEquals && ch == '=') throw new ModelException($"{what} '{text}': a key has no '='");
        }
    }

    private static Command Feed()
    {
        var o = new DeviceOptions();
        var credit = new Option<double>("--credit-bits-per-byte") { HelpName = "X", Description = "entropy credited to the kernel per byte, in bits (0..8); refused when more than the device itself credits per output byte: in drbg mode (pixels - masked) x claimed entropy per symbol / bytes per frame (0.6125 at the default 40x32 window), in full-entropy mode 8", Required = true };
        var bytes = new Option<string>("--bytes", "-n") { HelpName = "N", Description = "stop after N bytes (default: run until stopped)" };
        var chunk = new Option<int>("--chunk") { HelpName = "BYTES", Description = "bytes per READ and per RNDADDENTROPY", DefaultValueFactory = _ => 512 };
        var interval = new Option<double>("--interval") { HelpName = "SECONDS", Description = "pause between chunks", DefaultValueFactory = _ => 10 };
        var target = new Option<string>("--random-device") { HelpName = "PATH", Description = "the kernel's random device", DefaultValueFactory = _ => "/dev/random" };
        var c = new Command("feed", "add the device's bytes to the Linux kernel's input pool with RNDADDENTROPY (needs CAP_SYS_ADMIN), crediting the entropy stated by --credit-bits-per-byte; checks the device's health and credited rate (STATUS) before every chunk");
        foreach (Option x in new Option[] { credit, bytes, chunk, interval, target }) c.Options.Add(x);
        o.AddTo(c);
        c.SetAction(p => Output.Run(() =>
        {
            double x = p.GetValue(credit);
            if (!(x >= 0 && x <= 8)) throw new ModelException($"--credit-bits-per-byte: 0 to 8, got {x.ToString(CultureInfo.InvariantCulture)}");
            long total = p.GetValue(bytes) is { } b ? StreamCommand.ParseSize(b) : long.MaxValue;
            int size = p.GetValue(chunk);
            if (size < 1 || size > 65536) throw new ModelException($"--chunk: 1 to 65536 bytes, got {size}");
            double pause = p.GetValue(interval);
            if (!(pause >= 0 && pause <= 86400)) throw new ModelException($"--interval: 0 to 86400 seconds, got {pause.ToString(CultureInfo.InvariantCulture)}");
            o.Validate(p);
            if (x > 0 && o.Virtual(p))
                throw new ModelException("the virtual board is a seeded simulation: its bytes carry no entropy; feed a real board (--port) or give --credit-bits-per-byte 0");
            using var kernel = new KernelRandom(p.GetValue(target));
            long fed = 0, credited = 0;
            try
            {
                return WithDevice(p, o, s =>
                {
                    try
                    {
                        var r = FeedLoop(s, kernel, x, total, size, (int)(pause * 1000), (n, bits) => { fed = n; credited = bits; });
                        Console.Error.WriteLine($"fed {r.Bytes:N0} bytes from {s.Name} to {kernel.Path}, credited {r.Bits:N0} bits ({x.ToString(CultureInfo.InvariantCulture)} per byte)");
                        return QrngCli.Ok;
                    }
                    catch (SignalledException e)
                    {
                        e.Detail = $" after feeding {fed:N0} bytes ({credited:N0} bits credited)";
                        throw;
                    }
                }, () => $" after feeding {fed:N0} bytes");
            }
            catch (DeviceException e) when (fed > 0 && e.Code != QrngCli.DeviceGone)
            {
                throw new DeviceException(e.Code, $"{e.Message} (after feeding {fed:N0} bytes, {credited:N0} bits credited)");
            }
        }));
        return c;
    }

    /// <summary>
    /// The feed loop: INFO and STATUS first (a device that failed for good or a credit over the limit is refused before
    /// a byte is read), then READ a chunk (only bytes made while healthy), STATUS (again), RNDADDENTROPY, pause. The credit of a chunk is
    /// floor(bytes × X) bits; X may not exceed <see cref="CreditLimit"/>.
    /// </summary>
    public static (long Bytes, long Bits) FeedLoop(DeviceSession s, IEntropySink kernel, double creditPerByte, long total, int chunk, int pauseMs, Action<long, long> progress)
    {
        string info = s.Info();
        if (creditPerByte > 0 && kernel.CreditsAPool && DeviceSession.Value(info, "source") != "sensor")
            throw new DeviceException(QrngCli.BadInput, $"{s.Name} is a simulated source (INFO source={DeviceSession.Value(info, "source") ?? "missing"}): its bytes carry no entropy, and no pool is credited from it; give --credit-bits-per-byte 0 to mix them in uncredited");
        CheckFeed(s, info, s.Status(), creditPerByte);
        var buffer = new byte[chunk];
        long fed = 0, bits = 0;
        while (fed < total)
        {
            int want = (int)Math.Min(chunk, total - fed), got = 0;
            s.Read(want, (b, off, count) =>
            {
                Array.Copy(b, off, buffer, got, count);
                got += count;
            }, null);
            try
            {
                CheckFeed(s, info, s.Status(), creditPerByte);
            }
            catch
            {
                Array.Clear(buffer);
                throw;
            }

            int credit = (int)Math.Floor(creditPerByte * got);
            kernel.Add(buffer, got, credit);
            Array.Clear(buffer);
            fed += got;
            bits += credit;
            progress?.Invoke(fed, bits);
            if (fed < total) Pause(s, pauseMs);
        }

        return (fed, bits);
    }

    /// <summary>
    /// Refuses to go on with a device that failed for good (error, self-test-failed), or a credit over
    /// <see cref="CreditLimit"/>. A passing fault (a start-up test after a failed frame) is left to the next READ: it
    /// waits for output made while healthy, and gives up with the reason after --timeout without any.
    /// </summary>
    private static void CheckFeed(DeviceSession s, string info, string status, double creditPerByte)
    {
        if (DeviceSession.Value(status, "state_name") is "error" or "self-test-failed")
            throw new DeviceException(QrngCli.Unhealthy, $"{s.Name} is unhealthy: {DeviceSession.Why(status)}");
        double limit = CreditLimit(info, status);
        if (creditPerByte <= limit) return;
        string mode = DeviceSession.Value(info, "output_mode");
        throw new DeviceException(QrngCli.BadInput, $"--credit-bits-per-byte {creditPerByte.ToString(CultureInfo.InvariantCulture)} is more than {s.Name} credits per output byte: "
            + limit.ToString("0.######", CultureInfo.InvariantCulture) + (mode == "drbg"
                ? $" (output_mode=drbg: (pixels {DeviceSession.Value(info, "pixels")} - masked_pixels {DeviceSession.Value(status, "masked_pixels")}) x claimed_millibits_per_symbol {DeviceSession.Value(info, "claimed_millibits_per_symbol")} / 1000 / bytes_per_frame {DeviceSession.Value(info, "bytes_per_frame")}; output.mode=full-entropy allows up to 8)"
                : $" (output_mode={mode})"));
    }

    /// <summary>
    /// The most bits per output byte the device itself credits. Full-entropy mode: 8 (every 256-bit block is backed
    /// by fresh credited entropy, docs/pipeline.md). DRBG mode: the entropy it credits per healthy frame over the bytes
    /// it makes from it, (pixels - masked_pixels) × claimed_millibits_per_symbol / 1000 / bytes_per_frame (the default
    /// 40x32 window: 0.6125). Anything else, or a field missing: 0.
    /// </summary>
    public static double CreditLimit(string info, string status)
    {
        string mode = DeviceSession.Value(info, "output_mode");
        if (mode == "full-entropy") return 8;
        if (mode != "drbg"
            || !long.TryParse(DeviceSession.Value(info, "pixels"), out long pixels)
            || !long.TryParse(DeviceSession.Value(info, "claimed_millibits_per_symbol"), out long milli)
            || !long.TryParse(DeviceSession.Value(info, "bytes_per_frame"), out long perFrame) || perFrame <= 0)
            return 0;
        long masked = long.TryParse(DeviceSession.Value(status, "masked_pixels"), out long m) ? m : 0;
        return Math.Clamp((pixels - masked) * milli / 1000.0 / perFrame, 0, 8);
    }

    private static void Pause(DeviceSession s, int ms)
    {
        if (s.Link.IsVirtual) return;                             // the in-process board's time passes as it steps
        var t = Stopwatch.StartNew();
        while (t.ElapsedMilliseconds < ms)
        {
            Signals.Check();
            Thread.Sleep((int)Math.Min(100, ms - t.ElapsedMilliseconds));
        }
    }

    private static Command List()
    {
        var baud = new Option<int>("--baud") { HelpName = "N", Description = "baud rate to probe at", DefaultValueFactory = _ => DeviceOptions.DefaultBaud };
        var timeout = new Option<double>("--timeout") { HelpName = "SECONDS", Description = "how long each port may take to answer", DefaultValueFactory = _ => 2 };
        var c = new Command("list", $"the serial ports that answer INFO as a qrng (port, serial, firmware). Probing SENDS BYTES to every port it tries (the attention sequence, HELLO, INFO, STREAM): {DeviceOptions.DefaultPorts}, or the paths and patterns in QRNG_PORTS; each device found is put back into the plain stream");
        c.Options.Add(baud);
        c.Options.Add(timeout);
        c.SetAction(p => Output.Run(() =>
        {
            SerialDevice.CheckBaud(p.GetValue(baud));
            double t = p.GetValue(timeout);
            if (!(t >= 0.1 && t <= 60)) throw new ModelException($"--timeout: 0.1 to 60 seconds, got {t.ToString(CultureInfo.InvariantCulture)}");
            Signals.Cooperative = true;
            var candidates = DeviceOptions.Candidates();
            var found = new List<string[]>();
            var silent = new List<string>();                          // why each other port is not listed (each names its port)
            foreach (var (port, names) in candidates)
            {
                var (s, info, why) = DeviceOptions.Probe(port, p.GetValue(baud), null, (int)(t * 1000), 1);
                if (s == null)
                {
                    silent.Add(why);
                    continue;
                }

                using (s)
                {
                    found.Add([port + (names.Count > 0 ? " (" + string.Join(", ", names) + ")" : ""), DeviceSession.Value(info, "serial") ?? "?",
                        DeviceSession.Value(info, "firmware") ?? "?", DeviceSession.Value(info, "output_mode") ?? "?"]);
                }
            }

            if (found.Count == 0)
            {
                throw new DeviceException(QrngCli.NoDevice, candidates.Count == 0
                    ? $"no serial ports to probe ({Environment.GetEnvironmentVariable("QRNG_PORTS") ?? DeviceOptions.DefaultPorts})"
                    : $"no qrng answered on {string.Join(", ", candidates.Select(x => x.Port))} ({string.Join("; ", silent)})");
            }

            foreach (string why in silent) Console.Error.WriteLine(why);

            string[] head = ["PORT", "SERIAL", "FIRMWARE", "OUTPUT"];
            int[] width = head.Select((h, i) => Math.Max(h.Length, found.Max(r => r[i].Length))).ToArray();
            foreach (string[] row in found.Prepend(head))
                Console.Out.WriteLine(string.Join("  ", row.Select((v, i) => i == row.Length - 1 ? v : v.PadRight(width[i]))));
            return QrngCli.Ok;
        }));
        return c;
    }

    private static Command BoardCommand()
    {
        var pty = new Option<bool>("--pty") { Description = "serve the board's UART on a new pseudo-terminal (required: the only way the board is served)" };
        var seed = new Option<int?>("--seed") { HelpName = "N", Description = "seed of its simulated physics (default: random, printed)" };
        var config = new Option<string>("--config") { HelpName = "FILE", Description = "firmware configuration file (key = value lines; device.serial, device.hmac_key ...)" };
        var fault = new Option<string[]>("--fault") { HelpName = "KNOB", Description = "switch on a fault knob from the first frame: " + string.Join(", ", VirtualBoard.VirtualArduCam.Knobs), AllowMultipleArgumentsPerToken = true };
        var sensorFile = new Option<string>("--sensor") { HelpName = "FILE", Description = "its sensor's physics (key = value lines; docs/calibration.md). Default: the paper's chip" };
        var c = new Command("board", "serve a virtual board, serial protocol and all, on a pseudo-terminal until stopped (Ctrl-C, SIGTERM): its path goes to stdout, and any program opens it like /dev/ttyUSB1 (qrng --port PATH, stty + cat, rngd). Like a board it boots into the plain stream; unlike a UART the terminal drops no byte: while nobody reads, the board waits");
        foreach (Option x in new Option[] { pty, seed, config, sensorFile, fault }) c.Options.Add(x);
        c.SetAction(p => Output.Run(() =>
        {
            if (!p.GetValue(pty)) throw new ModelException("board: give --pty (the board is served on a pseudo-terminal)");
            var cfg = new FirmwareConfig();
            if (p.GetValue(config) is string cf)
            {
                InputFile.Check(cf, "--config file");
                try { cfg.Apply(File.ReadAllText(cf)); }
                catch (ConfigException e) { throw new ModelException($"{cf}: {e.Message}"); }
            }

            string[] faults = p.GetValue(fault) ?? [];
            foreach (string f in faults) StreamCommand.Apply(new VirtualBoard.VirtualArduCam(0, SensorParams.Paper, NoiseParams.None), f);
            int s = p.GetValue(seed) ?? System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue);
            Signals.Cooperative = true;
            VirtualBoard.SensorDescription sensor = p.GetValue(sensorFile) is { } sf ? VirtualBoard.SensorDescription.Load(sf) : null;
            using var server = PtyBoard.Create(cfg, s, faults, sensor: sensor);
            server.Start();
            Console.Out.WriteLine(server.Path);
            Console.Out.Flush();
            Console.Error.WriteLine($"virtual board (seed {s}, serial {cfg.DeviceSerial}) on {server.Path}: open it like a serial port; plain stream after boot, the serial protocol after the attention sequence; Ctrl-C stops it");
            try
            {
                while (true)
                {
                    Signals.Check();
                    if (!server.Running)
                        throw new ModelException($"the virtual board on {server.Path} stopped: {server.Failure?.Message ?? "no reason"}");
                    Thread.Sleep(50);
                }
            }
            catch (SignalledException e)
            {
                e.Detail = $" serving {server.Path} after {server.Steps:N0} loops, {server.BytesSent:N0} bytes sent";
                throw;
            }
        }));
        return c;
    }

    private static Command UdevId()
    {
        var dev = new Argument<string>("DEV") { Description = "the tty to probe, e.g. /dev/ttyUSB1 (udev: /dev/%k)" };
        var baud = new Option<int>("--baud") { HelpName = "N", Description = "baud rate to probe at", DefaultValueFactory = _ => DeviceOptions.DefaultBaud };
        var timeout = new Option<double>("--timeout") { HelpName = "SECONDS", Description = "how long the device may take to answer", DefaultValueFactory = _ => 3 };
        var c = new Command("udev-id", "for udev's IMPORT{program}: probes DEV (attention, INFO, then back to the plain stream) and prints QRNG_SERIAL (letters, digits and '_' only: the /dev/qrng-$env{QRNG_SERIAL} link and the systemd instance), QRNG_SERIAL_RAW, QRNG_FIRMWARE, QRNG_OUTPUT_MODE; exit code 4 or 6 when it is not a qrng");
        c.Arguments.Add(dev);
        c.Options.Add(baud);
        c.Options.Add(timeout);
        c.SetAction(p => Output.Run(() =>
        {
            string path = p.GetValue(dev);
            if (string.IsNullOrEmpty(path)) throw new ModelException("DEV: empty device name");
            SerialDevice.CheckBaud(p.GetValue(baud));
            double t = p.GetValue(timeout);
            if (!(t >= 0.1 && t <= 60)) throw new ModelException($"--timeout: 0.1 to 60 seconds, got {t.ToString(CultureInfo.InvariantCulture)}");
            using DeviceSession s = DeviceOptions.Enter(SerialLink.Open(path, p.GetValue(baud)), null, (int)(t * 1000), 1);
            string info;
            try { info = s.Info(); }
            catch (DeviceGoneException e) { throw new DeviceException(QrngCli.DeviceGone, $"lost {path}: {e.Message}"); }
            string serial = DeviceSession.Value(info, "serial") ?? "";
            Console.Out.WriteLine("QRNG_SERIAL=" + UdevName(serial));
            Console.Out.WriteLine("QRNG_SERIAL_RAW=" + new string(serial.Select(ch => ch is >= ' ' and <= '~' and not '"' and not '\\' and not '\'' ? ch : '_').ToArray()));
            Console.Out.WriteLine("QRNG_FIRMWARE=" + UdevName(DeviceSession.Value(info, "firmware") ?? ""));
            Console.Out.WriteLine("QRNG_OUTPUT_MODE=" + UdevName(DeviceSession.Value(info, "output_mode") ?? ""));
            return QrngCli.Ok;
        }));
        return c;
    }

    /// <summary>A serial as a device-link and systemd-instance name: letters, digits and '_' (anything else becomes '_').</summary>
    public static string UdevName(string text)
    {
        string s = new(text.Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '_').ToArray());
        return s.Length == 0 ? "_" : s;
    }
}
