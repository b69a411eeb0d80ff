using System.Globalization;
using MathNet.Numerics;

namespace Qrng.Model;

/// <summary>
/// The per-frame health test of paper Sec. IV: n− = #pixels with Z &lt; T−, n+ = #pixels with Z &gt; T+; the frame
/// fails if n− &gt; N− or n+ &gt; N+.
/// </summary>
public sealed record FrameTestConfig(int TMinus, int TPlus, int NMinus, int NPlus)
{
    /// <summary>As the reports print it (not the record's own "FrameTestConfig { … }").</summary>
    public override string ToString() => $"T- = {TMinus}, T+ = {TPlus}, N- = {NMinus}, N+ = {NPlus}";

    /// <summary>The paper's Fig. 8 configuration (64 pixels).</summary>
    public static readonly FrameTestConfig Paper = new(64, 940, 1, 1);

    public void Validate(int adcMax, int pixels)
    {
        if (TMinus < 0 || TMinus > adcMax + 1) throw new ModelException($"T- must be in [0, {adcMax + 1}], got {TMinus}");
        if (TPlus < -1 || TPlus > adcMax) throw new ModelException($"T+ must be in [-1, {adcMax}], got {TPlus}");
        if (TMinus > TPlus) throw new ModelException($"T- ({TMinus}) must not exceed T+ ({TPlus})");
        // as the firmware's FirmwareConfig.Validate(): N± below the pixel count (N± = pixels would pass every frame)
        if (NMinus < 0 || NMinus >= pixels) throw new ModelException($"N- must be in [0, {pixels - 1}] (below the pixel count), got {NMinus}");
        if (NPlus < 0 || NPlus >= pixels) throw new ModelException($"N+ must be in [0, {pixels - 1}] (below the pixel count), got {NPlus}");
    }

    /// <summary>The firmware's configuration lines (key = value, see docs/entropy-model.md).</summary>
    public string ToFirmwareConfig() => string.Create(CultureInfo.InvariantCulture,
        $"health.t_minus = {TMinus}\nhealth.t_plus = {TPlus}\nhealth.n_minus = {NMinus}\nhealth.n_plus = {NPlus}\n");
}

/// <summary>Pixels that share one light level: Count pixels, each with P(Z &lt; T−) = PLow and P(Z &gt; T+) = PHigh.</summary>
public readonly record struct PixelTail(int Count, double PLow, double PHigh);

public static class FrameTest
{
    /// <summary>
    /// P(n− ≤ N− and n+ ≤ N+) for independent pixels (paper Sec. III C): the multinomial law of each group,
    /// truncated at N±, convolved over the groups. Exact up to rounding.
    /// </summary>
    public static double PassProbability(ReadOnlySpan<PixelTail> groups, int nMinus, int nPlus)
    {
        int w = nPlus + 1;
        var acc = new double[(nMinus + 1) * w];
        var grp = new double[acc.Length];
        var next = new double[acc.Length];
        acc[0] = 1;
        foreach (var g in groups)
        {
            GroupLaw(g, nMinus, nPlus, grp);
            Array.Clear(next);
            for (int a = 0; a <= nMinus; a++)
                for (int b = 0; b <= nPlus; b++)
                {
                    double x = acc[a * w + b];
                    if (x == 0) continue;
                    for (int c = 0; a + c <= nMinus; c++)
                        for (int d = 0; b + d <= nPlus; d++)
                            next[(a + c) * w + b + d] += x * grp[c * w + d];
                }
            (acc, next) = (next, acc);
        }
        double s = 0;
        foreach (double x in acc) s += x;
        return Math.Min(1, s);
    }

    /// <summary>Multinomial P(a pixels low, b high) for a ≤ N−, b ≤ N+ in one group.</summary>
    private static void GroupLaw(PixelTail g, int nMinus, int nPlus, double[] into)
    {
        int w = nPlus + 1;
        double lnLow = Math.Log(g.PLow), lnHigh = Math.Log(g.PHigh);
        double lnMid = Log1p(-(g.PLow + g.PHigh));
        double lnN = SpecialFunctions.GammaLn(g.Count + 1.0);
        for (int a = 0; a <= nMinus; a++)
            for (int b = 0; b <= nPlus; b++)
            {
                int rest = g.Count - a - b;
                if (rest < 0) { into[a * w + b] = 0; continue; }
                double ln = lnN - SpecialFunctions.GammaLn(a + 1.0) - SpecialFunctions.GammaLn(b + 1.0) - SpecialFunctions.GammaLn(rest + 1.0)
                    + (a == 0 ? 0 : a * lnLow) + (b == 0 ? 0 : b * lnHigh) + (rest == 0 ? 0 : rest * lnMid);
                into[a * w + b] = double.IsNaN(ln) ? 0 : Math.Exp(ln);
            }
    }

    /// <summary>log(1 + x) without cancellation for small |x|.</summary>
    internal static double Log1p(double x)
    {
        if (x <= -1) return double.NegativeInfinity;
        if (Math.Abs(x) < 1e-4) return x - x * x / 2 + x * x * x / 3;
        return Math.Log(1 + x);
    }
}
