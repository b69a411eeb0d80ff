using System.CommandLine;
using System.Globalization;
using System.IO.Ports;
using Qrng.Firmware;
using Qrng.Model;
using Qrng.VirtualBoard;
using Spectre.Console;

namespace Qrng.Cli;

/// <summary>`qrng stream`: N random bytes from the virtual board (default) or from a board on a serial port.</summary>
public static class StreamCommand
{
    public const int Unhealthy = 3;

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
            throw new ModelException($"--bytes: expected a positive count like 1000000, 64K, 10M or 1G, got '{text}'");
        return n * mult;
    }

    internal static void Apply(VirtualArduCam cam, string knob)
    {
        try { cam.SetFault(knob, true); }
        catch (ArgumentException e) { throw new ModelException("--fault: " + e.Message); }
    }

    public static Command Build()
    {
        var bytes = new Option<string>("--bytes", "-n") { Description = "how many random bytes (suffix K, M, G allowed)", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "file to write ('-' = stdout); required unless --pty" };
        var seed = new Option<int?>("--seed") { Description = "virtual board: seed of its physics (same seed, same bytes; default: from the clock)" };
        var config = new Option<string>("--config") { Description = "virtual board: firmware configuration file (key = value lines, e.g. from 'qrng model thresholds')" };
        var fault = new Option<string[]>("--fault") { Description = "virtual board: switch on a fault knob from the first frame: " + string.Join(", ", VirtualArduCam.Knobs), AllowMultipleArgumentsPerToken = true };
        var port = new Option<string>("--port") { Description = "read from a board on this serial port (e.g. /dev/ttyUSB0) instead of the virtual board" };
        var baud = new Option<int>("--baud") { Description = "serial baud rate with --port", DefaultValueFactory = _ => 921600 };
        var pty = new Option<bool>("--pty") { Description = "virtual board: serve the UART on a pseudo-terminal (open it like /dev/ttyUSB0) instead of writing a file; --out is ignored" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "no progress bar" };
        var c = new Command("stream", "stream random bytes from the firmware: the virtual board (default) or a real board (--port)");
        foreach (Option o in new Option[] { bytes, output, seed, config, fault, port, baud, pty, quiet }) c.Options.Add(o);
        c.SetAction(p => Output.Run(() =>
        {
            long n = ParseSize(p.GetValue(bytes));
            if (p.GetValue(output) == null && !p.GetValue(pty)) throw new ModelException("--out FILE (or '-' for stdout) is required");
            if (p.GetValue(port) is string dev) return FromSerial(dev, p.GetValue(baud), n, p.GetValue(output), p.GetValue(quiet));
            var cfg = new FirmwareConfig();
            if (p.GetValue(config) is string cf)
            {
                if (!File.Exists(cf)) throw new ModelException($"configuration file not found: {cf}");
                try { cfg.Apply(File.ReadAllText(cf)); }
                catch (ConfigException e) { throw new ModelException($"{cf}: {e.Message}"); }
            }
            return FromVirtualBoard(cfg, p.GetValue(seed) ?? Environment.TickCount, p.GetValue(fault) ?? [], n, p.GetValue(output), p.GetValue(pty), p.GetValue(quiet));
        }));
        return c;
    }

    private static IAnsiConsole Err() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    private static int FromVirtualBoard(FirmwareConfig cfg, int seed, string[] faults, long n, string outPath, bool usePty, bool quiet)
    {
        foreach (string f in faults) Apply(new VirtualArduCam(0, SensorParams.Paper, NoiseParams.None), f);   // validate names first
        using Pty pty = usePty ? new Pty() : null;
        if (pty != null) Console.Error.WriteLine($"virtual board UART on {pty.Path} (open it like /dev/ttyUSB0; raw bytes, any baud)");
        using OutputFile file = pty == null ? OutputFile.Open(outPath) : null;
        Stream target = pty != null ? pty.Master : file.Stream;
        var sink = new StreamSink(target, n);
        Board board;
        try { board = new Board(cfg, sink, seed); }
        catch (ArgumentException e) { throw new ModelException($"configuration: {e.Message}"); }
        foreach (string f in faults) Apply(board.Camera, f);
        // frames needed when healthy, plus room for start-up, seeding and recoveries; then give up
        long budget = n / cfg.OutputBytesPerFrame * 2 + 2000;
        var started = DateTime.UtcNow;
        if (quiet || Console.IsErrorRedirected) board.RunUntil(sink, budget);
        else
        {
            Err().Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("virtual board", maxValue: n);
                    board.RunUntil(sink, budget, b => { if ((b.Status.Frames & 63) == 0) task.Value = sink.Written; });
                    task.Value = sink.Written;
                });
        }
        if (sink.Error != null) throw new ModelException($"cannot write {(pty != null ? pty.Path : outPath)}: {sink.Error.Message}");
        double seconds = (DateTime.UtcNow - started).TotalSeconds;
        Summary(board, sink.Written, n, seconds, seed);
        if (sink.Written < n)
        {
            Console.Error.WriteLine($"qrng: error: the source stayed unhealthy: {sink.Written} of {n} bytes after {board.Status.Frames} frames{(file?.IsTemporary == true ? $" (partial output deleted; any earlier {outPath} is unchanged)" : "")}; last fault: {board.Status.Reason()}");
            return Unhealthy;
        }
        if (file != null)
        {
            file.Commit();
            if (outPath != "-") Console.Error.WriteLine($"wrote {sink.Written:N0} bytes to {outPath}");
        }
        else target.Flush();
        return Output.Ok;
    }

    private static void Summary(Board b, long written, long wanted, double seconds, int seed)
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
        Row("LED duty", $"{s.LedDuty / 100.0:0.00} %{(s.LedAtLimit ? " AT LIMIT" : "")}; frame mean {s.LastMean}");
        Row(s.State == EngineState.Error ? "persistent failure" : "last fault", s.Reason());
        Row("seed", seed.ToString(CultureInfo.InvariantCulture));
        Err().Write(t);
    }

    private static int FromSerial(string dev, int baud, long n, string outPath, bool quiet)
    {
        if (dev.StartsWith('/') && !File.Exists(dev)) throw new ModelException($"cannot open {dev}: no such device (is the board plugged in? ls /dev/ttyUSB* /dev/ttyACM*)");
        SerialPort port;
        try
        {
            port = new SerialPort(dev, baud) { ReadTimeout = 5000 };
            port.Open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            throw new ModelException($"cannot open {dev}: {e.Message}");
        }
        using (port)
        using (OutputFile file = OutputFile.Open(outPath))
        {
            Stream target = file.Stream;
            var buf = new byte[1 << 16];
            long got = 0;
            void Pump(Action<long> progress)
            {
                while (got < n)
                {
                    int r;
                    try { r = port.Read(buf, 0, (int)Math.Min(buf.Length, n - got)); }
                    catch (TimeoutException) { throw new ModelException($"{dev}: no data for 5 s after {got} bytes (the board is not streaming: its health line is on its debug port, COM1)"); }
                    target.Write(buf, 0, r);
                    got += r;
                    progress(got);
                }
            }
            if (quiet || Console.IsErrorRedirected) Pump(_ => { });
            else Err().Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn())
                .Start(ctx => { var task = ctx.AddTask(dev, maxValue: n); Pump(g => task.Value = g); });
            file.Commit();
            if (outPath != "-") Console.Error.WriteLine($"wrote {got:N0} bytes from {dev} to {outPath} (the board reports its health on its debug port, COM1)");
        }
        return Output.Ok;
    }
}
