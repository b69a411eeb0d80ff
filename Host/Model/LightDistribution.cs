using System.Globalization;

namespace Qrng.Model;

/// <summary>
/// How the LED's light falls on the array: pixel i sees μe,i = η_i·μ where μ is the array's mean photoelectron
/// number and the η_i (relative efficiencies, paper Sec. II A) average 1. Pixels with equal η are grouped.
/// </summary>
public sealed class LightDistribution
{
    public const int MaxGroups = 32;

    public int Pixels { get; }
    /// <summary>(η, number of pixels) with Σ count·η = Pixels.</summary>
    public IReadOnlyList<(double Eta, int Count)> Groups { get; }
    public string Description { get; }
    /// <summary>True when more than <see cref="MaxGroups"/> distinct efficiencies were binned (quantile bins, bin means).</summary>
    public bool Binned { get; }

    private LightDistribution(int pixels, List<(double, int)> groups, string description, bool binned)
    {
        Pixels = pixels; Groups = groups; Description = description; Binned = binned;
    }

    public static LightDistribution Uniform(int pixels)
    {
        if (pixels < 1 || pixels > 1_000_000) throw new ModelException($"pixel count must be in [1, 1000000], got {pixels}");
        return new LightDistribution(pixels, [(1.0, pixels)], $"{pixels} pixels, uniform", false);
    }

    /// <summary>Per-pixel efficiencies in any positive unit (normalised here to mean 1).</summary>
    public static LightDistribution FromEfficiencies(IReadOnlyList<double> eta, string source)
    {
        if (eta.Count < 1) throw new ModelException($"{source}: no efficiencies");
        double mean = 0;
        foreach (double e in eta) mean += e;
        mean /= eta.Count;
        var sorted = eta.Select(e => e / mean).OrderBy(e => e).ToArray();
        var groups = new List<(double, int)>();
        foreach (double e in sorted)
        {
            if (groups.Count > 0 && Math.Abs(groups[^1].Item1 - e) <= 1e-9) groups[^1] = (groups[^1].Item1, groups[^1].Item2 + 1);
            else groups.Add((e, 1));
        }
        bool binned = false;
        if (groups.Count > MaxGroups)
        {
            // quantile bins of equal pixel count; each bin at its mean efficiency (keeps Σ η = pixels)
            binned = true;
            groups.Clear();
            for (int b = 0; b < MaxGroups; b++)
            {
                int lo = (int)((long)sorted.Length * b / MaxGroups), hi = (int)((long)sorted.Length * (b + 1) / MaxGroups);
                if (hi <= lo) continue;
                double s = 0;
                for (int i = lo; i < hi; i++) s += sorted[i];
                groups.Add((s / (hi - lo), hi - lo));
            }
        }
        return new LightDistribution(sorted.Length, groups,
            string.Create(CultureInfo.InvariantCulture, $"{sorted.Length} pixels from {source} (efficiency {sorted[0]:0.###}..{sorted[^1]:0.###} of mean)"), binned);
    }

    /// <summary>Reads one efficiency per line (or the last comma-separated field); '#' starts a comment.</summary>
    public static LightDistribution Load(string path)
    {
        InputFile.Check(path, "efficiency file");
        var eta = new List<double>();
        int lineNo = 0;
        foreach (string raw in File.ReadLines(path))
        {
            lineNo++;
            string line = raw.Split('#')[0].Trim();
            if (line.Length == 0) continue;
            string field = line.Split(',')[^1].Trim();
            if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double e))
            {
                if (eta.Count == 0 && lineNo == 1) continue;   // a header line
                throw new ModelException($"{path}:{lineNo}: expected an efficiency, got '{field}'");
            }
            if (!double.IsFinite(e) || e <= 0) throw new ModelException($"{path}:{lineNo}: efficiency must be finite and > 0, got {field}");
            eta.Add(e);
        }
        if (eta.Count == 0) throw new ModelException($"{path}: no efficiencies found");
        return FromEfficiencies(eta, Path.GetFileName(path));
    }
}
