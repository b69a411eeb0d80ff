using System.CommandLine;
using System.Globalization;
using Qrng.Assess;
using Qrng.Model;
using Spectre.Console;

namespace Qrng.Cli;

/// <summary>`qrng assess FILE`: the SP 800-90B entropy assessment of raw samples, with a verdict on the claimed min-entropy.</summary>
public static class AssessCommand
{
    public static Command Build()
    {
        var file = new Argument<string>("FILE") { Description = "raw samples, one per byte (its low --bits bits), as NIST's tools read them" };
        var bits = new Option<int>("--bits") { HelpName = "1..8", Description = "bits per sample, 1..8 (the firmware's RAW samples have 2)", DefaultValueFactory = _ => 2 };
        var claim = new Option<double?>("--claim") { HelpName = "H", Description = "claimed min-entropy in bits per sample (default: the firmware's 0.98 per bit, 1.96 per 2-bit sample)" };
        var track = new Option<string>("--track") { HelpName = "non-iid|iid|both", Description = "SP 800-90B §6.3 estimators, §5 IID tests + most common value, or both", DefaultValueFactory = _ => "both" };
        var json = new Option<string>("--json") { HelpName = "FILE|-", Description = "write the JSON report to FILE ('-' = stdout; the tables then go to stderr)" };
        var restart = new Option<string>("--restart-matrix") { HelpName = "FILE", Description = "restart data for §3.1.4: --rows restarts of --cols samples each, one restart after another" };
        var rows = new Option<int>("--rows") { HelpName = "R", Description = "restarts in the restart matrix", DefaultValueFactory = _ => 1000 };
        var cols = new Option<int>("--cols") { HelpName = "C", Description = "samples per restart in the restart matrix", DefaultValueFactory = _ => 1000 };
        var seed = new Option<ulong>("--seed") { HelpName = "N", Description = "seed of the permutation tests' shuffles (same seed, same counts)", DefaultValueFactory = _ => IidTrack.DefaultSeed };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "no progress bar" };
        var mask = new Option<bool>("--mask") { Description = "assess the low --bits bits of each byte (without it, a byte with higher bits set is refused, as NIST's tools refuse it)" };
        var c = new Command("assess", "SP 800-90B entropy assessment of raw samples (non-IID and IID tracks, restart tests) against the claimed min-entropy");
        c.Arguments.Add(file);
        foreach (Option o in new Option[] { bits, claim, track, json, restart, rows, cols, seed, quiet, mask }) c.Options.Add(o);
        c.SetAction(p => Output.Run(() =>
        {
            int b = p.GetValue(bits);
            if (b < 1 || b > 8) throw new ModelException($"--bits must be 1..8, got {b}");
            var t = p.GetValue(track) switch
            {
                "non-iid" => Track.NonIid,
                "iid" => Track.Iid,
                "both" => Track.Both,
                var other => throw new ModelException($"--track must be non-iid, iid or both, got '{other}'"),
            };
            string matrix = p.GetValue(restart);
            if (matrix != null && !File.Exists(matrix))
                throw new ModelException(Directory.Exists(matrix) ? $"--restart-matrix {matrix} is a directory" : $"--restart-matrix: file not found: {matrix}");
            if (p.GetValue(rows) < 1 || p.GetValue(cols) < 1)
                throw new ModelException($"--rows and --cols: positive counts of restarts and of samples per restart, got {p.GetValue(rows)} and {p.GetValue(cols)}");
            if (matrix == null && (p.GetResult(rows) is { Implicit: false } || p.GetResult(cols) is { Implicit: false }))
                throw new ModelException("--rows and --cols describe a restart matrix: give it with --restart-matrix FILE");
            var options = new AssessmentOptions
            {
                BitsPerSample = b, Claim = p.GetValue(claim) ?? AssessmentOptions.DefaultClaim(b), Track = t,
                Seed = p.GetValue(seed), RestartMatrix = matrix, Rows = p.GetValue(rows), Cols = p.GetValue(cols), Mask = p.GetValue(mask),
            };
            string jsonPath = p.GetValue(json);
            using OutputFile report = Output.Open(jsonPath, "--json");
            Assessment a;
            try { a = Run(p.GetValue(file), options, p.GetValue(quiet)); }
            catch (AssessException e) { throw new ModelException(e.Message); }
            var console = jsonPath == "-" ? Err() : AnsiConsole.Console;
            Show(console, a);
            if (report != null)
            {
                AssessmentJson.Write(a, report.Stream);
                report.Commit();
                if (jsonPath != "-") Console.Error.WriteLine($"wrote JSON report: {jsonPath}");
            }
            return a.ClaimSupported ? QrngCli.Ok : QrngCli.Unhealthy;
        }));
        return c;
    }

    private static IAnsiConsole Err() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    internal static Assessment Run(string path, AssessmentOptions o, bool quiet)
    {
        if (quiet || Console.IsErrorRedirected) return Assessment.Run(path, o);
        Assessment result = null;
        Err().Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                result = Assessment.Run(path, o, (phase, done, total) =>
                {
                    lock (tasks)
                    {
                        if (!tasks.TryGetValue(phase, out var task)) tasks[phase] = task = ctx.AddTask(phase, maxValue: total);
                        task.Value = done;
                    }
                });
                foreach (var task in tasks.Values) task.Value = task.MaxValue;
            });
        return result;
    }

    private static string F(double x) => double.IsNaN(x) ? "—" : x.ToString("0.000000", CultureInfo.InvariantCulture);

    internal static void Show(IAnsiConsole con, Assessment a)
    {
        var s = a.Samples;
        con.WriteLine($"{a.File}: {s.Length:N0} samples of {s.BitsPerSymbol} bit{(s.BitsPerSymbol > 1 ? "s" : "")}, {s.AlphabetSize} distinct values, SHA-256 {a.Sha256}");
        if (a.NonIid is { } n) NonIidTable(con, a, n);
        if (a.Iid is { } i) IidTables(con, a, i);
        if (a.Restart is { } r) RestartTable(con, r);
        foreach (string note in a.Notes) con.MarkupLine($"[yellow]note:[/] {Markup.Escape(note)}");
        double claim = a.Options.Claim;
        string track = a.CountingTrack == null ? "no track's estimate counts" : $"{a.CountingTrack} track{(a.Restart != null ? ", restart-tested" : "")}";
        string line = string.Create(CultureInfo.InvariantCulture,
            $"assessed min-entropy {F(a.MinEntropy)} bits per sample ({a.MinEntropy / s.BitsPerSymbol:0.000000} per bit; {track}); claim {claim:0.######} ({claim / s.BitsPerSymbol:0.######} per bit): ");
        con.MarkupLine(Markup.Escape(line) + (a.ClaimSupported ? "[green]SUPPORTED[/]" : "[red]NOT SUPPORTED[/]"));
    }

    private static void NonIidTable(IAnsiConsole con, Assessment a, NonIidResult n)
    {
        int bits = a.Samples.BitsPerSymbol;
        var t = new Table().Title("non-IID track (SP 800-90B §6.3; intermediate values in --json)").AddColumn("estimator").AddColumn("§")
            .AddColumn(new TableColumn($"samples (of {bits})").RightAligned());
        bool hasBits = n.Bitstring.Count > 0;
        if (hasBits) t.AddColumn(new TableColumn("bitstring (of 1)").RightAligned());
        foreach (var e in n.Original.Concat(n.Bitstring).Select(e => e.Section).Distinct().OrderBy(x => int.Parse(x.Split('.')[2])))
        {
            var o = n.Original.FirstOrDefault(x => x.Section == e);
            var b = n.Bitstring.FirstOrDefault(x => x.Section == e);
            var any = o ?? b;
            var row = new List<string> { any.Name, e, o == null ? "" : Value(o) };
            if (hasBits) row.Add(b == null ? "" : Value(b));
            t.AddRow(row.Select(Markup.Escape).ToArray());
        }
        con.Write(t);
        con.WriteLine(hasBits
            ? $"H_original = {F(n.HOriginal)}, H_bitstring = {F(n.HBitstring)}, min(H_original, {bits} × H_bitstring) = {F(n.MinEntropy)} bits per sample"
            : $"H_original = {F(n.HOriginal)} bits per sample");
    }

    private static string Value(Estimate e) => e.Ran ? F(e.MinEntropy) : "not run: " + e.Note;

    private static void IidTables(IAnsiConsole con, Assessment a, IidResult i)
    {
        var t = new Table().Title($"IID track: permutation tests (SP 800-90B §5.1, seed {i.Seed})").AddColumn("statistic").AddColumn("§")
            .AddColumn(new TableColumn("value").RightAligned()).AddColumn(new TableColumn("C0 (>)").RightAligned())
            .AddColumn(new TableColumn("C1 (=)").RightAligned()).AddColumn(new TableColumn("C2 (<)").RightAligned()).AddColumn("");
        foreach (var p in i.Permutation)
            t.AddRow(Markup.Escape(p.Name), p.Section, p.Original.ToString("0.######", CultureInfo.InvariantCulture), p.Greater.ToString(CultureInfo.InvariantCulture),
                p.Equal.ToString(CultureInfo.InvariantCulture), p.Less.ToString(CultureInfo.InvariantCulture), p.Skipped ? "skipped: verdict decided" : p.Passed ? "[green]pass[/]" : "[red]FAIL[/]");
        con.Write(t);
        var c = new Table().Title("IID track: chi-square and LRS tests (§5.2)").AddColumn("test").AddColumn("§")
            .AddColumn(new TableColumn("statistic").RightAligned()).AddColumn(new TableColumn("df").RightAligned())
            .AddColumn(new TableColumn("p-value").RightAligned()).AddColumn("");
        foreach (var x in i.ChiSquare)
            c.AddRow(Markup.Escape(x.Name), x.Section, F(x.Statistic), x.DegreesOfFreedom.ToString(CultureInfo.InvariantCulture), F(x.PValue), x.Passed ? "[green]pass[/]" : "[red]FAIL[/]");
        c.AddRow("Longest repeated substring", "5.2.5", $"W = {i.LrsLength}", "", $"Pr(X≥1) = {F(i.LrsProbability)}", i.LrsPassed ? "[green]pass[/]" : "[red]FAIL[/]");
        con.Write(c);
        int bits = a.Samples.BitsPerSymbol;
        string mcv = i.BitstringMcv == null ? $"most common value (§6.3.1): {F(i.Mcv.MinEntropy)} bits per sample"
            : $"most common value (§6.3.1): {F(i.Mcv.MinEntropy)} bits per sample, {F(i.BitstringMcv.MinEntropy)} per bit of the bitstring; min(H_original, {bits} × H_bitstring) = {F(i.MinEntropy)}";
        con.WriteLine($"IID tests {(i.Passed ? "passed" : "FAILED")}; {mcv}");
    }

    private static void RestartTable(IAnsiConsole con, RestartResult r)
    {
        var t = new Table().Title($"restart tests (SP 800-90B §3.1.4): {r.Rows} restarts × {r.Cols} samples, H_I = {F(r.HI)}")
            .AddColumn("").AddColumn(new TableColumn("rows").RightAligned()).AddColumn(new TableColumn("columns").RightAligned());
        t.AddRow("most common value: largest count", r.MaxRowCount.ToString(CultureInfo.InvariantCulture), r.MaxColCount.ToString(CultureInfo.InvariantCulture));
        t.AddRow(Markup.Escape($"largest count that passes (α = {r.Alpha:0.######})"), r.RowCutoff.ToString(CultureInfo.InvariantCulture), r.ColCutoff.ToString(CultureInfo.InvariantCulture));
        foreach (var e in r.RowEstimates)
        {
            var ce = r.ColEstimates.First(x => x.Section == e.Section);
            t.AddRow(Markup.Escape($"{e.Name} (§{e.Section})"), Value(e), Value(ce));
        }
        t.AddRow("H_r, H_c", F(r.HRows), F(r.HCols));
        con.Write(t);
        con.WriteLine($"sanity check (§3.1.4.3) {(r.SanityPassed ? "passed" : "FAILED")}; validation min(H_r, H_c) >= H_I/2 (§3.1.4.2) {(r.ValidationPassed ? "passed" : "FAILED")}");
    }
}
