using ScottPlot;
using Qrng.Model;

namespace Qrng.Cli;

/// <summary>The paper's figures as PNG files (ScottPlot). Every axis is labelled with its unit.</summary>
public static class Plots
{
    private const int Width = 1000, Height = 600;

    /// <summary>Renders the PNG and writes it to an output opened when the command started.</summary>
    private static void Save(Plot plt, OutputFile file) => Output.Write(file, plt.GetImageBytes(Width, Height, ImageFormat.Png), "plot");

    /// <summary>Paper Fig. 2(a): the law of Z, with the pile-up peaks.</summary>
    public static void ZHistogram(OutputFile file, double[] pz, double muE, SensorParams s, NoiseParams n)
    {
        var (lo, hi) = Support(pz, 1e-5);
        var xs = Enumerable.Range(lo, hi - lo + 1).Select(z => (double)z).ToArray();
        var ys = xs.Select(z => pz[(int)z]).ToArray();
        var plt = new Plot();
        var sc = plt.Add.Scatter(xs, ys);
        sc.MarkerSize = 3;
        sc.LineWidth = 1;
        plt.Title($"ADC output distribution, μe = {muE:0.#}, K = {s.K} ({NoiseText(n)})");
        plt.XLabel("ADC output Z (code)");
        plt.YLabel("probability P(Z)");
        plt.Axes.SetLimitsY(0, ys.Max() * 1.08);
        Save(plt, file);
    }

    /// <summary>Paper Fig. 2(b): the law of bits 2–3.</summary>
    public static void SymbolBars(OutputFile file, double[] sym, EntropyPoint h)
    {
        var plt = new Plot();
        var bars = plt.Add.Bars(new double[] { 0, 1, 2, 3 }, sym);
        foreach (var b in bars.Bars) b.Label = b.Value.ToString("0.0000");
        bars.ValueLabelStyle.FontSize = 16;
        var line = plt.Add.HorizontalLine(0.25);
        line.LinePattern = LinePattern.Dashed;
        line.LegendText = "uniform (0.25)";
        plt.Axes.Bottom.SetTicks([0, 1, 2, 3], ["00", "01", "10", "11"]);
        plt.Title($"Bits 2–3 of Z: H_min = {h.HminPerBit:0.0000} per bit (μe = {h.MuE:0.#})");
        plt.XLabel("Z23 = bits 3..2 of Z");
        plt.YLabel("probability");
        plt.Axes.SetLimitsY(0, 0.3);
        plt.ShowLegend(Alignment.LowerRight);
        Save(plt, file);
    }

    /// <summary>Paper Fig. 5: a dark histogram and the Eq. 4 fit.</summary>
    public static void NoiseFitPlot(OutputFile file, Histogram h, NoiseFitResult r, double adcOffset, int bin = 1)
    {
        var (lo, hi) = Support(h.Counts.Select(c => (double)c).ToArray(), 0);
        lo = Math.Max(0, lo - 2 * bin); hi = Math.Min(h.AdcMax, hi + 2 * bin);
        // with buckets (bin > 1) counts and fit are stored at each bucket's first code and drawn at its centre
        int[] starts = Enumerable.Range(lo, hi - lo + 1).Where(z => z % bin == 0).ToArray();
        var xs = starts.Select(z => z + (bin - 1) / 2.0).ToArray();
        var plt = new Plot();
        var bars = plt.Add.Bars(xs, starts.Select(z => (double)h.Counts[z] / h.Total).ToArray());
        bars.LegendText = $"measured ({h.Total:N0} samples)";
        foreach (var b in bars.Bars) { b.Size = 0.8 * bin; b.FillColor = Colors.SteelBlue.WithAlpha(0.6); b.LineWidth = 0; }
        var fit = plt.Add.Scatter(xs, starts.Select(z => r.Expected[z] / h.Total).ToArray());
        fit.LegendText = "fit, Eq. 4";
        fit.Color = Colors.OrangeRed;
        fit.MarkerSize = 6;
        fit.LineWidth = 1.5f;
        var f = r.Fit;
        string off = adcOffset == 0 ? "" : $" (offset {adcOffset:+0.##;-0.##} removed)";
        plt.Title($"Dark noise fit: μr = {f.MuR - adcOffset:0.000}{off}, σr = {f.SigmaR:0.000}, μdark = {f.MuDark:0.00}; χ²/dof = {r.ChiSquare:0.0}/{r.Dof}");
        string unit = bin == 1 ? "code" : $"code; {bin}-code buckets";
        plt.XLabel(adcOffset == 0 ? $"ADC output with the LED off, Z_E ({unit})" : $"ADC output with the LED off, Z_E ({unit}, ADC offset {adcOffset:+0.##;-0.##})");
        plt.YLabel("fraction of samples");
        plt.ShowLegend(Alignment.UpperRight);
        Save(plt, file);
    }

    /// <summary>Paper Fig. 7: H_min(Z23|E) per bit against μe.</summary>
    public static void EntropyCurve(OutputFile file, EntropyPoint[] pts, NoiseParams n, double? operatingLo = 500, double? operatingHi = 750)
    {
        var plt = new Plot();
        if (operatingLo is double a && operatingHi is double b)
        {
            var span = plt.Add.HorizontalSpan(a, b);
            span.FillStyle.Color = Colors.Green.WithAlpha(0.12);
            span.LegendText = $"paper's operating range {a:0}–{b:0}";
        }
        var sc = plt.Add.ScatterLine(pts.Select(p => p.MuE).ToArray(), pts.Select(p => p.HminPerBit).ToArray());
        sc.LineWidth = 2;
        sc.LegendText = "H_min(Z23|E), Eve knows E";
        var blind = plt.Add.ScatterLine(pts.Select(p => p.MuE).ToArray(), pts.Select(p => p.HNoSideInfoPerBit).ToArray());
        blind.LinePattern = LinePattern.Dotted;
        blind.LegendText = "min-entropy if E were secret";
        var line = plt.Add.HorizontalLine(0.98);
        line.LinePattern = LinePattern.Dashed;
        line.Color = Colors.Gray;
        line.LegendText = "0.98";
        plt.Title($"Quantum min-entropy of bits 2–3 ({NoiseText(n)})");
        plt.XLabel("mean photoelectron number μe (electrons)");
        plt.YLabel("min-entropy per bit (bit)");
        plt.Axes.SetLimitsY(0.9, 1.005);                 // the flat top is what matters; the edges fall off the chart
        plt.ShowLegend(Alignment.LowerCenter);
        Save(plt, file);
    }

    /// <summary>Paper Fig. 8: failure probability (log scale, left) and mean min-entropy per bit (right) against μ.</summary>
    public static void FailureCurve(OutputFile file, double[] mu, double[] pFail, double[] hbar, FrameTestConfig c, string light)
    {
        var plt = new Plot();
        double floor = -16;
        var logs = pFail.Select(p => p <= 0 ? floor : Math.Max(floor, Math.Log10(p))).ToArray();
        var fail = plt.Add.ScatterLine(mu, logs);
        fail.LineWidth = 2;
        fail.Color = Colors.Crimson;
        fail.LegendText = "probability of failure (left)";
        var ent = plt.Add.ScatterLine(mu, hbar);
        ent.LineWidth = 2;
        ent.Color = Colors.Navy;
        ent.LegendText = "mean H_min per bit (right)";
        ent.Axes.YAxis = plt.Axes.Right;
        plt.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            IntegerTicksOnly = true,
            LabelFormatter = v => v == 0 ? "1" : $"1e{v:0}",
        };
        plt.Axes.SetLimitsY(floor - 0.5, 0.5, plt.Axes.Left);
        plt.Axes.SetLimitsY(0, 1.02, plt.Axes.Right);
        plt.Title($"T± test on {light}: T− = {c.TMinus}, T+ = {c.TPlus}, N− = {c.NMinus}, N+ = {c.NPlus}");
        plt.XLabel("mean photoelectron number per pixel μe (electrons)");
        plt.Axes.Left.Label.Text = "probability of failure per frame (log, floor 1e-16)";
        plt.Axes.Right.Label.Text = "mean min-entropy per bit (bit)";
        plt.ShowLegend(Alignment.MiddleCenter);
        Save(plt, file);
    }

    private static (int lo, int hi) Support(double[] p, double rel)
    {
        double max = p.Max();
        int lo = Array.FindIndex(p, x => x > max * rel);
        int hi = Array.FindLastIndex(p, x => x > max * rel);
        return (Math.Max(0, lo), Math.Max(lo, hi));
    }

    private static string NoiseText(NoiseParams n) =>
        n.SigmaR == 0 && n.MuDark == 0 && n.MuR == 0 ? "no classical noise" : $"noise μr = {n.MuR}, σr = {n.SigmaR}, μdark = {n.MuDark}";
}
