namespace Qrng.Assess;

/// <summary>One estimator's result on one sequence (the samples, or their bitstring).</summary>
public sealed class Estimate
{
    public string Name { get; }
    /// <summary>The section of SP 800-90B that defines it, e.g. "6.3.1".</summary>
    public string Section { get; }
    /// <summary>Min-entropy per sample of the sequence it ran on; NaN when it could not run (see <see cref="Note"/>).</summary>
    public double MinEntropy { get; }
    public string Note { get; }
    /// <summary>The intermediate quantities the standard names (p-hat, p_u, C, N, r, ...), in order.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Details { get; }

    public Estimate(string name, string section, double minEntropy, string note, params (string key, double value)[] details)
    {
        Name = name;
        Section = section;
        MinEntropy = minEntropy;
        Note = note;
        Details = details.Select(d => new KeyValuePair<string, double>(d.key, d.value)).ToArray();
    }

    public bool Ran => !double.IsNaN(MinEntropy);

    public static Estimate NotRun(string name, string section, string why) => new(name, section, double.NaN, why);

    public double Detail(string key) => Details.First(d => d.Key == key).Value;
}
