using System.Globalization;
using Qrng.Model;

namespace Qrng.VirtualBoard;

/// <summary>
/// The physics of a virtual board's sensor (`--sensor FILE`: <c>key = value</c> lines, '#' comments; docs/calibration.md
/// lists the keys with their meaning and realistic OV2640 ranges). The default is the paper's chip (Table I, pixel 1)
/// behind the ArduCAM FIFO: what every virtual board was before sensors could differ.
/// </summary>
public sealed record SensorDescription
{
    /// <summary>Conversion gain K, 10-bit ADC codes per electron (paper Eq. 2).</summary>
    public double GainK { get; init; } = SensorParams.PaperK;

    /// <summary>Read-noise mean μr (the ADC offset), 10-bit codes (paper Eq. 4).</summary>
    public double MuR { get; init; } = -13.6;

    /// <summary>Read-noise standard deviation σr, 10-bit codes (paper Eq. 4).</summary>
    public double SigmaR { get; init; } = 0.21;

    /// <summary>Dark electrons per pixel and exposure, mean of a Poisson law (paper Eq. 4).</summary>
    public double MuDark { get; init; } = 17.2;

    /// <summary>Full-well capacity: a pixel holds at most this many electrons (light and dark together).</summary>
    public double FullScaleElectrons { get; init; } = 20000;

    /// <summary>Photoelectrons of a pixel of efficiency 1 with the LED at 100 % duty and exposure 256.</summary>
    public double LedFullElectrons { get; init; } = 1250;

    /// <summary>ADC bits that reach the firmware: 8 (the ArduCAM FIFO carries Y[9:2]) or 10 (a sensor read without the ArduCAM: <see cref="TenBitSensor"/>).</summary>
    public int AdcBitsOut { get; init; } = 8;

    /// <summary>Dark-signal non-uniformity: standard deviation of the pixels' fixed offsets, 10-bit codes.</summary>
    public double Dsnu { get; init; }

    /// <summary>Photo-response non-uniformity: standard deviation of the pixels' relative efficiency (0.05 = 5 %).</summary>
    public double Prnu { get; init; } = 0.05;

    /// <summary>ADC differential non-linearity: standard deviation of each code boundary's shift, in codes (|shift| &lt;= 0.45).</summary>
    public double Dnl { get; init; }

    /// <summary>Light non-linearity: the share of the signal lost at the full well (a quadratic compression), 0..0.5.</summary>
    public double Nonlinearity { get; init; }

    public static readonly SensorDescription Paper = new();

    /// <summary>Every key, its meaning and the OV2640's realistic range (docs and errors).</summary>
    public static readonly (string Key, string Meaning)[] Keys =
    [
        ("gain_k", "conversion gain K, 10-bit ADC codes per electron (OV2640 at analog gain 1x: about 0.3 to 2.5)"),
        ("mu_r", "read-noise mean = ADC offset, 10-bit codes (-64 to 64; a negative offset clips the dark level at 0)"),
        ("sigma_r", "read-noise standard deviation, 10-bit codes (0.2 to 3)"),
        ("mu_dark", "dark electrons per pixel per exposure, Poisson mean (0 to 200; grows with temperature and exposure)"),
        ("full_scale_electrons", "full-well capacity, electrons (OV2640's 2.2 um pixels: a few thousand)"),
        ("led_full_electrons", "photoelectrons at 100 % LED duty (the bench's optics: 100 to 100000)"),
        ("adc_bits_out", "ADC bits that reach the firmware: 8 (ArduCAM FIFO, Y[9:2]) or 10 (a 10-bit readout without the ArduCAM module)"),
        ("dsnu", "dark-signal non-uniformity: std of the pixels' fixed offsets, codes (0 to 5)"),
        ("prnu", "photo-response non-uniformity: std of the pixels' relative efficiency (0 to 0.1; 0.01 = 1 %)"),
        ("dnl", "ADC differential non-linearity: std of each code boundary's shift, codes (0 to 0.45)"),
        ("nonlinearity", "share of the signal lost at the full well, quadratic (0 to 0.5)"),
    ];

    /// <summary>The parameters of the paper's model (Eq. 1-4) this sensor has.</summary>
    public SensorParams Model => new(GainK);

    public NoiseParams Noise => new(MuR, SigmaR, MuDark);

    /// <summary>Reads a sensor file; every problem is a <see cref="ModelException"/> naming the line.</summary>
    public static SensorDescription Load(string path)
    {
        InputFile.Check(path, "--sensor file");
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ModelException($"cannot read --sensor {path}: {e.Message}"); }
        try { return Parse(text); }
        catch (ModelException e) { throw new ModelException($"--sensor {path}: {e.Message}"); }
    }

    public static SensorDescription Parse(string text)
    {
        var d = Paper;
        var seen = new HashSet<string>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            int hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            line = line.Trim();
            if (line.Length == 0) continue;
            int eq = line.IndexOf('=');
            if (eq <= 0) throw new ModelException($"line {i + 1}: expected 'key = value', got '{line}'");
            string key = line[..eq].Trim(), value = line[(eq + 1)..].Trim();
            if (!seen.Add(key)) throw new ModelException($"line {i + 1}: {key} is set twice");
            if (!Keys.Any(k => k.Key == key)) throw new ModelException($"line {i + 1}: unknown key '{key}' (known: {string.Join(", ", Keys.Select(k => k.Key))})");
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                throw new ModelException($"line {i + 1}: {key} needs a number, got '{value}'");
            d = key switch
            {
                "gain_k" => d with { GainK = v },
                "mu_r" => d with { MuR = v },
                "sigma_r" => d with { SigmaR = v },
                "mu_dark" => d with { MuDark = v },
                "full_scale_electrons" => d with { FullScaleElectrons = v },
                "led_full_electrons" => d with { LedFullElectrons = v },
                "adc_bits_out" => d with { AdcBitsOut = (int)v == v ? (int)v : -1 },
                "dsnu" => d with { Dsnu = v },
                "prnu" => d with { Prnu = v },
                "dnl" => d with { Dnl = v },
                _ => d with { Nonlinearity = v },
            };
        }

        d.Validate();
        return d;
    }

    public void Validate()
    {
        static void Need(bool ok, string what)
        {
            if (!ok) throw new ModelException(what);
        }

        Need(GainK >= 0.05 && GainK <= 16, $"gain_k must be in [0.05, 16] codes per electron, got {Fmt(GainK)}");
        Need(Math.Abs(MuR) <= 256, $"mu_r must be within +-256 codes, got {Fmt(MuR)}");
        Need(SigmaR >= 0 && SigmaR <= 50, $"sigma_r must be in [0, 50] codes, got {Fmt(SigmaR)}");
        Need(MuDark >= 0 && MuDark <= 1000, $"mu_dark must be in [0, 1000] electrons, got {Fmt(MuDark)}");
        Need(FullScaleElectrons >= 100 && FullScaleElectrons <= 1e6, $"full_scale_electrons must be in [100, 1e6], got {Fmt(FullScaleElectrons)}");
        Need(LedFullElectrons >= 10 && LedFullElectrons <= 1e6, $"led_full_electrons must be in [10, 1e6], got {Fmt(LedFullElectrons)}");
        Need(AdcBitsOut is 8 or 10, $"adc_bits_out must be 8 (the ArduCAM FIFO) or 10, got {AdcBitsOut}");
        Need(Dsnu >= 0 && Dsnu <= 20, $"dsnu must be in [0, 20] codes, got {Fmt(Dsnu)}");
        Need(Prnu >= 0 && Prnu <= 0.3, $"prnu must be in [0, 0.3], got {Fmt(Prnu)}");
        Need(Dnl >= 0 && Dnl <= 0.45, $"dnl must be in [0, 0.45] codes, got {Fmt(Dnl)}");
        Need(Nonlinearity >= 0 && Nonlinearity <= 0.5, $"nonlinearity must be in [0, 0.5], got {Fmt(Nonlinearity)}");
    }

    /// <summary>The description as the file it was read from (Parse reads it back).</summary>
    public string ToText() => string.Join("\n", Keys.Select(k => $"{k.Key} = {Fmt(Value(k.Key))}")) + "\n";

    private double Value(string key) => key switch
    {
        "gain_k" => GainK,
        "mu_r" => MuR,
        "sigma_r" => SigmaR,
        "mu_dark" => MuDark,
        "full_scale_electrons" => FullScaleElectrons,
        "led_full_electrons" => LedFullElectrons,
        "adc_bits_out" => AdcBitsOut,
        "dsnu" => Dsnu,
        "prnu" => Prnu,
        "dnl" => Dnl,
        _ => Nonlinearity,
    };

    private static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
