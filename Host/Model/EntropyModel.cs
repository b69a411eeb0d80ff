namespace Qrng.Model;

/// <summary>One point of the entropy curve.</summary>
/// <param name="MuE">mean photoelectron number μe of the pixel</param>
/// <param name="PGuess">Eve's optimal guessing probability of Z23 given E (paper Eq. 6)</param>
/// <param name="HminPerBit">H_min(Z23|E)/2 (paper Eq. 5, per bit)</param>
/// <param name="HNoSideInfoPerBit">min-entropy of Z23 when E is not known to Eve (paper Sec. V's 0.999), per bit</param>
/// <param name="ErrorBound">upper bound on the probability mass the numerics left out (added to PGuess, so
/// HminPerBit errs low by at most ErrorBound/(2·PGuess·ln 2))</param>
public readonly record struct EntropyPoint(double MuE, double PGuess, double HminPerBit, double HNoSideInfoPerBit, double ErrorBound);

/// <summary>
/// The paper's pixel model: Z = clamp(floor(K·Ne + E)) with Ne ~ Poisson(μe) (Eq. 1–3) and E the classical noise
/// (Eq. 4), and the quantum min-entropy of Z23 = bits 2–3 of Z given E (Eq. 5–6). Thread-safe.
/// </summary>
public sealed class EntropyModel
{
    /// <summary>The two kept bits: Z23 = (Z >> LowBit) &amp; 3 (paper Sec. II A).</summary>
    public const int LowBit = 2;

    public SensorParams Sensor { get; }
    public NoiseParams Noise { get; }
    internal NoiseDistribution E { get; }

    public EntropyModel(SensorParams sensor, NoiseParams noise)
    {
        Sensor = sensor;
        Noise = noise;
        E = new NoiseDistribution(sensor, noise);
    }

    public static int Symbol(int z) => (z >> LowBit) & 3;

    private int Clamp(long x) => x < 0 ? 0 : x > Sensor.AdcMax ? Sensor.AdcMax : (int)x;

    private static void CheckMu(double muE)
    {
        if (!double.IsFinite(muE) || muE < 0 || muE > 1e6) throw new ModelException($"mu_e must be in [0, 1e6] photoelectrons, got {muE}");
    }

    /// <summary>H_min(Z23|E) at one μe (paper Eq. 5–6).</summary>
    /// <remarks>
    /// E is continuous, so Eq. 6 is an integral over e of P_E(e)·max_z P(Z23 = z | E = e). For fixed e the
    /// conditional law of Z23 is a sum of Poisson weights p(n) over the bucket of floor(K·n + e); it only changes
    /// where K·n + e crosses a multiple of 4 (the only crossings that change bits 2–3). The method sorts those
    /// crossings and integrates P_E exactly between them, moving one p(n) from bucket to bucket at each crossing:
    /// no quadrature step, no grid in e.
    /// </remarks>
    public EntropyPoint Hmin(double muE)
    {
        CheckMu(muE);
        var pmf = PoissonPmf.Of(muE);
        Span<double> b = stackalloc double[4];
        Span<double> marg = stackalloc double[4];
        double pg = 0, lost = pmf.Missing;
        double k = Sensor.K;

        if (E.IsDiscrete)
        {
            for (int a = 0; a < E.Count; a++)
            {
                b.Clear();
                double e = E.Center(a);
                for (int i = 0; i < pmf.P.Length; i++)
                    b[Symbol(Clamp((long)Math.Floor(k * (pmf.Lo + i) + e)))] += pmf.P[i];
                double w = E.Weights[a];
                pg += w * Max4(b);
                for (int z = 0; z < 4; z++) marg[z] += w * b[z];
            }
        }
        else
        {
            double eLo = E.Lo, eHi = E.Hi;
            int perN = (int)((eHi - eLo) / 4) + 2;
            var keys = new double[pmf.P.Length * perN];
            var items = new int[keys.Length];
            int count = 0;
            for (int i = 0; i < pmf.P.Length; i++)
            {
                double p = pmf.P[i];
                if (p == 0) continue;
                double bas = k * (pmf.Lo + i);
                long z0 = (long)Math.Floor(bas + eLo);
                b[Symbol(Clamp(z0))] += p;
                long jStop = Math.Min((long)Math.Floor(bas + eHi), Sensor.AdcMax);
                long j = Math.Max(z0 + 1, 4);
                j = (j + 3) & ~3L;                       // next multiple of 4: where bits 2-3 change
                for (; j <= jStop; j += 4)
                {
                    keys[count] = j - bas;
                    items[count++] = (i << 2) | (int)((j >> LowBit) & 3);
                }
            }
            Array.Sort(keys, items, 0, count);
            double fLo = E.Cdf(eLo), fPrev = fLo;
            for (int c = 0; c < count; c++)
            {
                double f = E.Cdf(keys[c]);
                double m = f - fPrev;
                if (m > 0)
                {
                    pg += m * Max4(b);
                    for (int z = 0; z < 4; z++) marg[z] += m * b[z];
                }
                fPrev = f;
                int to = items[c] & 3;
                double p = pmf.P[items[c] >> 2];
                b[(to + 3) & 3] -= p;
                b[to] += p;
            }
            double fHi = E.Cdf(eHi);
            if (fHi > fPrev)
            {
                pg += (fHi - fPrev) * Max4(b);
                for (int z = 0; z < 4; z++) marg[z] += (fHi - fPrev) * b[z];
            }
            lost += Math.Max(0, 1 - (fHi - fLo));
        }
        pg = Math.Min(1, pg + lost);                     // give Eve every bit of mass the numerics left out
        double margMax = Math.Min(1, Max4(marg) + lost);
        return new EntropyPoint(muE, pg, Math.Max(0, -Math.Log2(pg) / 2), Math.Max(0, -Math.Log2(margMax) / 2), lost);
    }

    /// <summary>P(Z = z) for z = 0..AdcMax at one μe (paper Eq. 2–3 with Eq. 4's noise).</summary>
    public double[] ZDistribution(double muE)
    {
        CheckMu(muE);
        var pmf = PoissonPmf.Of(muE);
        var pz = new double[Sensor.AdcMax + 1];
        double k = Sensor.K;
        for (int i = 0; i < pmf.P.Length; i++)
        {
            double p = pmf.P[i];
            if (p == 0) continue;
            double bas = k * (pmf.Lo + i);
            if (E.IsDiscrete)
            {
                for (int a = 0; a < E.Count; a++)
                    pz[Clamp((long)Math.Floor(bas + E.Center(a)))] += p * E.Weights[a];
                continue;
            }
            long zlo = (long)Math.Floor(bas + E.Lo), zhi = (long)Math.Floor(bas + E.Hi);
            if (zlo >= Sensor.AdcMax) { pz[Sensor.AdcMax] += p; continue; }
            if (zhi <= 0) { pz[0] += p; continue; }
            double fPrev = E.Cdf(zlo - bas);
            pz[Clamp(zlo - 1)] += p * fPrev;
            for (long z = zlo; z <= zhi; z++)
            {
                double f = E.Cdf(z + 1 - bas);
                pz[Clamp(z)] += p * (f - fPrev);
                fPrev = f;
            }
            pz[Clamp(zhi + 1)] += p * (1 - fPrev);
        }
        if (pmf.Missing > 0)                            // the Poisson tails beyond 13σ: put them where they would land
        {
            pz[Clamp((long)Math.Floor(k * pmf.Hi))] += pmf.Missing;
        }
        return pz;
    }

    /// <summary>The law of Z23 from a Z distribution (paper Fig. 2b).</summary>
    public static double[] SymbolDistribution(double[] pz)
    {
        var s = new double[4];
        for (int z = 0; z < pz.Length; z++) s[Symbol(z)] += pz[z];
        return s;
    }

    /// <summary>The curve H_min(μe) at the given points, in parallel.</summary>
    public EntropyPoint[] Curve(double[] muE)
    {
        var result = new EntropyPoint[muE.Length];
        Parallel.For(0, muE.Length, i => result[i] = Hmin(muE[i]));
        return result;
    }

    private static double Max4(ReadOnlySpan<double> b) => Math.Max(Math.Max(b[0], b[1]), Math.Max(b[2], b[3]));
}
