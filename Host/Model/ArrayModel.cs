namespace Qrng.Model;

/// <summary>A whole array at one mean light level μ: mean min-entropy per bit and every pixel group's Z tails.</summary>
public sealed class ArrayState
{
    public double Mu { get; init; }
    /// <summary>Pixel-averaged H_min(Z23|E) per bit (paper Eq. 8's H̄_min / 2).</summary>
    public double MeanHminPerBit { get; init; }
    internal double[][] Below { get; init; }   // [group][T] = P(Z < T), T = 0..AdcMax+1
    internal double[][] Above { get; init; }   // [group][T+1] = P(Z > T), T = -1..AdcMax
    internal int[] Counts { get; init; }

    internal PixelTail[] Tails(int tMinus, int tPlus)
    {
        var t = new PixelTail[Counts.Length];
        for (int g = 0; g < t.Length; g++) t[g] = new PixelTail(Counts[g], Below[g][tMinus], Above[g][tPlus + 1]);
        return t;
    }

    /// <summary>P(frame passes) for a full T±/N± configuration.</summary>
    public double Pass(FrameTestConfig c) => FrameTest.PassProbability(Tails(c.TMinus, c.TPlus), c.NMinus, c.NPlus);

    /// <summary>P(n− ≤ N−): the low-side test alone.</summary>
    public double PassLow(int tMinus, int nMinus)
    {
        var t = Tails(tMinus, -1);
        for (int g = 0; g < t.Length; g++) t[g] = t[g] with { PHigh = 0 };
        return FrameTest.PassProbability(t, nMinus, 0);
    }

    /// <summary>P(n+ ≤ N+): the high-side test alone.</summary>
    public double PassHigh(int tPlus, int nPlus)
    {
        var t = Tails(0, tPlus);
        for (int g = 0; g < t.Length; g++) t[g] = t[g] with { PLow = 0 };
        return FrameTest.PassProbability(t, 0, nPlus);
    }
}

/// <summary>The paper's pixel model applied to every pixel of an array under a light distribution (Sec. IV).</summary>
public sealed class ArrayModel(EntropyModel model, LightDistribution light)
{
    public EntropyModel Model { get; } = model;
    public LightDistribution Light { get; } = light;

    public ArrayState At(double mu)
    {
        if (!double.IsFinite(mu) || mu < 0) throw new ModelException($"mu must be finite and >= 0, got {mu}");
        int groups = Light.Groups.Count, top = Model.Sensor.AdcMax;
        var below = new double[groups][];
        var above = new double[groups][];
        var counts = new int[groups];
        double h = 0;
        for (int g = 0; g < groups; g++)
        {
            var (eta, count) = Light.Groups[g];
            counts[g] = count;
            double mue = eta * mu;
            h += count * Model.Hmin(mue).HminPerBit;
            double[] pz = Model.ZDistribution(mue);
            var lo = new double[top + 2];
            for (int t = 1; t <= top + 1; t++) lo[t] = lo[t - 1] + pz[t - 1];
            var hi = new double[top + 2];                 // hi[T+1] = P(Z > T), summed from the top for small tails
            for (int t = top - 1; t >= -1; t--) hi[t + 1] = hi[t + 2] + pz[t + 1];
            below[g] = lo;
            above[g] = hi;
        }
        return new ArrayState { Mu = mu, MeanHminPerBit = h / Light.Pixels, Below = below, Above = above, Counts = counts };
    }

    /// <summary>States at many light levels, in parallel.</summary>
    public ArrayState[] At(double[] mu)
    {
        var r = new ArrayState[mu.Length];
        Parallel.For(0, mu.Length, i => r[i] = At(mu[i]));
        return r;
    }
}
