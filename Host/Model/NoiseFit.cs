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
    public static NoiseFitResult Fit(Histogram h, SensorParams sensor)
    {
        sensor.Validate();
        if (h.AdcMax != sensor.AdcMax) throw new ModelException($"histogram has {h.Counts.Length} codes, the sensor {sensor.AdcMax + 1}");
        if (h.Total < 100) throw new ModelException($"a dark histogram needs at least 100 samples to fit, got {h.Total}");
        int[] used = Enumerable.Range(0, h.Counts.Length).Where(z => h.Counts[z] > 0).ToArray();
        if (used.Length < 4) throw new ModelException($"the histogram has {used.Length} occupied codes; at least 4 are needed to fit 3 parameters");

        double mean = 0, var = 0;
        foreach (int z in used) mean += z * (double)h.Counts[z];
        mean /= h.Total;
        foreach (int z in used) var += (z - mean) * (z - mean) * h.Counts[z];
        var /= h.Total;
        double k = sensor.K;

        double Nll(double muR, double sigma, double muDark)
        {
            if (!(muDark >= 0) || !(sigma > 0)) return double.MaxValue;
            double s = 0;
            var dark = PoissonPmf.Of(muDark);
            foreach (int z in used)
            {
                double q = Pmf(sensor, muR, sigma, dark, z);
                s -= h.Counts[z] * Math.Log(Math.Max(q, 1e-300));
            }
            return s;
        }

        // parameters searched as (μr, ln σr, ln μdark) so both stay positive; several starts from the moments
        // (mean = μr + K·μdark, variance = K²·μdark + σr²), shifted by half-codes, guard against local optima
        var objective = ObjectiveFunction.Value(v => Nll(v[0], Math.Exp(v[1]), Math.Exp(v[2])));
        Vector<double> best = null;
        double bestValue = double.PositiveInfinity;
        foreach (double s0 in new[] { 0.15, 0.4, 1.0 })
            foreach (double shift in new[] { -0.5, 0, 0.5 })
            {
                double md0 = Math.Max(0.5, (var - s0 * s0) / (k * k));
                var start = Vector<double>.Build.Dense([mean - k * md0 + shift, Math.Log(s0), Math.Log(md0)]);
                try
                {
                    var r = new NelderMeadSimplex(1e-12, 20000).FindMinimum(objective, start, Vector<double>.Build.Dense([0.3, 0.3, 0.2]));
                    if (r.FunctionInfoAtMinimum.Value < bestValue) { bestValue = r.FunctionInfoAtMinimum.Value; best = r.MinimizingPoint; }
                }
                catch (MaximumIterationsException) { }
            }
        if (best == null) throw new ModelException("the noise fit did not converge from any starting point");
        var theta = new[] { best[0], Math.Exp(best[1]), Math.Exp(best[2]) };
        var fit = new NoiseParams(theta[0], theta[1], theta[2]);

        // observed Fisher information by central differences in (μr, σr, μdark)
        var hess = Matrix<double>.Build.Dense(3, 3);
        double[] step = [1e-3, Math.Min(theta[1] / 2, Math.Max(1e-4, theta[1] * 1e-3)), Math.Min(theta[2] / 2, Math.Max(1e-3, theta[2] * 1e-3))];
        double F(double[] t) => Nll(t[0], t[1], t[2]);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                double[] pp = (double[])theta.Clone(), pm = (double[])theta.Clone(), mp = (double[])theta.Clone(), mm = (double[])theta.Clone();
                pp[i] += step[i]; pp[j] += step[j];
                pm[i] += step[i]; pm[j] -= step[j];
                mp[i] -= step[i]; mp[j] += step[j];
                mm[i] -= step[i]; mm[j] -= step[j];
                hess[i, j] = (F(pp) - F(pm) - F(mp) + F(mm)) / (4 * step[i] * step[j]);
            }
        NoiseParams se;
        if (step.All(x => x > 0) && hess.Enumerate().All(double.IsFinite) && hess.Evd().EigenValues.All(e => e.Real > 0))
        {
            var cov = hess.Inverse();
            se = new NoiseParams(Math.Sqrt(cov[0, 0]), Math.Sqrt(cov[1, 1]), Math.Sqrt(cov[2, 2]));
        }
        else se = new NoiseParams(double.NaN, double.NaN, double.NaN);

        var expected = new double[h.Counts.Length];
        var fitDark = PoissonPmf.Of(fit.MuDark);
        for (int z = 0; z < expected.Length; z++) expected[z] = h.Total * Pmf(sensor, fit.MuR, fit.SigmaR, fitDark, z);
        double chi = 0, pooledO = 0, pooledE = 0;
        int bins = 0;
        for (int z = 0; z < expected.Length; z++)
        {
            if (expected[z] >= 5) { chi += Sq(h.Counts[z] - expected[z]) / expected[z]; bins++; }
            else { pooledO += h.Counts[z]; pooledE += expected[z]; }
        }
        if (pooledE >= 5) { chi += Sq(pooledO - pooledE) / pooledE; bins++; }
        int dof = Math.Max(1, bins - 1 - 3);
        double p = 1 - ChiSquared.CDF(dof, chi);
        return new NoiseFitResult(fit, se, -bestValue, chi, dof, p, h.Total, expected);
    }

    private static double Sq(double x) => x * x;

    /// <summary>P(Z_E = z) with the LED off (paper Eq. 3–4).</summary>
    public static double Pmf(SensorParams sensor, NoiseParams noise, int z) => Pmf(sensor, noise.MuR, noise.SigmaR, PoissonPmf.Of(noise.MuDark), z);

    private static double Pmf(SensorParams sensor, double muR, double sigma, PoissonPmf dark, int z)
    {
        double q = 0, r2 = sigma * Math.Sqrt(2);
        for (int i = 0; i < dark.P.Length; i++)
        {
            double c = muR + sensor.K * (dark.Lo + i);
            double upper = z >= sensor.AdcMax ? 1 : 0.5 * SpecialFunctions.Erfc(-(z + 1 - c) / r2);
            double lower = z <= 0 ? 0 : 0.5 * SpecialFunctions.Erfc(-(z - c) / r2);
            q += dark.P[i] * (upper - lower);
        }
        return q;
    }
}
