namespace Qrng.Assess;

/// <summary>One sanity check of conditioned output: its statistic, the acceptance interval, the verdict.</summary>
public sealed record StreamCheck(string Name, double Statistic, string Accepts, bool Passed);

/// <summary>
/// Sanity checks of DRBG output (the acceptance run's stream checks; they can catch a broken output path — a stuck
/// UART, repeated blocks, a constant — not judge entropy, which the DRBG's output hides by design):
/// the statistical tests of FIPS 140-2 §4.9.1 (as published in 2001, before Change Notice 2 removed them) on the
/// first 20,000 bits — monobit, poker, runs, long run — and a chi-square of the byte frequencies over all of it.
/// </summary>
public static class StreamChecks
{
    public const int FipsBits = 20_000;

    /// <summary>FIPS 140-2 §4.9.1 runs test: accepted counts of runs of length 1..5 and 6+, for zeros and ones alike.</summary>
    private static readonly (int Low, int High)[] RunBounds =
        [(2315, 2685), (1114, 1386), (527, 723), (240, 384), (103, 209), (103, 209)];

    /// <summary>The byte-frequency test's significance, both tails together.</summary>
    public const double ByteAlpha = 1e-4;

    public static List<StreamCheck> Run(ReadOnlySpan<byte> data)
    {
        if (data.Length < FipsBits / 8)
        {
            throw new ArgumentException($"the stream checks need at least {FipsBits / 8} bytes, got {data.Length}");
        }

        var checks = new List<StreamCheck>();
        ReadOnlySpan<byte> block = data[..(FipsBits / 8)];

        // monobit: 9725 < ones < 10275
        int ones = 0;
        foreach (byte b in block)
        {
            ones += System.Numerics.BitOperations.PopCount(b);
        }

        checks.Add(new StreamCheck("FIPS 140-2 monobit (ones in 20,000 bits)", ones, "9725 < X < 10275", ones > 9725 && ones < 10275));

        // poker: 5000 4-bit segments, X = 16/5000 * sum f(i)^2 - 5000, 2.16 < X < 46.17
        var f = new long[16];
        foreach (byte b in block)
        {
            f[b >> 4]++;
            f[b & 15]++;
        }

        double poker = (16.0 / 5000 * f.Sum(n => n * n)) - 5000;
        checks.Add(new StreamCheck("FIPS 140-2 poker (4-bit segments)", poker, "2.16 < X < 46.17", poker > 2.16 && poker < 46.17));

        // runs of each bit value, lengths 1..5 and 6+; the long run test: no run of 26 or more
        var runs = new int[2, 6];
        int longest = 0, length = 0, current = -1;
        for (int i = 0; i < FipsBits; i++)
        {
            int bit = (block[i >> 3] >> (7 - (i & 7))) & 1;
            if (bit == current)
            {
                length++;
            }
            else
            {
                if (current >= 0)
                {
                    runs[current, Math.Min(length, 6) - 1]++;
                }

                current = bit;
                length = 1;
            }

            longest = Math.Max(longest, length);
        }

        runs[current, Math.Min(length, 6) - 1]++;
        bool runsOk = true;
        var worst = 0.0;
        for (int v = 0; v < 2; v++)
        {
            for (int k = 0; k < 6; k++)
            {
                (int lo, int hi) = RunBounds[k];
                if (runs[v, k] < lo || runs[v, k] > hi)
                {
                    runsOk = false;
                    worst = runs[v, k];
                }
            }
        }

        checks.Add(new StreamCheck("FIPS 140-2 runs (lengths 1..5, 6+, of zeros and ones)", runsOk ? runs[1, 0] : worst,
            "every count within its interval (length 1: 2315..2685, ..., 6+: 103..209)", runsOk));
        checks.Add(new StreamCheck("FIPS 140-2 long run (longest run in 20,000 bits)", longest, "X < 26", longest < 26));

        // byte frequencies over everything
        var counts = new long[256];
        foreach (byte b in data)
        {
            counts[b]++;
        }

        double expected = data.Length / 256.0;
        double chi = counts.Sum(c => (c - expected) * (c - expected) / expected);
        double upper = ChiSquare.PValue(chi, 255);
        checks.Add(new StreamCheck($"byte frequencies over {data.Length:N0} bytes (chi-square, 255 df; X = its upper-tail p)", upper,
            "5e-5 < X < 1 - 5e-5 (alpha 10^-4, both tails)", upper > ByteAlpha / 2 && upper < 1 - (ByteAlpha / 2)));
        return checks;
    }
}
