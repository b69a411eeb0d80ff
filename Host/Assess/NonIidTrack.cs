namespace Qrng.Assess;

/// <summary>The result of the non-IID track on one input.</summary>
public sealed class NonIidResult
{
    public IReadOnlyList<Estimate> Original { get; init; }
    /// <summary>Empty for binary samples.</summary>
    public IReadOnlyList<Estimate> Bitstring { get; init; }
    public double HOriginal { get; init; }
    /// <summary>Per bit; NaN for binary samples.</summary>
    public double HBitstring { get; init; }
    /// <summary>Per sample: min(bits, H_original, bits·H_bitstring).</summary>
    public double MinEntropy { get; init; }
}

/// <summary>
/// The non-IID track (§6.3, §3.1.3): every estimator on the samples, and for samples wider than one bit on their
/// bitstring as well. H_original is the least estimate over the samples, H_bitstring the least over the bitstring
/// (per bit); the initial entropy estimate is min(H_original, n·H_bitstring) per n-bit sample (§3.1.5 for raw data).
/// Collision, Markov and Compression are defined for binary data only, so they run on the bitstring, or on the
/// samples when these take exactly two values (then there is no separate bitstring, as in NIST's tool).
/// </summary>
public static class NonIidTrack
{
    private sealed record Job(string Name, double Cost, Func<Estimate[]> Run);

    /// <summary>The estimators for one sequence, with a rough relative cost per sample (to start the longest first).</summary>
    private static IEnumerable<Job> Jobs(byte[] data, int k, bool binary)
    {
        yield return new Job("MultiMMC", 1.0, () => [Predictors.MultiMmc(data, k)]);
        yield return new Job("t-Tuple/LRS", 0.5, () => { var (t, l) = TupleEstimators.Run(data); return [t, l]; });
        yield return new Job("LZ78Y", 0.5, () => [Predictors.Lz78Y(data, k)]);
        yield return new Job("Lag", 0.15, () => [Predictors.Lag(data, k)]);
        yield return new Job("MultiMCW", 0.1, () => [Predictors.MultiMcw(data, k)]);
        yield return new Job("Most Common Value", 0.01, () => [Estimators.MostCommonValue(data, k)]);
        if (!binary) yield break;
        yield return new Job("Compression", 0.3, () => [Estimators.Compression(data)]);
        yield return new Job("Collision", 0.01, () => [Estimators.Collision(data)]);
        yield return new Job("Markov", 0.01, () => [Estimators.Markov(data)]);
    }

    /// <summary>Runs the estimator jobs on every core, the costliest first; results in job order.</summary>
    private static Estimate[][] RunAll(IReadOnlyList<Job> jobs, Action<string> step)
    {
        var results = new Estimate[jobs.Count][];
        int[] order = Enumerable.Range(0, jobs.Count).OrderByDescending(i => jobs[i].Cost).ToArray();
        int next = -1;
        var workers = Enumerable.Range(0, Math.Min(Environment.ProcessorCount, jobs.Count)).Select(_ => Task.Run(() =>
        {
            for (int n; (n = Interlocked.Increment(ref next)) < order.Length;)
            {
                int i = order[n];
                results[i] = jobs[i].Run();
                step?.Invoke(jobs[i].Name);
            }
        })).ToArray();
        Task.WaitAll(workers);
        return results;
    }

    private static Estimate[] Ordered(IEnumerable<Estimate[]> es) =>
        es.SelectMany(e => e).OrderBy(e => int.Parse(e.Section.Split('.')[2])).ToArray();

    /// <summary>The estimators on one sequence of symbols 0..k−1; <paramref name="binary"/> adds the three binary-only ones.</summary>
    public static Estimate[] Estimates(byte[] data, int k, bool binary) => Ordered(RunAll(Jobs(data, k, binary).ToList(), null));

    /// <summary>Number of progress steps <see cref="Run"/> reports for this input.</summary>
    public static int Steps(SampleSet samples) => samples.IsBinary ? 9 : 15;

    public static NonIidResult Run(SampleSet samples, Action<string> step = null)
    {
        if (samples.AlphabetSize < 2) throw new InvalidOperationException("one symbol: nothing to estimate");
        // both sequences' estimators in one pool, so that both cores stay busy to the end
        var jobs = Jobs(samples.Symbols, samples.AlphabetSize, samples.IsBinary)
            .Select(j => j with { Cost = j.Cost * samples.Length }).ToList();
        int nOriginal = jobs.Count;
        if (!samples.IsBinary) jobs.AddRange(Jobs(samples.Bits, 2, true).Select(j => j with { Cost = j.Cost * samples.Bits.Length }));
        var results = RunAll(jobs, step);
        var original = Ordered(results.Take(nOriginal));
        var bitstring = Ordered(results.Skip(nOriginal));
        double hOriginal = Least(original, samples.BitsPerSymbol);
        double hBits = samples.IsBinary ? double.NaN : Least(bitstring, 1.0);
        double h = Math.Min(samples.BitsPerSymbol, hOriginal);
        if (!samples.IsBinary) h = Math.Min(h, samples.BitsPerSymbol * hBits);
        return new NonIidResult { Original = original, Bitstring = bitstring, HOriginal = hOriginal, HBitstring = hBits, MinEntropy = h };
    }

    /// <summary>The least estimate among those that ran, at most <paramref name="max"/> (the width of a sample).</summary>
    internal static double Least(IEnumerable<Estimate> es, double max) => es.Where(e => e.Ran).Select(e => e.MinEntropy).Append(max).Min();
}
