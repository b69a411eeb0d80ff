namespace Qrng.Assess;

/// <summary>A bad input: one line for the user, never a stack trace.</summary>
public sealed class AssessException(string message) : Exception(message);

/// <summary>
/// Samples as SP 800-90B §3.1.1 and NIST's tools read them: one sample per byte, its low <see cref="BitsPerSymbol"/> bits.
/// <see cref="Symbols"/> renumbers the values that occur to 0..k-1 in ascending order (the alphabet the estimators
/// count over); <see cref="Raw"/> keeps the values (means, covariance, compression); <see cref="Bits"/> is the
/// bitstring of §6.3 / §3.1.3, each sample's bits most significant first.
/// </summary>
public sealed class SampleSet
{
    /// <summary>Below this many samples no estimate means anything; the standard asks for 1,000,000.</summary>
    public const int MinimumSamples = 1000;

    public const int RecommendedSamples = 1_000_000;

    public int BitsPerSymbol { get; }
    public int AlphabetSize { get; }
    public byte[] Raw { get; }
    public byte[] Symbols { get; }
    /// <summary>The bitstring (Length × BitsPerSymbol bits, one per byte); for 1-bit samples it is <see cref="Raw"/>.</summary>
    public byte[] Bits { get; }
    public byte MaxSymbol { get; }
    /// <summary>True when some input byte had bits above <see cref="BitsPerSymbol"/> set (they were masked off).</summary>
    public bool HighBitsMasked { get; }
    /// <summary>The first byte with bits above <see cref="BitsPerSymbol"/> set, and its offset (−1: none).</summary>
    public byte FirstWideByte { get; }
    public long FirstWideOffset { get; } = -1;
    public int Length => Raw.Length;
    /// <summary>Binary data in the sense of §5/§6.3: exactly two distinct values (whatever their width).</summary>
    public bool IsBinary => AlphabetSize == 2;

    public SampleSet(ReadOnlySpan<byte> bytes, int bitsPerSymbol)
    {
        if (bitsPerSymbol < 1 || bitsPerSymbol > 8) throw new AssessException($"bits per sample must be 1..8, got {bitsPerSymbol}");
        BitsPerSymbol = bitsPerSymbol;
        int mask = (1 << bitsPerSymbol) - 1;
        Raw = new byte[bytes.Length];
        Span<int> seen = stackalloc int[256];
        bool high = false;
        byte max = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            byte v = (byte)(bytes[i] & mask);
            if (v != bytes[i] && !high)
            {
                FirstWideByte = bytes[i];
                FirstWideOffset = i;
            }

            high |= v != bytes[i];
            Raw[i] = v;
            seen[v] = 1;
            if (v > max) max = v;
        }
        HighBitsMasked = high;
        MaxSymbol = max;
        Span<byte> map = stackalloc byte[256];
        int k = 0;
        for (int v = 0; v <= mask; v++) if (seen[v] != 0) map[v] = (byte)k++;
        AlphabetSize = k;
        Symbols = new byte[Raw.Length];
        for (int i = 0; i < Raw.Length; i++) Symbols[i] = map[Raw[i]];
        if (bitsPerSymbol == 1) Bits = Raw;
        else
        {
            Bits = new byte[(long)Raw.Length * bitsPerSymbol > Array.MaxLength ? throw new AssessException("input too large") : Raw.Length * bitsPerSymbol];
            for (int i = 0, o = 0; i < Raw.Length; i++)
                for (int b = bitsPerSymbol - 1; b >= 0; b--) Bits[o++] = (byte)((Raw[i] >> b) & 1);
        }
    }

    /// <summary>Reads FILE; a missing, empty or too short file is an <see cref="AssessException"/>.</summary>
    public static SampleSet Load(string path, int bitsPerSymbol)
    {
        if (Directory.Exists(path)) throw new AssessException($"{path} is a directory, not a file of samples");
        if (!File.Exists(path)) throw new AssessException($"file not found: {path}");
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new AssessException($"cannot read {path}: {e.Message}"); }
        var s = new SampleSet(data, bitsPerSymbol);
        s.RequireLength(path);
        return s;
    }

    /// <summary>Refuses fewer than <see cref="MinimumSamples"/> samples with one clear message.</summary>
    public void RequireLength(string what)
    {
        if (Length < MinimumSamples)
            throw new AssessException($"{what}: {Length} samples; an assessment needs at least {MinimumSamples} (SP 800-90B asks for {RecommendedSamples:N0})");
    }
}
