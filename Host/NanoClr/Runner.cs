using System.Globalization;

namespace Qrng.NanoClr
{
    /// <summary>
    /// What one run of the interpreter did. Upstream's harness exits 0 whatever happens, so the verdict comes from
    /// here: the process's exit (a signal = a crash), the timeout (a hang), "Ready."/"Done." around the program's
    /// output (missing = it never started or never finished), and, for programs that end with one, the result marker.
    /// </summary>
    public sealed record NanoClrRun(ProcResult Process, IReadOnlyList<string> ProgramOutput, bool Started, bool Finished, string LoadError)
    {
        /// <summary>Why the run is not a clean, complete execution of the program, or null when it is.</summary>
        public string Problem
        {
            get
            {
                if (Process.TimedOut)
                {
                    return $"nanoCLR did not finish within {Process.Elapsed.TotalSeconds:F0} s (a hang): killed";
                }

                if (LoadError != null)
                {
                    return "nanoCLR could not load the assemblies: " + LoadError;
                }

                if (Process.Signal != 0)
                {
                    return $"nanoCLR crashed (signal {Process.Signal}{(Process.Signal == 8 ? ", SIGFPE" : Process.Signal == 11 ? ", SIGSEGV" : Process.Signal == 6 ? ", SIGABRT" : "")})";
                }

                if (Process.ExitCode != 0)
                {
                    return "nanoCLR exited with code " + Process.ExitCode;
                }

                if (!Started)
                {
                    return "the program never started (no \"Ready.\" from nanoCLR)";
                }

                if (!Finished)
                {
                    return "the program did not run to its end (no \"Done.\" from nanoCLR)";
                }

                return null;
            }
        }
    }

    /// <summary>Starts the Linux nanoCLR on a list of .pe files with a timeout and an optional managed heap size.</summary>
    public static class Runner
    {
        /// <summary>The line a device program that uses <c>RunMarker</c> prints last: "qrng-run: ok" or "qrng-run: failed: ...".</summary>
        public const string ResultMarker = "qrng-run: ";

        /// <summary>
        /// The environment variable that leaves native assemblies out of the interop table of one run (posix/InteropTable.cpp):
        /// the same interpreter then behaves like an image built without them.
        /// </summary>
        public const string OmitNativeVariable = "QRNG_NANOCLR_OMIT_NATIVE";

        /// <summary>The project's interop assembly: native SHA-256 for Hash_DRBG.</summary>
        public const string Sha256NativeAssembly = "Qrng.Sha256.Native";

        /// <summary>
        /// Runs the .pe files in order. <paramref name="omitNative"/>: native assemblies to leave out of this run's interop
        /// table (their .pe files still load; calls of their native methods throw NotSupportedException).
        /// </summary>
        public static NanoClrRun Run(NanoClrBinary clr, IReadOnlyList<string> peFiles, TimeSpan timeout, int? heapBytes = null, Action<string> onLine = null, IReadOnlyList<string> omitNative = null)
        {
            foreach (string pe in peFiles)
            {
                if (!File.Exists(pe))
                {
                    // upstream's harness crashes on a missing file
                    throw new FileNotFoundException("no such .pe file: " + pe, pe);
                }
            }

            var env = new Dictionary<string, string>();
            if (heapBytes.HasValue)
            {
                env["QRNG_NANOCLR_HEAP_BYTES"] = heapBytes.Value.ToString(CultureInfo.InvariantCulture);
            }

            // always set, so that a value in the caller's environment cannot change a run that asked for the full table
            env[OmitNativeVariable] = omitNative == null ? "" : string.Join(",", omitNative);

            bool inProgram = false;
            (string file, List<string> args) = clr.Command();
            args.AddRange(peFiles);
            ProcResult r = Proc.Run(file, args, Path.GetDirectoryName(clr.Harness), timeout, env, line =>
            {
                if (onLine != null && inProgram && line.TrimEnd('\r') != "Done.")
                {
                    onLine(line.TrimEnd('\r'));
                }

                if (line.TrimEnd('\r') == "Ready.")
                {
                    inProgram = true;
                }
            });

            var output = new List<string>();
            bool started = false, finished = false;
            string loadError = null;
            foreach (string raw in r.Stdout.Split('\n'))
            {
                string line = raw.TrimEnd('\r');
                if (!started)
                {
                    started = line == "Ready.";
                    continue;
                }

                if (line == "Done." && !finished)
                {
                    finished = true;
                    continue;
                }

                if (!finished)
                {
                    output.Add(line);
                }
            }

            foreach (string line in r.Stderr.Split('\n'))
            {
                if (line.StartsWith("error:", StringComparison.Ordinal))
                {
                    loadError ??= line.Trim();
                }
            }

            if (!started)
            {
                // nanoCLR reports resolution problems before "Ready." on stdout
                string hint = r.Stdout.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains("Link failure", StringComparison.OrdinalIgnoreCase)
                    || l.Contains("error", StringComparison.OrdinalIgnoreCase) || l.Contains("Cannot", StringComparison.Ordinal));
                loadError ??= hint;
            }

            return new NanoClrRun(r, output, started, finished, loadError);
        }

        /// <summary>
        /// Problem of a run of a program that reports its own end with <see cref="ResultMarker"/> (an unhandled exception
        /// prints nothing on this nanoCLR: a missing marker is how it shows), or null when it ran to "ok".
        /// </summary>
        public static string MarkedProblem(NanoClrRun run)
        {
            if (run.Problem != null)
            {
                return run.Problem;
            }

            string marker = run.ProgramOutput.LastOrDefault(l => l.StartsWith(ResultMarker, StringComparison.Ordinal));
            if (marker == null)
            {
                return "the program ended without its result line (an unhandled exception: nanoCLR prints none)";
            }

            string result = marker[ResultMarker.Length..];
            return result == "ok" ? null : result;
        }
    }
}
