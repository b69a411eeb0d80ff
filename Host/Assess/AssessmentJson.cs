using System.Text.Json;

namespace Qrng.Assess;

/// <summary>The machine-readable report: every estimate with its intermediate values, the tests, the verdict.</summary>
public static class AssessmentJson
{
    public static void Write(Assessment a, Stream output)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("standard", "NIST SP 800-90B (January 2018)");
        w.WriteString("file", a.File);
        w.WriteString("sha256", a.Sha256);
        w.WriteNumber("bitsPerSample", a.Samples.BitsPerSymbol);
        w.WriteNumber("samples", a.Samples.Length);
        w.WriteNumber("distinctValues", a.Samples.AlphabetSize);
        w.WriteBoolean("highBitsMasked", a.Samples.HighBitsMasked);
        w.WriteString("track", a.Options.Track switch { Track.Iid => "iid", Track.NonIid => "non-iid", _ => "both" });
        if (a.NonIid is { } n)
        {
            w.WriteStartObject("nonIid");
            Estimates(w, "original", n.Original);
            Estimates(w, "bitstring", n.Bitstring);
            Number(w, "hOriginal", n.HOriginal);
            Number(w, "hBitstring", n.HBitstring);
            Number(w, "minEntropy", n.MinEntropy);
            w.WriteEndObject();
        }
        if (a.Iid is { } i)
        {
            w.WriteStartObject("iid");
            w.WriteNumber("seed", i.Seed);
            w.WriteStartArray("permutationTests");
            foreach (var p in i.Permutation)
            {
                w.WriteStartObject();
                w.WriteString("statistic", p.Name);
                w.WriteString("section", p.Section);
                Number(w, "original", p.Original);
                w.WriteNumber("greater", p.Greater);
                w.WriteNumber("equal", p.Equal);
                w.WriteNumber("less", p.Less);
                w.WriteBoolean("passed", p.Passed);
                w.WriteBoolean("skipped", p.Skipped);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("chiSquareTests");
            foreach (var c in i.ChiSquare)
            {
                w.WriteStartObject();
                w.WriteString("test", c.Name);
                w.WriteString("section", c.Section);
                Number(w, "statistic", c.Statistic);
                w.WriteNumber("degreesOfFreedom", c.DegreesOfFreedom);
                Number(w, "pValue", c.PValue);
                w.WriteBoolean("passed", c.Passed);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("lrsTest");
            w.WriteString("section", "5.2.5");
            w.WriteNumber("longestRepeat", i.LrsLength);
            Number(w, "probability", i.LrsProbability);
            w.WriteBoolean("passed", i.LrsPassed);
            w.WriteEndObject();
            w.WriteBoolean("passed", i.Passed);
            Estimates(w, "original", [i.Mcv]);
            Estimates(w, "bitstring", i.BitstringMcv == null ? [] : [i.BitstringMcv]);
            Number(w, "minEntropy", i.MinEntropy);
            w.WriteEndObject();
        }
        if (a.Restart is { } r)
        {
            w.WriteStartObject("restart");
            w.WriteNumber("rows", r.Rows);
            w.WriteNumber("cols", r.Cols);
            Number(w, "hI", r.HI);
            Number(w, "alpha", r.Alpha);
            w.WriteNumber("maxRowCount", r.MaxRowCount);
            w.WriteNumber("maxColCount", r.MaxColCount);
            w.WriteNumber("rowCutoff", r.RowCutoff);
            w.WriteNumber("colCutoff", r.ColCutoff);
            w.WriteBoolean("sanityPassed", r.SanityPassed);
            Estimates(w, "rows", r.RowEstimates);
            Estimates(w, "cols", r.ColEstimates);
            Number(w, "hRows", r.HRows);
            Number(w, "hCols", r.HCols);
            w.WriteBoolean("validationPassed", r.ValidationPassed);
            Number(w, "minEntropy", r.MinEntropy);
            w.WriteEndObject();
        }
        if (a.CountingTrack != null) w.WriteString("countingTrack", a.CountingTrack);
        else w.WriteNull("countingTrack");
        Number(w, "minEntropy", a.MinEntropy);
        Number(w, "minEntropyPerBit", a.MinEntropy / a.Samples.BitsPerSymbol);
        Number(w, "claim", a.Options.Claim);
        w.WriteBoolean("claimSupported", a.ClaimSupported);
        w.WriteStartArray("notes");
        foreach (string note in a.Notes) w.WriteStringValue(note);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Estimates(Utf8JsonWriter w, string name, IEnumerable<Estimate> es)
    {
        w.WriteStartArray(name);
        foreach (var e in es)
        {
            w.WriteStartObject();
            w.WriteString("estimator", e.Name);
            w.WriteString("section", e.Section);
            Number(w, "minEntropy", e.MinEntropy);
            if (e.Note != null) w.WriteString("note", e.Note);
            foreach (var d in e.Details) Number(w, d.Key, d.Value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>JSON has no NaN: a value that does not exist is null.</summary>
    private static void Number(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v)) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }
}
