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

    /// <summary>Seconds without a byte from a board (--port) before giving up.</summary>
    public const int SerialSilenceSeconds = 5;

    public static long ParseSize(string text)
    {
        string t = (text ?? "").Trim();
        long mult = 1;
        if (t.Length > 0)
        {
            char last = char.ToUpperInvariant(t[^1]);
            if (last is 'K' or 'M' or 'G') { mult = last == 'K' ? 1L << 10 : last == 'M' ? 1L << 20 : 1L << 30; t = t[..^1]; }
        }
        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n < 1 || n > (1L << 40) / mult)
            throw new ModelException($"--bytes: expected a positive count like 1000000, 64K, 10M or 1G (K = 1024, M = 1024², G = 1024³; at most 1024G), got '{text}'");
        return n * mult;
    }

    internal static void Apply(VirtualArduCam cam, string knob)
    {
        try { cam.SetFault(knob, true); }
        catch (ArgumentException e) { throw new ModelException("--fault: " + e.Message); }
    }

    /// <summary>
    /// Frames in a row without a new output byte after which the virtual board's source counts as unhealthy: four
    /// times what a recovery takes on this frame (a fresh start-up test of health.startup_symbols, one APT window and
    /// an instantiation's worth of committed symbols, one shot-noise block), plus <see cref="SettleFrames"/>. It does
    /// not depend on --bytes. A persistent failure (the firmware's Error state) ends the run at once.
    /// </summary>
    internal static long GiveUpFrames(FirmwareConfig cfg, QrngEngine engine)
    {
        long pixels = cfg.PixelCount;
        static long Frames(long symbols, long pixels) => (symbols + pixels - 1) / pixels;
        long recovery = Frames(cfg.StartupSymbols, pixels) + Frames(engine.InstantiationSymbols + cfg.AptWindow, pixels) + Frames(cfg.NoiseBlock, pixels) + 1;
        return (4 * recovery) + SettleFrames;
    }

    public static Command Build()
    {
        var bytes = new Option<string>("--bytes", "-n") { Description = "how many random bytes; suffix K, M or G = 1024, 1024², 1024³ (at most 1024G)", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "file to write ('-' = stdout); a symlink is written through. Written as FILE.XXXXXXXX.partial and renamed when complete; required unless --pty" };
        var seed = new Option<int?>("--seed") { Description = "virtual board: seed of its simulated physics; the same seed gives the same bytes (default: a random seed, printed). The bytes are a simulation: whoever knows the seed can repeat them" };
        var config = new Option<string>("--config") { Description = "virtual board: firmware configuration file (key = value lines, e.g. from 'qrng model thresholds')" };
        var fault = new Option<string[]>("--fault") { Description = "virtual board: switch on a fault knob from the first frame: " + string.Join(", ", VirtualArduCam.Knobs), AllowMultipleArgumentsPerToken = true };
        var port = new Option<string>("--port") { Description = "read a board on this serial port instead of the virtual board: the USB-UART adapter on GPIO17 (e.g. /dev/ttyUSB1), not the DevKitC's own USB port (nanoFramework's debugger)" };
        var baud = new Option<int>("--baud") { Description = "serial baud rate with --port", DefaultValueFactory = _ => 921600 };
        var pty = new Option<bool>("--pty") { Description = "virtual board: serve the UART on a pseudo-terminal that any program opens like a serial port, instead of --out. Writing blocks while nobody reads; after N bytes the tool exits and readers get EIO" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "no progress bar" };
        var c = new Command("stream", "stream random bytes from the firmware: the virtual board (default) or a real board (--port); "
            + "gives up (exit code 3) after 4 x (start-up test + seeding) + " + SettleFrames + " frames without a byte, whatever --bytes is "
            + "(the summary prints the number), or after " + SerialSilenceSeconds + " s of silence on --port");
        foreach (Option o in new Option[] { bytes, output, seed, config, fault, port, baud, pty, quiet }) c.Options.Add(o);
        c.SetAction(p => Output.Run(() =>
        {
            long n = ParseSize(p.GetValue(bytes));
            string outPath = p.GetValue(output);
            bool usePty = p.GetValue(pty);
            string device = p.GetValue(port);
            static bool Given(ParseResult p, Option o) => p.GetResult(o) is { Implicit: false };
            if (device != null)
            {
                if (device.Length == 0) throw new ModelException("--port: empty device name");
                foreach (Option o in new Option[] { fault, seed, config, pty })
                    if (Given(p, o)) throw new ModelException($"{o.Name} does nothing with --port: it configures the virtual board, and a real board reads its configuration from its firmware");
            }
            else if (Given(p, baud)) throw new ModelException("--baud does nothing without --port: the virtual board's UART has no baud rate");
            if (usePty && outPath != null) throw new ModelException("--pty serves the bytes on a pseudo-terminal instead of writing them: drop --out");
            if (outPath == null && !usePty) throw new ModelException("--out FILE (or '-' for stdout) is required");
            Signals.Cooperative = true;
            if (device != null) return FromSerial(device, p.GetValue(baud), n, outPath, p.GetValue(quiet));
            var cfg = new FirmwareConfig();
            if (p.GetValue(config) is string cf)
            {
                InputFile.Check(cf, "--config file");
                try { cfg.Apply(File.ReadAllText(cf)); }
                catch (ConfigException e) { throw new ModelException($"{cf}: {e.Message}"); }
            }
            int s = p.GetValue(seed) ?? RandomNumberGenerator.GetInt32(int.MaxValue);
            return FromVirtualBoard(cfg, s, p.GetValue(fault) ?? [], n, outPath, usePty, p.GetValue(quiet));
        }));
        return c;
    }

    private static IAnsiConsole Err() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>Runs <paramref name="pump"/> with a progress bar on stderr (unless quiet or redirected); it reports bytes done.</summary>
    private static void WithProgress(string label, long n, bool quiet, Action<Action<long>> pump)
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

    private static int FromVirtualBoard(FirmwareConfig cfg, int seed, string[] faults, long n, string outPath, bool usePty, bool quiet)
    {
        foreach (string f in faults) Apply(new VirtualArduCam(0, SensorParams.Paper, NoiseParams.None), f);   // validate names first
        using Pty pty = usePty ? new Pty() : null;
        if (pty != null) Console.Error.WriteLine($"virtual board UART on {pty.Path} (open it like a serial port; raw bytes, any baud; writing waits while nobody reads)");
        using OutputFile file = pty == null ? OutputFile.Open(outPath) : null;
        var sink = new StreamSink(pty != null ? pty.Master : file.Stream, n);
        Board board;
        try { board = new Board(cfg, sink, seed); }
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
            e.Detail = $" after {sink.Written:N0} of {n:N0} bytes" + (file?.IsTemporary == true ? $"; {outPath} not written (any earlier one is unchanged)" : "");
            throw;
        }
        if (sink.Error != null)
        {
            if (pty != null) throw new ModelException($"cannot write {pty.Path}: {sink.Error.Message}");
            throw file.Failure(sink.Error);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        if (sink.Written < n)
        {
            Summary(board, sink.Written, n, seconds, seed, giveUp);
            string why = board.Status.State == EngineState.Error ? $"the firmware reports a persistent failure after {steps:N0} frames" : $"no byte for {idle:N0} frames in a row (the limit), after {steps:N0} frames";
            Console.Error.WriteLine($"qrng: error: the source stayed unhealthy: {why}; {sink.Written:N0} of {n:N0} bytes"
                + $"{(file?.IsTemporary == true ? $", partial output deleted (any earlier {outPath} is unchanged)" : "")}; {Reason(board.Status)}");
            return QrngCli.Unhealthy;
        }
        if (file != null) file.Commit();                   // a failure here is one line, without the summary
        else pty.Master.Flush();
        Summary(board, sink.Written, n, seconds, seed, giveUp);
        if (file?.IsStdout == false) Console.Error.WriteLine($"wrote {sink.Written:N0} bytes to {outPath}");
        return QrngCli.Ok;
    }

    /// <summary>Why no byte came: the last fault, or, when there was none, the stage the pipeline was stuck in.</summary>
    internal static string Reason(EngineStatus s)
    {
        if (s.Persistent != Fault.None) return "persistent failure: " + s.Reason();
        if (s.LastFault != Fault.None) return "last fault: " + s.LastFaultText();
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

    private static int FromSerial(string dev, int baud, long n, string outPath, bool quiet)
    {
        using SerialDevice port = SerialDevice.Open(dev, baud);
        using OutputFile file = OutputFile.Open(outPath);
        var buf = new byte[1 << 16];
        long got = 0;
        try
        {
            WithProgress(dev, n, quiet, progress =>
            {
                var silence = Stopwatch.StartNew();
                while (got < n)
                {
                    Signals.Check();
                    int r = port.Read(buf, (int)Math.Min(buf.Length, n - got), 200);
                    if (r == 0)
                    {
                        if (silence.Elapsed.TotalSeconds >= SerialSilenceSeconds)
                            throw new ModelException($"{dev}: no data for {SerialSilenceSeconds} s after {got:N0} bytes (the board is not streaming: its health line is on its debug port, COM1)");
                        continue;
                    }
                    silence.Restart();
                    file.Write(buf.AsSpan(0, r));
                    got += r;
                    progress(got);
                }
            });
        }
        catch (DeviceGoneException e)
        {
            throw new ModelException($"lost {dev} after {got:N0} of {n:N0} bytes: {e.Message} (unplugged?); {(file.IsTemporary ? $"{outPath} not written" : "output incomplete")}");
        }
        catch (SignalledException e)
        {
            e.Detail = $" after {got:N0} of {n:N0} bytes" + (file.IsTemporary ? $"; {outPath} not written (any earlier one is unchanged)" : "");
            throw;
        }
        file.Commit();
        if (!file.IsStdout) Console.Error.WriteLine($"wrote {got:N0} bytes from {dev} to {outPath} (the board reports its health on its debug port, COM1)");
        return QrngCli.Ok;
    }
}
