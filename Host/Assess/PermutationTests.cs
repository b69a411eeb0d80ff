using System.Collections.Concurrent;

namespace Qrng.Assess;

/// <summary>One permutation-test statistic: its value on the data and the §5.1 ranking counters.</summary>
public sealed class PermutationStatistic
{
    public string Name { get; init; }
    public string Section { get; init; }
    public double Original { get; init; }
    /// <summary>Permutations whose statistic was greater than, equal to, less than the original (C0, C1, C2).</summary>
    public long Greater { get; init; }
    public long Equal { get; init; }
    public long Less { get; init; }
    /// <summary>
    /// Not ranked: the verdict was decided without it (another statistic failed its 10,000 permutations first, and
    /// this one is the costly compression statistic). It then neither passes nor fails.
    /// </summary>
    public bool Skipped { get; init; }

    /// <summary>§5.1: the IID assumption is rejected when C0 + C1 ≤ 5 or C1 + C2 ≤ 5.</summary>
    public const int MostOnOneSide = 5;

    public bool Passed => !Skipped && Passes(Greater, Equal, Less);

    /// <summary>More than <see cref="MostOnOneSide"/> permutations on each side of the original (§5.1).</summary>
    public static bool Passes(long greater, long equal, long less) => greater + equal > MostOnOneSide && equal + less > MostOnOneSide;

    /// <summary>Ranked and rejected (§5.1).</summary>
    public bool Failed => !Skipped && !Passed;
}

/// <summary>
/// The §5.1 permutation tests: the 11 statistics (19 values with the five lags of periodicity and covariance) on
/// the data and on up to 10,000 random permutations of it; a statistic fails when the original ranks among the
/// 5 highest or 5 lowest (§5.1, counting ties on both sides). A statistic stops being computed once it has more than
/// 5 permutations on each side: its counters can then only confirm the pass, so this changes no verdict (NIST's tool
/// stops the same way). Permutation j is a uniformly random permutation of the data from its own xoshiro256**
/// stream, and results are ranked in the order of j, so the outcome does not depend on the number of threads.
/// Workers reuse their buffers: nothing is allocated per permutation.
/// </summary>
public static class PermutationTests
{
    public const int Permutations = 10_000;
    private const int Count = 19;

    public static readonly string[] Names =
    [
        "excursion", "numDirectionalRuns", "lenDirectionalRuns", "numIncreasesDecreases", "numRunsMedian", "lenRunsMedian",
        "avgCollision", "maxCollision", "periodicity(1)", "periodicity(2)", "periodicity(8)", "periodicity(16)", "periodicity(32)",
        "covariance(1)", "covariance(2)", "covariance(8)", "covariance(16)", "covariance(32)", "compression",
    ];

    private static readonly string[] Sections =
    [
        "5.1.1", "5.1.2", "5.1.3", "5.1.4", "5.1.5", "5.1.6", "5.1.7", "5.1.8", "5.1.9", "5.1.9", "5.1.9", "5.1.9", "5.1.9",
        "5.1.10", "5.1.10", "5.1.10", "5.1.10", "5.1.10", "5.1.11",
    ];

    private static readonly int[] Lags = [1, 2, 8, 16, 32];

    /// <summary>What every permutation shares: the data, its mean and median.</summary>
    private sealed class Input(SampleSet samples)
    {
        public readonly byte[] Symbols = samples.Symbols, Raw = samples.Raw;
        /// <summary>The raw value of each symbol (the renumbering is monotone, so one array carries both).</summary>
        public readonly byte[] ValueOf = ValuesOf(samples);
        public readonly bool Binary = samples.IsBinary;
        public readonly int K = samples.AlphabetSize;
        public readonly long Sum = samples.Raw.Sum(b => (long)b);
        public readonly int[] Counts = CountsOf(samples);
        public readonly double Median = MedianOf(samples);
    }

    private static int[] CountsOf(SampleSet s)
    {
        var c = new int[s.AlphabetSize];
        foreach (byte b in s.Symbols) c[b]++;
        return c;
    }

    private static byte[] ValuesOf(SampleSet s)
    {
        var v = new byte[256];
        for (int i = 0; i < s.Length; i++) v[s.Symbols[i]] = s.Raw[i];
        return v;
    }

    /// <summary>§5.1: the median of the samples (0.5 for binary data, §5.1.5).</summary>
    private static double MedianOf(SampleSet s)
    {
        if (s.IsBinary) return 0.5;
        var counts = new long[256];
        foreach (byte b in s.Symbols) counts[b]++;
        long half = s.Length / 2;
        int At(long index) { long c = 0; for (int v = 0; ; v++) if ((c += counts[v]) > index) return v; }
        return s.Length % 2 == 1 ? At(half) : (At(half) + At(half - 1)) / 2.0;
    }

    /// <summary>One worker's buffers.</summary>
    private sealed class Workspace
    {
        public readonly byte[] Symbols, Raw, Conversion1, Conversion2;
        public readonly bool[] Seen = new bool[256];
        public readonly Bzip2Length Bzip2 = new();
        public readonly double[] Stats = new double[Count];
        public bool RawStale;

        public Workspace(int n)
        {
            Bzip2.ReserveSamples(n);
            Symbols = new byte[n];
            Raw = new byte[n];
            Conversion1 = new byte[(n + 7) / 8];
            Conversion2 = new byte[(n + 7) / 8];
        }
    }

    /// <summary>The 19 statistics of the data as it is (in the order of <see cref="Names"/>).</summary>
    public static double[] Statistics(SampleSet samples) => Original(new Input(samples), out _);

    private static double[] Original(Input input, out Workspace ws)
    {
        ws = new Workspace(input.Symbols.Length);
        input.Symbols.CopyTo(ws.Symbols, 0);
        input.Raw.CopyTo(ws.Raw, 0);
        Compute(input, ws, Enumerable.Repeat(true, Count).ToArray());
        return (double[])ws.Stats.Clone();
    }

    /// <summary>Progress: the pass ("18 statistics", then "compression"), permutations done, statistics still open.</summary>
    public delegate void Progress(string pass, int done, int open);

    /// <param name="decided">the verdict is already "not IID" (a chi-square or the LRS test failed): compression is skipped</param>
    public static PermutationStatistic[] Run(SampleSet samples, ulong seed, Progress progress = null, bool decided = false) =>
        Run(samples, seed, progress, Permutations, true, decided);

    /// <summary>Index of the compression statistic: by far the costliest (a bzip2 run per permutation).</summary>
    private const int Compression = Count - 1;

    /// <param name="permutations">10,000 in the standard; fewer for benchmarks</param>
    /// <param name="stopEarly">
    /// true (the standard's run): a statistic leaves the work once it has passed, and the compression statistic runs
    /// only when the 18 others all passed; when one of them failed, the verdict "not IID" is decided and compression
    /// is <see cref="PermutationStatistic.Skipped"/>. Permutation i is the same in both passes (a stream of the seed per
    /// index), so compression's counts, when it runs, are those of a single pass. False keeps every statistic open for
    /// all permutations (benchmarks: a fixed amount of work).
    /// </param>
    internal static PermutationStatistic[] Run(SampleSet samples, ulong seed, Progress progress, int permutations, bool stopEarly, bool decided = false)
    {
        var input = new Input(samples);
        int n = samples.Length;
        var t = Original(input, out var original);
        long[] c0 = new long[Count], c1 = new long[Count], c2 = new long[Count];

        int cores = Environment.ProcessorCount;
        // one workspace per worker, made up front (Parallel.For runs at most that many iterations at once)
        var pool = new ConcurrentBag<Workspace>(Enumerable.Range(1, cores).Select(_ => new Workspace(n)).Append(original));
        bool skipped = false;
        if (!stopEarly)
        {
            Rank(Enumerable.Repeat(true, Count).ToArray(), "19 statistics");
        }
        else
        {
            var cheap = Enumerable.Range(0, Count).Select(j => j != Compression).ToArray();
            Rank(cheap, "18 statistics");
            skipped = decided || Enumerable.Range(0, Compression).Any(j => !PermutationStatistic.Passes(c0[j], c1[j], c2[j]));
            if (!skipped)
            {
                Rank(Enumerable.Range(0, Count).Select(j => j == Compression).ToArray(), "compression");
            }
        }

        return Enumerable.Range(0, Count).Select(j => new PermutationStatistic
        {
            Name = Names[j], Section = Sections[j], Original = t[j], Greater = c0[j], Equal = c1[j], Less = c2[j],
            Skipped = skipped && j == Compression,
        }).ToArray();

        // permutations 0 .. permutations-1 for the statistics marked in active, each leaving once decided (stopEarly)
        void Rank(bool[] active, string pass)
        {
            int done = 0, round = cores;
            double[][] results = [];
            while (done < permutations && active.Any(a => a))
            {
                // a round: permutations done..done+round−1 in parallel (each with the statistics still open), then
                // ranked in order; rounds grow while statistics stay open
                int size = Math.Min(round, permutations - done);
                if (results.Length < size) results = Enumerable.Range(0, size).Select(_ => new double[Count]).ToArray();
                var open = (bool[])active.Clone();
                int first = done;
                Parallel.For(0, size, new ParallelOptions { MaxDegreeOfParallelism = cores }, i =>
                {
                    if (!pool.TryTake(out var ws)) ws = new Workspace(n);
                    Shuffle(input, ws, Rng.ForStream(seed, (ulong)(first + i)));
                    Compute(input, ws, open);
                    ws.Stats.CopyTo(results[i], 0);
                    pool.Add(ws);
                });
                for (int i = 0; i < size && active.Any(a => a); i++, done++)
                    for (int j = 0; j < Count; j++)
                    {
                        if (!active[j]) continue;
                        double v = results[i][j];
                        if (v > t[j]) c0[j]++;
                        else if (v == t[j]) c1[j]++;
                        else c2[j]++;
                        if (stopEarly && PermutationStatistic.Passes(c0[j], c1[j], c2[j])) active[j] = false;
                    }
                progress?.Invoke(pass, done, active.Count(a => a));
                round = Math.Min(round * 2, 64 * cores);
            }
        }
    }

    /// <summary>
    /// A uniformly random permutation of the symbols (the raw values follow by table). For small alphabets each
    /// position draws one of the samples not yet placed, uniformly, and takes its symbol: the same distribution as a
    /// Fisher–Yates shuffle, in one sequential pass. Larger alphabets use Fisher–Yates itself.
    /// </summary>
    private static void Shuffle(Input input, Workspace ws, Rng rng)
    {
        byte[] s = ws.Symbols;
        int n = s.Length, k = input.K;
        ws.RawStale = true;
        if (k > 8)
        {
            input.Symbols.CopyTo(s, 0);
            for (int i = n - 1; i > 0; i--)
            {
                int j = (int)rng.Below((uint)i + 1);
                (s[i], s[j]) = (s[j], s[i]);
            }
            return;
        }
        // c_j = samples not yet placed with a symbol ≤ j; a draw r below the number left picks the symbol #{j : c_j ≤ r}
        if (k <= 4)
        {
            int[] counts = input.Counts;
            uint c0 = (uint)counts[0], c1 = c0 + (uint)(k > 1 ? counts[1] : 0), c2 = c1 + (uint)(k > 2 ? counts[2] : 0);
            if (k < 4) c2 = uint.MaxValue;
            if (k < 3) c1 = uint.MaxValue;
            for (int i = 0; i < n; i++)
            {
                uint r = rng.Below((uint)(n - i));
                uint a = r >= c0 ? 1u : 0u, b = r >= c1 ? 1u : 0u, c = r >= c2 ? 1u : 0u;
                c0 -= 1 - a;
                c1 -= 1 - b;
                c2 -= 1 - c;
                s[i] = (byte)(a + b + c);
            }
            return;
        }
        Span<uint> cum = stackalloc uint[8];
        uint acc = 0;
        for (int j = 0; j < k; j++) cum[j] = acc += (uint)input.Counts[j];
        for (int i = 0; i < n; i++)
        {
            uint r = rng.Below((uint)(n - i));
            int sym = 0;
            for (int j = 0; j < k - 1; j++) sym += r >= cum[j] ? 1 : 0;
            for (int j = sym; j < k; j++) cum[j]--;
            s[i] = (byte)sym;
        }
    }

    /// <summary>The 19 values for the statistics still open (the others are left as they were).</summary>
    private static void Compute(Input input, Workspace ws, bool[] open)
    {
        byte[] s = ws.Symbols, raw = ws.Raw;
        double[] st = ws.Stats;
        int n = s.Length;
        if (ws.RawStale && (open[18] || (!input.Binary && open.AsSpan(13, 5).Contains(true))))
        {
            var valueOf = input.ValueOf;
            for (int i = 0; i < n; i++) raw[i] = valueOf[s[i]];
            ws.RawStale = false;
        }
        if (open[0]) st[0] = Excursion(s, input);
        // §5.1 conversion I (for binary data): the number of ones in each 8-bit block (the last may be shorter)
        byte[] c1 = null;
        if (input.Binary && (open[1] || open[2] || open[3] || open.AsSpan(8, 10).Contains(true)))
        {
            c1 = ws.Conversion1;
            Array.Clear(c1);
            for (int i = 0; i < n; i++) c1[i >> 3] += s[i];
        }
        if (open[1] || open[2] || open[3])
        {
            // §5.1.2–5.1.4: number of directional runs, the longest, max(#increases, #decreases)
            var d = input.Binary ? c1 : s;
            var (runs, longest, up) = Runs(d, new Directions());
            st[1] = runs;
            st[2] = longest;
            st[3] = Math.Max(up, d.Length - 1 - up);
        }
        if (open[4] || open[5])
        {
            // §5.1.5–5.1.6: number of runs about the median and the longest
            var (runs, longest, _) = Runs(s, new AboveMedian((int)Math.Ceiling(input.Median)));
            st[4] = runs;
            st[5] = longest;
        }
        if (open[6] || open[7])
        {
            if (input.Binary)
            {
                // §5.1 conversion II: each 8-bit block as a number, first bit most significant
                var c2 = ws.Conversion2;
                Array.Clear(c2);
                for (int i = 0; i < n; i++) c2[i >> 3] |= (byte)(s[i] << (7 - (i & 7)));
                Collisions(c2, 256, ws.Seen, st);
            }
            else Collisions(s, input.K, ws.Seen, st);
        }
        var lagged = input.Binary ? c1 : s;
        for (int l = 0; l < Lags.Length; l++) if (open[8 + l]) st[8 + l] = Periodicity(lagged, Lags[l]);
        var products = input.Binary ? c1 : raw;
        for (int l = 0; l < Lags.Length; l++) if (open[13 + l]) st[13 + l] = Covariance(products, Lags[l]);
        if (open[18]) st[18] = ws.Bzip2.OfSamples(raw);
    }

    /// <summary>
    /// §5.1.1: max over i of |s_1 + … + s_i − i·mean|, mean = S/n, evaluated exactly as max |D_i| / n with
    /// D_i = n·(s_1 + … + s_i) − i·S, which grows by n·s_i − S per sample (so equal excursions compare equal; NIST's
    /// tool rounds the mean first, a difference below 1e-11 of the value). Works on symbols through their values.
    /// </summary>
    private static double Excursion(byte[] symbols, Input input)
    {
        long n = symbols.Length;
        if (n > 30_000_000) return ExcursionLarge(symbols, input);      // n·S could overflow a long
        Span<long> step = stackalloc long[256];
        for (int v = 0; v < input.K; v++) step[v] = n * input.ValueOf[v] - input.Sum;
        long d = 0, max = 0, min = 0;
        foreach (byte b in symbols)
        {
            d += step[b];
            max = Math.Max(max, d);
            min = Math.Min(min, d);
        }
        return (double)Math.Max(max, -min) / n;
    }

    private static double ExcursionLarge(byte[] symbols, Input input)
    {
        Int128 n = symbols.Length, d = 0, max = 0;
        foreach (byte b in symbols)
        {
            d += n * input.ValueOf[b] - input.Sum;
            max = Int128.Max(max, Int128.Abs(d));
        }
        return (double)max / symbols.Length;
    }

    /// <summary>A ±1 sequence derived from the samples (1 for +1); a struct, so that the run count inlines it.</summary>
    private interface ISigns
    {
        int Length(byte[] s);
        int At(byte[] s, int i);
    }

    /// <summary>§5.1.2: s'_i = +1 when s_i ≤ s_i+1, else −1.</summary>
    private readonly struct Directions : ISigns
    {
        public int Length(byte[] s) => s.Length - 1;
        public int At(byte[] s, int i) => s[i] <= s[i + 1] ? 1 : 0;
    }

    /// <summary>§5.1.5: s'_i = +1 when s_i ≥ median, else −1 (symbols are integers: s ≥ median exactly when s ≥ ceil(median)).</summary>
    private readonly struct AboveMedian(int threshold) : ISigns
    {
        public int Length(byte[] s) => s.Length;
        public int At(byte[] s, int i) => s[i] >= threshold ? 1 : 0;
    }

    /// <summary>The number of runs of s', the longest run and the number of +1 (branch-free: the signs are random).</summary>
    private static (long runs, long longest, long plus) Runs<T>(byte[] s, T signs) where T : struct, ISigns
    {
        int n = signs.Length(s);
        if (n <= 0) return (0, 0, 0);
        int prev = signs.At(s, 0), changes = 0, longest = 1, run = 1, plus = prev;
        for (int i = 1; i < n; i++)
        {
            int cur = signs.At(s, i), same = cur == prev ? 1 : 0;
            plus += cur;
            changes += 1 - same;
            run = run * same + 1;
            longest = Math.Max(longest, run);
            prev = cur;
        }
        return (changes + 1, longest, plus);
    }

    /// <summary>§5.1.7–5.1.8: from each start, the number of samples up to and including the first repeated value;
    /// the next search starts after it. Their mean and maximum.</summary>
    private static void Collisions(byte[] s, int k, bool[] seen, double[] st)
    {
        long sum = 0, count = 0, max = 0;
        int i = 0;
        while (i < s.Length)
        {
            Array.Clear(seen, 0, k);
            int j = i;
            while (j < s.Length && !seen[s[j]]) seen[s[j++]] = true;
            if (j == s.Length) break;
            long len = j - i + 1;
            sum += len;
            count++;
            if (len > max) max = len;
            i = j + 1;
        }
        st[6] = count == 0 ? 0 : (double)sum / count;
        st[7] = max;
    }

    /// <summary>§5.1.9: the number of i with s_i = s_i+p.</summary>
    private static double Periodicity(byte[] s, int p)
    {
        long t = 0;
        for (int i = 0; i + p < s.Length; i++) t += s[i] == s[i + p] ? 1 : 0;
        return t;
    }

    /// <summary>§5.1.10: Σ s_i·s_i+p.</summary>
    private static double Covariance(byte[] s, int p)
    {
        long t = 0;
        for (int i = 0; i + p < s.Length; i++) t += s[i] * s[i + p];
        return t;
    }
}

/// <summary>xoshiro256** (Blackman and Vigna), seeded through SplitMix64; one independent stream per permutation.</summary>
internal struct Rng
{
    private ulong _s0, _s1, _s2, _s3;

    public static Rng ForStream(ulong seed, ulong stream)
    {
        ulong x = seed ^ (stream * 0xD1B54A32D192ED03UL);
        var r = new Rng { _s0 = SplitMix(ref x), _s1 = SplitMix(ref x), _s2 = SplitMix(ref x), _s3 = SplitMix(ref x) };
        return r;
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong Next()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    private ulong _spare;
    private bool _hasSpare;

    /// <summary>32 random bits: each output of the generator serves two calls.</summary>
    private uint Next32()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return (uint)_spare;
        }
        _spare = Next();
        _hasSpare = true;
        return (uint)(_spare >> 32);
    }

    /// <summary>Uniform in [0, bound) without bias (Lemire 2019).</summary>
    public uint Below(uint bound)
    {
        ulong m = (ulong)Next32() * bound;
        if ((uint)m < bound)
        {
            uint threshold = (0 - bound) % bound;
            while ((uint)m < threshold) m = (ulong)Next32() * bound;
        }
        return (uint)(m >> 32);
    }
}
