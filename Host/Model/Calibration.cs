using System.Globalization;

namespace Qrng.Model;

/// <summary>A measured value and its standard error.</summary>
public readonly record struct Measured(double Value, double Error)
{
    public double Low(double z = 2) => Value - (z * Error);
    public double High(double z = 2) => Value + (z * Error);
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Value:0.####} ± {Error:0.####}");
}

/// <summary>What `qrng calibrate` derived from a CHARACTERIZE run (docs/calibration.md).</summary>
public sealed record CalibrationResult(
    PtcResult Ptc, int Quantum, int Pixels, Measured GainK, Measured MuR, Measured SigmaR, bool SigmaResolved, Measured MuDark, NoiseFitResult DarkFit,
    double FirmwareMuR, double[] CurveMean, double[] CurveHmin, double[] CurveHminPessimistic,
    int LedMin, int LedTarget, int LedMax, DesignReport Design, int ClaimMilliBits, double ModelMinimum, double McvCap)
{
    /// <summary>The firmware keys this calibration sets, as CONFIG GET names them (the record's body).</summary>
    public IReadOnlyList<(string Key, int Value)> Keys(int date) =>
    [
        ("calibration.date", date),
        ("health.claimed_millibits_per_symbol", ClaimMilliBits),
        ("health.t_minus", Design.Config.TMinus),
        ("health.t_plus", Design.Config.TPlus),
        ("health.n_minus", Design.Config.NMinus),
        ("health.n_plus", Design.Config.NPlus),
        ("led.min_mean", LedMin),
        ("led.target_mean", LedTarget),
        ("led.max_mean", LedMax),
        ("noise.k_milli", (int)Math.Round(GainK.Value * 1000)),
        ("noise.mu_r_milli", (int)Math.Round(FirmwareMuR * 1000)),
        ("noise.sigma_r_milli", (int)Math.Round(SigmaR.Value * 1000)),
    ];

    public string ConfigText(int date) => string.Concat(Keys(date).Select(k => $"{k.Key} = {k.Value}\n"));
}

/// <summary>
/// From a photon-transfer analysis to a claim (docs/calibration.md): the dark histogram fitted with paper Eq. 4 at the
/// measured K (σr, μr, μdark with their errors), the paper's model (Eq. 1-6) evaluated over the frame means at every
/// corner of the parameters' 2σ region (K scanned across its interval) and the PRNU's ±2σ pixels, the LED window where the pessimistic curve stays
/// within 10 millibits of its best, T±/N± by the designer (Eq. 8-9) at H_l = the claim, and the claim: the lowest
/// pessimistic H_min over the window, rounded down to whole millibits per symbol, and no more than the measured
/// symbols' own most-common-value estimate at the window's levels (what the model leaves out, such as DNL).
/// </summary>
public static class Calibration
{
    /// <summary>Frame-mean grid of the curve, codes; the claim is evaluated every <see cref="FineStep"/> codes of the window and at its ends.</summary>
    public const int MeanStep = 16, FineStep = 8;

    /// <summary>How far below the pessimistic curve's best the window may go, millibits per symbol.</summary>
    public const int PlateauMilliBits = 10;

    /// <summary>The largest relative standard error of K a calibration accepts.</summary>
    public const double MaxGainError = 0.03;

    /// <summary>The narrowest LED window the loop can hold, codes.</summary>
    public const int MinWindow = 64;

    public static CalibrationResult Derive(PtcResult ptc, int quantum, int pixels, DesignGoal goal = null)
    {
        var k = new Measured(ptc.GainK, ptc.GainKError);
        if (!(k.Value > 0.01) || !(k.Value < 100)) throw new ModelException($"the photon-transfer slope K = {k.Value:0.####} codes per electron is not a sensor's gain: check the light (steady, reaching the sensor) and the steps");
        if (!(k.Error <= MaxGainError * k.Value))
            throw new ModelException($"K = {k.Value:0.####} codes per electron is known only to {100 * k.Error / k.Value:0.#} % (at most {100 * MaxGainError:0} %): too few light levels in the linear range; a brighter LED, or more --steps and --frames");
        double bias = Bias(quantum);
        var (muR, sigma, resolved, muDark, fit) = DarkFit(ptc.Dark, k.Value, quantum, ptc.DsnuCodes);

        // the shot-noise check's offset: the photon-transfer line, in the firmware's terms (var = K (mean - mu_r) + sigma_r^2 + q^2/12)
        double fwMuR = ((sigma.Value * sigma.Value) + (quantum * quantum / 12.0) - ptc.Intercept) / k.Value;

        double prnu = ptc.PrnuPercent / 100;
        var corners = Corners(k, muR, sigma, muDark, prnu);
        var nominal = new EntropyModel(new SensorParams(k.Value), new NoiseParams(muR.Value, sigma.Value, muDark.Value));
        // one model per parameter set (a corner's PRNU only scales mu_e); each tabulates its noise law: built in parallel
        var sets = corners.Select(c => (c.K, c.MuR, c.Sigma, c.MuDark)).Distinct().ToArray();
        var built = new EntropyModel[sets.Length];
        Parallel.For(0, sets.Length, i => built[i] = new EntropyModel(new SensorParams(sets[i].K), new NoiseParams(sets[i].MuR, sets[i].Sigma, sets[i].MuDark)));
        var models = corners.Select(c => (c, built[Array.IndexOf(sets, (c.K, c.MuR, c.Sigma, c.MuDark))])).ToArray();
        double top = Math.Min(1015, ptc.SaturationMean);
        var means = new List<double>();
        for (double m = MeanStep; m <= top; m += MeanStep) means.Add(m);
        double[] mean = means.ToArray();
        // a window only where the photon transfer was measured and linear: the light the LED reached, K verified there
        var fitted = ptc.Steps.Where((_, i) => ptc.Linear[i]).ToArray();
        double linearTop = Math.Min(ptc.Dark.Mean + (0.7 * (ptc.SaturationMean - ptc.Dark.Mean)), fitted.Max(st => st.Mean));
        double Pessimistic(double m)
        {
            double worst = double.MaxValue;
            foreach (var (c, model) in models)
            {
                double e = MuE(m, c.K, c.MuR, c.MuDark, bias) * c.Eta;
                worst = Math.Min(worst, e > 0 ? 2 * model.Hmin(e).HminPerBit : 0);
            }

            return worst;
        }

        var hNominal = new double[mean.Length];
        var hPess = new double[mean.Length];
        Parallel.For(0, mean.Length, i =>
        {
            double mue = MuE(mean[i], k.Value, muR.Value, muDark.Value, bias);
            hNominal[i] = mue > 0 ? 2 * nominal.Hmin(mue).HminPerBit : 0;
            hPess[i] = mean[i] <= linearTop ? Pessimistic(mean[i]) : double.NaN;   // beyond the linear range: no window there
        });

        // the window: the longest run of grid means in the linear range where the pessimistic curve is within the plateau
        double best = 0;
        for (int i = 0; i < mean.Length; i++) if (mean[i] <= linearTop) best = Math.Max(best, hPess[i]);
        double floor = best - (PlateauMilliBits / 1000.0);
        int runStart = -1, bestStart = -1, bestEnd = -1;
        for (int i = 0; i <= mean.Length; i++)
        {
            bool ok = i < mean.Length && mean[i] <= linearTop && hPess[i] >= floor;
            if (ok && runStart < 0) runStart = i;
            if (!ok && runStart >= 0)
            {
                if (bestStart < 0 || i - runStart > bestEnd - bestStart + 1) (bestStart, bestEnd) = (runStart, i - 1);
                runStart = -1;
            }
        }

        if (bestStart < 0 || mean[bestEnd] - mean[bestStart] < MinWindow)
            throw new ModelException($"no LED window of {MinWindow} codes where this sensor's H_min stays within {PlateauMilliBits} millibits of its best ({best:0.000} bits per symbol) below 70 % of saturation (mean {linearTop:0}): too little light reached the sensor, or it saturates early");

        int claim = (int)Math.Floor(1000 * hPess.Skip(bestStart).Take(bestEnd - bestStart + 1).Min());
        goal ??= new DesignGoal(N: Math.Max(1, pixels / 64));
        goal = goal with { HLow = Math.Min(0.999, (claim - 1) / 2000.0) };
        var light = PrnuLight(pixels, prnu);
        var designer = new ThresholdDesigner(new ArrayModel(nominal, light), goal);
        DesignReport design = designer.Design();
        if (double.IsNaN(design.WindowLow))
            throw new ModelException($"the threshold designer found no operating window at H_l = {goal.HLow:0.0000} per bit (claim {claim} millibits per symbol)");

        // the LED window: the plateau run, inside the designer's operating window (its mu mapped to frame means)
        double lo = Math.Max(mean[bestStart], MeanOf(design.WindowLow, k.Value, muR.Value, muDark.Value, bias));
        double hi = Math.Min(mean[bestEnd], MeanOf(design.WindowHigh, k.Value, muR.Value, muDark.Value, bias));
        int ledMin = (int)Math.Ceiling(lo), ledMax = (int)Math.Floor(hi);
        if (ledMax - ledMin < MinWindow)
            throw new ModelException($"the plateau (means {mean[bestStart]:0}..{mean[bestEnd]:0}) and the frame test's operating window (means {MeanOf(design.WindowLow, k.Value, muR.Value, muDark.Value, bias):0}..{MeanOf(design.WindowHigh, k.Value, muR.Value, muDark.Value, bias):0}) overlap by less than {MinWindow} codes");

        // the claim over the window actually chosen: its two ends and the grid between them
        var points = new List<double> { ledMin, ledMax };
        for (double m = (Math.Floor(ledMin / (double)FineStep) + 1) * FineStep; m < ledMax; m += FineStep) points.Add(m);
        var hs = new double[points.Count];
        Parallel.For(0, points.Count, i => hs[i] = Pessimistic(points[i]));
        double minH = hs.Min();
        claim = Math.Min(claim, (int)Math.Floor(1000 * minH));

        // what the model leaves out (the ADC's DNL moves the 4-code buckets' edges; a light that is not Poisson) shows in
        // the symbols themselves: the claim is at most the MCV estimate (SP 800-90B §6.3.1) of every measured level in the
        // window (the nearest two when none falls inside it)
        var inWindow = ptc.Steps.Where(st => st.Mean >= ledMin && st.Mean <= ledMax).ToList();
        if (inWindow.Count == 0) inWindow = ptc.Steps.OrderBy(st => Math.Abs(st.Mean - ((ledMin + ledMax) / 2.0))).Take(2).ToList();
        double mcv = inWindow.Min(st => st.McvMinEntropy());
        claim = Math.Min(claim, (int)Math.Floor(1000 * mcv));
        return new CalibrationResult(ptc, quantum, pixels, k, muR, sigma, resolved, muDark, fit, fwMuR, mean, hNominal, hPess,
            ledMin, (ledMin + ledMax) / 2, ledMax, design, claim, minH, mcv);
    }

    /// <summary>E[code] = E[X] − bias: the ADC's floor (½ code), then the interface's truncation to steps of q ((q − 1)/2).</summary>
    public static double Bias(int quantum) => 0.5 + ((quantum - 1) / 2.0);

    /// <summary>μe at a frame mean: mean = K (μe + μdark) + μr − bias (paper Eq. 1-4 and the interface's truncation).</summary>
    public static double MuE(double mean, double k, double muR, double muDark, double bias) => ((mean + bias - muR) / k) - muDark;

    private static double MeanOf(double mue, double k, double muR, double muDark, double bias) => (k * (mue + muDark)) + muR - bias;

    private readonly record struct Corner(double K, double MuR, double Sigma, double MuDark, double Eta);

    private static List<Corner> Corners(Measured k, Measured muR, Measured sigma, Measured muDark, double prnu)
    {
        var list = new List<Corner>();
        // mu_r at its high end: the fewest electrons for a frame mean (it moves mu_e by a fraction of an electron);
        // H_min is not monotone in K (the lattice of K·n against the 16-code period of bits 2-3 has resonances): K is
        // scanned across its 2σ interval, not taken at its ends; sigma_r and mu_dark move H_min by a few millibits at
        // most (docs/calibration.md): their ends at K's low end only
        var gains = new List<double>();
        for (int j = -4; j <= 4; j++) gains.Add(k.Value + (j * k.Error / 2));
        // the resonances themselves: a whole or half number of electrons per 16-code period is a sharp minimum that a
        // 0.5σ grid steps over, and a bending photon-transfer line biases K by more than 2σ (a 2 % non-linear sensor
        // gave 2.3σ, docs/calibration.md): every such gain within 3σ is a corner too
        for (int halfElectrons = (int)Math.Ceiling(2 * 16 / k.High(3)); halfElectrons <= 2 * 16 / Math.Max(1e-3, k.Low(3)); halfElectrons++)
            if (halfElectrons > 0) gains.Add(32.0 / halfElectrons);
        foreach (double kk in gains)
            foreach (double eta in new[] { 1 - (2 * prnu), 1 + (2 * prnu) })
                if (kk > 0) list.Add(new Corner(kk, muR.High(), sigma.Value, muDark.Value, Math.Max(0.05, eta)));

        foreach (double s in new[] { Math.Max(0.01, sigma.Low()), sigma.High() })
            foreach (double md in new[] { Math.Max(0, muDark.Low()), muDark.High() })
                list.Add(new Corner(Math.Max(1e-3, k.Low()), muR.Value, s, md, Math.Max(0.05, 1 - (2 * prnu))));
        return list;
    }

    /// <summary>
    /// Eq. 4 fitted to the dark step's histogram at the measured K (NoiseFit, the interface's q codes a bucket). The
    /// histogram pools every pixel, so its Gaussian part holds the DSNU too: σr² = σ_fit² − DSNU² (the fixed offsets are
    /// Gaussian in the emulator and nearly so on a sensor). When the buckets cannot resolve σr (the fit fails, or its
    /// error exceeds half its value), σr is only bounded, from 0 to the larger of what the dark variance leaves after
    /// quantization and half a bucket, and the fit is repeated with σr held at the middle of that range.
    /// </summary>
    private static (Measured MuR, Measured Sigma, bool Resolved, Measured MuDark, NoiseFitResult Fit) DarkFit(StepStatistics dark, double k, int quantum, double dsnu)
    {
        Histogram h = dark.CodeHistogram();
        try
        {
            NoiseFitResult f = NoiseFit.Fit(h, new SensorParams(k), quantum);
            double s2 = (f.Fit.SigmaR * f.Fit.SigmaR) - (dsnu * dsnu);
            if (double.IsFinite(f.StdErr.SigmaR) && s2 > 0 && double.IsFinite(f.StdErr.MuR) && double.IsFinite(f.StdErr.MuDark))
            {
                double sigma = Math.Sqrt(s2), err = f.Fit.SigmaR * f.StdErr.SigmaR / sigma;
                if (err < 0.5 * sigma)
                {
                    return (new Measured(f.Fit.MuR, f.StdErr.MuR), new Measured(sigma, err), true, new Measured(f.Fit.MuDark, f.StdErr.MuDark), f);
                }
            }
        }
        catch (ModelException)
        {
        }

        double most = Math.Max(quantum / 2.0, Math.Sqrt(Math.Max(0, dark.TemporalVariance - (quantum * quantum / 12.0))));
        double held = most / 2;
        NoiseFitResult g = NoiseFit.Fit(h, new SensorParams(k), quantum, held);
        double Se(double e, double v) => double.IsFinite(e) ? e : Math.Max(1, Math.Abs(v));
        return (new Measured(g.Fit.MuR, Se(g.StdErr.MuR, g.Fit.MuR)), new Measured(held, held / 2), false, new Measured(g.Fit.MuDark, Se(g.StdErr.MuDark, g.Fit.MuDark)), g);
    }

    /// <summary>The array's light as 5 efficiency groups from a normal PRNU (the designer's ArrayModel).</summary>
    private static LightDistribution PrnuLight(int pixels, double prnu)
    {
        if (prnu <= 0) return LightDistribution.Uniform(pixels);
        var eta = new double[pixels];
        var levels = new[] { -2.0, -1.0, 0.0, 1.0, 2.0 };
        for (int i = 0; i < pixels; i++)
        {
            double z = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, (i + 0.5) / pixels);
            double nearest = levels.OrderBy(l => Math.Abs(l - z)).First();
            eta[i] = Math.Max(0.05, 1 + (prnu * nearest));
        }

        return LightDistribution.FromEfficiencies(eta, $"PRNU {100 * prnu:0.0} %");
    }
}
