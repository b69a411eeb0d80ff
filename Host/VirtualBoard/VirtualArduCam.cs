using Qrng.Emulator;
using Qrng.Model;

namespace Qrng.VirtualBoard;

/// <summary>
/// The pixel physics of the emulated module (Emulator/ArduCamModule.cs), from a <see cref="SensorDescription"/>: μe =
/// η_i · light · LedFullElectrons · exposure / 256, electrons N = min(Poisson(μe) + Poisson(μdark), full well), and
/// Z = clamp(floor(o_i + μr + K·N·(1 − nl·(N/full well)²) + σr·G)) with the ADC's code boundaries shifted by its DNL
/// (paper Eq. 1-4 plus a real sensor's non-idealities: η_i the PRNU, o_i the DSNU). Exact Poisson draws (Model's
/// FastSampler); with the paper's description it draws exactly what Model's PixelSampler draws.
/// </summary>
public sealed class PhysicsPixelSource : IPixelSource
{
    private readonly FastSampler _rng;
    private readonly double[] _boundary;                  // DNL: where code c starts, relative to c (null: ideal ADC)
    private double[] _efficiency = [], _offset = [];

    public PhysicsPixelSource(int seed, SensorDescription sensor)
    {
        sensor.Validate();
        Description = sensor;
        _rng = new FastSampler(seed);
        FullScaleMuE = sensor.LedFullElectrons;
        if (sensor.Dnl > 0)
        {
            var dnl = new FastSampler(seed ^ 0x0D1E);         // the ADC's fixed pattern: its own stream, drawn once
            _boundary = new double[1025];
            for (int c = 1; c < 1024; c++) _boundary[c] = Math.Clamp(sensor.Dnl * dnl.Gaussian(), -0.45, 0.45);
        }
    }

    public PhysicsPixelSource(int seed, SensorParams sensor, NoiseParams noise, double efficiencySpread)
        : this(seed, SensorDescription.Paper with { GainK = sensor.K, MuR = noise.MuR, SigmaR = noise.SigmaR, MuDark = noise.MuDark, Prnu = efficiencySpread })
    {
    }

    public SensorDescription Description { get; }
    public SensorParams Sensor => Description.Model;
    public NoiseParams Noise => Description.Noise;
    public double EfficiencySpread => Description.Prnu;

    /// <summary>μe of a pixel of efficiency 1 at 100 % duty (the LED at full current).</summary>
    public double FullScaleMuE { get; set; }

    public void Draw(ushort[] z, int count, int lightPpm, int exposure)
    {
        SensorDescription d = Description;
        if (_efficiency.Length != count)
        {
            _efficiency = new double[count];
            for (int i = 0; i < count; i++) _efficiency[i] = Math.Max(0.05, 1 + d.Prnu * _rng.Gaussian());
            _offset = new double[count];
            if (d.Dsnu > 0) for (int i = 0; i < count; i++) _offset[i] = d.Dsnu * _rng.Gaussian();
        }

        double scale = lightPpm / 1e6 * FullScaleMuE * (exposure / 256.0);
        for (int i = 0; i < count; i++)
        {
            // PixelSampler's draws in its order; with no non-ideality every added term is an exact 0 or 1
            double n = Math.Min(_rng.Poisson(_efficiency[i] * scale) + _rng.Poisson(d.MuDark), d.FullScaleElectrons);
            double f = n / d.FullScaleElectrons;
            double x = d.MuR + _offset[i] + (d.GainK * n * (1 - (d.Nonlinearity * f * f)));
            if (d.SigmaR > 0) x += d.SigmaR * _rng.Gaussian();
            double c = Math.Floor(x);
            if (_boundary != null && c >= 0 && c < 1024)
            {
                int k = (int)c;
                if (x < c + _boundary[k]) c--;
                else if (k < 1023 && x >= c + 1 + _boundary[k + 1]) c++;
            }

            z[i] = (ushort)(c < 0 ? 0 : c > 1023 ? 1023 : c);
        }
    }
}

/// <summary>
/// The virtual board's camera: the portable byte-level ArduCAM module (the same class the device tests run on
/// nanoCLR) with the paper's physics for pixels, and the fault knobs by name.
/// </summary>
public sealed class VirtualArduCam : ArduCamModule
{
    public VirtualArduCam(int seed, SensorParams sensor, NoiseParams noise, double efficiencySpread = 0.05)
        : this(new PhysicsPixelSource(seed, sensor, noise, efficiencySpread), seed)
    {
    }

    public VirtualArduCam(int seed, SensorDescription sensor)
        : this(new PhysicsPixelSource(seed, sensor), seed)
    {
    }

    private VirtualArduCam(PhysicsPixelSource physics, int seed)
        : base(physics, unchecked((uint)seed * 2654435761u + 1))
    {
        Physics = physics;
    }

    public PhysicsPixelSource Physics { get; }
    public SensorDescription Description => Physics.Description;
    public SensorParams Sensor => Physics.Sensor;
    public NoiseParams Noise => Physics.Noise;
    public double EfficiencySpread => Physics.EfficiencySpread;

    /// <summary>μe of a pixel of efficiency 1 at 100 % duty (the LED at full current).</summary>
    public double FullScaleMuE { get => Physics.FullScaleMuE; set => Physics.FullScaleMuE = value; }

    /// <summary>Relative LED output lost per frame (slow aging), compounded.</summary>
    public double DriftPerFrame { get => DriftPpmPerFrame / 1e6; set => DriftPpmPerFrame = (int)Math.Round(value * 1e6); }

    /// <summary>Probability that a pixel's bits 2-3 read 00 regardless of the light (a biased ADC; the APT's case).</summary>
    public double SymbolBias { get => SymbolBiasPpm / 1e6; set => SymbolBiasPpm = (int)Math.Round(value * 1e6); }

    public double Brightness => BrightnessPpm / 1e6;

    /// <summary>The fault knobs by name (what `qrng stream --fault` takes and the tests switch): <see cref="ArduCamModule.KnobNames"/>.</summary>
    public static readonly string[] Knobs = KnobNames;

    /// <summary>
    /// Switches a named fault knob on or off (<see cref="ArduCamModule.SetKnob"/>); "replay:K", "partial-replay:P:K",
    /// "dead-pixel:N", "hot-pixel:N", "gain:G" and "bias:P" take counts, checked here.
    /// </summary>
    private static bool Number(string text, int most, out int value) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value) && value >= 1 && value <= most;

    public void SetFault(string knob, bool on)
    {
        string name = knob;
        int count = -1;
        int colon = knob.IndexOf(':');
        int cycle = -1;
        if (colon > 0)
        {
            name = knob[..colon];
            if (name is not ("replay" or "dead-pixel" or "hot-pixel" or "gain" or "bias" or "partial-replay"))
                throw new ArgumentException($"knob '{name}' takes no count");
            string rest = knob[(colon + 1)..];
            if (name == "partial-replay")
            {
                int second = rest.IndexOf(':');
                if (second >= 0)
                {
                    if (!Number(rest[(second + 1)..], 10000, out cycle))
                        throw new ArgumentException($"knob '{knob}': the cycle after the second ':' must be 1..10000 frames");
                    rest = rest[..second];
                }
            }

            int most = name is "bias" or "partial-replay" ? 100 : name == "replay" ? 10000 : 64;
            if (!Number(rest, most, out count))
                throw new ArgumentException(name is "bias" or "partial-replay" ? $"knob '{knob}': the percentage after ':' must be 1..100" : $"knob '{knob}': the count after ':' must be 1..{most}");
        }

        if (!SetKnob(name, count, cycle, on))
            throw new ArgumentException($"unknown knob '{knob}'; known: {string.Join(", ", Knobs)}");
    }
}
