namespace Qrng.Assess;

/// <summary>The confidence bounds the estimators share.</summary>
internal static class Bounds
{
    /// <summary>
    /// Z_(1-α/2) for α = 0.01: the standard writes it rounded, 2.576; this is the same normal quantile to double
    /// precision, as NIST's tool uses it (the two differ by under 1e-8 bit in any estimate).
    /// </summary>
    public const double Z = 2.5758293035489008;

    /// <summary>p_u = min(1, p̂ + Z·sqrt(p̂(1−p̂)/(n−1))), the upper bound of §6.3.1 step 3 (also §6.3.5, §6.3.6).</summary>
    public static double Upper(double p, long n) => Math.Min(1.0, p + Z * Math.Sqrt(p * (1.0 - p) / (n - 1.0)));

    /// <summary>
    /// The predictor estimate shared by §6.3.7–6.3.10: C correct predictions out of N, longest run of correct
    /// predictions r−1, alphabet size k. Returns −log2(max(P_global', P_local, 1/k)).
    /// </summary>
    public static Estimate Predictor(string name, string section, long correct, long n, long longestRun, int k)
    {
        double pGlobal = (double)correct / n;
        // P_global' (step 5 of §6.3.7): the upper bound, or 1 − 0.01^(1/N) when no prediction was correct
        double pGlobalUpper = pGlobal > 0 ? Math.Min(1.0, pGlobal + Z * Math.Sqrt(pGlobal * (1.0 - pGlobal) / (n - 1.0))) : 1.0 - Math.Pow(0.01, 1.0 / n);
        long r = longestRun + 1;
        double pMax = Math.Max(1.0 / k, pGlobalUpper);
        double pLocal = double.NaN;
        // P_local (step 6): the p at which a run of r correct predictions has probability 0.01 of appearing in N
        // trials. It only matters when it exceeds the other bounds, that is when the run is already unlikely at pMax.
        if (pMax < 1.0 && LogProbNoRun(pMax, r, n) > LogAlpha)
        {
            pLocal = SolvePLocal(pMax, r, n);
            pMax = Math.Max(pMax, pLocal);
        }
        return new Estimate(name, section, -Math.Log2(pMax), null,
            ("C", correct), ("N", n), ("r", r), ("P_global", pGlobal), ("P_global'", pGlobalUpper), ("P_local", pLocal));
    }

    private static readonly double LogAlpha = Math.Log(0.99);

    /// <summary>
    /// log of Pr[no run of r successes in N trials] at success probability p (§6.3.7 step 6):
    /// (1 − p·x) / ((r + 1 − r·x)·q) · 1/x^(N+1), x the root of 1 − x + q·p^r·x^(r+1) near 1, found by the
    /// fixed-point iteration x ← 1 + q·p^r·x^(r+1) from x = 1, stopped like NIST's tool (convergence or 66 steps).
    /// Written in y = x − 1 so that N·log(x) keeps its precision when x is within 1e-9 of 1.
    /// </summary>
    internal static double LogProbNoRun(double p, long r, long n)
    {
        double q = 1.0 - p;
        double qpr = q * Math.Pow(p, r);
        double y = 0, last = -1;
        for (int i = 0; i <= 65 && y - last > 1.0842021724855044e-19 * (1 + y); i++)
        {
            last = y;
            y = qpr * Math.Pow(1 + y, r + 1.0);
        }
        return Math.Log(q - p * y) - Math.Log((1.0 - r * y) * q) - (n + 1.0) * Log1P(y);
    }

    /// <summary>log(1 + y) to full precision for small y (Goldberg's correction; Math has no log1p).</summary>
    internal static double Log1P(double y)
    {
        double u = 1.0 + y;
        return u == 1.0 ? y : Math.Log(u) * y / (u - 1.0);
    }

    /// <summary>Bisection for the p in [lo, 1] with LogProbNoRun(p) = log(0.99); the function falls as p grows.</summary>
    private static double SolvePLocal(double lo, long r, long n)
    {
        double hi = 1.0;
        for (int i = 0; i < 1100; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) break;
            double v = LogProbNoRun(mid, r, n);
            if (double.IsNaN(v) || v < LogAlpha) hi = mid;
            else if (v > LogAlpha) lo = mid;
            else return mid;
        }
        return hi;
    }
}
