namespace Qrng.Model;

/// <summary>
/// Seeded, allocation-free draws for the pixel model: Poisson by multiplication (μ &lt; 10) or by Hörmann's
/// transformed rejection PTRS (W. Hörmann, "The transformed rejection method for generating Poisson random
/// variables", Insurance: Mathematics and Economics 12, 1993), Gaussian by Box–Muller.
/// </summary>
public sealed class FastSampler(int seed)
{
    private readonly Random _rng = new(seed);
    private static readonly double[] LnFactorial = BuildLnFactorial(1 << 16);
    private double _spare;
    private bool _haveSpare;

    public double NextDouble() => _rng.NextDouble();

    public int NextByte() => _rng.Next(256);

    private static double[] BuildLnFactorial(int n)
    {
        var t = new double[n];
        for (int i = 2; i < n; i++) t[i] = t[i - 1] + Math.Log(i);
        return t;
    }

    private static double LnFact(int k) => k < LnFactorial.Length ? LnFactorial[k] : MathNet.Numerics.SpecialFunctions.GammaLn(k + 1.0);

    public int Poisson(double mu)
    {
        if (mu <= 0) return 0;
        if (mu < 10)
        {
            double limit = Math.Exp(-mu), prod = _rng.NextDouble();
            int k = 0;
            while (prod > limit) { k++; prod *= _rng.NextDouble(); }
            return k;
        }

        double slam = Math.Sqrt(mu), logLam = Math.Log(mu);
        double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
        double invAlpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
        while (true)
        {
            double u = _rng.NextDouble() - 0.5, v = _rng.NextDouble();
            double us = 0.5 - Math.Abs(u);
            int k = (int)Math.Floor((2 * a / us + b) * u + mu + 0.43);
            if (us >= 0.07 && v <= vr) return k;
            if (k < 0 || (us < 0.013 && v > us)) continue;
            if (Math.Log(v) + Math.Log(invAlpha) - Math.Log(a / (us * us) + b) <= -mu + k * logLam - LnFact(k)) return k;
        }
    }

    public double Gaussian()
    {
        if (_haveSpare) { _haveSpare = false; return _spare; }
        double u1 = 1.0 - _rng.NextDouble(), u2 = _rng.NextDouble();
        double r = Math.Sqrt(-2 * Math.Log(u1));
        _spare = r * Math.Sin(2 * Math.PI * u2);
        _haveSpare = true;
        return r * Math.Cos(2 * Math.PI * u2);
    }
}
