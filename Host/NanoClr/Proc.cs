using System.Diagnostics;
using System.Text;

namespace Qrng.NanoClr
{
    /// <summary>A finished child process: exit code (or the signal that ended it), its output, whether it hit the timeout.</summary>
    public sealed record ProcResult(int ExitCode, string Stdout, string Stderr, bool TimedOut, TimeSpan Elapsed)
    {
        /// <summary>The signal that killed it (POSIX: exit code 128 + signal as .NET reports a signalled child), or 0.</summary>
        public int Signal => ExitCode > 128 && ExitCode < 160 ? ExitCode - 128 : 0;

        public string Tail(int lines = 20)
        {
            string[] all = (Stdout + Stderr).TrimEnd().Split('\n');
            return string.Join("\n", all.Skip(Math.Max(0, all.Length - lines)).Select(l => l.Length > 400 ? l[..200] + " ... " + l[^150..] : l));
        }
    }

    public static class Proc
    {
        /// <summary>Runs a program to completion (or kills its whole tree after <paramref name="timeout"/>).</summary>
        public static ProcResult Run(string file, IEnumerable<string> args, string workingDirectory = null, TimeSpan? timeout = null,
            IDictionary<string, string> environment = null, Action<string> onLine = null)
        {
            var info = new ProcessStartInfo(file)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
            };
            foreach (string a in args)
            {
                info.ArgumentList.Add(a);
            }

            if (environment != null)
            {
                foreach (var (k, v) in environment)
                {
                    info.Environment[k] = v;
                }
            }

            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            var watch = Stopwatch.StartNew();
            using var p = new Process { StartInfo = info };
            p.OutputDataReceived += (_, e) =>
            {
                if (e.Data == null)
                {
                    return;
                }

                lock (stdout)
                {
                    stdout.Append(e.Data).Append('\n');
                }

                onLine?.Invoke(e.Data);
            };
            p.ErrorDataReceived += (_, e) =>
            {
                if (e.Data != null)
                {
                    lock (stderr)
                    {
                        stderr.Append(e.Data).Append('\n');
                    }
                }
            };
            p.Start();
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            bool done = p.WaitForExit(timeout.HasValue ? (int)Math.Min(int.MaxValue, timeout.Value.TotalMilliseconds) : -1);
            if (!done)
            {
                try
                {
                    p.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // it ended between the timeout and the kill
                }
            }

            p.WaitForExit();
            lock (stdout)
            {
                lock (stderr)
                {
                    return new ProcResult(done ? p.ExitCode : -1, stdout.ToString(), stderr.ToString(), !done, watch.Elapsed);
                }
            }
        }

        /// <summary>Runs a build step; throws <see cref="BuildException"/> with the tail of its output when it fails.</summary>
        public static ProcResult Check(string what, string file, IEnumerable<string> args, string workingDirectory = null, TimeSpan? timeout = null)
        {
            ProcResult r = Run(file, args, workingDirectory, timeout ?? TimeSpan.FromMinutes(30));
            if (r.TimedOut || r.ExitCode != 0)
            {
                throw new BuildException($"{what} failed ({(r.TimedOut ? "timed out" : "exit code " + r.ExitCode)}):\n{r.Tail(40)}");
            }

            return r;
        }

        /// <summary>True when <paramref name="file"/> is found on PATH.</summary>
        public static bool OnPath(string file) =>
            (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, file)));
    }

    /// <summary>A build step failed; the message says which and shows the end of its output.</summary>
    public sealed class BuildException(string message) : Exception(message);
}
