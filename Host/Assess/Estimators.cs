namespace Qrng.Assess;

/// <summary>The §6.3.1–6.3.4 estimators: most common value, and the three that run on bitstrings only.</summary>
public static class Estimators
{
    /// <summary>§6.3.1 Most Common Value: p̂ = (count of the mode)/L, p_u its upper bound, H = −log2(p_u).</summary>
    public static Estimate MostCommonValue(ReadOnlySpan<byte> s, int k)
    {
        Span<long> counts = stackalloc long[256];
        foreach (byte b in s) counts[b]++;
        long mode = 0;
        for (int i = 0; i < k; i++) mode = Math.Max(mode, counts[i]);
        double p = (double)mode / s.Length;
        double pu = Bounds.Upper(p, s.Length);
        return new Estimate("Most Common Value", "6.3.1", -Math.Log2(pu), null, ("mode", mode), ("p-hat", p), ("p_u", pu));
    }

    /// <summary>
    /// §6.3.2 Collision estimate (binary input): the mean X̄ and deviation σ̂ of the times to the first collision
    /// (t = 2 for 00/11, else 3), X̄' = X̄ − Z·σ̂/√v, and p with E[time](p) = X̄'. With the standard's F(q) for
    /// binary data (Appendix G.1.1), E[time] reduces to 2 + 2p − 2p², so p = 0.5 + sqrt(1.25 − 0.5·X̄').
    /// </summary>
    public static Estimate Collision(ReadOnlySpan<byte> bits)
    {
        const string name = "Collision", sec = "6.3.2";
        long v = 0, i = 0, sumSq = 0;
        int len = bits.Length;
        while (i < len - 1)
        {
            int t;
            if (bits[(int)i] == bits[(int)i + 1]) t = 2;
            else if (i < len - 2) t = 3;
            else break;
            v++;
            sumSq += t * t;
            i += t;
        }
        if (v < 2) return Estimate.NotRun(name, sec, "fewer than two collisions");
        double mean = (double)i / v;
        double sigma = Math.Sqrt((sumSq - i * mean) / (v - 1));
        double xPrime = Math.Max(2.0, mean - Bounds.Z * sigma / Math.Sqrt(v));
        // step 7: no p in [0.5, 1] gives a mean this large: the estimate is the maximum, 1 bit
        double p = xPrime < 2.5 ? 0.5 + Math.Sqrt(1.25 - 0.5 * xPrime) : 0.5;
        return new Estimate(name, sec, xPrime < 2.5 ? -Math.Log2(p) : 1.0, null, ("v", v), ("X-bar", mean), ("sigma-hat", sigma), ("X-bar'", xPrime), ("p", p));
    }

    /// <summary>
    /// §6.3.3 Markov estimate (binary input): the initial and transition probabilities of a first-order model,
    /// the most likely 128-bit sequence among the six the standard lists, H = min(−log2(p_max)/128, 1).
    /// </summary>
    public static Estimate Markov(ReadOnlySpan<byte> bits)
    {
        long c0 = 0, c00 = 0, c10 = 0;
        int len = bits.Length;
        for (int i = 0; i < len - 1; i++)
        {
            if (bits[i] == 0)
            {
                c0++;
                if (bits[i + 1] == 0) c00++;
            }
            else if (bits[i + 1] == 0) c10++;
        }
        long c1 = len - 1 - c0;
        double p00 = c0 > 0 ? (double)c00 / c0 : 0, p01 = c0 > 0 ? 1.0 - p00 : 0;
        double p10 = c1 > 0 ? (double)c10 / c1 : 0, p11 = c1 > 0 ? 1.0 - p10 : 0;
        if (bits[len - 1] == 0) c0++;
        double p0 = (double)c0 / len, p1 = 1.0 - p0;
        // -log2 of the probability of each candidate sequence; a sequence with a zero transition is impossible
        double h = 128.0;
        void Consider(bool possible, double minusLog2) { if (possible && minusLog2 < h) h = minusLog2; }
        Consider(p00 > 0, -Math.Log2(p0) - 127.0 * Math.Log2(p00));                                    // 00…0
        Consider(p01 > 0 && p10 > 0, -Math.Log2(p0) - 64.0 * Math.Log2(p01) - 63.0 * Math.Log2(p10)); // 0101…01
        Consider(p01 > 0 && p11 > 0, -Math.Log2(p0) - Math.Log2(p01) - 126.0 * Math.Log2(p11));       // 011…1
        Consider(p10 > 0 && p00 > 0, -Math.Log2(p1) - Math.Log2(p10) - 126.0 * Math.Log2(p00));       // 100…0
        Consider(p10 > 0 && p01 > 0, -Math.Log2(p1) - 64.0 * Math.Log2(p10) - 63.0 * Math.Log2(p01)); // 1010…10
        Consider(p11 > 0, -Math.Log2(p1) - 127.0 * Math.Log2(p11));                                    // 11…1
        return new Estimate("Markov", "6.3.3", Math.Min(h / 128.0, 1.0), null,
            ("P_0", p0), ("P_1", p1), ("P_0,0", p00), ("P_0,1", p01), ("P_1,0", p10), ("P_1,1", p11), ("p-hat_max", Math.Pow(2.0, -h)));
    }

    private const int CompressionBlockBits = 6, CompressionDictionaryBlocks = 1000;

    /// <summary>
    /// §6.3.4 Compression estimate (binary input): Maurer's universal statistic on 6-bit blocks (dictionary of the
    /// first d = 1000 blocks), X̄' = X̄ − Z·σ̂/√v with σ̂ = 0.5907·sqrt(variance), then the p in [2^−6, 1] whose
    /// expected statistic G(p) + (2^6 − 1)·G(q) equals X̄'; H = −log2(p)/6, or 1 when there is none.
    /// </summary>
    public static Estimate Compression(ReadOnlySpan<byte> bits)
    {
        const string name = "Compression", sec = "6.3.4";
        const int b = CompressionBlockBits, d = CompressionDictionaryBlocks, alph = 1 << b;
        long blocks = bits.Length / b;
        if (blocks <= d) return Estimate.NotRun(name, sec, $"needs more than {d * b} bits");
        Span<long> dict = stackalloc long[alph];
        dict.Clear();
        for (int i = 0; i < d; i++) dict[Block(bits, i)] = i + 1;
        long v = blocks - d;
        double sum = 0, sumC = 0, sumSq = 0, sumSqC = 0;
        for (int i = d; i < blocks; i++)
        {
            int block = Block(bits, i);
            double l = Math.Log2(i + 1 - dict[block]);
            Kahan(ref sum, ref sumC, l);
            Kahan(ref sumSq, ref sumSqC, l * l);
            dict[block] = i + 1;
        }
        double mean = sum / v;
        double sigma = 0.5907 * Math.Sqrt(sumSq / (v - 1.0) - mean * mean);
        double xPrime = mean - Bounds.Z * sigma / Math.Sqrt(v);
        double lo = 1.0 / alph, hi = 1.0;
        double p = lo;
        var log2 = new double[blocks + 1];
        for (int u = 1; u <= blocks; u++) log2[u] = Math.Log2(u);
        if (ExpectedStatistic(lo, alph, d, log2) > xPrime)
        {
            // the expectation falls as p grows: bisection to the last representable step
            for (int i = 0; i < 1100; i++)
            {
                double mid = 0.5 * (lo + hi);
                if (mid <= lo || mid >= hi) break;
                double e = ExpectedStatistic(mid, alph, d, log2);
                if (e > xPrime) lo = mid;
                else if (e < xPrime) hi = mid;
                else { lo = hi = mid; break; }
            }
            p = hi;
        }
        bool found = p > 1.0 / alph;
        return new Estimate(name, sec, found ? -Math.Log2(p) / b : 1.0, found ? null : "no p above 2^-6 fits: full entropy",
            ("v", v), ("X-bar", mean), ("sigma-hat", sigma), ("X-bar'", xPrime), ("p", found ? p : 1.0 / alph));
    }

    private static int Block(ReadOnlySpan<byte> bits, long i)
    {
        int block = 0;
        var s = bits.Slice((int)(i * CompressionBlockBits), CompressionBlockBits);
        for (int j = 0; j < CompressionBlockBits; j++) block = (block << 1) | (s[j] & 1);
        return block;
    }

    private static void Kahan(ref double sum, ref double comp, double x)
    {
        double y = x - comp, t = sum + y;
        comp = (t - sum) - y;
        sum = t;
    }

    /// <summary>E[X̄] at p: G(p) + (k − 1)·G(q), q = (1 − p)/(k − 1) (§6.3.4 step 7).</summary>
    internal static double ExpectedStatistic(double p, int k, int d, double[] log2) => G(p, d, log2) + (k - 1) * G((1.0 - p) / (k - 1), d, log2);

    /// <summary>
    /// G(z) = 1/v · Σ_{t=d+1..L} Σ_{u=1..t} log2(u)·F(z, t, u), F = z²(1−z)^(u−1) for u &lt; t and z(1−z)^(t−1) for
    /// u = t (L blocks, v = L − d). With a_u = log2(u)(1−z)^(u−1) and A_t = Σ_{u&lt;t} a_u this is
    /// 1/v · (z²·Σ_t A_t + z·(A_{L+1} − A_{d+1})), and Σ_t A_t = (L−d)·A_{d+1} + Σ_{u=d+1..L−1} (L−u)·a_u: one pass.
    /// </summary>
    /// <param name="log2">log2(u) for u = 0..L, L = the number of blocks</param>
    internal static double G(double z, int d, double[] log2)
    {
        int blocks = log2.Length - 1;
        double w = 1.0 - z;
        double a = 0, aC = 0;                 // A_t
        double pow = w;                       // (1−z)^(u−1) for u = 2
        for (int u = 2; u <= d; u++)
        {
            Kahan(ref a, ref aC, log2[u] * pow);
            pow *= w;
        }
        double aD1 = a;                       // A_{d+1}
        double tail = 0, tailC = 0;
        for (int u = d + 1; u <= blocks; u++)
        {
            double au = log2[u] * pow;
            if (au == 0) break;               // (1−z)^(u−1) underflowed: every later term is 0 too
            Kahan(ref a, ref aC, au);
            if (u < blocks) Kahan(ref tail, ref tailC, (double)(blocks - u) * au);
            pow *= w;
        }
        double sumA = (double)(blocks - d) * aD1 + tail;
        return (z * z * sumA + z * (a - aD1)) / (double)(blocks - d);
    }
}
