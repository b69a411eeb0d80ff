namespace Qrng.Assess;

/// <summary>The result of the IID track on one input.</summary>
public sealed class IidResult
{
    public IReadOnlyList<PermutationStatistic> Permutation { get; init; }
    public IReadOnlyList<ChiSquareResult> ChiSquare { get; init; }
    public bool LrsPassed { get; init; }
    /// <summary>W, the length of the longest repeated substring, and Pr(X ≥ 1) of §5.2.5.</summary>
    public int LrsLength { get; init; }
    public double LrsProbability { get; init; }
    public bool PermutationPassed => Permutation.All(p => p.Passed);
    public bool ChiSquarePassed => ChiSquare.All(c => c.Passed);
    /// <summary>The data supports the IID assumption: every §5.1 and §5.2 test passed.</summary>
    public bool Passed => PermutationPassed && ChiSquarePassed && LrsPassed;
    /// <summary>§6.3.1 on the samples, and on the bitstring for samples wider than one bit (null for binary data).</summary>
    public Estimate Mcv { get; init; }
    public Estimate BitstringMcv { get; init; }
    /// <summary>min(bits, H_original, bits·H_bitstring) per sample, from the MCV estimates.</summary>
    public double MinEntropy { get; init; }
    public ulong Seed { get; init; }
}

/// <summary>
/// The IID track (§5, §6.1): the permutation tests (§5.1), the chi-square tests and the LRS test (§5.2); the entropy
/// estimate is the most common value estimate (§6.3.1), valid only when every test passed.
/// </summary>
public static class IidTrack
{
    public const ulong DefaultSeed = 0x90B_2018;

    public static IidResult Run(SampleSet samples, ulong seed = DefaultSeed, PermutationTests.Progress progress = null)
    {
        if (samples.AlphabetSize < 2) throw new InvalidOperationException("one symbol: nothing to test");
        var s = samples.Symbols;
        int k = samples.AlphabetSize;
        var chi = samples.IsBinary
            ? new[] { ChiSquare.BinaryIndependence(s), ChiSquare.BinaryGoodnessOfFit(s) }
            : new[] { ChiSquare.Independence(s, k), ChiSquare.GoodnessOfFit(s, k) };
        var (lrsPassed, w, _, probability) = ChiSquare.LongestRepeatedSubstring(s, k);
        var mcv = Estimators.MostCommonValue(s, k);
        var bitMcv = samples.IsBinary ? null : Estimators.MostCommonValue(samples.Bits, 2);
        double h = Math.Min(samples.BitsPerSymbol, mcv.MinEntropy);
        if (bitMcv != null) h = Math.Min(h, samples.BitsPerSymbol * bitMcv.MinEntropy);
        // a failed §5.2 test decides "not IID" already: the costly compression statistic is then not ranked
        var perm = PermutationTests.Run(samples, seed, progress, decided: !lrsPassed || chi.Any(c => !c.Passed));
        return new IidResult
        {
            Permutation = perm, ChiSquare = chi, LrsPassed = lrsPassed, LrsLength = w, LrsProbability = probability,
            Mcv = mcv, BitstringMcv = bitMcv, MinEntropy = h, Seed = seed,
        };
    }
}
