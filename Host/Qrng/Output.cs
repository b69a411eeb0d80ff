using System.Globalization;
using System.Text;
using Qrng.Model;

namespace Qrng.Cli;

/// <summary>User-facing errors, where prose goes, and CSV output: shared by every command.</summary>
public static class Output
{
    /// <summary>
    /// Runs a command body: a <see cref="ModelException"/> or an I/O failure becomes one line on stderr and exit
    /// code 2, a closed pipe ends quietly with 141, a signal with its line and 128 + its number.
    /// </summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (PipeClosedException)
        {
            return QrngCli.BrokenPipe;
        }
        catch (SignalledException e)
        {
            Signals.Report(e.Signal, e.Detail);
            return 128 + e.Signal;
        }
        catch (ModelException e)
        {
            return Error(e.Message);
        }
        catch (DeviceException e)
        {
            Error(e.Message);
            return e.Code;
        }
        catch (IOException e) when (OutputFile.IsBrokenPipe(e))
        {
            return QrngCli.BrokenPipe;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Error(e.Message);
        }
    }

    /// <summary>Prints "qrng: error: MESSAGE" (control characters escaped) on stderr; returns exit code 2.</summary>
    public static int Error(string message)
    {
        Console.Error.WriteLine("qrng: error: " + Escape(message));
        return QrngCli.BadInput;
    }

    /// <summary>
    /// Control characters (C0, DEL, C1) as \xHH: bad input echoed in a message (a file's line, an argument) cannot
    /// move the cursor, retitle or clear the user's terminal, or break the message into several lines.
    /// </summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (c < ' ' || (c >= '\u007f' && c < '\u00a0'))
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>Where a command's prose goes: stdout, or stderr when stdout carries the command's data ('-').</summary>
    public static TextWriter Prose => OutputFile.StdoutTaken ? Console.Error : Console.Out;

    public static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Opens an optional output named by <paramref name="option"/> (null when not given).</summary>
    public static OutputFile Open(string path, string option) => path == null ? null : OutputFile.Open(path, option);

    /// <summary>Writes CSV rows to an opened output and completes it.</summary>
    public static void Csv(OutputFile file, string header, IEnumerable<string> rows)
    {
        var sb = new StringBuilder(header).Append('\n');
        foreach (string r in rows) sb.Append(r).Append('\n');
        Write(file, Encoding.UTF8.GetBytes(sb.ToString()), "CSV");
    }

    /// <summary>Writes all of <paramref name="bytes"/>, completes the file and says so on stderr.</summary>
    public static void Write(OutputFile file, byte[] bytes, string what)
    {
        file.Write(bytes);
        file.Commit();
        if (!file.IsStdout) Console.Error.WriteLine($"wrote {what}: {file.Path}");
    }
}
