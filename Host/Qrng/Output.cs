using System.Globalization;
using System.Text;
using Qrng.Model;

namespace Qrng.Cli;

/// <summary>CSV files, user-facing errors and the exit codes shared by every command.</summary>
public static class Output
{
    public const int Ok = 0, BadInput = 2;

    /// <summary>Runs a command body; a <see cref="ModelException"/> or I/O failure becomes one line on stderr and exit code 2.</summary>
    public static int Run(Func<int> body)
    {
        try { return body(); }
        catch (ModelException e) { Console.Error.WriteLine($"qrng: error: {e.Message}"); return BadInput; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"qrng: error: {e.Message}");
            return BadInput;
        }
    }

    public static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Writes CSV rows to a file, or to stdout for "-".</summary>
    public static void Csv(string path, string header, IEnumerable<string> rows)
    {
        var sb = new StringBuilder(header).Append('\n');
        foreach (string r in rows) sb.Append(r).Append('\n');
        if (path == "-") { Console.Out.Write(sb.ToString()); return; }
        try { File.WriteAllText(path, sb.ToString()); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ModelException($"cannot write {path}: {e.Message}");
        }
    }

    public static void Wrote(string what, string path)
    {
        if (path != "-") Console.Error.WriteLine($"wrote {what}: {path}");
    }
}
