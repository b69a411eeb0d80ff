using System.Security.Cryptography;

namespace Qrng.Assess;

public enum Track { NonIid, Iid, Both }

/// <summary>What `qrng assess` was asked to do.</summary>
public sealed class AssessmentOptions
{
    public int BitsPerSample { get; init; } = 2;
    /// <summary>The claimed min-entropy per sample.</summary>
    public double Claim { get; init; }
    public Track Track { get; init; } = Track.Both;
    public ulong Seed { get; init; } = IidTrack.DefaultSeed;
    public string RestartMatrix { get; init; }
    public int Rows { get; init; } = 1000;
    public int Cols { get; init; } = 1000;
    /// <summary>Assess the low <see cref="BitsPerSample"/> bits of bytes that have more set (else such a file is refused).</summary>
    public bool Mask { get; init; }

    /// <summary>The firmware's claim: 0.98 bit per bit of sample.</summary>
    public static double DefaultClaim(int bits) => 0.98 * bits;
}

/// <summary>
/// One assessment of a file: the requested tracks, the restart tests when a restart matrix is given, and the verdict
/// against the claim. The entropy the data supports is the IID track's when every IID test passed (§5: only then
/// may the IID estimate be used), else the non-IID track's; a restart matrix lowers it to min(H_r, H_c, H_I) (§3.1.4)
/// and fails the assessment when its checks fail.
/// </summary>
public sealed class Assessment
{
    public string File { get; init; }
    public string Sha256 { get; init; }
    public SampleSet Samples { get; init; }
    public AssessmentOptions Options { get; init; }
    public NonIidResult NonIid { get; init; }
    public IidResult Iid { get; init; }
    public RestartResult Restart { get; init; }
    /// <summary>"iid" or "non-iid": the track whose estimate counts; null when none does (IID requested, tests failed).</summary>
    public string CountingTrack { get; init; }
    /// <summary>The min-entropy per sample the data supports (before the restart tests: the initial estimate H_I without H_submitter).</summary>
    public double Estimate { get; init; }
    /// <summary>The assessed min-entropy per sample: the estimate, lowered by the restart tests; 0 when they fail or no track counts.</summary>
    public double MinEntropy { get; init; }
    public bool ClaimSupported => MinEntropy >= Options.Claim;
    public IReadOnlyList<string> Notes { get; init; }

    /// <summary>Progress: phase name, work done, work total.</summary>
    public delegate void Progress(string phase, double done, double total);

    /// <summary>
    /// Bytes with bits above the sample width are not samples of that width: NIST's tools refuse such a file, and so
    /// does this one unless <see cref="AssessmentOptions.Mask"/> asks for the low bits.
    /// </summary>
    private static void Narrow(SampleSet s, string path, AssessmentOptions o)
    {
        if (s.HighBitsMasked && !o.Mask)
            throw new AssessException($"{path} has bits above the low {o.BitsPerSample} set (byte 0x{s.FirstWideByte:X2} at offset {s.FirstWideOffset:N0}): "
                + $"not {o.BitsPerSample}-bit samples, which NIST's tools refuse; --bits 8 assesses bytes, --mask the low {o.BitsPerSample} bits of each");
    }

    public static Assessment Run(string path, AssessmentOptions o, Progress progress = null)
    {
        if (o.BitsPerSample < 1 || o.BitsPerSample > 8) throw new AssessException($"--bits must be 1..8, got {o.BitsPerSample}");
        if (!(o.Claim > 0) || o.Claim > o.BitsPerSample) throw new AssessException($"--claim must be in (0, {o.BitsPerSample}] bits per {o.BitsPerSample}-bit sample, got {o.Claim}");
        var samples = SampleSet.Load(path, o.BitsPerSample);
        Narrow(samples, path, o);
        SampleSet matrix = null;
        if (o.RestartMatrix != null)
        {
            matrix = SampleSet.Load(o.RestartMatrix, o.BitsPerSample);
            Narrow(matrix, o.RestartMatrix, o);
            if ((long)o.Rows * o.Cols != matrix.Length)
                throw new AssessException($"{o.RestartMatrix}: {matrix.Length} samples, expected --rows × --cols = {o.Rows} × {o.Cols} = {(long)o.Rows * o.Cols}");
        }
        var notes = new List<string>();
        if (samples.Length < SampleSet.RecommendedSamples) notes.Add($"{samples.Length:N0} samples: SP 800-90B asks for at least {SampleSet.RecommendedSamples:N0}; the bounds are wider");
        if (samples.HighBitsMasked) notes.Add($"--mask: the low {o.BitsPerSample} bits of each byte were assessed; bytes had bits above them set, which were ignored");
        if (samples.AlphabetSize < 2) notes.Add("every sample has the same value: no entropy");
        string sha;
        using (var f = System.IO.File.OpenRead(path)) sha = Convert.ToHexStringLower(SHA256.HashData(f));

        NonIidResult nonIid = null;
        IidResult iid = null;
        if (samples.AlphabetSize >= 2)
        {
            if (o.Track != Track.Iid)
            {
                int steps = NonIidTrack.Steps(samples), done = 0;
                progress?.Invoke("non-IID estimators", 0, steps);
                nonIid = NonIidTrack.Run(samples, _ => progress?.Invoke("non-IID estimators", Interlocked.Increment(ref done), steps));
            }
            if (o.Track != Track.NonIid)
            {
                progress?.Invoke("IID permutation tests (18 statistics)", 0, PermutationTests.Permutations);
                iid = IidTrack.Run(samples, o.Seed, (pass, d, open) => progress?.Invoke("IID permutation tests (" + pass + ")", open == 0 ? PermutationTests.Permutations : d, PermutationTests.Permutations));
            }
        }
        string counting = iid?.Passed == true ? "iid" : nonIid != null ? "non-iid" : null;
        double estimate = counting == "iid" ? iid.MinEntropy : counting == "non-iid" ? nonIid.MinEntropy : 0;
        if (iid != null && !iid.Passed)
            notes.Add(nonIid != null ? "the IID tests failed: the non-IID estimate counts" : "the IID tests failed: no IID estimate may be claimed (run --track non-iid)");

        RestartResult restart = null;
        double h = estimate;
        if (matrix != null && counting != null && estimate > 0)
        {
            // §3.1.4: H_I = min(H_submitter, the estimate)
            double hI = Math.Min(o.Claim, estimate);
            progress?.Invoke("restart tests", 0, 1);
            restart = RestartTests.Run(matrix, o.Rows, o.Cols, hI, counting == "iid");
            progress?.Invoke("restart tests", 1, 1);
            h = restart.Passed ? restart.MinEntropy : 0;             // §3.1.4.2: min(H_r, H_c, H_I)
            if (!restart.SanityPassed) notes.Add("the restart sanity check failed (§3.1.4.3): no entropy can be credited");
            else if (!restart.ValidationPassed) notes.Add("the restart validation failed: min(H_r, H_c) < H_I/2 (§3.1.4.2)");
        }
        return new Assessment
        {
            File = path, Sha256 = sha, Samples = samples, Options = o, NonIid = nonIid, Iid = iid, Restart = restart,
            CountingTrack = counting, Estimate = estimate, MinEntropy = h, Notes = notes,
        };
    }
}
