using System.Buffers;

namespace Qrng.Assess;

/// <summary>
/// Suffix arrays by induced sorting (SA-IS, Nong, Zhang and Chan 2009) and LCP arrays (Kasai et al. 2001):
/// the t-tuple and LRS estimators (§6.3.5, §6.3.6), the LRS test (§5.2.5) and the Burrows–Wheeler transform
/// of the compression statistic (§5.1.11) all run on them. A <see cref="Sorter"/> keeps its work buffers, so
/// repeated sorting allocates nothing.
/// </summary>
internal static class SuffixArray
{
    /// <summary>Writes the suffix array of <paramref name="text"/> into <paramref name="sa"/>.</summary>
    public static void Build(ReadOnlySpan<byte> text, Span<int> sa) => new Sorter().Sort(text, sa);

    /// <summary>
    /// SA-IS with its own work buffers (kept between calls): the text as ints, the S/L types and the buckets of every
    /// recursion level side by side (each level at most half the one above, so 2n of each suffices).
    /// </summary>
    internal sealed class Sorter
    {
        private int[] _text = [], _buckets = [];
        private byte[] _types = [];

        /// <summary>Makes the buffers for texts up to <paramref name="n"/> bytes.</summary>
        public void Reserve(int n)
        {
            if (_text.Length >= n) return;
            _text = new int[n];
            _types = new byte[2 * n + 2];
            _buckets = new int[2 * n + 1024];
        }

        public void Sort(ReadOnlySpan<byte> text, Span<int> sa)
        {
            int n = text.Length, k = 1;
            Reserve(n);
            for (int i = 0; i < n; i++) k = Math.Max(k, (_text[i] = text[i]) + 1);
            Sais(_text.AsSpan(0, n), sa[..n], k, _types, _buckets);
        }
    }

    private static bool IsLms(ReadOnlySpan<byte> type, int i) => i > 0 && type[i] == 1 && type[i - 1] == 0;

    /// <summary>Bucket heads (or ends) from the symbol counts.</summary>
    private static void Buckets(ReadOnlySpan<int> counts, Span<int> bkt, bool ends)
    {
        int sum = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            sum += counts[i];
            bkt[i] = ends ? sum : sum - counts[i];
        }
    }

    private static void InduceL(ReadOnlySpan<int> t, Span<int> sa, ReadOnlySpan<byte> type, ReadOnlySpan<int> counts, Span<int> bkt)
    {
        int n = t.Length;
        Buckets(counts, bkt, false);
        sa[bkt[t[n - 1]]++] = n - 1;          // the last suffix is L-type, induced by the virtual sentinel
        for (int i = 0; i < n; i++)
        {
            int j = sa[i] - 1;
            if (j >= 0 && type[j] == 0) sa[bkt[t[j]]++] = j;
        }
    }

    private static void InduceS(ReadOnlySpan<int> t, Span<int> sa, ReadOnlySpan<byte> type, ReadOnlySpan<int> counts, Span<int> bkt)
    {
        Buckets(counts, bkt, true);
        for (int i = t.Length - 1; i >= 0; i--)
        {
            int j = sa[i] - 1;
            if (j >= 0 && type[j] == 1) sa[--bkt[t[j]]] = j;
        }
    }

    /// <param name="types">room for this level's types and the levels below (n + n/2 + …)</param>
    /// <param name="buckets">room for this level's 2k bucket entries and the levels below</param>
    private static void Sais(ReadOnlySpan<int> t, Span<int> sa, int k, Span<byte> types, Span<int> buckets)
    {
        int n = t.Length;
        if (n == 0) return;
        if (n == 1) { sa[0] = 0; return; }
        var type = types[..n];
        var bkt = buckets[..k];
        var counts = buckets.Slice(k, k);
        counts.Clear();
        foreach (int c in t) counts[c]++;
        type[n - 1] = 0;                      // 0 = L, 1 = S
        for (int i = n - 2; i >= 0; i--) type[i] = (byte)(t[i] < t[i + 1] || (t[i] == t[i + 1] && type[i + 1] == 1) ? 1 : 0);

        // 1. sort the LMS substrings: LMS positions at their bucket ends, then induce
        Buckets(counts, bkt, true);
        sa.Fill(-1);
        for (int i = 1; i < n; i++) if (IsLms(type, i)) sa[--bkt[t[i]]] = i;
        InduceL(t, sa, type, counts, bkt);
        InduceS(t, sa, type, counts, bkt);

        // 2. name them: equal LMS substrings get equal names
        int n1 = 0;
        for (int i = 0; i < n; i++) if (IsLms(type, sa[i])) sa[n1++] = sa[i];
        sa[n1..].Fill(-1);
        int name = 0, prev = -1;
        for (int i = 0; i < n1; i++)
        {
            int pos = sa[i];
            bool diff = false;
            for (int d = 0; ; d++)
            {
                if (prev < 0 || pos + d == n || prev + d == n || t[pos + d] != t[prev + d] || type[pos + d] != type[prev + d]) { diff = true; break; }
                if (d > 0 && (IsLms(type, pos + d) || IsLms(type, prev + d))) break;
            }
            if (diff) { name++; prev = pos; }
            sa[n1 + pos / 2] = name - 1;
        }
        for (int i = n - 1, j = n - 1; i >= n1; i--) if (sa[i] >= 0) sa[j--] = sa[i];

        // 3. sort the LMS suffixes: recurse when names repeat
        var s1 = sa[(n - n1)..];
        var sa1 = sa[..n1];
        if (name < n1) Sais(s1, sa1, name, types[n..], buckets[(2 * k)..]);
        else for (int i = 0; i < n1; i++) sa1[s1[i]] = i;

        // 4. induce the whole suffix array from the sorted LMS suffixes
        for (int i = 1, j = 0; i < n; i++) if (IsLms(type, i)) s1[j++] = i;
        for (int i = 0; i < n1; i++) sa1[i] = s1[sa1[i]];
        sa[n1..].Fill(-1);
        Buckets(counts, bkt, true);
        for (int i = n1 - 1; i >= 0; i--)
        {
            int j = sa[i];
            sa[i] = -1;
            sa[--bkt[t[j]]] = j;
        }
        InduceL(t, sa, type, counts, bkt);
        InduceS(t, sa, type, counts, bkt);
    }

    /// <summary>lcp[i] = length of the longest common prefix of the suffixes sa[i−1] and sa[i]; lcp[0] = 0 (Kasai).</summary>
    public static void Lcp(ReadOnlySpan<byte> text, ReadOnlySpan<int> sa, Span<int> lcp)
    {
        int n = text.Length;
        int[] rankArr = ArrayPool<int>.Shared.Rent(Math.Max(n, 1));
        var rank = rankArr.AsSpan(0, n);
        for (int i = 0; i < n; i++) rank[sa[i]] = i;
        int h = 0;
        if (n > 0) lcp[0] = 0;
        for (int i = 0; i < n; i++)
        {
            int r = rank[i];
            if (r > 0)
            {
                int j = sa[r - 1];
                while (i + h < n && j + h < n && text[i + h] == text[j + h]) h++;
                lcp[r] = h;
                if (h > 0) h--;
            }
            else h = 0;
        }
        ArrayPool<int>.Shared.Return(rankArr);
    }
}
