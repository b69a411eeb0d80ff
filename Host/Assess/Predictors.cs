using System.Numerics;
using System.Runtime.Intrinsics;

namespace Qrng.Assess;

/// <summary>
/// The predictor estimates, §6.3.7–6.3.10: each predicts every sample from the ones before it, counts the correct
/// predictions C of N and the longest run of them, and ends in <see cref="Bounds.Predictor"/>. Ties follow NIST's
/// tool: a later subpredictor wins a scoreboard tie, a window's most common value is the most recent of equals,
/// a dictionary predicts the larger of equally frequent successors.
/// </summary>
public static class Predictors
{
    private static readonly int[] Windows = [63, 255, 1023, 4095];

    /// <summary>§6.3.7 MultiMCW: four predictors, each the most common value in the last w = 63, 255, 1023, 4095 samples.</summary>
    public static Estimate MultiMcw(ReadOnlySpan<byte> s, int k)
    {
        const string name = "MultiMCW", sec = "6.3.7";
        int nw = Windows.Length, len = s.Length;
        if (len <= Windows[^1]) return Estimate.NotRun(name, sec, $"needs more than {Windows[^1]} samples");
        var counts = new int[nw * k];
        var lastPos = new int[nw * k];
        Span<int> maxCount = stackalloc int[nw];
        Span<int> frequent = stackalloc int[nw];
        Span<long> score = stackalloc long[nw];
        maxCount.Clear();
        frequent.Clear();
        score.Clear();
        for (int i = 0; i < Windows[^1]; i++)
            for (int j = 0; j < nw; j++)
            {
                if (i >= Windows[j]) continue;
                int c = ++counts[j * k + s[i]];
                if (maxCount[j] <= c) { maxCount[j] = c; frequent[j] = s[i]; }
                lastPos[j * k + s[i]] = i;
            }
        int winner = 0;
        long correct = 0, run = 0, longest = 0;
        for (int i = Windows[0]; i < len; i++)
        {
            int x = s[i];
            if (frequent[winner] == x) { correct++; if (++run > longest) longest = run; }
            else run = 0;
            for (int j = 0; j < nw; j++)
                if (i >= Windows[j] && frequent[j] == x && ++score[j] >= score[winner]) winner = j;
            for (int j = 0; j < nw; j++)
            {
                int w = Windows[j];
                if (i < w) continue;
                int row = j * k, gone = s[i - w];
                counts[row + gone]--;
                int c = ++counts[row + x];
                lastPos[row + x] = i;
                if (gone != frequent[j])
                {
                    if (maxCount[j] <= c) { maxCount[j] = c; frequent[j] = x; }
                }
                else
                {
                    // the mode lost a sample: the new mode is the most frequent, the most recent among equals
                    int best = maxCount[j] - 1, bestPos = i - w;
                    for (int y = 0; y < k; y++)
                    {
                        int cy = counts[row + y];
                        if (cy > best || (cy == best && lastPos[row + y] >= bestPos)) { best = cy; bestPos = lastPos[row + y]; frequent[j] = y; }
                    }
                    maxCount[j] = best;
                }
            }
        }
        return Bounds.Predictor(name, sec, correct, len - Windows[0], longest, k);
    }

    private const int LagDepth = 128;

    /// <summary>§6.3.8 Lag: 128 predictors, lag d predicting the sample d back.</summary>
    public static Estimate Lag(ReadOnlySpan<byte> s, int k)
    {
        const string name = "Lag", sec = "6.3.8";
        int len = s.Length;
        if (len < 3) return Estimate.NotRun(name, sec, "needs 3 samples");
        // rev[j] = s[len−1−j]: the 128 samples before s[i], most recent first, are rev[len−i .. len−i+127]
        var rev = new byte[len + LagDepth];
        for (int j = 0; j < len; j++) rev[j] = s[len - 1 - j];
        var score = new long[LagDepth + 1];
        int winner = 1;
        long correct = 0, run = 0, longest = 0;
        Span<ulong> masks = stackalloc ulong[2];
        for (int i = 1; i < len; i++)
        {
            byte x = s[i];
            if (x == s[i - winner]) { correct++; if (++run > longest) longest = run; }
            else run = 0;
            if (i >= LagDepth && Vector256.IsHardwareAccelerated)
            {
                var cur = Vector256.Create(x);
                var window = rev.AsSpan(len - i, LagDepth);
                masks[0] = Vector256.Equals(cur, Vector256.Create<byte>(window)).ExtractMostSignificantBits()
                    | ((ulong)Vector256.Equals(cur, Vector256.Create<byte>(window[32..])).ExtractMostSignificantBits() << 32);
                masks[1] = Vector256.Equals(cur, Vector256.Create<byte>(window[64..])).ExtractMostSignificantBits()
                    | ((ulong)Vector256.Equals(cur, Vector256.Create<byte>(window[96..])).ExtractMostSignificantBits() << 32);
            }
            else
            {
                masks.Clear();
                int depth = Math.Min(i, LagDepth);
                for (int d = 1; d <= depth; d++) if (s[i - d] == x) masks[(d - 1) >> 6] |= 1UL << ((d - 1) & 63);
            }
            for (int h = 0; h < 2; h++)
            {
                ulong m = masks[h];
                while (m != 0)
                {
                    int d = (h << 6) + BitOperations.TrailingZeroCount(m) + 1;
                    m &= m - 1;
                    if (++score[d] >= score[winner]) winner = d;
                }
            }
        }
        return Bounds.Predictor(name, sec, correct, len - 1, longest, k);
    }

    private const int MmcDepth = 16, MmcMaxEntries = 100_000;

    /// <summary>
    /// §6.3.9 MultiMMC: 16 Markov models of order 1..16 counting (x, y) transitions, at most 100,000 entries each;
    /// each predicts the most frequent successor of the last d samples.
    /// </summary>
    public static Estimate MultiMmc(ReadOnlySpan<byte> s, int k)
    {
        const string name = "MultiMMC", sec = "6.3.9";
        int len = s.Length;
        if (len < 3) return Estimate.NotRun(name, sec, "needs 3 samples");
        var dict = new PrefixDictionary(k, MmcDepth);
        int b = dict.SymbolBits;
        Span<int> entries = stackalloc int[MmcDepth];
        Span<long> score = stackalloc long[MmcDepth];
        entries.Clear();
        score.Clear();
        long n = len - 2;
        // every model starts with the one transition from the first samples: (s[0..d], s[d+1])
        ulong lo = 0, hi = 0;
        for (int d = 0; d < MmcDepth && d < n; d++)
        {
            ShiftIn(ref lo, ref hi, b, s[d]);
            dict.Increment(dict.FindOrAdd(d + 1, lo, hi), s[d + 1]);
            entries[d] = 1;
        }
        int winner = 0;
        long correct = 0, run = 0, longest = 0;
        for (int i = 2; i < len; i++)
        {
            int x = s[i], curWinner = winner;
            bool found = false;
            lo = hi = 0;
            for (int d = 0; d < MmcDepth && d <= i - 2; d++)
            {
                int shift = b * d;
                if (shift < 64) lo |= (ulong)s[i - 1 - d] << shift;
                else hi |= (ulong)s[i - 1 - d] << (shift - 64);
                int node = -1;
                // a prefix never seen cannot have a longer prefix seen: stop looking once one is missing
                if (d == 0 || found)
                {
                    node = dict.Find(d + 1, lo, hi);
                    found = node >= 0;
                }
                if (found)
                {
                    if (dict.BestY(node) == x)
                    {
                        if (++score[d] >= score[winner]) winner = d;
                        if (d == curWinner) { correct++; if (++run > longest) longest = run; }
                    }
                    else if (d == curWinner) run = 0;
                    if (dict.Count(node, x) > 0) dict.Increment(node, x);
                    else if (entries[d] < MmcMaxEntries) { dict.Increment(node, x); entries[d]++; }
                }
                else if (entries[d] < MmcMaxEntries)
                {
                    dict.Increment(dict.FindOrAdd(d + 1, lo, hi), x);
                    entries[d]++;
                }
            }
        }
        return Bounds.Predictor(name, sec, correct, n, longest, k);
    }

    private const int LzDepth = 16, LzMaxDictionary = 65_536;

    /// <summary>
    /// §6.3.10 LZ78Y: a dictionary of the strings of 1..16 samples before each sample (at most 65,536 of them),
    /// counting their successors; the prediction is the successor with the highest count over all lengths that
    /// are present, the longest string winning ties.
    /// </summary>
    public static Estimate Lz78Y(ReadOnlySpan<byte> s, int k)
    {
        const string name = "LZ78Y", sec = "6.3.10";
        int len = s.Length;
        if (len < LzDepth + 2) return Estimate.NotRun(name, sec, $"needs {LzDepth + 2} samples");
        var dict = new PrefixDictionary(k, LzDepth);
        int b = dict.SymbolBits;
        int size = 0;
        ulong lo = 0, hi = 0;                                  // the last 16 samples, the most recent in the low bits
        for (int j = 0; j < LzDepth; j++) ShiftIn(ref lo, ref hi, b, s[j]);
        for (int j = 1; j <= LzDepth; j++)
        {
            var (l, h) = Prefix(lo, hi, b * j);
            dict.Increment(dict.FindOrAdd(j, l, h), s[LzDepth]);
            size++;
        }
        long correct = 0, run = 0, longest = 0;
        for (int i = LzDepth + 1; i < len; i++)
        {
            ShiftIn(ref lo, ref hi, b, s[i - 1]);
            int x = s[i], prediction = -1, maxCount = 0;
            for (int j = LzDepth; j >= 1; j--)
            {
                var (l, h) = Prefix(lo, hi, b * j);
                int node = dict.Find(j, l, h);
                if (node >= 0)
                {
                    if (dict.BestCount(node) > maxCount) { maxCount = dict.BestCount(node); prediction = dict.BestY(node); }
                    dict.Increment(node, x);
                }
                else if (size < LzMaxDictionary)
                {
                    dict.Increment(dict.FindOrAdd(j, l, h), x);
                    size++;
                }
            }
            if (prediction == x) { correct++; if (++run > longest) longest = run; }
            else run = 0;
        }
        return Bounds.Predictor(name, sec, correct, len - LzDepth - 1, longest, k);
    }

    /// <summary>Appends a symbol as the most recent of a packed prefix (bits beyond 128 fall off).</summary>
    private static void ShiftIn(ref ulong lo, ref ulong hi, int b, byte x)
    {
        hi = (hi << b) | (lo >> (64 - b));
        lo = (lo << b) | x;
    }

    /// <summary>The low <paramref name="bits"/> bits of a packed prefix: its most recent bits/b symbols.</summary>
    private static (ulong lo, ulong hi) Prefix(ulong lo, ulong hi, int bits) =>
        bits >= 128 ? (lo, hi) : bits > 64 ? (lo, hi & ((1UL << (bits - 64)) - 1)) : bits == 64 ? (lo, 0UL) : (lo & ((1UL << bits) - 1), 0UL);
}
