namespace Qrng.Model;

/// <summary>
/// One step of a CHARACTERIZE reply (docs/calibration.md, docs/protocol.md): f frames at one LED duty, as f/2 pairs
/// (A, B). Sums over every pixel of every frame or pair; the histogram covers the codes seen, <see cref="HistWidth"/>
/// codes a bin from <see cref="HistFirst"/>, over <see cref="HistFrames"/> frames; <see cref="Below"/> and
/// <see cref="Above"/> count the codes outside its bins.
/// </summary>
public sealed record StepStatistics(int Step, int Duty, int Frames, int Pixels, long Sum, long SumD, long SumD2, long SumP2,
    int Min, int Max, long[] FrameSums, int HistFirst, int HistWidth, long[] Hist, int HistFrames = 0, long Below = 0, long Above = 0)
{
    /// <summary>
    /// How often each symbol (bits 2-3 of the code) occurs among the histogram's codes: a bin of 1, 2 or 4 codes from an
    /// aligned first code holds one symbol. Codes outside the bins are not counted.
    /// </summary>
    public long[] SymbolCounts()
    {
        var n = new long[4];
        for (int b = 0; b < Hist.Length; b++) n[((HistFirst + (b * HistWidth)) >> 2) & 3] += Hist[b];
        return n;
    }

    /// <summary>
    /// SP 800-90B §6.3.1's most-common-value estimate of these symbols (99 % upper bound on the commonest one's
    /// probability), bits per symbol: the marginal law Eve without side information sees, which bounds any claim.
    /// </summary>
    public double McvMinEntropy()
    {
        long[] n = SymbolCounts();
        double total = n.Sum();
        if (total < 1000) return 2;
        double p = n.Max() / total;
        return -Math.Log2(Math.Min(1, p + (2.576 * Math.Sqrt(p * (1 - p) / (total - 1)))));
    }

    private double Pairs => Frames / 2.0 * Pixels;

    /// <summary>μ_y: the mean code.</summary>
    public double Mean => Sum / ((double)Frames * Pixels);

    /// <summary>σ²_y, temporal: half the variance of the pair differences (EMVA 1288 R4 Eq. 36: the fixed pattern cancels).</summary>
    public double TemporalVariance
    {
        get
        {
            double md = SumD / Pairs;
            return ((SumD2 / Pairs) - (md * md)) / 2;
        }
    }

    /// <summary>
    /// s²_y, spatial: the variance over pixels of each pair's mean image, less the temporal part left in a mean of two
    /// (σ²_y / 2), averaged over the pairs (EMVA 1288 R4 §8 with L = 2 per pair); each pair's own mean is removed.
    /// </summary>
    public double SpatialVariance
    {
        get
        {
            double perPair = 0;
            for (int j = 0; j + 1 < FrameSums.Length; j += 2)
            {
                double m = (FrameSums[j] + FrameSums[j + 1]) / (2.0 * Pixels);
                perPair += m * m;
            }

            double meanOfSquares = SumP2 / (4.0 * Pairs);
            return meanOfSquares - (perPair / (Frames / 2)) - (TemporalVariance / 2);
        }
    }

    /// <summary>Standard error of <see cref="TemporalVariance"/> (a Gaussian's: σ² √(2 / n), n pair differences).</summary>
    public double TemporalVarianceError => TemporalVariance * Math.Sqrt(2 / Pairs);

    /// <summary>The histogram as one count per code 0..1023 (a bin's count on its first code).</summary>
    public Histogram CodeHistogram()
    {
        var counts = new long[1024];
        for (int b = 0; b < Hist.Length; b++)
        {
            int code = HistFirst + (b * HistWidth);
            if (code <= 1023) counts[code] += Hist[b];
        }

        counts[HistFirst] += Below;                                   // outside the bins: at the nearest one (a dark level has none)
        counts[Math.Min(1023, HistFirst + ((Hist.Length - 1) * HistWidth))] += Above;
        return new Histogram(counts);
    }
}

/// <summary>The photon-transfer analysis of a CHARACTERIZE run.</summary>
/// <param name="GainK">K, codes per electron: the slope of σ²_y against μ_y in the linear range</param>
/// <param name="Intercept">σ²_y at μ_y = 0 on the fitted line</param>
/// <param name="Linear">the steps the fit used</param>
/// <param name="SaturationMean">μ_y.sat: the mean where σ²_y peaks (EMVA 1288 R4 §6.5); 1023 when it never peaks</param>
/// <param name="LinearityError">EMVA's LE: the largest deviation of μ_y from a straight line in the duty, 5-95 % of the
/// range below saturation, in % of the range</param>
/// <param name="DsnuCodes">dark spatial standard deviation, codes</param>
/// <param name="PrnuPercent">spatial standard deviation of the light response (dark removed) over its mean, %</param>
public sealed record PtcResult(double GainK, double GainKError, double Intercept, double InterceptError, StepStatistics Dark,
    StepStatistics[] Steps, bool[] Linear, double SaturationMean, double LinearityError, double DsnuCodes, double PrnuPercent,
    double ResidualRms);

public static class PhotonTransfer
{
    /// <summary>
    /// EMVA 1288 R4's photon-transfer method on CHARACTERIZE steps: K from σ²_y = K·μ_y + c over the light steps
    /// whose pixels neither clip at 0 nor reach saturation (min code above 0, mean within 70 % of the way from dark to
    /// μ_y.sat, EMVA §6.3), weighted by each variance's standard error; c (the line's value at 0) holds the dark noise
    /// and offset. Dark: the first step at duty 0.
    /// </summary>
    public static PtcResult Analyze(IReadOnlyList<StepStatistics> steps, int quantum)
    {
        StepStatistics dark = steps.FirstOrDefault(s => s.Duty == 0)
            ?? throw new ModelException("characterization: no dark step (duty 0)");
        var light = steps.Where(s => s.Duty > 0).OrderBy(s => s.Duty).ToArray();
        if (light.Length < 4) throw new ModelException($"characterization: {light.Length} light steps, at least 4 are needed");

        // saturation: where the temporal variance peaks (it collapses once pixels pile up at the top code)
        int peak = 0;
        for (int i = 1; i < light.Length; i++) if (light[i].TemporalVariance > light[peak].TemporalVariance) peak = i;
        bool saturates = peak < light.Length - 1 && light[^1].TemporalVariance < 0.9 * light[peak].TemporalVariance;
        double sat = saturates ? light[peak].Mean : 1023;
        double limit = dark.Mean + (0.7 * (sat - dark.Mean));
        var linear = light.Select(s => s.Min > 0 && s.Max < 1023 && s.Mean <= limit && s.TemporalVariance > quantum * quantum / 12.0).ToArray();
        if (linear.Count(x => x) < 3)
            throw new ModelException($"characterization: {linear.Count(x => x)} steps in the linear range (no pixel at 0 or at the top code, mean below 70 % of saturation); at least 3 are needed: more light steps, or a brighter LED");

        var (k, c, kErr, cErr, rms) = WeightedLine(light.Where((_, i) => linear[i]).ToArray());
        double le = LinearityError(light.Where(s => s.Mean < sat).ToArray(), dark.Mean, sat);
        double dsnu = Math.Sqrt(Math.Max(0, dark.SpatialVariance));
        StepStatistics mid = light.Where((_, i) => linear[i]).OrderBy(s => Math.Abs(s.Mean - ((dark.Mean + limit) / 2))).First();
        double prnu = 100 * Math.Sqrt(Math.Max(0, mid.SpatialVariance - dark.SpatialVariance)) / Math.Max(1e-9, mid.Mean - dark.Mean);
        return new PtcResult(k, kErr, c, cErr, dark, light, linear, sat, le, dsnu, prnu, rms);
    }

    /// <summary>Weighted least squares σ² = K·μ + c (weights 1/SE²); errors scaled up by the residuals when they exceed the weights' promise.</summary>
    private static (double K, double C, double KErr, double CErr, double Rms) WeightedLine(StepStatistics[] pts)
    {
        double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        foreach (var p in pts)
        {
            double w = 1 / Math.Pow(Math.Max(p.TemporalVarianceError, 1e-6), 2);
            sw += w; sx += w * p.Mean; sy += w * p.TemporalVariance; sxx += w * p.Mean * p.Mean; sxy += w * p.Mean * p.TemporalVariance;
        }

        double det = (sw * sxx) - (sx * sx);
        double k = ((sw * sxy) - (sx * sy)) / det, c = ((sxx * sy) - (sx * sxy)) / det;
        double chi2 = 0, ss = 0;
        foreach (var p in pts)
        {
            double r = p.TemporalVariance - ((k * p.Mean) + c);
            chi2 += r * r / Math.Pow(Math.Max(p.TemporalVarianceError, 1e-6), 2);
            ss += r * r;
        }

        double scale = pts.Length > 2 ? Math.Max(1, chi2 / (pts.Length - 2)) : 1;
        return (k, c, Math.Sqrt(scale * sw / det), Math.Sqrt(scale * sxx / det), Math.Sqrt(ss / pts.Length));
    }

    /// <summary>EMVA 1288 R4 §6.6: a straight line through μ_y(duty) over 5-95 % of the range; the largest deviation in % of the range.</summary>
    private static double LinearityError(StepStatistics[] pts, double dark, double sat)
    {
        double lo = dark + (0.05 * (sat - dark)), hi = dark + (0.95 * (sat - dark));
        var use = pts.Where(s => s.Mean >= lo && s.Mean <= hi).ToArray();
        if (use.Length < 3) return double.NaN;
        double n = use.Length, sx = use.Sum(s => (double)s.Duty), sy = use.Sum(s => s.Mean);
        double sxx = use.Sum(s => (double)s.Duty * s.Duty), sxy = use.Sum(s => s.Duty * s.Mean);
        double a = ((n * sxy) - (sx * sy)) / ((n * sxx) - (sx * sx)), b = (sy - (a * sx)) / n;
        return 100 * use.Max(s => Math.Abs(s.Mean - ((a * s.Duty) + b))) / (hi - lo);
    }
}
