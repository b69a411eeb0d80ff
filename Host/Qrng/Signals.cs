using System.Runtime.InteropServices;

namespace Qrng.Cli;

/// <summary>A command stopped by SIGINT or SIGTERM; <see cref="Output.Run"/> turns it into one line and 128 + the signal.</summary>
public sealed class SignalledException(int signal) : Exception(Signals.Name(signal))
{
    public int Signal { get; } = signal;

    /// <summary>What the stop left behind, appended to the line ("; no output file written").</summary>
    public string Detail { get; set; } = "";
}

/// <summary>
/// SIGINT and SIGTERM. A command that checks (<see cref="Check"/>, the stream loop does every frame) unwinds: its
/// temporary files are deleted by their using blocks, the progress display gives the cursor back, one line says what
/// happened and the exit code is 128 + the signal (130, 143). A command that does not check — the model commands,
/// or a stream blocked writing to a pipe or terminal nobody reads — is ended from the signal's thread the same way
/// after <see cref="GraceMilliseconds"/>; so is any command on a second signal.
/// </summary>
public static class Signals
{
    public const int SIGINT = 2, SIGTERM = 15;
    private const int GraceMilliseconds = 2000;
    private static readonly ManualResetEventSlim Done = new();
    private static readonly object ReportGate = new();
    private static PosixSignalRegistration[] _registrations;
    private static int _received;
    private static bool _reported;

    /// <summary>True while the running command checks <see cref="Check"/> often (it is given time to unwind).</summary>
    public static bool Cooperative { get; set; }

    public static int Received => Volatile.Read(ref _received);

    public static string Name(int signal) => signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal " + signal;

    public static void Install()
    {
        if (_registrations != null || OperatingSystem.IsWindows())
        {
            return;
        }

        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    /// <summary>Throws <see cref="SignalledException"/> once a signal has arrived.</summary>
    public static void Check()
    {
        int s = Received;
        if (s != 0)
        {
            throw new SignalledException(s);
        }
    }

    /// <summary>The command has returned: nothing is left for the signal's thread to do; the terminal is given back.</summary>
    public static void Finished()
    {
        Done.Set();
        RestoreTerminal();
    }

    /// <summary>
    /// .NET's console switches a terminal on stdout to keypad-transmit mode (ESC[?1h ESC=) at its first use and never
    /// back: the shell is left with application cursor keys. Sends keypad-local (ESC[?1l ESC>) when stdout is a terminal.
    /// </summary>
    public static void RestoreTerminal()
    {
        if (OperatingSystem.IsWindows() || Console.IsOutputRedirected)
        {
            return;
        }

        try
        {
            Console.Out.Write("\e[?1l\e>");
            Console.Out.Flush();
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The one line for a stop by a signal (once), after giving the terminal its cursor back.</summary>
    public static void Report(int signal, string detail)
    {
        lock (ReportGate)
        {
            if (_reported)
            {
                return;
            }

            _reported = true;
            if (!Console.IsErrorRedirected)
            {
                Console.Error.Write("\e[?25h");       // a progress display hides the cursor while it runs
            }

            Console.Error.WriteLine($"qrng: {Name(signal)}: stopped{detail}");
        }
    }

    private static void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        int signal = context.Signal == PosixSignal.SIGINT ? SIGINT : SIGTERM;
        if (Interlocked.CompareExchange(ref _received, signal, 0) != 0 || !Cooperative)
        {
            Force(Received);
            return;
        }

        ThreadPool.QueueUserWorkItem(_ =>
        {
            if (!Done.Wait(GraceMilliseconds))
            {
                Force(signal);
            }
        });
    }

    /// <summary>Ends the process from the signal's thread: temporary files deleted, one line, 128 + the signal.</summary>
    private static void Force(int signal)
    {
        if (Done.IsSet)
        {
            return;
        }

        Report(signal, OutputFile.DeletePending());
        RestoreTerminal();
        Environment.Exit(128 + signal);
    }
}
