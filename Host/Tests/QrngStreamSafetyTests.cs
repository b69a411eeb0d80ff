using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using Qrng.Cli;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>
    /// `qrng stream` never leaves a corrupt or foreign file: its own exclusive temporary file, an atomic rename, no
    /// symlink followed, a stop at the first EPIPE, clean-up on SIGINT/SIGTERM and on a board that goes away.
    /// </summary>
    public class QrngStreamSafetyTests : IDisposable
    {
        private const int SIGINT = 2, SIGTERM = 15;
        private readonly string _dir = Directory.CreateTempSubdirectory("qrng-safety").FullName;

        public void Dispose() => Directory.Delete(_dir, true);

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static extern int Kill(int pid, int signal);

        private string[] Entries() => Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).Order().ToArray();

        /// <summary>Names in the folder other than the given ones: the tool's temporary files.</summary>
        private string[] Others(params string[] known) => Entries().Where(n => !known.Contains(n)).ToArray();

        private static void WaitFor(Func<bool> condition, Process p, string what)
        {
            var until = DateTime.UtcNow.AddSeconds(60);
            while (!condition())
            {
                Assert.False(p.HasExited, $"the tool ended before {what}");
                Assert.True(DateTime.UtcNow < until, $"no {what} within 60 s");
                Thread.Sleep(20);
            }
        }

        /// <summary>Waits for the tool to end; kills it (no stray process) and fails when it does not within the time.</summary>
        private static void AssertEnds(Process p, int seconds, string after)
        {
            if (!p.WaitForExit(seconds * 1000))
            {
                p.Kill(true);
                Assert.Fail($"still running {seconds} s after {after}");
            }
        }

        [Fact]
        public void Two_runs_to_one_file_leave_the_complete_output_of_one_of_them()
        {
            string both = Path.Combine(_dir, "both.bin");
            using var p1 = QrngCliTests.Start(_dir, "stream", "-n", "4M", "-o", both, "--seed", "1", "-q");
            using var p2 = QrngCliTests.Start(_dir, "stream", "-n", "4M", "-o", both, "--seed", "2", "-q");
            var r1 = QrngCliTests.Finish(p1);
            var r2 = QrngCliTests.Finish(p2);
            Assert.True(r1.code == 0, r1.stderr);
            Assert.True(r2.code == 0, r2.stderr);
            string a = Path.Combine(_dir, "a.bin"), b = Path.Combine(_dir, "b.bin");
            Assert.Equal(0, QrngCliTests.Qrng("stream", "-n", "4M", "-o", a, "--seed", "1", "-q").code);
            Assert.Equal(0, QrngCliTests.Qrng("stream", "-n", "4M", "-o", b, "--seed", "2", "-q").code);
            byte[] got = File.ReadAllBytes(both);
            Assert.True(got.AsSpan().SequenceEqual(File.ReadAllBytes(a)) || got.AsSpan().SequenceEqual(File.ReadAllBytes(b)),
                $"{got.Length} bytes that are neither run's output");
            Assert.Equal(["a.bin", "b.bin", "both.bin"], Entries());
        }

        [Fact]
        public void A_symlink_planted_at_the_old_partial_name_is_left_alone()
        {
            string victim = Path.Combine(_dir, "victim"), output = Path.Combine(_dir, "out.bin");
            File.WriteAllText(victim, "precious");
            File.CreateSymbolicLink(output + ".partial", victim);
            var (code, _, err) = QrngCliTests.Qrng("stream", "-n", "64K", "-o", output, "--seed", "5", "-q");
            Assert.True(code == 0, err);
            Assert.Equal("precious", File.ReadAllText(victim));
            Assert.Null(new FileInfo(output).LinkTarget);
            Assert.Equal(65536, new FileInfo(output).Length);
            Assert.Equal(victim, new FileInfo(output + ".partial").LinkTarget);
        }

        [Fact]
        public void A_symlink_at_the_chosen_temporary_name_is_not_followed_and_another_name_is_taken()
        {
            string victim = Path.Combine(_dir, "victim"), target = Path.Combine(_dir, "t.bin"), trap = Path.Combine(_dir, "trap");
            File.WriteAllText(victim, "precious");
            File.CreateSymbolicLink(trap, victim);
            var names = new Queue<string>([trap, Path.Combine(_dir, "fresh")]);
            using (var f = OutputFile.Open(target, () => names.Dequeue()))
            {
                f.Stream.Write("new"u8);
                f.Commit();
            }

            Assert.Equal("precious", File.ReadAllText(victim));
            Assert.Equal("new", File.ReadAllText(target));
            Assert.Equal(["t.bin", "trap", "victim"], Entries());
        }

        [Fact]
        [SupportedOSPlatform("linux")]
        public void The_output_file_gets_the_permissions_of_a_new_file_or_keeps_those_of_the_file_it_replaces()
        {
            string fresh = Path.Combine(_dir, "fresh.bin"), kept = Path.Combine(_dir, "kept.bin");
            File.WriteAllText(kept, "old");
            File.SetUnixFileMode(kept, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Assert.Equal(0, QrngCliTests.Qrng("stream", "-n", "4K", "-o", fresh, "--seed", "1", "-q").code);
            Assert.Equal(0, QrngCliTests.Qrng("stream", "-n", "4K", "-o", kept, "--seed", "1", "-q").code);
            // the test host's umask is the tool's: a new file is 0666 & ~umask, as a shell's '>' makes it
            string probe = Path.Combine(_dir, "probe");
            using (Process.Start("sh", ["-c", $"> '{probe}'"])!) { }
            Thread.Sleep(200);
            Assert.Equal(File.GetUnixFileMode(probe), File.GetUnixFileMode(fresh));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kept));
        }

        [Fact]
        public void Out_through_a_symlink_writes_the_file_it_points_to_and_keeps_the_link()
        {
            Directory.CreateDirectory(Path.Combine(_dir, "data"));
            string real = Path.Combine(_dir, "data", "real.bin"), link = Path.Combine(_dir, "link.bin");
            File.WriteAllText(real, "old");
            File.CreateSymbolicLink(link, "data/real.bin");
            var (code, _, err) = QrngCliTests.Qrng("stream", "-n", "64K", "-o", link, "--seed", "6", "-q");
            Assert.True(code == 0, err);
            Assert.Equal("data/real.bin", new FileInfo(link).LinkTarget);
            Assert.Equal(65536, new FileInfo(real).Length);
            Assert.Equal(["real.bin"], Directory.GetFileSystemEntries(Path.Combine(_dir, "data")).Select(Path.GetFileName));
        }

        /// <summary>
        /// Every shape of link given as --out, from the link's folder as the working directory: a link's target is
        /// relative to the folder the link is in (a bare name's target was resolved against '/', issue 20 item 1).
        /// </summary>
        [Theory]
        [InlineData("lnk.bin", "tgt.bin", "tgt.bin", null)]                 // a bare name, a relative target
        [InlineData("./lnk.bin", "tgt.bin", "tgt.bin", null)]
        [InlineData("lnk.bin", "{abs}/tgt.bin", "tgt.bin", null)]           // an absolute target
        [InlineData("lnk.bin", "sub/tgt.bin", "sub/tgt.bin", null)]         // into a folder beside it
        [InlineData("lnk.bin", "nonexist_target.bin", "nonexist_target.bin", null)]   // dangling: the target is created, as by '>'
        [InlineData("lnk.bin", "chain1", "tgt.bin", null)]                  // lnk -> chain1 -> sub/../tgt.bin
        [InlineData("lnk.bin", "loop2", null, "too many levels of symbolic links")]   // lnk -> loop2 -> lnk
        [InlineData("lnk.bin", "sub", null, "is a directory")]              // a link to a folder
        public void A_link_of_every_shape_is_written_where_it_points_or_refused(string name, string target, string written, string refused)
        {
            Directory.CreateDirectory(Path.Combine(_dir, "sub"));
            File.WriteAllText(Path.Combine(_dir, "tgt.bin"), "old");
            File.WriteAllText(Path.Combine(_dir, "sub", "tgt.bin"), "old");
            File.CreateSymbolicLink(Path.Combine(_dir, "chain1"), "sub/../tgt.bin");
            File.CreateSymbolicLink(Path.Combine(_dir, "loop2"), "lnk.bin");
            File.CreateSymbolicLink(Path.Combine(_dir, "lnk.bin"), target.Replace("{abs}", _dir));
            var (code, _, err) = QrngCliTests.QrngIn(_dir, "stream", "-n", "1K", "-o", name, "--seed", "6", "-q");
            if (refused != null)
            {
                Assert.Equal(2, code);
                Assert.Contains(refused, err);
                Assert.Equal("old", File.ReadAllText(Path.Combine(_dir, "tgt.bin")));
                return;
            }

            Assert.True(code == 0, err);
            Assert.Equal(1024, new FileInfo(Path.Combine(_dir, written)).Length);
            Assert.NotNull(new FileInfo(Path.Combine(_dir, "lnk.bin")).LinkTarget);     // the link stays a link
            Assert.False(File.Exists("/" + Path.GetFileName(written)), "nothing written in /");
        }

        [Fact]
        public async Task A_closed_pipe_stops_the_stream_at_once_quietly_with_status_141()
        {
            using var p = QrngCliTests.Start(_dir, "stream", "-n", "1G", "-o", "-");
            var err = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await p.StandardOutput.BaseStream.ReadExactlyAsync(new byte[100], TestContext.Current.CancellationToken);
            p.StandardOutput.Close();
            AssertEnds(p, 20, "its reader went away");
            Assert.Equal(141, p.ExitCode);
            Assert.Equal("", await err);
        }

        [Theory]
        [InlineData(SIGINT, 130, "SIGINT")]
        [InlineData(SIGTERM, 143, "SIGTERM")]
        public async Task A_signal_removes_the_temporary_file_and_exits_with_128_plus_its_number(int signal, int status, string name)
        {
            string output = Path.Combine(_dir, "out.bin");
            File.WriteAllText(output, "earlier");
            using var p = QrngCliTests.Start(_dir, "stream", "-n", "1G", "-o", output, "-q");
            var err = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            _ = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            WaitFor(() => Others("out.bin").Length > 0, p, "temporary file");
            Assert.Equal(0, Kill(p.Id, signal));
            AssertEnds(p, 10, name);
            Assert.Equal(status, p.ExitCode);
            Assert.Equal("earlier", File.ReadAllText(output));
            Assert.Equal(["out.bin"], Entries());
            string text = await err;
            string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length == 1, text);
            Assert.StartsWith("qrng: " + name, lines[0]);
        }

        [Fact]
        public async Task A_signal_ends_a_stream_blocked_on_a_reader_that_never_comes()
        {
            // stdout is a pipe nobody reads: its buffer fills and the write blocks; the signal's thread ends the tool
            using var p = QrngCliTests.Start(_dir, "stream", "-n", "1G", "-o", "-", "-q");
            var err = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            Thread.Sleep(3000);
            Assert.False(p.HasExited, "the tool did not wait for a reader");
            Assert.Equal(0, Kill(p.Id, SIGTERM));
            AssertEnds(p, 10, "SIGTERM");
            Assert.Equal(143, p.ExitCode);
            Assert.EndsWith("qrng: SIGTERM: stopped\n", await err);
        }

        [Fact]
        public async Task A_board_served_on_a_pseudo_terminal_nobody_reads_ends_on_SIGTERM()
        {
            if (!OperatingSystem.IsLinux())
            {
                Assert.Skip("pseudo-terminals need Linux");
            }

            // the board's terminal fills up and the board waits for a reader; the signal still ends it
            using var p = QrngCliTests.Start(_dir, "board", "--pty", "--seed", "1");
            var err = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            string path = await p.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
            Assert.Matches("^/dev/pts/[0-9]+$", path);
            Thread.Sleep(1000);
            Assert.False(p.HasExited, "the board stopped by itself");
            Assert.Equal(0, Kill(p.Id, SIGTERM));
            AssertEnds(p, 10, "SIGTERM");
            Assert.Equal(143, p.ExitCode);
            string[] lines = (await err).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith($"virtual board (seed 1, serial unprovisioned) on {path}", lines[0]);
            Assert.StartsWith($"qrng: SIGTERM: stopped serving {path} after ", lines[^1]);
            Assert.Equal(2, lines.Length);
        }

        [Fact]
        public void Ctrl_C_on_a_terminal_shows_the_cursor_again()
        {
            if (!OperatingSystem.IsLinux())
            {
                Assert.Skip("pseudo-terminals need Linux");
            }

            using var tty = new Pty();
            var psi = new ProcessStartInfo("sh") { WorkingDirectory = _dir };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("exec dotnet \"$0\" stream -n 1G -o out.bin <\"$1\" >\"$1\" 2>\"$1\"");   // a terminal on all three, as in a shell
            psi.ArgumentList.Add(QrngCliTests.QrngDll);
            psi.ArgumentList.Add(tty.Path);
            psi.Environment["TERM"] = "xterm-256color";
            var screen = new MemoryStream();
            var reader = new Thread(() =>
            {
                var buf = new byte[4096];
                try
                {
                    int r;
                    while ((r = tty.Master.Read(buf, 0, buf.Length)) > 0)
                    {
                        lock (screen)
                        {
                            screen.Write(buf, 0, r);
                        }
                    }
                }
                catch (IOException)
                {
                    // EIO: the last holder of the terminal closed it
                }
            }) { IsBackground = true };
            reader.Start();
            using var p = Process.Start(psi)!;
            string Screen()
            {
                lock (screen)
                {
                    return Encoding.UTF8.GetString(screen.ToArray());
                }
            }

            WaitFor(() => Screen().Contains("\e[?25l") && Others().Length > 0, p, "progress bar");
            Assert.Equal(0, Kill(p.Id, SIGINT));
            AssertEnds(p, 10, "SIGINT");
            reader.Join(5_000);
            string all = Screen();
            Assert.Equal(130, p.ExitCode);
            Assert.True(all.LastIndexOf("\e[?25h", StringComparison.Ordinal) > all.LastIndexOf("\e[?25l", StringComparison.Ordinal), "the cursor is still hidden");
            Assert.Contains("qrng: SIGINT", all);
            Assert.Empty(Others());
        }

        [Fact]
        public async Task A_board_unplugged_mid_stream_is_one_line_and_exit_code_5()
        {
            if (!OperatingSystem.IsLinux())
            {
                Assert.Skip("pseudo-terminals need Linux");
            }

            using var board = PtyBoard.Create(new Qrng.Firmware.FirmwareConfig(), 1, []);
            board.Start();
            string output = Path.Combine(_dir, "out.bin");
            using var p = QrngCliTests.Start(_dir, "stream", "--port", board.Path, "-n", "1G", "-o", output, "-q");
            var err = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            WaitFor(() => board.BytesSent > 2_000_000, p, "bytes read from the board");              // DATA frames of its READs
            board.Unplug();                                        // the board goes away
            AssertEnds(p, 15, "the board went away");
            string text = await err;
            string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(5, p.ExitCode);
            Assert.True(lines.Length == 1, text);
            Assert.StartsWith("qrng: error: lost " + board.Path, lines[0]);
            Assert.Contains("unplugged", lines[0]);
            Assert.Contains("out.bin not written", lines[0]);
            Assert.Empty(Entries());
        }

        [Fact]
        public void An_empty_out_is_refused_before_any_work()
        {
            var (code, stdout, err) = QrngCliTests.QrngIn(_dir, "stream", "-n", "1M", "-o", "", "-q");
            Assert.Equal(2, code);
            Assert.Equal("", stdout);
            Assert.StartsWith("qrng: error: --out", err);
            Assert.Empty(Entries());
        }

        /// <summary>Runs `sh -c SCRIPT` in the test's folder with $0 = qrng.dll; exit code and stderr.</summary>
        private (int Code, string Err) Shell(string script, params string[] more)
        {
            var psi = new ProcessStartInfo("sh") { WorkingDirectory = _dir, RedirectStandardError = true, RedirectStandardOutput = true };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(script);
            psi.ArgumentList.Add(QrngCliTests.QrngDll);
            foreach (string m in more) psi.ArgumentList.Add(m);
            using Process p = Process.Start(psi)!;
            string err = p.StandardError.ReadToEndAsync().Result;
            p.StandardOutput.ReadToEnd();
            AssertEnds(p, 120, "its output");
            return (p.ExitCode, err);
        }

        [Fact]
        public void Out_to_dev_stdout_writes_the_descriptor_so_a_pipe_works_and_double_redirection_appends()
        {
            // issue 20 item 7: /dev/stdout into a pipe failed ('/proc/self/fd/pipe:[…].partial'), '>>' was replaced
            var (code, err) = Shell("dotnet \"$0\" stream -n 1K -o /dev/stdout -q | wc -c > count.txt");
            Assert.True(code == 0, err);
            Assert.Equal("1024", File.ReadAllText(Path.Combine(_dir, "count.txt")).Trim());

            File.WriteAllText(Path.Combine(_dir, "log.bin"), "0123456789");
            (code, err) = Shell("dotnet \"$0\" stream -n 1K -o /dev/stdout -q >> log.bin && dotnet \"$0\" stream -n 1K -o - -q >> log.bin");
            Assert.True(code == 0, err);
            byte[] log = File.ReadAllBytes(Path.Combine(_dir, "log.bin"));
            Assert.Equal(10 + 2048, log.Length);
            Assert.Equal("0123456789", System.Text.Encoding.ASCII.GetString(log, 0, 10));
            Assert.Equal(["log.bin", "count.txt"], Entries().Order().Reverse().ToArray());          // no temporary file left
        }

        [Fact]
        public void Out_to_a_terminal_is_refused_with_one_line()
        {
            if (!OperatingSystem.IsLinux())
            {
                Assert.Skip("pseudo-terminals need Linux");
            }

            using var tty = new Pty();
            var (code, err) = Shell("exec dotnet \"$0\" stream -n 1K -o - -q > \"$1\"", tty.Path);
            Assert.Equal(2, code);
            Assert.StartsWith("qrng: error: --out -: stdout is a terminal", err);
            var direct = QrngCliTests.QrngIn(_dir, "stream", "-n", "1K", "-o", tty.Path, "-q");
            Assert.Equal(2, direct.code);
            Assert.Contains("a terminal, and random bytes would garble it", direct.stderr);
        }

        [Fact]
        public void A_file_this_user_may_not_write_is_refused_as_a_shell_refuses_it()
        {
            // as root every file is writable (a shell's '>' writes it too): run the tool as nobody, like an unprivileged user
            if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/setpriv"))
            {
                Assert.Skip("needs Linux and setpriv (util-linux) to run the tool as another user");
            }

            if (Environment.UserName != "root")
            {
                Assert.Skip("needs root to start the tool as nobody");
            }

            string ro = Path.Combine(_dir, "ro.bin");
            File.WriteAllText(ro, "kept");
            if (OperatingSystem.IsLinux())
            {
                File.SetUnixFileMode(_dir, (UnixFileMode)0x1FF);                                 // 0777: nobody may create files here
                File.SetUnixFileMode(ro, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }

            // a checkout inside a folder only root may enter (mktemp -d makes 0700 ones) keeps nobody from the tool itself
            if (Shell("exec setpriv --reuid=65534 --regid=65534 --clear-groups test -r \"$0\"").Code != 0)
            {
                Assert.Skip($"user nobody cannot read the built tool {QrngCliTests.QrngDll} (a parent folder is closed to others, e.g. mktemp -d's 0700): clone somewhere others may enter to run this check");
            }

            var (code, err) = Shell("exec setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=\"$PWD\" DOTNET_CLI_HOME=\"$PWD\" dotnet \"$0\" stream -n 1K -o ro.bin -q");
            Assert.Equal(2, code);
            Assert.Contains("cannot write ro.bin: permission denied", err);
            Assert.Equal("kept", File.ReadAllText(ro));
        }
    }
}
