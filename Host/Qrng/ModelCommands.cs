using System.CommandLine;
using System.Globalization;
using System.Text;
using Qrng.Firmware;
using Qrng.Model;

namespace Qrng.Cli;

/// <summary>`qrng model ...`: the paper's entropy model (Eq. 1–9), the threshold designer and the noise fit.</summary>
public static class ModelCommands
{
    private static readonly Option<double> KOpt = new("--k") { Description = "gain K, ADC units per electron (paper: 0.8192)", DefaultValueFactory = _ => SensorParams.PaperK };
    private static readonly Option<string> NoiseOpt = new("--noise") { Description = "classical noise: none | pixel1..pixel4 (paper Table I) | MU_R,SIGMA_R,MU_DARK", DefaultValueFactory = _ => "pixel1" };
    private static readonly Option<string> CsvOpt = new("--csv") { Description = "write the numbers as CSV to FILE ('-' = stdout)" };
    private static readonly Option<string> PlotOpt = new("--plot") { Description = "write a PNG plot to FILE" };

    private static SensorParams Sensor(ParseResult p)
    {
        var s = new SensorParams(p.GetValue(KOpt));
        s.Validate();
        return s;
    }

    private static NoiseParams Noise(ParseResult p) => NoiseParams.Parse(p.GetValue(NoiseOpt));

    private static Command Opts(Command c, params Option[] options)
    {
        foreach (var o in options) c.Options.Add(o);
        return c;
    }

    public static Command Build()
    {
        var model = new Command("model", "the paper's physical entropy model: min-entropy, curves, T±/N± thresholds, noise fit");
        model.Subcommands.Add(Hmin());
        model.Subcommands.Add(Curve());
        model.Subcommands.Add(ZDist());
        model.Subcommands.Add(Failure());
        model.Subcommands.Add(Thresholds());
        model.Subcommands.Add(FitNoise());
        model.Subcommands.Add(SimulateDark());
        return model;
    }

    private static Option<double> MuOpt() => new("--mu-e") { Description = "mean photoelectron number per pixel", Required = true };

    private static Command Hmin()
    {
        var mu = MuOpt();
        var c = Opts(new Command("hmin", "quantum min-entropy of bits 2-3 at one light level (paper Eq. 5-6)"), mu, KOpt, NoiseOpt, CsvOpt);
        c.SetAction(p => Output.Run(() =>
        {
            using var csv = Output.Open(p.GetValue(CsvOpt), "--csv");
            var m = new EntropyModel(Sensor(p), Noise(p));
            var h = m.Hmin(p.GetValue(mu));
            Output.Prose.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"mu_e = {h.MuE}, K = {m.Sensor.K}, noise: {m.Noise}\n" +
                $"H_min(Z23|E) = {h.HminPerBit:0.000000} bit per bit  ({2 * h.HminPerBit:0.000000} per pixel; p_guess = {h.PGuess:0.0000000})\n" +
                $"without side information (E secret): {h.HNoSideInfoPerBit:0.000000} bit per bit\n" +
                $"numerical error bound: H_min is low by at most {h.ErrorBound / (2 * h.PGuess * Math.Log(2)):0.0e+0}"));
            if (csv != null) Output.Csv(csv, EntropyHeader, [EntropyRow(h)]);
            return QrngCli.Ok;
        }));
        return c;
    }

    private const string EntropyHeader = "mu_e,hmin_per_bit,h_no_side_info_per_bit,p_guess";

    private static string EntropyRow(EntropyPoint h) => $"{Output.F(h.MuE)},{Output.F(h.HminPerBit)},{Output.F(h.HNoSideInfoPerBit)},{Output.F(h.PGuess)}";

    private static Option<double> From(double d) => new("--from") { Description = "first mu_e", DefaultValueFactory = _ => d };
    private static Option<double> To(double d) => new("--to") { Description = "last mu_e", DefaultValueFactory = _ => d };
    private static Option<int> Points(int d) => new("--points") { Description = "number of mu_e points", DefaultValueFactory = _ => d };

    private static double[] Grid(double from, double to, int points)
    {
        if (!double.IsFinite(from) || !double.IsFinite(to) || from < 0 || to <= from) throw new ModelException($"need 0 <= --from < --to, got {from} and {to}");
        if (points < 2 || points > 100_000) throw new ModelException($"--points must be in [2, 100000], got {points}");
        return Enumerable.Range(0, points).Select(i => from + (to - from) * i / (points - 1)).ToArray();
    }

    private static Command Curve()
    {
        var from = From(0); var to = To(1300); var points = Points(100);
        var c = Opts(new Command("curve", "H_min(Z23|E) against mu_e (paper Fig. 7)"), from, to, points, KOpt, NoiseOpt, CsvOpt, PlotOpt);
        c.SetAction(p => Output.Run(() =>
        {
            using var csv = Output.Open(p.GetValue(CsvOpt), "--csv");
            using var png = Output.Open(p.GetValue(PlotOpt), "--plot");
            var m = new EntropyModel(Sensor(p), Noise(p));
            var pts = m.Curve(Grid(p.GetValue(from), p.GetValue(to), p.GetValue(points)));
            if (csv != null) Output.Csv(csv, EntropyHeader, pts.Select(EntropyRow));
            var best = pts.MaxBy(h => h.HminPerBit);
            var above = LongestRun(pts, h => h.HminPerBit > 0.98);
            Output.Prose.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{pts.Length} points, mu_e {pts[0].MuE}..{pts[^1].MuE}; max H_min = {best.HminPerBit:0.0000} per bit at mu_e = {best.MuE:0.#}"));
            Output.Prose.WriteLine(above.Length == 0 ? "H_min > 0.98 per bit nowhere on this grid"
                : string.Create(CultureInfo.InvariantCulture, $"H_min > 0.98 per bit at every grid point from mu_e = {above[0].MuE:0.#} to {above[^1].MuE:0.#} (longest such run)"));
            if (png != null) Plots.EntropyCurve(png, pts, m.Noise);
            return QrngCli.Ok;
        }));
        return c;
    }

    /// <summary>The longest run of consecutive points that satisfy <paramref name="ok"/>.</summary>
    internal static T[] LongestRun<T>(T[] xs, Func<T, bool> ok)
    {
        int bestStart = 0, bestLen = 0;
        for (int i = 0; i < xs.Length;)
        {
            if (!ok(xs[i])) { i++; continue; }
            int j = i;
            while (j < xs.Length && ok(xs[j])) j++;
            if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        return xs[bestStart..(bestStart + bestLen)];
    }

    private static Command ZDist()
    {
        var mu = MuOpt();
        var bits = new Option<string>("--plot-bits") { Description = "write the bits 2-3 distribution (paper Fig. 2b) as PNG to FILE" };
        var c = Opts(new Command("zdist", "distribution of the ADC output Z and of bits 2-3 (paper Fig. 2)"), mu, KOpt, NoiseOpt, CsvOpt, PlotOpt, bits);
        c.SetAction(p => Output.Run(() =>
        {
            using var csv = Output.Open(p.GetValue(CsvOpt), "--csv");
            using var png = Output.Open(p.GetValue(PlotOpt), "--plot");
            using var png2 = Output.Open(p.GetValue(bits), "--plot-bits");
            var m = new EntropyModel(Sensor(p), Noise(p));
            double muE = p.GetValue(mu);
            var pz = m.ZDistribution(muE);
            var sym = EntropyModel.SymbolDistribution(pz);
            var h = m.Hmin(muE);
            if (csv != null) Output.Csv(csv, "z,probability", Enumerable.Range(0, pz.Length).Where(z => pz[z] > 0).Select(z => $"{z},{Output.F(pz[z])}"));
            double mean = pz.Select((q, z) => q * z).Sum();
            double sd = Math.Sqrt(pz.Select((q, z) => q * (z - mean) * (z - mean)).Sum());
            Output.Prose.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mu_e = {muE}: mean Z = {mean:0.00}, sd = {sd:0.00}, P(Z=0) = {pz[0]:0.0e+0}, P(Z={pz.Length - 1}) = {pz[^1]:0.0e+0}"));
            Output.Prose.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bits 2-3: P(00) = {sym[0]:0.00000}, P(01) = {sym[1]:0.00000}, P(10) = {sym[2]:0.00000}, P(11) = {sym[3]:0.00000}"));
            Output.Prose.WriteLine(string.Create(CultureInfo.InvariantCulture, $"H_min(Z23|E) = {h.HminPerBit:0.0000} per bit"));
            if (png != null) Plots.ZHistogram(png, pz, muE, m.Sensor, m.Noise);
            if (png2 != null) Plots.SymbolBars(png2, sym, h);
            return QrngCli.Ok;
        }));
        return c;
    }

    // --- the frame test (paper Sec. IV) -------------------------------------------------------------------------

    private static readonly Option<int> PixelsOpt = new("--pixels") { Description = "pixels per frame, uniformly lit", DefaultValueFactory = _ => 64 };
    private static readonly Option<string> EffOpt = new("--efficiencies") { Description = "file with one relative pixel efficiency per line (measured light distribution); overrides --pixels" };

    private static LightDistribution Light(ParseResult p)
    {
        if (p.GetValue(EffOpt) is string f) return LightDistribution.Load(f);
        int pixels = p.GetValue(PixelsOpt);
        if (pixels < 1 || pixels > Qrng.Drivers.ArduCamOv2640.MaxPixels)
            throw new ModelException($"--pixels: 1 to {Qrng.Drivers.ArduCamOv2640.MaxPixels:N0} (the firmware's largest frame), got {pixels:N0}");
        return LightDistribution.Uniform(pixels);
    }

    private static Option<int> IntOpt(string name, string desc, int d) => new(name) { Description = desc, DefaultValueFactory = _ => d };

    private static Command Failure()
    {
        var from = From(0); var to = To(1300); var points = Points(131);
        var tm = IntOpt("--t-minus", "T-: pixels with Z < T- count as low", 64);
        var tp = IntOpt("--t-plus", "T+: pixels with Z > T+ count as high", 940);
        var nm = IntOpt("--n-minus", "N-: a frame fails when more than N- pixels are low", 1);
        var np = IntOpt("--n-plus", "N+: a frame fails when more than N+ pixels are high", 1);
        var c = Opts(new Command("failure", "probability that a frame fails the T±/N± test, and the mean entropy, against mu_e (paper Fig. 8)"),
            from, to, points, PixelsOpt, EffOpt, tm, tp, nm, np, KOpt, NoiseOpt, CsvOpt, PlotOpt);
        c.SetAction(p => Output.Run(() =>
        {
            using var csv = Output.Open(p.GetValue(CsvOpt), "--csv");
            using var png = Output.Open(p.GetValue(PlotOpt), "--plot");
            var light = Light(p);
            var cfg = new FrameTestConfig(p.GetValue(tm), p.GetValue(tp), p.GetValue(nm), p.GetValue(np));
            var m = new EntropyModel(Sensor(p), Noise(p));
            cfg.Validate(m.Sensor.AdcMax, light.Pixels);
            var mu = Grid(p.GetValue(from), p.GetValue(to), p.GetValue(points));
            var states = new ArrayModel(m, light).At(mu);
            var pf = states.Select(s => 1 - s.Pass(cfg)).ToArray();
            var hb = states.Select(s => s.MeanHminPerBit).ToArray();
            if (csv != null) Output.Csv(csv, "mu_e,p_fail,mean_hmin_per_bit", mu.Select((x, i) => $"{Output.F(x)},{Output.F(pf[i])},{Output.F(hb[i])}"));
            Output.Prose.WriteLine($"{light.Description}; {cfg}");
            var ok = LongestRun(Enumerable.Range(0, mu.Length).ToArray(), i => pf[i] <= 1e-6);
            Output.Prose.WriteLine(ok.Length == 0 ? "P(fail) > 1e-6 everywhere on this grid"
                : string.Create(CultureInfo.InvariantCulture, $"P(fail) <= 1e-6 at every grid point from mu_e = {mu[ok[0]]:0.#} to {mu[ok[^1]]:0.#}; lowest mean H_min there: {ok.Min(i => hb[i]):0.0000} per bit"));
            if (png != null) Plots.FailureCurve(png, mu, pf, hb, cfg, light.Description);
            return QrngCli.Ok;
        }));
        return c;
    }

    private static Command Thresholds()
    {
        var eps = new Option<double>("--epsilon") { Description = "max probability that a frame passes while mean H_min <= H_l (paper Eq. 9)", DefaultValueFactory = _ => 1e-9 };
        var hl = new Option<double>("--h-low") { Description = "H_min^l, lower bound on the mean min-entropy per bit (paper Eq. 8)", DefaultValueFactory = _ => 0.98 };
        var delta = new Option<double>("--delta") { Description = "max false-alarm probability per frame inside the operating window", DefaultValueFactory = _ => 1e-6 };
        var n = new Option<int>("--n") { Description = "N- = N+ to design for (default: 1 per 64 pixels, at least 1)" };
        var nMax = new Option<int>("--n-max") { Description = "search N± = 0..N for the widest window instead of fixing it", DefaultValueFactory = _ => -1 };
        var step = new Option<double>("--mu-step") { Description = "light-level scan step (electrons)", DefaultValueFactory = _ => 5 };
        var check = new Option<string>("--check") { Description = "evaluate T-,T+,N-,N+ (e.g. 64,940,1,1) instead of designing" };
        var c = Opts(new Command("thresholds", "choose T±/N± for the frame test (paper Eq. 8-9) and print them in the firmware's configuration format"),
            PixelsOpt, EffOpt, eps, hl, delta, n, nMax, step, check, KOpt, NoiseOpt, PlotOpt);
        c.SetAction(p => Output.Run(() =>
        {
            using var png = Output.Open(p.GetValue(PlotOpt), "--plot");
            var light = Light(p);
            var size = SensorSize(light.Pixels);
            var m = new EntropyModel(Sensor(p), Noise(p));
            int nFixed = p.GetResult(n) is null ? Math.Max(1, (int)Math.Round(light.Pixels / 64.0)) : p.GetValue(n);
            if (nFixed >= light.Pixels) throw new ModelException($"--n {nFixed}: N± must be below the pixel count ({light.Pixels}), as the firmware requires");
            var goal = new DesignGoal(p.GetValue(eps), p.GetValue(hl), p.GetValue(delta), nFixed, p.GetValue(nMax), p.GetValue(step));
            goal.Validate();
            var designer = new ThresholdDesigner(new ArrayModel(m, light), goal);
            DesignReport r;
            if (p.GetValue(check) is string spec)
            {
                var f = spec.Split(',');
                if (f.Length != 4 || !f.All(x => int.TryParse(x, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
                    throw new ModelException($"--check expects four integers T-,T+,N-,N+, got '{spec}'");
                var v = f.Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
                r = designer.Evaluate(new FrameTestConfig(v[0], v[1], v[2], v[3]));
            }
            else r = designer.Design();
            string firmware = FirmwareLines(r.Config, size, light.Pixels);
            Output.Prose.Write(Report(r, goal, light, m) + firmware);
            if (png != null)
            {
                var scan = designer.Scan();
                Plots.FailureCurve(png, scan.Select(s => s.Mu).ToArray(), scan.Select(s => 1 - s.Pass(r.Config)).ToArray(),
                    scan.Select(s => s.MeanHminPerBit).ToArray(), r.Config, light.Description);
            }
            return r.EpsilonAchieved <= goal.Epsilon ? QrngCli.Ok : QrngCli.Missed;
        }));
        return c;
    }

    // Program sets the invariant culture for the whole tool, so plain interpolation prints '.' decimals.
    internal static string Report(DesignReport r, DesignGoal g, LightDistribution light, EntropyModel m) => (
        $"# qrng model thresholds: {light.Description}{(light.Binned ? $" (binned into {light.Groups.Count} efficiency groups)" : "")}\n" +
        $"# K = {m.Sensor.K}, noise {m.Noise}\n" +
        $"# goal: P(pass | mean H_min <= {g.HLow}) <= {g.Epsilon:0.0e+0}, P(fail) <= {g.Delta:0.0e+0} in the window\n" +
        $"# unsafe below mu = {r.BadBelow:0.0} and above mu = {r.BadAbove:0.0} (mean H_min <= {g.HLow} per bit; best {r.PeakHmin:0.0000} at mu = {r.PeakMu:0})\n" +
        $"# achieved: P(pass at an unsafe light level) <= {r.EpsilonAchieved:0.0e+0}{(r.EpsilonAchieved <= g.Epsilon ? "" : "  ** EXCEEDS epsilon **")}\n" +
        (double.IsNaN(r.WindowLow)
            ? "# operating window: none (the test fails more often than delta everywhere)\n"
            : $"# operating window (P(fail) <= {g.Delta:0.0e+0}): mu in [{r.WindowLow:0.0}, {r.WindowHigh:0.0}], min mean H_min there {r.MinHminInWindow:0.0000} per bit\n"));

    /// <summary>
    /// The sensor window the firmware would read for <paramref name="pixels"/> pixels: the squarest width x height
    /// (width >= height) the OV2640 delivers (ArduCamOv2640.SizeProblem: multiples of 4 from 40x32), or null when no
    /// real window has that many pixels (the paper's 64-pixel array, for one).
    /// </summary>
    internal static (int Width, int Height)? SensorSize(int pixels)
    {
        for (int h = (int)Math.Sqrt(pixels) / 4 * 4; h >= 4; h -= 4)
            if (pixels % h == 0 && Qrng.Drivers.ArduCamOv2640.SizeProblem(pixels / h, h, false) == null) return (pixels / h, h);
        return null;
    }

    /// <summary>
    /// The configuration lines, after the firmware's own parser and FirmwareConfig.Validate() have accepted them; for a
    /// pixel count no real window has, the thresholds as comments (a design for another array must not be applied to
    /// the firmware's frame by accident) and why.
    /// </summary>
    internal static string FirmwareLines(FrameTestConfig c, (int Width, int Height)? size, int pixels)
    {
        if (size is not { } s)
        {
            return $"# {pixels} pixels is no frame the OV2640 reads (sensor.width x sensor.height: multiples of 4 from 40x32, docs/hardware.md §4):\n"
                + "# these thresholds are for the model's array only, not firmware configuration (for the firmware's 40x32 frame: --pixels 1280)\n"
                + string.Concat(c.ToFirmwareConfig().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "# " + l + "\n"));
        }

        string text = c.ToFirmwareConfig() + $"sensor.width = {s.Width}\nsensor.height = {s.Height}\n";
        // the heap is the board's (device.heap_bytes), not this command's: checked with room, and said when an ESP32
        // without PSRAM would refuse the frame
        try { new FirmwareConfig().Apply("device.heap_bytes = 1073741824\n" + text); }
        catch (ConfigException e) { throw new ModelException($"the firmware would refuse this configuration: {e.Message}"); }
        try { new FirmwareConfig().Apply(text); }
        catch (ConfigException e) { return text + $"# note: {e.Message}: set device.heap_bytes for a board with PSRAM\n"; }
        return text;
    }

    // --- dark noise (paper Sec. III B) ---------------------------------------------------------------------------

    private static Command FitNoise()
    {
        var file = new Argument<string>("FILE") { Description = "dark-frame histogram: CSV lines 'adc,count' (LED off)" };
        var offset = new Option<double>("--adc-offset") { Description = "ADC offset added while the histogram was taken; subtracted from the fitted mu_r", DefaultValueFactory = _ => 0 };
        var bin = new Option<int>("--bin") { Description = "codes per recorded value: 4 for the ArduCAM module (its FIFO carries ADC bits 9..2)", DefaultValueFactory = _ => 1 };
        var sigma = new Option<double?>("--sigma-r") { Description = "hold sigma_r fixed (default with --bin > 1: 0.21, paper Table I; 4-code buckets cannot resolve it)" };
        var c = new Command("fit-noise", "fit paper Eq. 4 (mu_r, sigma_r, mu_dark) to a dark histogram (paper Fig. 5)");
        c.Arguments.Add(file);
        Opts(c, offset, bin, sigma, KOpt, CsvOpt, PlotOpt);
        c.SetAction(p => Output.Run(() =>
        {
            using var csv = Output.Open(p.GetValue(CsvOpt), "--csv");
            using var png = Output.Open(p.GetValue(PlotOpt), "--plot");
            var s = Sensor(p);
            double off = AdcOffset(p.GetValue(offset));
            var h = Histogram.Load(p.GetValue(file), s.AdcMax);
            int width = p.GetValue(bin);
            double? fixedSigma = p.GetValue(sigma) ?? (width > 1 ? 0.21 : null);
            var r = NoiseFit.Fit(h, s, width, fixedSigma);
            if (fixedSigma.HasValue) Output.Prose.WriteLine($"sigma_r held at {fixedSigma.Value}{(p.GetValue(sigma).HasValue ? "" : " (paper Table I; set --sigma-r)")}; {width}-code buckets");
            var f = r.Fit; var e = r.StdErr;
            Output.Prose.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{h.Total:N0} samples, K = {s.K}\n" +
                $"mu_r    = {f.MuR - off,9:0.0000} ± {e.MuR:0.0000}  (ADC units{(off != 0 ? $", offset {off} removed" : "")})\n" +
                $"sigma_r = {f.SigmaR,9:0.0000} ± {e.SigmaR:0.0000}  (ADC units{(fixedSigma.HasValue ? ", fixed" : "")})\n" +
                $"mu_dark = {f.MuDark,9:0.0000} ± {e.MuDark:0.0000}  (electrons)\n" +
                $"fit quality: chi2 = {r.ChiSquare:0.0} on {r.Dof} dof, p = {r.PValue:0.000}{(r.PValue < 0.001 ? "  ** the model does not describe this histogram **" : "")}\n" +
                $"use: --noise {f.MuR - off:0.####},{f.SigmaR:0.####},{f.MuDark:0.####}"));
            if (double.IsNaN(e.MuR)) Output.Prose.WriteLine("warning: the likelihood is not curved at the optimum; the standard errors are undefined");
            if (csv != null)
            {
                Output.Csv(csv, "adc,count,expected", Enumerable.Range(0, h.Counts.Length).Where(z => h.Counts[z] > 0 || r.Expected[z] >= 0.5)
                    .Select(z => $"{z},{h.Counts[z]},{Output.F(r.Expected[z])}"));
            }
            if (png != null) Plots.NoiseFitPlot(png, h, r, off, width);
            return QrngCli.Ok;
        }));
        return c;
    }

    /// <summary>An ADC offset in codes: finite, within ±1023.</summary>
    private static double AdcOffset(double off) =>
        double.IsFinite(off) && Math.Abs(off) <= 1023 ? off : throw new ModelException($"--adc-offset must be a finite number of ADC codes in [-1023, 1023], got {off}");

    private static Command SimulateDark()
    {
        var outOpt = new Option<string>("--out") { Description = "histogram file to write ('-' = stdout)", Required = true };
        var samples = new Option<long>("--samples") { Description = "number of pixel readings (e.g. 64 pixels x 2000 frames)", DefaultValueFactory = _ => 128_000 };
        var seed = new Option<int>("--seed") { Description = "random seed (same seed, same histogram)", DefaultValueFactory = _ => 1 };
        var offset = new Option<double>("--adc-offset") { Description = "ADC offset added to mu_r so the distribution clears 0 (the paper used 8)", DefaultValueFactory = _ => 8 };
        var quantize = new Option<int>("--quantize") { Description = "record Z rounded down to a multiple of N: 4 = what the ArduCAM FIFO delivers (ADC bits 9..2)", DefaultValueFactory = _ => 1 };
        var c = Opts(new Command("simulate-dark", "write a dark-frame histogram (LED off) drawn from the physical model"), outOpt, samples, seed, offset, quantize, KOpt, NoiseOpt);
        c.SetAction(p => Output.Run(() =>
        {
            using var file = OutputFile.Open(p.GetValue(outOpt), "--out");
            var s = Sensor(p);
            var noise = Noise(p);
            double off = AdcOffset(p.GetValue(offset));
            var shifted = noise with { MuR = noise.MuR + off };
            shifted.Validate();
            var h = new PixelSampler(s, shifted, p.GetValue(seed)).Histogram(0, p.GetValue(samples), p.GetValue(quantize));
            file.Write(Encoding.UTF8.GetBytes(h.Format(string.Create(CultureInfo.InvariantCulture,
                $"qrng dark-frame histogram (LED off): ADC code, count\nsimulated: K={s.K}, {noise}, adc offset {off}, samples {h.Total}, seed {p.GetValue(seed)}"))));
            file.Commit();
            int q = p.GetValue(quantize);
            if (!file.IsStdout)
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {h.Total:N0} samples to {file.Path} (fit with: qrng model fit-noise {file.Path} --adc-offset {off}{(q > 1 ? $" --bin {q}" : "")})"));
            return QrngCli.Ok;
        }));
        return c;
    }
}
