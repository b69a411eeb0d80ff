using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Qrng.Crypto;
using Qrng.Firmware;
using Qrng.Model;
using Qrng.VirtualBoard;
using Spectre.Console;

namespace Qrng.Cli;

/// <summary>`qrng stream`: N random bytes from the virtual board (default) or from a board on a serial port.</summary>
public static class StreamCommand
{
    /// <summary>Frames the LED loop may take to settle, on top of the start-up and seeding frames in <see cref="GiveUpFrames"/>.</summary>
    public const int SettleFrames = 1000;

    /// <summary>Seconds without a reply from a board (--port) before giving up (as `qrng read`'s default --timeout).</summary>
    public const int SerialSilenceSeconds = DeviceSession.DefaultTimeoutMs / 1000;

    public static long ParseSize(string text, string option = "--bytes", long most = 1L << 40)
    {
        string t = (text ?? "").Trim();
        long mult = 1;
        if (t.Length > 0)
        {
            char last = char.ToUpperInvariant(t[^1]);
            if (last is 'K' or 'M' or 'G') { mult = last == 'K' ? 1L << 10 : last == 'M' ? 1L << 20 : 1L << 30; t = t[..^1]; }
        }
        string limit = most == 1L << 40 ? "1024G" : most.ToString("N0", CultureInfo.InvariantCulture);
        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n < 1 || n > (1L << 40) / mult)
            throw new ModelException($"{option}: expected a positive count like 1000000, 64K, 10M or 1G (K = 1024, M = 1024², G = 1024³; at most {limit}), got '{text}'");
        if (n * mult > most) throw new ModelException($"{option}: at most {limit}, got {n * mult:N0}");
        return n * mult;
    }

    internal static void Apply(VirtualArduCam cam, string knob)
    {
        if (cam == null) throw new ModelException($"--fault {knob}: the knobs act on the emulated ArduCAM module, and a 10-bit sensor (adc_bits_out = 10) is read without it");
        try { cam.SetFault(knob, true); }
        catch (ArgumentException e) { throw new ModelException("--fault: " + e.Message); }
    }

    /// <summary>
    /// Frames in a row without a new output byte after which the virtual board's source counts as unhealthy: four
    /// times what a recovery takes on this frame (a fresh start-up test of health.startup_symbols, one APT window and
    /// an instantiation's worth of committed symbols, the shot-noise verification of a start), plus <see cref="SettleFrames"/>. It does
    /// not depend on --bytes. A persistent failure (the firmware's Error state) ends the run at once.
    /// </summary>
    internal static long GiveUpFrames(FirmwareConfig cfg, QrngEngine engine, bool verification = true)
    {
        long pixels = cfg.PixelCount;
        static long Frames(long symbols, long pixels) => (symbols + pixels - 1) / pixels;
        // the noise pairs: pixels - 1 per frame pair; the first output after a start waits for health.noise_verify of them
        long noise = verification ? Frames(Math.Max(cfg.NoiseBlock, cfg.NoiseVerify), Math.Max(1, pixels - 1)) : Frames(cfg.NoiseBlock, pixels);
        long recovery = Frames(cfg.StartupSymbols, pixels) + Frames(engine.InstantiationSymbols + cfg.AptWindow, pixels) + noise + 1;
        return (4 * recovery) + SettleFrames;
    }

    public static Command Build()
    {
        var bytes = new Option<string>("--bytes", "-n") { Description = "how many random bytes; suffix K, M or G = 1024, 1024², 1024³ (at most 1024G)", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "file to write ('-' = stdout); a symlink is written through. Written as FILE.XXXXXXXX.partial and renamed when complete (required)" };
        var seed = new Option<int?>("--seed") { Description = "virtual board: seed of its simulated physics; the same seed gives the same bytes (default: a random seed, printed). The bytes are a simulation: whoever knows the seed can repeat them" };
        var sensorFile = new Option<string>("--sensor") { HelpName = "FILE", Description = "virtual board: its sensor's physics (key = value lines: gain_k, mu_r, sigma_r, mu_dark, full_scale_electrons, led_full_electrons, adc_bits_out, dsnu, prnu, dnl, nonlinearity; docs/calibration.md). Default: the paper's chip" };
        var config = new Option<string>("--config") { Description = "virtual board: firmware configuration file (key = value lines, e.g. from 'qrng model thresholds')" };
        var fault = new Option<string[]>("--fault") { Description = "virtual board: switch on a fault knob from the first frame: " + string.Join(", ", VirtualArduCam.Knobs), AllowMultipleArgumentsPerToken = true };
        var port = new Option<string>("--port") { Description = "read a board on this serial port instead of the virtual board: the USB-UART adapter on GPIO17 (e.g. /dev/ttyUSB1), not the DevKitC's own USB port (nanoFramework's debugger). The bytes come in CRC-checked frames (command mode); the board returns to the plain stream afterwards" };
        var baud = new Option<int>("--baud") { Description = "serial baud rate with --port or --serial", DefaultValueFactory = _ => 921600 };
        var serial = new Option<string>("--serial") { HelpName = "S", Description = "the board whose INFO serial is S: with --port, checked; alone, found by probing the ports 'qrng list' probes" };
        var pty = new Option<bool>("--pty") { Description = "the virtual board served on a pseudo-terminal by a thread of this process and read through the serial code path, as --port reads a board ('qrng board --pty' serves one for other programs)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "no progress bar" };
        var c = new Command("stream", "stream random bytes from the firmware: the virtual board (default) or a real board (--port: read as 'qrng read' reads, in CRC-checked frames); "
            + "gives up (exit code 3) after 4 x (start-up test + seeding) + " + SettleFrames + " frames without a byte, whatever --bytes is "
            + "(the summary prints the number), or after " + SerialSilenceSeconds + " s without a reply from a serial port (an unhealthy board says why)");
        foreach (Option o in new Option[] { bytes, output, seed, config, sensorFile, fault, port, baud, serial, pty, quiet }) c.Options.Add(o);
        c.SetAction(p => Output.Run(() =>
        {
            long n = ParseSize(p.GetValue(bytes));
            string outPath = p.GetValue(output);
            bool usePty = p.GetValue(pty);
            string device = p.GetValue(port), wanted = p.GetValue(serial);
            static bool Given(ParseResult p, Option o) => p.GetResult(o) is { Implicit: false };
            if (device != null && device.Length == 0) throw new ModelException("--port: empty device name");
            if (wanted != null && wanted.Length == 0) throw new ModelException("--serial: empty serial");
            if (device != null && usePty) throw new ModelException("--pty serves a virtual board: drop --port (or --pty)");
            if (device != null || (wanted != null && !usePty))
            {
                foreach (Option o in new Option[] { fault, seed, config, sensorFile })
                    if (Given(p, o)) throw new ModelException($"{o.Name} does nothing with --port: it configures the virtual board, and a real board reads its configuration from its firmware");
            }
            else if (Given(p, baud) && !usePty) throw new ModelException("--baud does nothing without --port: the virtual board's UART has no baud rate");
            SerialDevice.CheckBaud(p.GetValue(baud));
            if (outPath == null) throw new ModelException("--out FILE (or '-' for stdout) is required");
            Signals.Cooperative = true;
            if (device != null || (wanted != null && !usePty)) return FromSerial(device, wanted, p.GetValue(baud), n, outPath, p.GetValue(quiet), null);
            var cfg = new FirmwareConfig();
            if (p.GetValue(config) is string cf)
            {
                InputFile.Check(cf, "--config file");
                try { cfg.Apply(File.ReadAllText(cf)); }
                catch (ConfigException e) { throw new ModelException($"{cf}: {e.Message}"); }
            }
            int s = p.GetValue(seed) ?? RandomNumberGenerator.GetInt32(int.MaxValue);
            string[] faults = p.GetValue(fault) ?? [];
            SensorDescription sensor = p.GetValue(sensorFile) is { } sf ? SensorDescription.Load(sf) : null;
            if (!usePty) return FromVirtualBoard(cfg, s, faults, sensor, n, outPath, p.GetValue(quiet));
            foreach (string f in faults) Apply(new VirtualArduCam(0, SensorParams.Paper, NoiseParams.None), f);
            Console.Error.WriteLine($"virtual board seed {s}: --seed {s} repeats it (a seeded simulation: not secret)");
            using var server = PtyBoard.Create(cfg, s, faults, sensor: sensor);
            server.Start();
            return FromSerial(server.Path, wanted, p.GetValue(baud), n, outPath, p.GetValue(quiet), server);
        }));
        return c;
    }

    internal static IAnsiConsole Err() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>Runs <paramref name="pump"/> with a progress bar on stderr (unless quiet or redirected); it reports bytes done.</summary>
    internal static void WithProgress(string label, long n, bool quiet, Action<Action<long>> pump)
    {
        if (quiet || Console.IsErrorRedirected)
        {
            pump(_ => { });
            return;
        }

        // Spectre's default of 10 redraws a second cost more CPU than the stream itself can spare on a 2-core
        // machine (200M: 6.4 s user instead of 5.4 s, 20 instead of 30 MB/s); once a second it costs nothing measurable
        var display = Err().Progress();
        display.RefreshRate = TimeSpan.FromSeconds(1);
        display
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(label), maxValue: n);
                pump(done => task.Value = done);
            });
    }

    private static int FromVirtualBoard(FirmwareConfig cfg, int seed, string[] faults, SensorDescription sensor, long n, string outPath, bool quiet)
    {
        foreach (string f in faults) Apply(new VirtualArduCam(0, SensorParams.Paper, NoiseParams.None), f);   // validate names first
        using OutputFile file = OutputFile.Open(outPath);
        var sink = new StreamSink(file.Stream, n);
        Board board;
        try { board = new Board(cfg, sink, seed, sensor: sensor); }
        catch (ArgumentException e) { throw new ModelException($"configuration: {e.Message}"); }
        foreach (string f in faults) Apply(board.Camera, f);
        long giveUp = GiveUpFrames(cfg, board.Engine), steps = 0, idle = 0, lastWritten = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            WithProgress("virtual board", n, quiet, progress =>
            {
                // the firmware's persistent error state (EngineState.Error) is a verdict: no need to wait it out
                while (!sink.Full && idle < giveUp && board.Status.State != EngineState.Error)
                {
                    board.Step();
                    steps++;
                    if (sink.Written != lastWritten) { lastWritten = sink.Written; idle = 0; }
                    else idle++;
                    Signals.Check();
                    if ((steps & 63) == 0) progress(sink.Written);
                }
                progress(sink.Written);
            });
        }
        catch (SignalledException e)
        {
            e.Detail = $" after {sink.Written:N0} of {n:N0} bytes" + (file.IsTemporary ? $"; {outPath} not written (any earlier one is unchanged)" : "");
            throw;
        }
        if (sink.Error != null) throw file.Failure(sink.Error);
        double seconds = clock.Elapsed.TotalSeconds;
        if (sink.Written < n)
        {
            Summary(board, sink.Written, n, seconds, seed, giveUp);
            string why = board.Status.State == EngineState.Error ? $"the firmware reports a persistent failure after {steps:N0} frames" : $"no byte for {idle:N0} frames in a row (the limit), after {steps:N0} frames";
            Console.Error.WriteLine($"qrng: error: the source stayed unhealthy: {why}; {sink.Written:N0} of {n:N0} bytes"
                + $"{(file.IsTemporary ? $", partial output deleted (any earlier {outPath} is unchanged)" : "")}; {Reason(board.Status)}");
            return QrngCli.Unhealthy;
        }
        file.Commit();                                     // a failure here is one line, without the summary
        Summary(board, sink.Written, n, seconds, seed, giveUp);
        if (!file.IsStdout) Console.Error.WriteLine($"wrote {sink.Written:N0} bytes to {outPath}");
        return QrngCli.Ok;
    }

    /// <summary>Why no byte came: the last fault, or, when there was none, the stage the pipeline was stuck in.</summary>
    internal static string Reason(EngineStatus s)
    {
        if (s.Persistent != Fault.None) return "persistent failure: " + s.Reason();
        if (s.LastFault != Fault.None) return "last fault: " + s.Reason();
        return s.State switch
        {
            EngineState.StartupTest => "no fault, but the SP 800-90B start-up test had not finished (health.startup_symbols)",
            EngineState.Seeding => "no fault, but not yet enough credited entropy to seed the DRBG (health.claimed_millibits_per_symbol)",
            EngineState.SensorDown => "no fault, but the sensor was not initialized",
            _ => "no fault, state " + s.State,
        };
    }

    /// <summary>The LED duty, and at a limit which way the light is wrong.</summary>
    internal static string LedText(EngineStatus s)
    {
        string limit = !s.LedAtLimit ? ""
            : s.LedDuty == 0 ? " AT LIMIT: too bright even at 0 % (saturated LED or a light leak)"
            : " AT LIMIT: too dark at 100 % (dead or aging LED, or no light reaching the sensor)";
        return $"{s.LedDuty / 100.0:0.00} %{limit}; frame mean {s.LastMean}";
    }

    private static void Summary(Board b, long written, long wanted, double seconds, int seed, long giveUp)
    {
        var s = b.Status;
        var t = new Table().Title("health summary").AddColumn("").AddColumn(new TableColumn("").RightAligned()).HideHeaders();
        void Row(string k, string v) => t.AddRow(Markup.Escape(k), Markup.Escape(v));
        Row("state", s.State.ToString());
        Row("frames captured / passed", $"{s.Frames:N0} / {s.FramesPassed:N0}");
        Row("failed T- / T+ / stale / out of LED window / noise", $"{s.FramesFailedLow} / {s.FramesFailedHigh} / {s.FramesReplayed} / {s.FramesOutOfWindow} / {s.NoiseFailures}");
        Row("sensor errors", s.SensorErrors.ToString());
        Row("pixels masked (stuck / dead or hot)", $"{s.MaskedPixels} ({s.StuckPixels} / {s.BadPixels})");
        Row("shot-noise blocks / last ratio", $"{s.NoiseBlocks} / {s.NoiseRatioPercent / 100.0:0.00}");
        Row("LED dither blocks / failed / last worst", $"{s.DitherBlocks} / {s.DitherFailures} / {s.DitherRatioPercent} % of the bound");
        Row("SP 800-90B RCT / APT failures", $"{s.RctFailures} / {s.AptFailures} (cutoffs {b.Engine.RctCutoff} / {b.Engine.AptCutoff})");
        Row("start-up tests passed", s.StartupTestsPassed.ToString());
        Row("DRBG instantiations / reseeds", $"{s.Instantiations} / {s.Reseeds:N0}");
        Row("credited min-entropy", $"{s.CreditedMilliBits / 1000:N0} bits ({b.Config.ClaimedMilliBitsPerSymbol / 2000.0:0.000} per bit)");
        Row("output", $"{written:N0} of {wanted:N0} bytes in {seconds:0.0} s ({written / Math.Max(seconds, 1e-9) / 1e6:0.0} MB/s)");
        Row("LED duty", LedText(s));
        Row(s.Persistent != Fault.None ? "persistent failure" : "last fault", s.Reason());
        Row("gives up after", $"{giveUp:N0} frames without output");
        Err().Write(t);
        Console.Error.WriteLine($"virtual board seed {seed}: --seed {seed} repeats these bytes (a seeded simulation: not secret)");
    }

    /// <summary>
    /// A board on a serial port (or the slave of --pty's terminal), read as `qrng read` reads it: READ requests answered
    /// by CRC-checked DATA frames, a damaged or lost frame asked for again, so no byte the line changed is ever written
    /// (the plain stream has no check at all: a line stuck low would pass as zeros). The board returns to the plain
    /// stream afterwards.
    /// </summary>
    private static int FromSerial(string dev, string serial, int baud, long n, string outPath, bool quiet, PtyBoard server)
    {
        using OutputFile file = OutputFile.Open(outPath);
        string notWritten = file.IsTemporary ? $"; {outPath} not written (any earlier one is unchanged)" : "; output incomplete";
        int timeout = SerialSilenceSeconds * 1000;
        DeviceSession s;
        try
        {
            s = dev != null
                ? DeviceOptions.Enter(SerialLink.Open(dev, baud), null, timeout, DeviceSession.DefaultRetries)
                : DeviceOptions.Find(serial, baud, null, timeout, DeviceSession.DefaultRetries);
        }
        catch
        {
            server?.Dispose();
            throw;
        }

        string name = s.Name;
        long got = 0;
        try
        {
            if (dev != null) DeviceOptions.CheckSerial(s, serial);
            DeviceCommands.ReadInto(s, n, file, quiet, d => got = d);
        }
        catch (DeviceGoneException e)
        {
            throw new DeviceException(QrngCli.DeviceGone, $"lost {name} after {got:N0} of {n:N0} bytes: {e.Message} (unplugged?){notWritten}");
        }
        catch (DeviceException e) when (e.Code != QrngCli.DeviceGone)
        {
            throw new DeviceException(e.Code, $"{e.Message} (after {got:N0} of {n:N0} bytes){notWritten}");
        }
        catch (SignalledException e)
        {
            e.Detail = $" after {got:N0} of {n:N0} bytes" + (file.IsTemporary ? $"; {outPath} not written (any earlier one is unchanged)" : "");
            throw;
        }
        finally
        {
            s.Dispose();
            server?.Dispose();
        }

        file.Commit();
        if (!file.IsStdout)
        {
            // a --pty board lived only as long as this command: no port to ask afterwards
            string health = server == null ? $"; its health: qrng status --port {name}" : "; the virtual board on it has ended with this command";
            Console.Error.WriteLine($"wrote {got:N0} bytes from {name} to {outPath}, every one from a CRC-checked frame ({s.LineDamage}{health})");
        }

        return QrngCli.Ok;
    }
}
