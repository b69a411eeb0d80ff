namespace Qrng.Assess;

/// <summary>A chi-square test result: statistic, degrees of freedom, p-value; it fails below p = 0.001 (§5.2).</summary>
public sealed record ChiSquareResult(string Name, string Section, double Statistic, int DegreesOfFreedom, double PValue)
{
    public bool Passed => PValue >= 0.001;
}

/// <summary>
/// The §5.2 chi-square tests (independence and goodness of fit, binary and non-binary) and the §5.2.5 longest
/// repeated substring test. Bins are formed as NIST's tool forms them: expected counts in ascending order (ties
/// by symbol value) are merged until each bin expects at least 5, and a last bin short of 5 joins the one before.
/// </summary>
public static class ChiSquare
{
    /// <summary>§5.2.1 (non-binary): pairs (s_2j, s_2j+1) against the product of the symbol frequencies.</summary>
    public static ChiSquareResult Independence(ReadOnlySpan<byte> s, int k)
    {
        double[] p = Proportions(s, k);
        double pairs = Math.Floor(s.Length * 0.5);
        var expected = new double[k * k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++) expected[i * k + j] = p[i] * p[j] * pairs;
        var (binOf, binExpected) = Bins(expected);
        var observed = new long[binExpected.Length];
        for (int j = 0; j + 1 < s.Length; j += 2) observed[binOf[s[j] * k + s[j + 1]]]++;
        double t = Statistic(observed, binExpected);
        int df = binExpected.Length - k;
        return new ChiSquareResult("Chi-square independence", "5.2.1", t, df, PValue(t, df));
    }

    /// <summary>§5.2.2 (binary): non-overlapping m-bit tuples, m the largest ≤ 11 that expects 5 of the rarest tuple.</summary>
    public static ChiSquareResult BinaryIndependence(ReadOnlySpan<byte> bits)
    {
        long ones = 0;
        foreach (byte b in bits) ones += b;
        double p1 = (double)ones / bits.Length, p0 = 1.0 - p1, pMin = Math.Min(p0, p1);
        int m = 11;
        while (m > 1 && Math.Pow(pMin, m) * (bits.Length / m) < 5) m--;
        if (m < 2) return new ChiSquareResult("Chi-square independence (binary)", "5.2.2", 0, 0, 1.0);
        int blocks = bits.Length / m;
        var occ = new long[1 << m];
        for (int i = 0; i < blocks; i++)
        {
            int v = 0;
            for (int j = 0; j < m; j++) v = (v << 1) | bits[i * m + j];
            occ[v]++;
        }
        double t = 0;
        for (int v = 0; v < occ.Length; v++)
        {
            int w = System.Numerics.BitOperations.PopCount((uint)v);
            double e = Math.Pow(p1, w) * Math.Pow(p0, m - w) * blocks;
            t += (occ[v] - e) * (occ[v] - e) / e;
        }
        int df = (1 << m) - 2;
        return new ChiSquareResult("Chi-square independence (binary)", "5.2.2", t, df, PValue(t, df));
    }

    /// <summary>§5.2.3 (non-binary): the symbol counts in each tenth of the data against the overall frequencies.</summary>
    public static ChiSquareResult GoodnessOfFit(ReadOnlySpan<byte> s, int k)
    {
        double[] p = Proportions(s, k);
        double tenth = Math.Floor(s.Length / 10.0);
        var (binOf, binExpected) = Bins(p.Select(x => x * tenth).ToArray());
        int block = s.Length / 10;
        double t = 0;
        var observed = new long[binExpected.Length];
        for (int part = 0; part < 10; part++)
        {
            Array.Clear(observed);
            foreach (byte b in s.Slice(part * block, block)) observed[binOf[b]]++;
            t += Statistic(observed, binExpected);
        }
        int df = 9 * (binExpected.Length - 1);
        return new ChiSquareResult("Chi-square goodness of fit", "5.2.3", t, df, PValue(t, df));
    }

    /// <summary>§5.2.4 (binary): zeros and ones in each tenth of the data against the overall frequency.</summary>
    public static ChiSquareResult BinaryGoodnessOfFit(ReadOnlySpan<byte> bits)
    {
        long ones = 0;
        foreach (byte b in bits) ones += b;
        int sub = bits.Length / 10;
        double p = (double)ones / bits.Length, e0 = (1.0 - p) * sub, e1 = p * sub, t = 0;
        for (int part = 0; part < 10; part++)
        {
            long o1 = 0;
            foreach (byte b in bits.Slice(part * sub, sub)) o1 += b;
            long o0 = sub - o1;
            t += (o0 - e0) * (o0 - e0) / e0 + (o1 - e1) * (o1 - e1) / e1;
        }
        return new ChiSquareResult("Chi-square goodness of fit (binary)", "5.2.4", t, 9, PValue(t, 9));
    }

    /// <summary>
    /// §5.2.5 longest repeated substring: W = its length, p_col = Σ p_i², N = C(L − W + 1, 2); the test passes when a
    /// repeat of length W is not too unlikely for IID data: Pr(X ≥ 1) = 1 − (1 − p_col^W)^N ≥ 0.001.
    /// </summary>
    public static (bool passed, int w, double pCol, double probability) LongestRepeatedSubstring(ReadOnlySpan<byte> s, int k)
    {
        double[] p = Proportions(s, k);
        double pCol = p.Sum(x => x * x);
        int w = TupleEstimators.LongestRepeat(s);
        if (pCol > 1.0 - 1e-15) return (true, w, pCol, 1.0);
        double logNoCollision = Bounds.Log1P(-Math.Pow(pCol, w));
        double n = (double)(s.Length - w + 1) * (s.Length - w) / 2;
        double probability = 1.0 - Math.Exp(n * logNoCollision);
        return (Math.Log(0.999) >= n * logNoCollision, w, pCol, probability);
    }

    /// <summary>
    /// The symbol frequencies, each summed as count × (1/n) one term at a time, as NIST's tool sums them: the bins
    /// depend on comparisons between expected counts (ties, the threshold 5), so they must be rounded alike to give
    /// the same statistic.
    /// </summary>
    private static double[] Proportions(ReadOnlySpan<byte> s, int k)
    {
        var counts = new long[k];
        foreach (byte b in s) counts[b]++;
        double step = 1.0 / s.Length;
        var p = new double[k];
        for (int i = 0; i < k; i++)
            for (long c = 0; c < counts[i]; c++) p[i] += step;
        return p;
    }

    /// <summary>Maps each cell to a bin; returns the bins' expected counts.</summary>
    private static (int[] binOf, double[] binExpected) Bins(double[] expected)
    {
        int[] order = Enumerable.Range(0, expected.Length).OrderBy(i => expected[i]).ThenBy(i => i).ToArray();
        var binOf = new int[expected.Length];
        var bins = new List<double>();
        double current = 0;
        foreach (int cell in order)
        {
            if (current >= 5.0)
            {
                bins.Add(current);
                current = 0;
            }
            binOf[cell] = bins.Count;
            current += expected[cell];
        }
        if (bins.Count > 0 && current < 5.0)
        {
            foreach (int cell in order) if (binOf[cell] == bins.Count) binOf[cell] = bins.Count - 1;
            bins[^1] += current;
        }
        else bins.Add(current);
        return (binOf, bins.ToArray());
    }

    private static double Statistic(long[] observed, double[] expected)
    {
        double t = 0;
        for (int i = 0; i < observed.Length; i++) t += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
        return t;
    }

    /// <summary>P(χ²_df ≥ t) = Q(df/2, t/2), the regularised upper incomplete gamma function.</summary>
    public static double PValue(double t, int df) => df <= 0 || t <= 0 ? 1.0 : Gamma.UpperRegularized(df / 2.0, t / 2.0);
}

/// <summary>The regularised incomplete gamma function Q(a, x) = Γ(a, x)/Γ(a): a series below x = a + 1, a continued
/// fraction (modified Lentz) above.</summary>
internal static class Gamma
{
    public static double UpperRegularized(double a, double x)
    {
        if (x <= 0) return 1.0;
        double logPrefix = a * Math.Log(x) - x - LogGamma(a);
        if (x < a + 1)
        {
            double sum = 1.0 / a, term = sum;
            for (int n = 1; n < 100_000; n++)
            {
                term *= x / (a + n);
                sum += term;
                if (Math.Abs(term) < Math.Abs(sum) * 1e-17) break;
            }
            return 1.0 - Math.Exp(logPrefix) * sum;
        }
        const double tiny = 1e-300;
        double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
        for (int i = 1; i < 100_000; i++)
        {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.Abs(d) < tiny) d = tiny;
            c = b + an / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return Math.Exp(logPrefix) * h;
    }

    /// <summary>log Γ(x) for x &gt; 0 (Lanczos, g = 7, n = 9; relative error near 1e-15).</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        x -= 1;
        double a = 0.99999999999980993;
        double[] g = [676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        for (int i = 0; i < g.Length; i++) a += g[i] / (x + i + 1);
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }
}
