namespace Qrng.Model;

/// <summary>
/// Draws ADC values from the paper's physical model (Eq. 1–4): the one implementation used by `simulate-dark` and
/// by the virtual board's pixels. Seeded: the same seed gives the same values. Allocation-free.
/// </summary>
public sealed class PixelSampler(SensorParams sensor, NoiseParams noise, FastSampler rng)
{
    public PixelSampler(SensorParams sensor, NoiseParams noise, int seed)
        : this(sensor, noise, new FastSampler(seed))
    {
    }

    /// <summary>One Z = clamp(floor(K·(Ne + Nd) + R)), Ne ~ Poisson(μe), Nd ~ Poisson(μdark), R ~ N(μr, σr²).</summary>
    public int Sample(double muE)
    {
        double x = noise.MuR + sensor.K * (rng.Poisson(muE) + rng.Poisson(noise.MuDark));
        if (noise.SigmaR > 0) x += noise.SigmaR * rng.Gaussian();
        double f = Math.Floor(x);
        return f < 0 ? 0 : f > sensor.AdcMax ? sensor.AdcMax : (int)f;
    }

    /// <summary>A histogram of <paramref name="samples"/> values at light level μe (0 = dark frames, LED off).</summary>
    /// <param name="quantize">1, or 4 to record only ADC bits 9..2 as the ArduCAM FIFO does (Z &amp; ~3)</param>
    public Histogram Histogram(double muE, long samples, int quantize = 1)
    {
        if (samples < 1 || samples > 1_000_000_000) throw new ModelException($"samples must be in [1, 1e9], got {samples}");
        if (quantize < 1 || quantize > 64 || (quantize & (quantize - 1)) != 0) throw new ModelException($"quantization must be a power of two in 1..64, got {quantize}");
        var counts = new long[sensor.AdcMax + 1];
        for (long i = 0; i < samples; i++) counts[Sample(muE) & ~(quantize - 1)]++;
        return new Histogram(counts);
    }
}
