using System.Buffers;

namespace Qrng.Assess;

/// <summary>
/// §6.3.5 t-tuple and §6.3.6 LRS estimates from one suffix array. Every repeated substring is an LCP interval
/// [a, b] of the suffix array: its b − a + 1 suffixes share a prefix of length in (parent's lcp, own lcp], so for
/// each such length W there is one distinct W-tuple occurring b − a + 1 times. A stack pass over the LCP array
/// visits every interval once, which gives, for all W at once, Q[W] = the count of the most common W-tuple and
/// S[W] = Σ over distinct W-tuples of C(count, 2).
/// </summary>
public static class TupleEstimators
{
    private const int TupleThreshold = 35;

    public static (Estimate tuple, Estimate lrs) Run(ReadOnlySpan<byte> s)
    {
        int n = s.Length;
        int[] saArr = ArrayPool<int>.Shared.Rent(n), lcpArr = ArrayPool<int>.Shared.Rent(n + 1);
        var sa = saArr.AsSpan(0, n);
        var lcp = lcpArr.AsSpan(0, n + 1);
        SuffixArray.Build(s, sa);
        SuffixArray.Lcp(s, sa, lcp[..n]);
        lcp[n] = 0;
        int v = 0;                                            // length of the longest repeated substring
        for (int i = 0; i < n; i++) v = Math.Max(v, lcp[i]);

        var maxCount = new long[v + 2];                       // largest interval count with lcp exactly W
        var pairs = new long[v + 2];                          // difference array of Σ C(count, 2) over W
        var stack = new (int lcp, int lb)[v + 2];
        int top = 0;
        stack[0] = (0, 0);
        for (int i = 1; i <= n; i++)
        {
            int cur = lcp[i], lb = i - 1;
            while (cur < stack[top].lcp)
            {
                var (h, start) = stack[top--];
                long count = i - start;                        // suffixes start..i−1
                int parent = Math.Max(cur, stack[top].lcp);
                maxCount[h] = Math.Max(maxCount[h], count);
                long c2 = count * (count - 1) / 2;
                pairs[parent + 1] += c2;
                pairs[h + 1] -= c2;
                lb = start;
            }
            if (cur > stack[top].lcp) stack[++top] = (cur, lb);
        }
        ArrayPool<int>.Shared.Return(saArr);
        ArrayPool<int>.Shared.Return(lcpArr);

        // Q[W] = the largest count among intervals of lcp >= W (nested intervals only shrink); 1 when nothing repeats
        var q = new long[v + 2];
        long best = 1;
        for (int w = v; w >= 1; w--) q[w] = best = Math.Max(best, maxCount[w]);
        var sum = new long[v + 2];
        for (int w = 1; w <= v; w++) sum[w] = sum[w - 1] + pairs[w];

        // §6.3.5: t = the largest length whose most common tuple occurs at least 35 times
        int u = 1;
        while (u <= v && q[u] >= TupleThreshold) u++;
        Estimate tuple;
        if (u == 1) tuple = Estimate.NotRun("t-Tuple", "6.3.5", "no symbol occurs 35 times");
        else
        {
            double pMax = 0;
            for (int i = 1; i < u; i++) pMax = Math.Max(pMax, Math.Pow((double)q[i] / (n - i + 1), 1.0 / i));
            double pu = Bounds.Upper(pMax, n);
            tuple = new Estimate("t-Tuple", "6.3.5", -Math.Log2(pu), null, ("t", u - 1), ("p-hat_max", pMax), ("p_u", pu));
        }

        // §6.3.6: lengths u..v (u = t + 1), P_W = Σ C(count, 2) / C(n − W + 1, 2), p̂ = max P_W^(1/W)
        Estimate lrs;
        if (v < u) lrs = Estimate.NotRun("LRS", "6.3.6", "the longest repeated substring is shorter than t + 1");
        else
        {
            double pMax = 0;
            for (int w = u; w <= v; w++)
            {
                double choices = (double)(n - w + 1) * (n - w) / 2;
                pMax = Math.Max(pMax, Math.Pow(sum[w] / choices, 1.0 / w));
            }
            double pu = Bounds.Upper(pMax, n);
            lrs = new Estimate("LRS", "6.3.6", -Math.Log2(pu), null, ("u", u), ("v", v), ("p-hat", pMax), ("p_u", pu));
        }
        return (tuple, lrs);
    }

    /// <summary>Length of the longest repeated substring (the W of the §5.2.5 LRS test).</summary>
    public static int LongestRepeat(ReadOnlySpan<byte> s)
    {
        int n = s.Length;
        int[] saArr = ArrayPool<int>.Shared.Rent(n), lcpArr = ArrayPool<int>.Shared.Rent(n);
        SuffixArray.Build(s, saArr.AsSpan(0, n));
        SuffixArray.Lcp(s, saArr.AsSpan(0, n), lcpArr.AsSpan(0, n));
        int v = 0;
        for (int i = 0; i < n; i++) v = Math.Max(v, lcpArr[i]);
        ArrayPool<int>.Shared.Return(saArr);
        ArrayPool<int>.Shared.Return(lcpArr);
        return v;
    }
}
