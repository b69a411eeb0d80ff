namespace Qrng.Assess;

/// <summary>The result of the §3.1.4 restart tests.</summary>
public sealed class RestartResult
{
    public int Rows { get; init; }
    public int Cols { get; init; }
    /// <summary>The entropy estimate H_I the restart data is checked against (per sample).</summary>
    public double HI { get; init; }
    public double Alpha { get; init; }
    /// <summary>The most common value's count, maximised over the rows and over the columns (§3.1.4.3).</summary>
    public int MaxRowCount { get; init; }
    public int MaxColCount { get; init; }
    /// <summary>P(the largest count in a row / column ≥ the observed one) under the worst-case distribution for H_I.</summary>
    public double RowTail { get; init; }
    public double ColTail { get; init; }
    /// <summary>The largest row / column count that still passes.</summary>
    public int RowCutoff { get; init; }
    public int ColCutoff { get; init; }
    public bool SanityPassed => MaxRowCount <= RowCutoff && MaxColCount <= ColCutoff;
    public IReadOnlyList<Estimate> RowEstimates { get; init; }
    public IReadOnlyList<Estimate> ColEstimates { get; init; }
    public double HRows { get; init; }
    public double HCols { get; init; }
    /// <summary>§3.1.4.2: the validation passes when min(H_r, H_c) ≥ H_I / 2.</summary>
    public bool ValidationPassed => Math.Min(HRows, HCols) >= HI / 2;
    public bool Passed => SanityPassed && ValidationPassed;
    /// <summary>min(H_r, H_c, H_I): the entropy the restart data validates.</summary>
    public double MinEntropy => Math.Min(Math.Min(HRows, HCols), HI);
}

/// <summary>
/// §3.1.4 restart tests on an r × c restart matrix (row i = the first c samples after restart i, the file in order):
/// the sanity check of §3.1.4.3 (the most common value in any row or column must not be too frequent for H_I) and
/// the validation of §3.1.4.2, the row and
/// the column dataset each assessed like the sequential data (the track's estimators on the samples; binary-only
/// ones when the samples are binary), H_r and H_c at least H_I / 2.
/// </summary>
public static class RestartTests
{
    public static RestartResult Run(SampleSet matrix, int rows, int cols, double hI, bool iid)
    {
        if (rows < 1 || cols < 1) throw new AssessException($"restart matrix: rows and cols must be positive, got {rows} × {cols}");
        if ((long)rows * cols != matrix.Length)
            throw new AssessException($"restart matrix: {matrix.Length} samples, expected rows × cols = {rows} × {cols} = {(long)rows * cols}");
        if (!(hI > 0) || hI > matrix.BitsPerSymbol) throw new AssessException($"restart test: H_I must be in (0, {matrix.BitsPerSymbol}], got {hI}");
        byte[] byRow = matrix.Symbols;
        var byCol = new byte[byRow.Length];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) byCol[j * rows + i] = byRow[i * cols + j];
        int maxRow = MaxModeCount(byRow, rows, cols), maxCol = MaxModeCount(byCol, cols, rows);
        // NIST's ea_restart: alpha = 1 - 0.99^(1/(r + c)), so that the r + c lines together pass with probability 0.99
        double p = Math.Pow(2, -hI), alpha = 1 - Math.Pow(0.99, 1.0 / (rows + cols));
        int k = matrix.AlphabetSize;
        // one value only: the most common value estimate (0 bits) is all there is to say
        Estimate[] Assess(byte[] d) => iid || k < 2 ? [Estimators.MostCommonValue(d, Math.Max(k, 1))] : NonIidTrack.Estimates(d, k, matrix.IsBinary);
        var rowEst = Assess(byRow);
        var colEst = Assess(byCol);
        return new RestartResult
        {
            Rows = rows, Cols = cols, HI = hI, Alpha = alpha,
            MaxRowCount = maxRow, MaxColCount = maxCol,
            RowTail = WorstCaseTail(cols, k, p, maxRow), ColTail = WorstCaseTail(rows, k, p, maxCol),
            RowCutoff = Cutoff(cols, k, p, alpha), ColCutoff = Cutoff(rows, k, p, alpha),
            RowEstimates = rowEst, ColEstimates = colEst, HRows = NonIidTrack.Least(rowEst, matrix.BitsPerSymbol), HCols = NonIidTrack.Least(colEst, matrix.BitsPerSymbol),
        };
    }

    /// <summary>The largest count of one value within any of the <paramref name="lines"/> consecutive stretches of <paramref name="length"/>.</summary>
    private static int MaxModeCount(byte[] data, int lines, int length)
    {
        var counts = new int[256];
        int best = 0;
        for (int i = 0; i < lines; i++)
        {
            Array.Clear(counts);
            foreach (byte b in data.AsSpan(i * length, length)) best = Math.Max(best, ++counts[b]);
        }
        return best;
    }

    /// <summary>P(X ≥ x) for X ~ Binomial(n, p), summed in log space from the pmf.</summary>
    internal static double BinomialTail(int n, double p, int x)
    {
        if (x <= 0) return 1.0;
        if (x > n) return 0.0;
        double lp = Math.Log(p), lq = Bounds.Log1P(-p), sum = 0;
        for (int j = x; j <= n; j++) sum += Math.Exp(LogChoose(n, j) + j * lp + (n - j) * lq);
        return Math.Min(1.0, sum);
    }

    /// <summary>
    /// P(the most common value's count in <paramref name="n"/> samples ≥ x) under the worst case NIST's ea_restart
    /// simulates for H_I (Hagerty and Draper): as many symbols as can have probability p = 2^−H_I have it, the rest
    /// share what is left. Computed, not simulated: the union bound over the symbols' binomial tails, exact here because
    /// two symbols cannot both reach more than half the samples (and at the counts in question, near a third, the
    /// overlap is below 10^-15 of the sum).
    /// </summary>
    internal static double WorstCaseTail(int n, int k, double p, int x)
    {
        int kMax = Math.Min(k, (int)Math.Floor(1 / p));
        double rest = k > kMax ? (1 - (kMax * p)) / (k - kMax) : 0;
        double tail = kMax * BinomialTail(n, p, x) + (rest > 0 ? (k - kMax) * BinomialTail(n, rest, x) : 0);
        return Math.Min(1.0, tail);
    }

    /// <summary>
    /// The largest count that passes: the (1 − α) quantile of the worst-case largest count, as ea_restart's X_cutoff
    /// (which simulates 5 000 000 rounds and so varies by a count or two from run to run: 322–324 where this gives 323).
    /// </summary>
    internal static int Cutoff(int n, int k, double p, double alpha)
    {
        int c = 0;
        while (c < n && WorstCaseTail(n, k, p, c + 1) > alpha) c++;
        return c;
    }

    private static double LogChoose(int n, int k) => Gamma.LogGamma(n + 1.0) - Gamma.LogGamma(k + 1.0) - Gamma.LogGamma(n - k + 1.0);
}
