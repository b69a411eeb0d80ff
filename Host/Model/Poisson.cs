using MathNet.Numerics;

namespace Qrng.Model;

/// <summary>Poisson pmf (paper Eq. 1) over the range that carries all but ~1e-20 of its mass.</summary>
internal readonly struct PoissonPmf
{
    public readonly int Lo;
    public readonly double[] P;
    /// <summary>1 − Σ P: the mass left out by truncation (reported as an error bound, never renormalised away).</summary>
    public readonly double Missing;

    private PoissonPmf(int lo, double[] p, double missing) { Lo = lo; P = p; Missing = missing; }

    public int Hi => Lo + P.Length - 1;

    public static PoissonPmf Of(double mu)
    {
        if (!(mu >= 0) || !double.IsFinite(mu)) throw new ModelException($"a Poisson mean must be finite and >= 0, got {mu}");
        if (mu == 0) return new PoissonPmf(0, [1.0], 0);
        double sd = Math.Sqrt(mu);
        // 13σ below / 13σ + 30 above: beyond them the pmf is < 1e-30 for every mean used here (checked by the tests).
        int lo = Math.Max(0, (int)Math.Floor(mu - 13 * sd - 5));
        int hi = (int)Math.Ceiling(mu + 13 * sd + 30);
        var p = new double[hi - lo + 1];
        double lnMu = Math.Log(mu), sum = 0;
        for (int n = lo; n <= hi; n++)
        {
            double v = Math.Exp(n * lnMu - mu - SpecialFunctions.GammaLn(n + 1.0));
            p[n - lo] = v;
            sum += v;
        }
        return new PoissonPmf(lo, p, Math.Max(0, 1 - sum));
    }
}
