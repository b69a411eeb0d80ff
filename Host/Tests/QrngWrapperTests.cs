using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>
    /// The `./qrng` wrapper in a copy of the repository's layout with a stand-in `dotnet` first on PATH that logs its
    /// calls: it builds once (saying so in one line), then starts the built tool directly, rebuilds when a source of the
    /// tool changes (whatever its mtime), builds once when two runs start together, and execs the tool so that
    /// signals sent to the wrapper's pid reach it.
    /// </summary>
    [SupportedOSPlatform("linux")]
    public class QrngWrapperTests : IDisposable
    {
        private const string FakeDotnet = """
            #!/bin/sh
            echo "$*" >> "$FAKE_LOG"
            case "$1" in
              build)
                sleep "${FAKE_BUILD_SECONDS:-0}"
                if [ -n "$FAKE_BUILD_FAILS" ]; then echo "Program.cs(1,1): error CS1002: ; expected"; exit 1; fi
                mkdir -p "$FAKE_OUT" && : > "$FAKE_OUT/qrng.dll"
                exit 0 ;;
              */qrng.dll)
                shift
                if [ -n "$FAKE_REAL_DLL" ]; then exec "$REAL_DOTNET" "$FAKE_REAL_DLL" "$@"; fi
                echo "qrng $*"
                exit 0 ;;
            esac
            echo "unexpected dotnet call: $*" >&2
            exit 99
            """;

        private readonly string _root = Directory.CreateTempSubdirectory("qrng-wrapper").FullName;

        public QrngWrapperTests()
        {
            File.Copy(Path.Combine(RepoPaths.Root, "qrng"), Path.Combine(_root, "qrng"));
            Write("Host/Directory.Build.props", "<Project />");
            Write("Host/Qrng/Qrng.csproj", "<Project />");
            Write("Host/Qrng/Program.cs", "// v1");
            Write("Host/Model/Model.cs", "// v1");
            Write("Firmware/QrngEngine.cs", "// v1");
            Write("Host/Tests/SomeTests.cs", "// v1");
            Write("fakebin/dotnet", FakeDotnet.Replace("\r", ""));
            foreach (string exe in new[] { "qrng", "fakebin/dotnet" })
            {
                File.SetUnixFileMode(Path.Combine(_root, exe), (UnixFileMode)0b111_101_101);
            }
        }

        public void Dispose() => Directory.Delete(_root, true);

        private string Log => Path.Combine(_root, "dotnet.log");

        private void Write(string relative, string text)
        {
            string path = Path.Combine(_root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }

        private string[] Calls() => File.Exists(Log) ? File.ReadAllLines(Log) : [];

        private int Builds() => Calls().Count(c => c.StartsWith("build", StringComparison.Ordinal));

        private static string RealDotnet() =>
            Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, "dotnet")).First(File.Exists);

        private Process Start(Dictionary<string, string> env, params string[] args)
        {
            var psi = new ProcessStartInfo(Path.Combine(_root, "qrng")) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _root };
            foreach (string a in args)
            {
                psi.ArgumentList.Add(a);
            }

            psi.Environment["PATH"] = Path.Combine(_root, "fakebin") + ":" + Environment.GetEnvironmentVariable("PATH");
            psi.Environment["FAKE_LOG"] = Log;
            psi.Environment["FAKE_OUT"] = Path.Combine(_root, "Host/Qrng/bin/Release/net10.0");
            psi.Environment["REAL_DOTNET"] = RealDotnet();
            foreach (var kv in env ?? [])
            {
                psi.Environment[kv.Key] = kv.Value;
            }

            return Process.Start(psi)!;
        }

        private (int code, string stdout, string stderr) Run(Dictionary<string, string> env, params string[] args)
        {
            using var p = Start(env, args);
            return QrngCliTests.Finish(p, 60);
        }

        private (int code, string stdout, string stderr) Run(params string[] args) => Run(null, args);

        [Fact]
        public void The_first_run_builds_with_one_line_then_every_run_starts_the_built_tool_directly()
        {
            var first = Run("--help");
            Assert.True(first.code == 0, first.stderr);
            string[] said = first.stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(said.Length == 1 && said[0].StartsWith("qrng: building", StringComparison.Ordinal), first.stderr);
            Assert.Equal("qrng --help\n", first.stdout);
            var second = Run("model", "hmin", "--mu-e", "625");
            Assert.Equal((0, "qrng model hmin --mu-e 625\n", ""), second);
            string dll = Path.Combine(_root, "Host/Qrng/bin/Release/net10.0/qrng.dll");
            Assert.Equal([dll + " --help", dll + " model hmin --mu-e 625"], Calls().Skip(1));
        }

        [Fact]
        public void A_changed_added_or_removed_source_of_the_tool_rebuilds_whatever_its_mtime()
        {
            Run("--help");
            Assert.Equal(1, Builds());
            string engine = Path.Combine(_root, "Firmware/QrngEngine.cs");
            File.WriteAllText(engine, "// v2, as a git pull or an archive with old dates leaves it");
            File.SetLastWriteTimeUtc(engine, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            Run("--help");
            Assert.Equal(2, Builds());
            Write("Host/Model/Added.cs", "// new");
            Run("--help");
            Assert.Equal(3, Builds());
            File.Delete(Path.Combine(_root, "Host/Model/Added.cs"));
            Run("--help");
            Assert.Equal(4, Builds());
            Write("Host/Qrng/Qrng.csproj", "<Project><!-- changed --></Project>");
            Run("--help");
            Assert.Equal(5, Builds());
            Write("Host/Tests/SomeTests.cs", "// v2: not a source of the tool");
            Run("--help");
            Assert.Equal(5, Builds());
        }

        /// <summary>Every device folder the tool compiles by link (the twins' Compile Include="../../X/**") is fingerprinted.</summary>
        [Fact]
        public void The_fingerprint_covers_every_folder_the_tool_compiles()
        {
            string script = File.ReadAllText(Path.Combine(RepoPaths.Root, "qrng"));
            string find = System.Text.RegularExpressions.Regex.Match(script, @"find Host ([^\\]*)\\").Groups[1].Value;
            var listed = find.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            var seen = new HashSet<string>();
            var todo = new Stack<string>([Path.Combine(RepoPaths.Root, "Host/Qrng/Qrng.csproj")]);
            var linked = new SortedSet<string>();
            while (todo.Count > 0)
            {
                string project = Path.GetFullPath(todo.Pop());
                if (!seen.Add(project)) continue;
                string text = File.ReadAllText(project), dir = Path.GetDirectoryName(project);
                foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(text, "ProjectReference Include=\"([^\"]+)\""))
                    todo.Push(Path.Combine(dir, m.Groups[1].Value));
                foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(text, "Compile Include=\"\\.\\./\\.\\./([^/\"]+)/"))
                    linked.Add(m.Groups[1].Value);
            }

            Assert.NotEmpty(linked);
            Assert.True(linked.IsSubsetOf(listed), $"compiled by the tool but not fingerprinted by ./qrng: {string.Join(", ", linked.Except(listed))}");
        }

        [Fact]
        public void Two_runs_started_together_build_once_and_both_run()
        {
            var env = new Dictionary<string, string> { ["FAKE_BUILD_SECONDS"] = "2" };
            using var a = Start(env, "model", "curve");
            using var b = Start(env, "model", "curve");
            var ra = QrngCliTests.Finish(a, 60);
            var rb = QrngCliTests.Finish(b, 60);
            Assert.Equal((0, "qrng model curve\n"), (ra.code, ra.stdout));
            Assert.Equal((0, "qrng model curve\n"), (rb.code, rb.stdout));
            Assert.Equal(1, Builds());
        }

        [Fact]
        public void A_failed_build_shows_the_compiler_output_runs_nothing_and_is_tried_again()
        {
            var failed = Run(new Dictionary<string, string> { ["FAKE_BUILD_FAILS"] = "1" }, "--help");
            Assert.NotEqual(0, failed.code);
            Assert.Contains("error CS1002", failed.stderr);
            Assert.Equal("", failed.stdout);
            var next = Run("--help");
            Assert.Equal((0, "qrng --help\n"), (next.code, next.stdout));
            Assert.Equal(2, Builds());
        }

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static extern int Kill(int pid, int signal);

        [Fact]
        public void A_signal_to_the_wrappers_pid_reaches_the_tool()
        {
            Run("--help");
            var env = new Dictionary<string, string> { ["FAKE_REAL_DLL"] = QrngCliTests.QrngDll };
            string work = Path.Combine(_root, "work");
            Directory.CreateDirectory(work);
            using var p = Start(env, "stream", "-n", "1G", "-o", Path.Combine(work, "out.bin"), "-q");
            var until = DateTime.UtcNow.AddSeconds(60);
            while (Directory.GetFiles(work).Length == 0)
            {
                if (p.HasExited)
                {
                    Assert.Fail("the tool ended early: " + p.StandardError.ReadToEnd());
                }

                Assert.True(DateTime.UtcNow < until, "no temporary file within 60 s");
                Thread.Sleep(20);
            }

            Assert.Equal(0, Kill(p.Id, 2));
            var r = QrngCliTests.Finish(p, 10);
            Assert.True(r.code == 130, r.stderr);
            Assert.Empty(Directory.GetFiles(work));
        }
    }
}
