using System.CommandLine;
using System.CommandLine.Invocation;

namespace Qrng.Cli;

/// <summary>
/// The `qrng` command line: its commands, its exit codes, and the rule that a failure is one line on stderr —
/// parse errors included (no help text on stdout, where `--out -` consumers read) — and never a stack trace.
/// </summary>
public static class QrngCli
{
    /// <summary>A parse error in a user's words: .NET type names (System.Nullable`1[System.Int32]) become what to type.</summary>
    internal static string Plain(string message) => System.Text.RegularExpressions.Regex.Replace(message, @" as expected type '([^']+)'\.?", m =>
    {
        string t = m.Groups[1].Value;
        string what = t.Contains("UInt") ? "a non-negative integer" : t.Contains("Int32") || t.Contains("Int64") ? "an integer"
            : t.Contains("Double") || t.Contains("Single") ? "a number" : t.Contains("Boolean") ? "true or false" : "a value of another kind";
        return $": expected {what}.";
    });

    public const int Ok = 0, Missed = 1, BadInput = 2, Unhealthy = 3, NoDevice = 4, DeviceGone = 5, Timeout = 6, LineErrors = 7, AuthFailed = 8, Rejected = 9;
    public const int InternalError = 70, BrokenPipe = 141;

    /// <summary>Every exit code the tool uses (the README's table and `qrng --help` list these).</summary>
    public static readonly (int Code, string Meaning)[] ExitCodes =
    [
        (Ok, "success"),
        (Missed, "model thresholds: the configuration misses epsilon"),
        (BadInput, "bad input (the device's refusals too) or an I/O error (one line on stderr)"),
        (Unhealthy, "the source is unhealthy: stream gave up, or the device says so (its reason on stderr; no output file); selftest failed; assess: the data do not support the claimed min-entropy; calibrate: no usable calibration from the measurement"),
        (NoDevice, "no device: the port is missing, busy, not permitted or not a serial port, or no port has the --serial asked for"),
        (DeviceGone, "the device went away during the command (unplugged adapter, closed pseudo-terminal); no output file"),
        (Timeout, "timeout: the device did not answer within --timeout"),
        (LineErrors, "transmission errors: frames still lost or corrupted (CRC mismatch) after --retries re-requests; no output file"),
        (AuthFailed, "authentication failed: a reply's HMAC does not verify with --key-file, or the device refused the key"),
        (Rejected, "hil: the acceptance run failed (its report names each failed check and the device's reason)"),
        (InternalError, "internal error (a bug; please report it)"),
        (130, "stopped by SIGINT (Ctrl-C)"),
        (BrokenPipe, "the reader of the output went away (a closed pipe)"),
        (143, "stopped by SIGTERM"),
    ];

    public static RootCommand Root()
    {
        var root = new RootCommand("qrng: host tool for the ESP32 quantum random number generator\n\nexit codes:\n"
            + string.Join("\n", ExitCodes.Select(e => $"  {e.Code} {e.Meaning}")));
        root.Subcommands.Add(StreamCommand.Build());
        foreach (Command c in DeviceCommands.Build()) root.Subcommands.Add(c);
        root.Subcommands.Add(ModelCommands.Build());
        root.Subcommands.Add(AssessCommand.Build());
        root.Subcommands.Add(HilCommand.Build());
        root.Subcommands.Add(CalibrateCommand.Build());
        return root;
    }

    public static int Run(string[] args)
    {
        Signals.Install();
        try
        {
            ParseResult result = Root().Parse(args);
            if (result.Action is ParseErrorAction)
            {
                string command = "--help";
                for (Symbol c = result.CommandResult.Command; c.Parents.FirstOrDefault() is Symbol parent; c = parent)
                {
                    command = c.Name + " " + command;
                }

                return Output.Error(string.Join(" ", result.Errors.Select(e => Plain(e.Message))) + $" (see 'qrng {command}')");
            }

            return result.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (Exception e)
        {
            // a bug: still one line (QRNG_TRACE=1 shows where)
            Console.Error.WriteLine("qrng: internal error (please report it): " + Output.Escape(e.GetType().Name + ": " + e.Message));
            if (Environment.GetEnvironmentVariable("QRNG_TRACE") == "1")
            {
                Console.Error.WriteLine(e);
            }

            return InternalError;
        }
        finally
        {
            Signals.Finished();
        }
    }
}
