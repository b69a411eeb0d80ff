namespace Qrng.Model;

/// <summary>Thrown for parameters or input files the model cannot use; the message is for the user.</summary>
public sealed class ModelException(string message) : Exception(message);

/// <summary>Input files named by the user: the reason one cannot be read, in the user's terms.</summary>
public static class InputFile
{
    /// <summary>Throws unless <paramref name="path"/> names a file that exists and is not a folder.</summary>
    /// <param name="what">what the file is, for the message: "histogram file", "--config"</param>
    public static void Check(string path, string what)
    {
        if (string.IsNullOrEmpty(path)) throw new ModelException($"{what}: empty file name");
        if (Directory.Exists(path)) throw new ModelException($"{what} {path} is a directory, not a file");
        if (!File.Exists(path)) throw new ModelException($"{what} not found: {path}");
    }
}

/// <summary>
/// Classical noise E = K·Nd + R (paper Eq. 4): dark electrons Nd ~ Poisson(MuDark), read noise R ~ N(MuR, SigmaR²),
/// both in ADC units (MuR, SigmaR) or electrons (MuDark). The adversary is assumed to know E.
/// </summary>
public sealed record NoiseParams(double MuR, double SigmaR, double MuDark)
{
    /// <summary>No classical noise at all (paper Fig. 2).</summary>
    public static readonly NoiseParams None = new(0, 0, 0);

    /// <summary>Paper Table I, pixels 1–4 (μr extrapolated to the default ADC offset).</summary>
    public static NoiseParams TableI(int pixel) => pixel switch
    {
        1 => new(-13.6, 0.21, 17.2),
        2 => new(-16.8, 0.22, 18.0),
        3 => new(-14.4, 0.23, 17.2),
        4 => new(-13.6, 0.21, 19.0),
        _ => throw new ModelException($"Table I has pixels 1-4, not {pixel}"),
    };

    /// <summary>Parses "none", "pixel1".."pixel4" or "MU_R,SIGMA_R,MU_DARK".</summary>
    public static NoiseParams Parse(string text)
    {
        string t = (text ?? "").Trim().ToLowerInvariant();
        if (t == "none") return None;
        if (t.StartsWith("pixel", StringComparison.Ordinal) && int.TryParse(t.AsSpan(5), out int px)) return TableI(px);
        string[] parts = t.Split(',');
        if (parts.Length == 3
            && double.TryParse(parts[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double mr)
            && double.TryParse(parts[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double sr)
            && double.TryParse(parts[2], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double md))
        {
            var n = new NoiseParams(mr, sr, md);
            n.Validate();
            return n;
        }
        throw new ModelException($"--noise: expected none, pixel1..pixel4 or MU_R,SIGMA_R,MU_DARK (e.g. -13.6,0.21,17.2), got '{text}'");
    }

    public void Validate()
    {
        if (!double.IsFinite(MuR) || Math.Abs(MuR) > 1e4) throw new ModelException($"mu_r must be a finite ADC value, got {MuR}");
        if (!double.IsFinite(SigmaR) || SigmaR < 0 || SigmaR > 100) throw new ModelException($"sigma_r must be in [0, 100] ADC units, got {SigmaR}");
        if (!double.IsFinite(MuDark) || MuDark < 0 || MuDark > 1000) throw new ModelException($"mu_dark must be in [0, 1000] electrons, got {MuDark}");
    }

    public override string ToString() => FormattableString.Invariant($"mu_r={MuR}, sigma_r={SigmaR}, mu_dark={MuDark}");
}

/// <summary>The sensor: gain K (ADC units per electron, paper Eq. 2) and the ADC's top code (10 bits: 1023, Eq. 3).</summary>
public sealed record SensorParams(double K = SensorParams.PaperK, int AdcMax = 1023)
{
    /// <summary>The chip's factory gain used throughout the paper (Fig. 2).</summary>
    public const double PaperK = 0.8192;

    public static readonly SensorParams Paper = new();

    public void Validate()
    {
        if (!double.IsFinite(K) || K <= 0 || K > 100) throw new ModelException($"K must be in (0, 100] ADC units per electron, got {K}");
        if (AdcMax < 15 || AdcMax > 65535) throw new ModelException($"ADC top code must be in [15, 65535], got {AdcMax}");
    }
}
