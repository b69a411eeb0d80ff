using System.Globalization;
using System.Text;

namespace Qrng.Model;

/// <summary>A histogram of ADC codes 0..AdcMax; the file format is CSV "adc,count" with '#' comments.</summary>
public sealed class Histogram
{
    public long[] Counts { get; }
    public long Total { get; }

    public Histogram(long[] counts)
    {
        Counts = counts;
        foreach (long c in counts) Total += c;
    }

    public int AdcMax => Counts.Length - 1;

    public static Histogram Load(string path, int adcMax)
    {
        InputFile.Check(path, "histogram file");
        var counts = new long[adcMax + 1];
        int lineNo = 0, rows = 0;
        foreach (string raw in File.ReadLines(path))
        {
            lineNo++;
            string line = raw.Split('#')[0].Trim();
            if (line.Length == 0) continue;
            string[] f = line.Split(',', ';', '\t', ' ').Where(s => s.Length > 0).ToArray();
            if (f.Length != 2) throw new ModelException($"{path}:{lineNo}: expected 'adc,count', got '{line}'");
            bool okZ = int.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int z);
            bool okC = long.TryParse(f[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long c);
            if (!okZ || !okC)
            {
                if (rows == 0 && !okZ) continue;              // header
                throw new ModelException($"{path}:{lineNo}: expected two integers 'adc,count', got '{line}'");
            }
            if (z < 0 || z > adcMax) throw new ModelException($"{path}:{lineNo}: ADC code {z} outside 0..{adcMax}");
            if (c < 0) throw new ModelException($"{path}:{lineNo}: negative count {c}");
            counts[z] += c;
            rows++;
        }
        var h = new Histogram(counts);
        if (h.Total == 0) throw new ModelException($"{path}: the histogram is empty");
        return h;
    }

    public void Save(string path, string comment) => File.WriteAllText(path, Format(comment));

    /// <summary>The file's text: the comment lines, the header, one line per occupied code.</summary>
    public string Format(string comment)
    {
        var sb = new StringBuilder();
        foreach (string l in comment.Split('\n', StringSplitOptions.RemoveEmptyEntries)) sb.Append("# ").Append(l).Append('\n');
        sb.Append("adc,count\n");
        for (int z = 0; z < Counts.Length; z++)
            if (Counts[z] != 0) sb.Append(z.ToString(CultureInfo.InvariantCulture)).Append(',').Append(Counts[z].ToString(CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }
}
