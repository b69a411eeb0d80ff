using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Qrng.Model;

/// <summary>The result of fitting paper Eq. 4 to a dark histogram.</summary>
/// <param name="StdErr">one standard error per parameter, from the observed Fisher information (inverse Hessian of
/// the negative log-likelihood); NaN when the Hessian is not positive definite</param>
/// <param name="ChiSquare">Pearson χ² over bins with ≥ 5 expected counts (the rest pooled)</param>
public sealed record NoiseFitResult(NoiseParams Fit, NoiseParams StdErr, double LogLikelihood, double ChiSquare, int Dof,
    double PValue, long Samples, double[] Expected);

/// <summary>
/// Maximum-likelihood fit of (μr, σr, μdark) to a histogram of ADC codes taken with the LED off (paper Sec. III B,
/// Fig. 5, Eq. 4), K known. The model probability of code z is Σ_m p(m, μdark)·[Φ((z+1−μr−Km)/σr) − Φ((z−μr−Km)/σr)],
/// with codes below 0 / above the top folded into the end bins (Eq. 3's clamp).
/// </summary>
public static class NoiseFit
{
    /// <param name="bin">codes per histogram bucket: 1 for a 10-bit ADC readout; 4 when the interface carries only
    /// ADC bits 9..2 (the ArduCAM FIFO), so each recorded value stands for 4 codes</param>
    /// <param name="fixedSigma">σr to hold fixed instead of fitting it (needed with bin > 1: a read noise of a fraction
    /// of a code cannot be seen through 4-code buckets); its standard error is reported as 0</param>
    public static NoiseFitResult Fit(Histogram h, SensorParams sensor, int bin = 1, double? fixedSigma = null)
    {
        sensor.Validate();
        if (h.AdcMax != sensor.AdcMax) throw new ModelException($"histogram has {h.Counts.Length} codes, the sensor {sensor.AdcMax + 1}");
        if (bin < 1 || bin > 64 || (bin & (bin - 1)) != 0) throw new ModelException($"bucket width must be a power of two in 1..64, got {bin}");
        if (fixedSigma is double fs && !(fs > 0 && fs <= 100)) throw new ModelException($"a fixed sigma_r must be in (0, 100], got {fs}");
        if (h.Total < 100) throw new ModelException($"a dark histogram needs at least 100 samples to fit, got {h.Total}");

        // buckets [b·bin, b·bin + bin − 1]
        int buckets = (h.Counts.Length + bin - 1) / bin;
        var counts = new long[buckets];
        for (int z = 0; z < h.Counts.Length; z++) counts[z / bin] += h.Counts[z];
        int[] used = Enumerable.Range(0, buckets).Where(b => counts[b] > 0).ToArray();
        int free = fixedSigma.HasValue ? 2 : 3;
        if (used.Length < free + 1) throw new ModelException($"the histogram has {used.Length} occupied buckets; at least {free + 1} are needed to fit {free} parameters");

        double mean = 0, var = 0;
        foreach (int b in used) mean += (b * bin + (bin - 1) / 2.0) * counts[b];
        mean /= h.Total;
        foreach (int b in used) var += Sq(b * bin + (bin - 1) / 2.0 - mean) * counts[b];
        var = var / h.Total - (bin * bin - 1) / 12.0;        // remove the bucket's own width (Sheppard)
        double k = sensor.K;

        double Nll(double muR, double sigma, double muDark)
        {
            if (!(muDark >= 0) || !(sigma > 0)) return double.MaxValue;
            double s = 0;
            var dark = PoissonPmf.Of(muDark);
            foreach (int b in used)
            {
                double q = Pmf(sensor, muR, sigma, dark, b * bin, Math.Min(sensor.AdcMax, b * bin + bin - 1));
                s -= counts[b] * Math.Log(Math.Max(q, 1e-300));
            }
            return s;
        }

        // searched as (μr, ln μdark[, ln σr]) so both stay positive; several starts from the moments
        // (mean = μr + K·μdark, variance = K²·μdark + σr²), shifted by half-codes, guard against local optima
        double SigmaOf(Vector<double> v) => fixedSigma ?? Math.Exp(v[2]);
        var objective = ObjectiveFunction.Value(v => Nll(v[0], SigmaOf(v), Math.Exp(v[1])));
        Vector<double> best = null;
        double bestValue = double.PositiveInfinity;
        double[] sigmaStarts = fixedSigma.HasValue ? [fixedSigma.Value] : [0.15, 0.4, 1.0];
        foreach (double s0 in sigmaStarts)
            foreach (double shift in new[] { -0.5, 0, 0.5 })
            {
                double md0 = Math.Max(0.5, (var - s0 * s0) / (k * k));
                double[] start = fixedSigma.HasValue ? [mean - k * md0 + shift, Math.Log(md0)] : [mean - k * md0 + shift, Math.Log(md0), Math.Log(s0)];
                double[] step = fixedSigma.HasValue ? [0.3, 0.2] : [0.3, 0.2, 0.3];
                try
                {
                    var r = new NelderMeadSimplex(1e-12, 20000).FindMinimum(objective, Vector<double>.Build.Dense(start), Vector<double>.Build.Dense(step));
                    if (r.FunctionInfoAtMinimum.Value < bestValue) { bestValue = r.FunctionInfoAtMinimum.Value; best = r.MinimizingPoint; }
                }
                catch (MaximumIterationsException) { }
            }
        if (best == null) throw new ModelException("the noise fit did not converge from any starting point");
        var fit = new NoiseParams(best[0], SigmaOf(best), Math.Exp(best[1]));

        // observed Fisher information by central differences in the free parameters (μr, μdark[, σr])
        double[] theta = fixedSigma.HasValue ? [fit.MuR, fit.MuDark] : [fit.MuR, fit.MuDark, fit.SigmaR];
        double F(double[] t) => Nll(t[0], fixedSigma ?? t[2], t[1]);
        double[] stepH = fixedSigma.HasValue
            ? [1e-3, Math.Min(theta[1] / 2, Math.Max(1e-3, theta[1] * 1e-3))]
            : [1e-3, Math.Min(theta[1] / 2, Math.Max(1e-3, theta[1] * 1e-3)), Math.Min(theta[2] / 2, Math.Max(1e-4, theta[2] * 1e-3))];
        var hess = Matrix<double>.Build.Dense(free, free);
        for (int i = 0; i < free; i++)
            for (int j = 0; j < free; j++)
            {
                double[] pp = (double[])theta.Clone(), pm = (double[])theta.Clone(), mp = (double[])theta.Clone(), mm = (double[])theta.Clone();
                pp[i] += stepH[i]; pp[j] += stepH[j];
                pm[i] += stepH[i]; pm[j] -= stepH[j];
                mp[i] -= stepH[i]; mp[j] += stepH[j];
                mm[i] -= stepH[i]; mm[j] -= stepH[j];
                hess[i, j] = (F(pp) - F(pm) - F(mp) + F(mm)) / (4 * stepH[i] * stepH[j]);
            }
        NoiseParams se;
        if (stepH.All(x => x > 0) && hess.Enumerate().All(double.IsFinite) && hess.Evd().EigenValues.All(e => e.Real > 0))
        {
            var cov = hess.Inverse();
            se = new NoiseParams(Math.Sqrt(cov[0, 0]), fixedSigma.HasValue ? 0 : Math.Sqrt(cov[2, 2]), Math.Sqrt(cov[1, 1]));
        }
        else se = new NoiseParams(double.NaN, double.NaN, double.NaN);

        // expected counts per bucket, reported at the bucket's first code
        var expected = new double[h.Counts.Length];
        var fitDark = PoissonPmf.Of(fit.MuDark);
        for (int b = 0; b < buckets; b++)
            expected[b * bin] = h.Total * Pmf(sensor, fit.MuR, fit.SigmaR, fitDark, b * bin, Math.Min(sensor.AdcMax, b * bin + bin - 1));
        double chi = 0, pooledO = 0, pooledE = 0;
        int cells = 0;
        for (int b = 0; b < buckets; b++)
        {
            double e = expected[b * bin];
            if (e >= 5) { chi += Sq(counts[b] - e) / e; cells++; }
            else { pooledO += counts[b]; pooledE += e; }
        }
        if (pooledE >= 5) { chi += Sq(pooledO - pooledE) / pooledE; cells++; }
        int dof = Math.Max(1, cells - 1 - free);
        double p = 1 - ChiSquared.CDF(dof, chi);
        return new NoiseFitResult(fit, se, -bestValue, chi, dof, p, h.Total, expected);
    }

    private static double Sq(double x) => x * x;

    /// <summary>P(Z_E = z) with the LED off (paper Eq. 3–4).</summary>
    public static double Pmf(SensorParams sensor, NoiseParams noise, int z) => Pmf(sensor, noise.MuR, noise.SigmaR, PoissonPmf.Of(noise.MuDark), z, z);

    /// <summary>P(lo ≤ Z_E ≤ hi), the clamped ends folded into codes 0 and AdcMax.</summary>
    private static double Pmf(SensorParams sensor, double muR, double sigma, PoissonPmf dark, int lo, int hi)
    {
        double q = 0, r2 = sigma * Math.Sqrt(2);
        for (int i = 0; i < dark.P.Length; i++)
        {
            double c = muR + sensor.K * (dark.Lo + i);
            double upper = hi >= sensor.AdcMax ? 1 : 0.5 * SpecialFunctions.Erfc(-(hi + 1 - c) / r2);
            double lower = lo <= 0 ? 0 : 0.5 * SpecialFunctions.Erfc(-(lo - c) / r2);
            q += dark.P[i] * (upper - lower);
        }
        return q;
    }
}
