using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Qrng.Firmware.Protocol;
using Qrng.Model;
using ScottPlot;

namespace Qrng.Cli;

/// <summary>
/// `qrng calibrate` (docs/calibration.md): measures the attached sensor over the protocol (CHARACTERIZE), derives K,
/// the dark noise, DSNU/PRNU, saturation and linearity (EMVA 1288 R4's photon-transfer method), and from the paper's
/// model with those values the LED window, T±/N± and the claim; writes the calibration record, optionally a report and
/// JSON, and with --apply provisions the record (authenticated) and reads it back.
/// </summary>
public static class CalibrateCommand
{
    /// <summary>The coarse scan's duties: dark, then every 5 %.</summary>
    private static readonly int[] Coarse = [0, .. Enumerable.Range(1, 20).Select(i => i * 500)];

    public static Command Build()
    {
        var o = new DeviceOptions();
        var frames = new Option<int>("--frames") { HelpName = "F", Description = "frames per light level (even, 2..64; EMVA 1288's pairs): more frames, smaller errors", DefaultValueFactory = _ => 32 };
        var steps = new Option<int>("--steps") { HelpName = "N", Description = "light levels between dark and saturation (8..60)", DefaultValueFactory = _ => 24 };
        var output = new Option<string>("--out", "-o") { HelpName = "FILE|-", Description = "the calibration record (firmware configuration lines, measured values as comments)", DefaultValueFactory = _ => "-" };
        var report = new Option<string>("--report") { HelpName = "DIR", Description = "write ptc.png, dark.png, hmin.png and report.html (one self-contained page) into DIR" };
        var json = new Option<string>("--json") { HelpName = "FILE|-", Description = "the result as JSON: measured values with standard errors, the firmware keys, the steps" };
        var apply = new Option<bool>("--apply") { Description = "provision the record on the board (an authenticated CONFIG SET: needs --key-file) and read it back (INFO); not persisted across a reset" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "no progress lines" };
        var c = new Command("calibrate", "measure the attached sensor (photon transfer, dark histogram) with the entropy path paused, derive the claim, LED window and T±/N± from the paper's model with the measured values, and write the calibration record");
        foreach (Option x in new Option[] { frames, steps, output, report, json, apply, quiet }) c.Options.Add(x);
        o.AddTo(c);
        c.SetAction(p => Output.Run(() =>
        {
            int f = p.GetValue(frames), n = p.GetValue(steps);
            if (f < 2 || f > CharacterizeOperation.MaxFramesPerStep || f % 2 != 0) throw new ModelException($"--frames: an even number from 2 to {CharacterizeOperation.MaxFramesPerStep}, got {f}");
            if (n < 8 || n > 60) throw new ModelException($"--steps: 8 to 60 light levels, got {n}");
            if (p.GetValue(apply) && p.GetValue(o.KeyFile) == null)
                throw new ModelException("--apply provisions what the claim rests on: only an authenticated request may (give the board's key with --key-file)");
            o.Validate(p);
            // the record is text: on a terminal it is printed; with --json - and no --out, the JSON alone goes to stdout
            string outPath = p.GetValue(output);
            bool outGiven = p.GetResult(output) is { Implicit: false };
            bool toTerminal = outPath == "-" && !Console.IsOutputRedirected;
            if (!outGiven && p.GetValue(json) == "-") outPath = null;
            using OutputFile record = outPath == null || toTerminal ? null : OutputFile.Open(outPath, "--out");
            using OutputFile jsonFile = Output.Open(p.GetValue(json), "--json");
            string dir = p.GetValue(report);
            if (dir != null && (dir.Length == 0 || File.Exists(dir))) throw new ModelException($"--report {dir}: a folder (created if missing)");
            bool q = p.GetValue(quiet);
            return DeviceCommands.WithDevice(p, o, s =>
            {
                Run run;
                CalibrationResult cal;
                try
                {
                    run = Measure(s, f, n, q);
                    cal = Calibration.Derive(run.Ptc, run.Quantum, run.Pixels);
                }
                catch (ModelException e)
                {
                    // the sensor, the light or the enclosure, not the command line: what the measurement says (exit 3)
                    throw new DeviceException(QrngCli.Unhealthy, $"{s.Name}: cannot calibrate: {e.Message}");
                }

                int date = int.Parse(DateTime.UtcNow.ToString("yyyyMMdd", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                string text = RecordText(cal, run, date);
                if (record != null)
                {
                    record.Write(Encoding.ASCII.GetBytes(text));
                    record.Commit();
                }
                else if (outPath != null)
                {
                    Console.Out.Write(text);
                }
                if (jsonFile != null)
                {
                    jsonFile.Write(Json(cal, run, date));
                    jsonFile.Commit();
                }

                if (dir != null) Report(dir, cal, run, date);
                Console.Error.WriteLine(Summary(cal, run));
                if (!p.GetValue(apply)) return QrngCli.Ok;
                s.ConfigSet(cal.ConfigText(date));
                string info = s.Info();
                string got = DeviceSession.Value(info, "calibration"), claim = DeviceSession.Value(info, "claimed_millibits_per_symbol");
                if (got != date.ToString(CultureInfo.InvariantCulture) || claim != cal.ClaimMilliBits.ToString(CultureInfo.InvariantCulture))
                    throw new DeviceException(QrngCli.BadInput, $"{s.Name}: after CONFIG SET INFO says calibration={got}, claim {claim}: not the record sent");
                Console.Error.WriteLine($"applied to {s.Name}: INFO calibration={got}, claimed_millibits_per_symbol={claim} (not persisted: a reset restores the flashed configuration)");
                return QrngCli.Ok;
            }, () => " during CHARACTERIZE; nothing written");
        }));
        return c;
    }

    /// <summary>What was measured, and on which board.</summary>
    public sealed record Run(string Serial, string Source, int Pixels, int Quantum, List<StepStatistics> Steps, PtcResult Ptc);

    /// <summary>A coarse scan (2 frames at every 5 %) finds where the sensor saturates; the run proper steps up to a little past it.</summary>
    public static Run Measure(DeviceSession s, int frames, int steps, bool quiet)
    {
        string info = s.Info();
        int pixels = int.Parse(DeviceSession.Value(info, "pixels") ?? "0", CultureInfo.InvariantCulture);
        string q = DeviceSession.ConfigValue(s.ConfigGet("noise.quantum"), "noise.quantum");
        int quantum = int.TryParse(q, NumberStyles.Integer, CultureInfo.InvariantCulture, out int qq) ? qq : 4;
        if (!quiet) Console.Error.WriteLine($"calibrate: coarse scan of {s.Name} ({pixels} pixels, codes in steps of {quantum}): {Coarse.Length} light levels");
        var coarse = s.Characterize(2, Coarse, null);
        int top = 10000;
        foreach (var st in coarse.Where(x => x.Duty > 0))
        {
            if (st.Mean >= 0.92 * 1023) { top = st.Duty; break; }
        }

        top = Math.Min(10000, (int)(top * 1.15));
        int[] duties = [0, .. Enumerable.Range(1, steps).Select(i => (int)Math.Round((double)top * i / steps))];
        if (!quiet) Console.Error.WriteLine($"calibrate: {steps} light levels up to {top / 100.0:0.#} % duty and dark, {frames} frames each");
        var fine = s.Characterize(frames, duties, d =>
        {
            if (!quiet) Console.Error.WriteLine($"calibrate: {d} of {duties.Length} levels measured");
        });
        var ptc = PhotonTransfer.Analyze(fine, quantum);
        return new Run(DeviceSession.Value(info, "serial"), DeviceSession.Value(info, "source"), pixels, quantum, fine, ptc);
    }

    public static string RecordText(CalibrationResult c, Run run, int date)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# qrng calibrate: board {run.Serial} ({run.Source}), {date}, {run.Pixels} pixels, {run.Steps.Count} levels x {run.Steps[0].Frames} frames\n");
        sb.Append(CultureInfo.InvariantCulture, $"# K = {Ascii(c.GainK)} codes/e-, mu_r = {Ascii(c.MuR)} codes, sigma_r = {Ascii(c.SigmaR)} codes{(c.SigmaResolved ? "" : " (not resolved: bounded)")}, mu_dark = {Ascii(c.MuDark)} e-\n");
        sb.Append(CultureInfo.InvariantCulture, $"# saturation mean {c.Ptc.SaturationMean:0}, linearity error {c.Ptc.LinearityError:0.00} %, DSNU {c.Ptc.DsnuCodes:0.00} codes, PRNU {c.Ptc.PrnuPercent:0.00} %\n");
        sb.Append(CultureInfo.InvariantCulture, $"# claim: lowest pessimistic H_min over frame means {c.LedMin}..{c.LedMax} = {c.ModelMinimum:0.0000} bits per symbol; measured symbols' MCV there {c.McvCap:0.0000}\n");
        sb.Append(c.ConfigText(date));
        return sb.ToString();
    }

    private static string Ascii(Measured m) => string.Create(CultureInfo.InvariantCulture, $"{m.Value:0.####} +- {m.Error:0.####}");

    private static string Summary(CalibrationResult c, Run run) => string.Create(CultureInfo.InvariantCulture,
        $"calibrated {run.Serial}{(run.Source == "simulated" ? " (a simulated board)" : "")}: K = {c.GainK} codes/e- ({100 * c.GainK.Error / c.GainK.Value:0.0} %), "
        + $"sigma_r = {c.SigmaR}{(c.SigmaResolved ? "" : " (bounded)")}, mu_dark = {c.MuDark} e-; LED window {c.LedMin}..{c.LedMax} (target {c.LedTarget}), "
        + $"T- {c.Design.Config.TMinus}, T+ {c.Design.Config.TPlus}, N {c.Design.Config.NMinus}; claim {c.ClaimMilliBits} millibits per symbol");

    private static byte[] Json(CalibrationResult c, Run run, int date)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("serial", run.Serial);
            w.WriteString("source", run.Source);
            w.WriteNumber("date", date);
            w.WriteNumber("pixels", run.Pixels);
            w.WriteNumber("quantum", run.Quantum);
            w.WriteStartObject("measured");
            void M(string name, Measured m)
            {
                w.WriteStartObject(name);
                w.WriteNumber("value", m.Value);
                w.WriteNumber("stderr", m.Error);
                w.WriteEndObject();
            }

            M("gain_k", c.GainK);
            M("mu_r", c.MuR);
            M("sigma_r", c.SigmaR);
            M("mu_dark", c.MuDark);
            w.WriteBoolean("sigma_r_resolved", c.SigmaResolved);
            w.WriteNumber("saturation_mean", c.Ptc.SaturationMean);
            w.WriteNumber("linearity_error_percent", c.Ptc.LinearityError);
            w.WriteNumber("dsnu_codes", c.Ptc.DsnuCodes);
            w.WriteNumber("prnu_percent", c.Ptc.PrnuPercent);
            w.WriteNumber("min_hmin_in_window", c.ModelMinimum);
            w.WriteNumber("mcv_in_window", c.McvCap);
            w.WriteEndObject();
            w.WriteStartObject("config");
            foreach (var (key, value) in c.Keys(date)) w.WriteNumber(key, value);
            w.WriteEndObject();
            w.WriteStartArray("steps");
            foreach (var st in run.Steps)
            {
                w.WriteStartObject();
                w.WriteNumber("duty", st.Duty);
                w.WriteNumber("mean", st.Mean);
                w.WriteNumber("temporal_variance", st.TemporalVariance);
                w.WriteNumber("spatial_variance", st.SpatialVariance);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return ms.ToArray();
    }

    private const int PlotWidth = 1000, PlotHeight = 600;

    /// <summary>The three plots as PNG files and one HTML page that holds them (base64) with the numbers.</summary>
    private static void Report(string dir, CalibrationResult c, Run run, int date)
    {
        try { Directory.CreateDirectory(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ModelException($"--report {dir}: {e.Message}"); }
        var plots = new (string Name, string Title, byte[] Png)[]
        {
            ("ptc.png", "Photon transfer: temporal variance against mean", PtcPlot(c)),
            ("dark.png", "Dark histogram and the fit of paper Eq. 4", DarkPlot(c)),
            ("hmin.png", "H_min(Z23|E) against the frame mean, the LED window and the claim", HminPlot(c)),
        };
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>qrng calibration ").Append(Esc(run.Serial)).Append("</title>")
            .Append("<style>body{font-family:sans-serif;max-width:1040px;margin:2em auto}td,th{padding:2px 10px;text-align:left}img{max-width:100%}pre{white-space:pre-wrap}</style></head><body>\n")
            .Append("<h1>Calibration of ").Append(Esc(run.Serial)).Append("</h1>\n");
        if (run.Source == "simulated") html.Append("<p><strong>A simulated board (virtual board): not a quantum source.</strong></p>\n");
        html.Append(CultureInfo.InvariantCulture, $"<p>{date}, {run.Pixels} pixels, {run.Steps.Count} light levels of {run.Steps[0].Frames} frames, codes in steps of {run.Quantum}.</p>\n<table>\n");
        void Row(string k, string v) => html.Append("<tr><th>").Append(Esc(k)).Append("</th><td>").Append(Esc(v)).Append("</td></tr>\n");
        Row("conversion gain K", $"{c.GainK} codes per electron");
        Row("read-noise offset μr", $"{c.MuR} codes");
        Row("read noise σr", $"{c.SigmaR} codes{(c.SigmaResolved ? "" : " (not resolved by the histogram's buckets: bounded)")}");
        Row("dark electrons μdark", $"{c.MuDark} e-");
        Row("saturation (mean)", $"{c.Ptc.SaturationMean:0}");
        Row("linearity error", $"{c.Ptc.LinearityError:0.00} %");
        Row("DSNU / PRNU", $"{c.Ptc.DsnuCodes:0.00} codes / {c.Ptc.PrnuPercent:0.00} %");
        Row("LED window (frame mean)", $"{c.LedMin} .. {c.LedMax}, target {c.LedTarget}");
        Row("frame test", c.Design.Config.ToString());
        Row("claim", $"{c.ClaimMilliBits} millibits per symbol (lowest pessimistic H_min in the window {c.ModelMinimum:0.0000}; the measured symbols' MCV estimate there {c.McvCap:0.0000})");
        html.Append("</table>\n<h2>Record</h2>\n<pre>").Append(Esc(RecordText(c, run, date))).Append("</pre>\n");
        foreach (var (name, title, png) in plots)
        {
            File.WriteAllBytes(Path.Combine(dir, name), png);
            html.Append("<h2>").Append(Esc(title)).Append("</h2>\n<img alt=\"").Append(Esc(title)).Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png)).Append("\">\n");
        }

        html.Append("</body></html>\n");
        File.WriteAllText(Path.Combine(dir, "report.html"), html.ToString());
    }

    private static string Esc(string s) => System.Net.WebUtility.HtmlEncode(s ?? "");

    private static byte[] PtcPlot(CalibrationResult c)
    {
        var plt = new Plot();
        var all = c.Ptc.Steps;
        var used = all.Where((_, i) => c.Ptc.Linear[i]).ToArray();
        var other = all.Where((_, i) => !c.Ptc.Linear[i]).ToArray();
        var a = plt.Add.ScatterPoints(used.Select(s => s.Mean).ToArray(), used.Select(s => s.TemporalVariance).ToArray());
        a.LegendText = "in the fit (linear range)";
        if (other.Length > 0)
        {
            var b = plt.Add.ScatterPoints(other.Select(s => s.Mean).ToArray(), other.Select(s => s.TemporalVariance).ToArray());
            b.LegendText = "outside (clipped, above 70 % of saturation)";
        }

        double x1 = all.Max(s => s.Mean);
        var line = plt.Add.Line(0, c.Ptc.Intercept, x1, c.Ptc.Intercept + (c.GainK.Value * x1));
        line.LegendText = string.Create(CultureInfo.InvariantCulture, $"fit: K = {c.GainK} codes/e-");
        plt.Title("Photon transfer (EMVA 1288): σ²_y against μ_y");
        plt.XLabel("mean μ_y (code)");
        plt.YLabel("temporal variance σ²_y (code²)");
        plt.ShowLegend(Alignment.UpperLeft);
        return plt.GetImageBytes(PlotWidth, PlotHeight, ImageFormat.Png);
    }

    private static byte[] DarkPlot(CalibrationResult c)
    {
        Histogram h = c.Ptc.Dark.CodeHistogram();
        int lo = Math.Max(0, c.Ptc.Dark.Min - (2 * c.Quantum)), hi = Math.Min(1023, c.Ptc.Dark.Max + (2 * c.Quantum));
        int[] starts = Enumerable.Range(lo, hi - lo + 1).Where(z => z % c.Quantum == 0).ToArray();
        var plt = new Plot();
        var bars = plt.Add.Bars(starts.Select(z => z + ((c.Quantum - 1) / 2.0)).ToArray(), starts.Select(z => (double)h.Counts[z] / h.Total).ToArray());
        bars.LegendText = $"dark frames ({h.Total:N0} samples)";
        foreach (var b in bars.Bars) b.Size = 0.8 * c.Quantum;
        var fit = plt.Add.Scatter(starts.Select(z => z + ((c.Quantum - 1) / 2.0)).ToArray(), starts.Select(z => c.DarkFit.Expected[z] / h.Total).ToArray());
        fit.LegendText = "fit, paper Eq. 4";
        plt.Title(string.Create(CultureInfo.InvariantCulture, $"Dark histogram: μr = {c.MuR.Value:0.00}, σr = {c.SigmaR.Value:0.00}, μdark = {c.MuDark.Value:0.0} e-"));
        plt.XLabel($"code with the LED off ({c.Quantum}-code steps)");
        plt.YLabel("fraction of samples");
        plt.ShowLegend(Alignment.UpperRight);
        return plt.GetImageBytes(PlotWidth, PlotHeight, ImageFormat.Png);
    }

    private static byte[] HminPlot(CalibrationResult c)
    {
        var plt = new Plot();
        var span = plt.Add.HorizontalSpan(c.LedMin, c.LedMax);
        span.LegendText = "LED window";
        var nom = plt.Add.ScatterLine(c.CurveMean, c.CurveHmin);
        nom.LegendText = "H_min, measured values";
        int[] known = Enumerable.Range(0, c.CurveMean.Length).Where(i => !double.IsNaN(c.CurveHminPessimistic[i])).ToArray();
        var pess = plt.Add.ScatterLine(known.Select(i => c.CurveMean[i]).ToArray(), known.Select(i => c.CurveHminPessimistic[i]).ToArray());
        pess.LegendText = "H_min, pessimistic corner (2σ, PRNU ±2σ), linear range";
        var claim = plt.Add.HorizontalLine(c.ClaimMilliBits / 1000.0);
        claim.LinePattern = LinePattern.Dashed;
        claim.LegendText = $"claim {c.ClaimMilliBits} millibits";
        plt.Title("Quantum min-entropy of bits 2-3 per symbol against the frame mean");
        plt.XLabel("frame mean μ_y (code)");
        plt.YLabel("H_min(Z23|E) (bits per symbol)");
        plt.Axes.SetLimitsY(1.5, 2.01);
        plt.ShowLegend(Alignment.LowerCenter);
        return plt.GetImageBytes(PlotWidth, PlotHeight, ImageFormat.Png);
    }
}
