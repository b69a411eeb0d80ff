using System.Diagnostics;
using System.Text.RegularExpressions;
using Qrng.Cli;
using Qrng.Firmware;
using Qrng.Firmware.Protocol;
using Qrng.VirtualBoard;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>
    /// Every device command end to end, as a user runs it: the built tool in its own process opens the slave of a real
    /// pseudo-terminal like a serial port (--port), and a virtual board in this process serves the master
    /// (<see cref="PtyBoard"/>) with a tap on its TX line (<see cref="LineTap"/>) that remembers every frame and
    /// damages the ones a test picks; the cable can be pulled and fault knobs switched mid-command.
    /// </summary>
    public class QrngDeviceTests : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("qrng-device").FullName;
        private readonly List<IDisposable> _owned = [];

        public void Dispose()
        {
            foreach (IDisposable d in _owned) d.Dispose();
            Directory.Delete(_dir, true);
        }

        private static void NeedLinux()
        {
            if (!OperatingSystem.IsLinux()) Assert.Skip("pseudo-terminals need Linux");
        }

        /// <summary>A virtual board on a pseudo-terminal, its TX line tapped; disposed with the test.</summary>
        private PtyBoard Serve(out LineTap tap, string config = null, int seed = 1)
        {
            NeedLinux();
            var cfg = new FirmwareConfig();
            if (config != null) cfg.Apply(config);
            var board = PtyBoard.Create(cfg, seed, []);
            var t = new LineTap();
            tap = t;
            board.LineNoise = (_, buf, n) => t.Process(buf, n);
            _owned.Add(board);
            board.Start();
            return board;
        }

        private string File(string name) => Path.Combine(_dir, name);

        /// <summary>Waits (at most 60 s) until a running read has written 100,000 bytes to NAME's temporary file.</summary>
        private void WaitForPartial(Process p, string name, string before)
        {
            var until = DateTime.UtcNow.AddSeconds(60);
            while (!Directory.GetFiles(_dir, name + ".*.partial").Any(f => new FileInfo(f).Length > 100_000))
            {
                Assert.False(p.HasExited, "the read ended before " + before);
                Assert.True(DateTime.UtcNow < until, "no bytes read within 60 s");
                Thread.Sleep(10);
            }
        }

        /// <summary>This process (and the tool it starts) has CAP_SYS_ADMIN, which RNDADDENTROPY needs.</summary>
        private static bool MayCredit => System.IO.File.ReadLines("/proc/self/status").Any(l => l.StartsWith("CapEff:") && (Convert.ToUInt64(l[7..].Trim(), 16) & (1UL << 21)) != 0);

        /// <summary>The built tool, run in the test's folder with extra environment variables.</summary>
        private (int Code, string Out, string Err) Qrng(Dictionary<string, string> env, params string[] args)
        {
            using Process p = Start(env, args);
            return QrngCliTests.Finish(p, 120);
        }

        private (int Code, string Out, string Err) Qrng(params string[] args) => Qrng(null, args);

        private Process Start(Dictionary<string, string> env, params string[] args)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
            psi.ArgumentList.Add(QrngCliTests.QrngDll);
            foreach (string a in args) psi.ArgumentList.Add(a);
            foreach (var (k, v) in env ?? []) psi.Environment[k] = v;
            return Process.Start(psi)!;
        }

        /// <summary>
        /// Exit code <paramref name="code"/>, and stderr's only line is "qrng: error: ..." with <paramref name="text"/>
        /// (after the virtual board's seed line, when there is one).
        /// </summary>
        private static void AssertOneLine((int Code, string Out, string Err) r, int code, string text)
        {
            string[] lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("virtual board seed ", StringComparison.Ordinal)).ToArray();
            Assert.True(r.Code == code, $"exit {r.Code}, expected {code}: {r.Err}");
            Assert.True(lines.Length == 1, r.Err);
            Assert.StartsWith("qrng: error: ", lines[0]);
            Assert.Contains(text, lines[0]);
            Assert.DoesNotContain("   at ", r.Err);
        }

        /// <summary>Waits (a while) for the board's loop to have handled the tool's last STREAM.</summary>
        private static void AssertStreamingAgain(PtyBoard board)
        {
            var until = DateTime.UtcNow.AddSeconds(10);
            while (board.Board.App.Protocol.CommandMode && DateTime.UtcNow < until) Thread.Sleep(10);
            Assert.False(board.Board.App.Protocol.CommandMode, "the board was left in command mode");
        }

        [Fact]
        public void Info_status_and_config_get_and_set_over_a_pseudo_terminal()
        {
            PtyBoard board = Serve(out LineTap tap, "device.serial = QRNG-E2E-1");
            var info = Qrng("info", "--port", board.Path);
            Assert.True(info.Code == 0, info.Err);
            Assert.Equal("", info.Err);
            Assert.Contains("serial=QRNG-E2E-1\n", info.Out);
            Assert.Contains("firmware=" + Personalization.FirmwareVersion + "\n", info.Out);
            AssertStreamingAgain(board);

            var status = Qrng("status", "--port", board.Path);
            Assert.True(status.Code == 0, status.Err);
            Assert.Contains("healthy=yes\n", status.Out);
            Assert.Contains("mode=command\n", status.Out);

            var set = Qrng("config", "set", "uart.baud=115200", "--port", board.Path);
            Assert.True(set.Code == 0, set.Err);
            Assert.Contains("applied=yes", set.Out);
            Assert.Contains("uart_baud=115200", set.Out);
            var get = Qrng("config", "get", "uart.baud", "--port", board.Path, "--baud", "115200");
            Assert.True(get.Code == 0, get.Err);
            Assert.Equal("uart.baud = 115200\n", get.Out);
            AssertOneLine(Qrng("config", "set", "health.t_plus=5000", "--port", board.Path, "--baud", "115200"), 2, "refused CONFIG SET: health.t_plus is part of what the entropy claim rests on");
            AssertOneLine(Qrng("config", "set", "health.t_plus", "--port", board.Path), 2, "expected KEY=VALUE");
            AssertOneLine(Qrng("config", "get", "no.such.key", "--port", board.Path), 2, "no configuration key 'no.such.key'");
            AssertStreamingAgain(board);
            Assert.Equal(0, tap.Frames.Count(f => f.Type == Wire.Error && f.Payload[0] is Wire.ErrBadCrc or Wire.ErrBadLength or Wire.ErrTruncated));
        }

        [Fact]
        public void Read_over_a_noisy_pseudo_terminal_writes_exactly_the_bytes_of_the_intact_frames()
        {
            PtyBoard board = Serve(out LineTap tap, seed: 2);
            int data = 0;
            tap.Decide = f => f.Type == (Wire.Read | Wire.ReplyBit) && ++data % 9 == 0 ? (data % 2 == 0 ? LineTap.Noise.FlipBit : LineTap.Noise.Drop) : LineTap.Noise.None;
            string output = File("r.bin");
            var r = Qrng("read", "--port", board.Path, "-n", "400K", "-o", output);
            Assert.True(r.Code == 0, r.Err);
            byte[] got = System.IO.File.ReadAllBytes(output);
            Assert.Equal(400 * 1024, got.Length);
            Assert.Equal(tap.IntactData(), got);
            int damaged = tap.Frames.Count(f => f.Type == (Wire.Read | Wire.ReplyBit) && !f.Intact);
            Assert.True(damaged >= 40, $"{damaged} damaged frames");
            var m = Regex.Match(r.Err, "([0-9]+) frames corrupted \\(CRC, flags or length\\), ([0-9]+) went missing, ([0-9]+) re-requests");
            Assert.True(m.Success, r.Err);
            Assert.Equal(tap.Frames.Count(f => f.Done == LineTap.Noise.FlipBit), int.Parse(m.Groups[1].Value));
            Assert.True(int.Parse(m.Groups[3].Value) > 0);
            Assert.Equal(["r.bin"], Directory.GetFiles(_dir).Select(Path.GetFileName));
            AssertStreamingAgain(board);
        }

        [Fact]
        public void A_board_unplugged_in_the_middle_of_a_read_is_one_line_exit_code_5_and_no_file()
        {
            PtyBoard board = Serve(out _, seed: 3);
            string output = File("u.bin");
            using Process p = Start(null, "read", "--port", board.Path, "-n", "1G", "-o", output, "-q");
            var until = DateTime.UtcNow.AddSeconds(60);
            while (board.BytesSent < 300_000 || !board.Board.App.Protocol.CommandMode)
            {
                Assert.False(p.HasExited, "the tool ended before the cable was pulled");
                Assert.True(DateTime.UtcNow < until, "no bytes read within 60 s");
                Thread.Sleep(10);
            }

            board.Unplug();
            (int Code, string Out, string Err) r = QrngCliTests.Finish(p, 20);
            AssertOneLine(r, QrngCli.DeviceGone, "lost " + board.Path + " after ");
            Assert.Contains("unplugged?", r.Err);
            Assert.Contains("u.bin not written", r.Err);
            Assert.Empty(Directory.GetFiles(_dir));
        }

        [Fact]
        public void A_line_that_corrupts_every_data_frame_is_exit_code_7_and_a_board_that_stops_answering_mid_read_is_exit_code_6()
        {
            PtyBoard board = Serve(out LineTap tap, seed: 14);
            tap.Decide = f => f.Type == (Wire.Read | Wire.ReplyBit) && f.Payload.Length > ReadOperation.DataHeader ? LineTap.Noise.FlipBit : LineTap.Noise.None;
            string output = File("c.bin");
            var r = Qrng("read", "--port", board.Path, "-n", "100K", "-o", output, "--retries", "2");
            AssertOneLine(r, QrngCli.LineErrors, "DATA frames still lost or corrupted after 2 re-requests in a row");
            Assert.Contains("c.bin not written", r.Err);
            Assert.Empty(Directory.GetFiles(_dir));
            Assert.Equal(3, tap.Frames.Where(f => f.Type == (Wire.Read | Wire.ReplyBit)).Select(f => f.Seq).Distinct().Count());   // the READ and 2 more

            // the board's loop stops (the terminal stays open): silence, not a hang-up
            tap.Decide = null;
            using Process p = Start(null, "read", "--port", board.Path, "-n", "1G", "-o", output, "-q", "--timeout", "3");     // not 1: a busy machine may stall the serving thread that long
            WaitForPartial(p, "c.bin", "the board stopped");

            board.Stop();
            r = QrngCliTests.Finish(p, 30);
            AssertOneLine(r, QrngCli.Timeout, board.Path + ": no answer for 3 s after ");
            Assert.Contains("c.bin not written", r.Err);
            Assert.Empty(Directory.GetFiles(_dir));
        }

        [Fact]
        public void A_board_that_turns_unhealthy_mid_read_stops_the_read_with_its_reason_and_exit_code_3()
        {
            PtyBoard board = Serve(out LineTap tap, seed: 4);
            board.BeforeStep = b =>
            {
                // after 50 DATA frames of the READ, the LED dies: frames fail T-, the loop drives the LED to full duty
                if (b.App.Protocol.Demand > 0 && b.App.Protocol.Writer.FramesSent > 50) b.Camera.LedDead = true;
            };
            string output = File("h.bin");
            var r = Qrng("read", "--port", board.Path, "-n", "1G", "-o", output);
            AssertOneLine(r, QrngCli.Unhealthy, board.Path + " is unhealthy: ");
            Assert.Contains("LED at full duty and the frame still too dark", r.Err);
            Assert.Contains("h.bin not written", r.Err);
            Assert.Empty(Directory.GetFiles(_dir));
            Assert.True(tap.Frames.Any(f => f.Type == (Wire.Read | Wire.ReplyBit) && f.Payload.Length == ReadOperation.DataHeader), "an empty DATA frame said output stopped");
        }

        [Fact]
        public void Raw_and_restart_raw_write_the_symbols_the_board_sent_one_per_byte()
        {
            PtyBoard board = Serve(out LineTap tap, seed: 5);
            int raw = 0;
            tap.Decide = f => f.Type == (Wire.Raw | Wire.ReplyBit) && ++raw == 3 ? LineTap.Noise.FlipBit : LineTap.Noise.None;
            string output = File("raw.bin");
            var r = Qrng("raw", "--port", board.Path, "-n", "10000", "-o", output, "-q");
            Assert.True(r.Code == 0, r.Err);
            byte[] got = System.IO.File.ReadAllBytes(output);
            int lastSeq = tap.Frames.Last(f => f.Type == (Wire.Raw | Wire.ReplyBit)).Seq;
            Assert.Equal(tap.RawSymbols(lastSeq), got);
            Assert.Equal(10000, got.Length);
            Assert.All(got, v => Assert.InRange(v, 0, 3));
            Assert.Equal(2, tap.Frames.Where(f => f.Type == (Wire.Raw | Wire.ReplyBit)).Select(f => f.Seq).Distinct().Count());

            string matrix = File("restart.bin");
            long resets = board.Board.Camera.Resets;
            r = Qrng("restart-raw", "--port", board.Path, "--rows", "5", "--cols", "200", "-o", matrix, "-q");
            Assert.True(r.Code == 0, r.Err);
            Assert.Contains($"--restart-matrix {matrix} --rows 5 --cols 200", r.Err);
            byte[] m = System.IO.File.ReadAllBytes(matrix);
            var frames = tap.Frames.Where(f => f.Type == (Wire.RestartRaw | Wire.ReplyBit)).ToList();
            Assert.Equal(frames.SelectMany(f => LineTap.Unpack(f.Payload, RestartRawOperation.Header, Wire.Get16(f.Payload, 6))).ToArray(), m);
            Assert.Equal(1000, m.Length);
            Assert.Equal(5, board.Board.Camera.Resets - resets);
            AssertStreamingAgain(board);
        }

        [Fact]
        public void Selftest_passes_and_a_sensor_that_does_not_answer_fails_it_with_exit_code_3()
        {
            PtyBoard board = Serve(out _, seed: 6);
            var r = Qrng("selftest", "--port", board.Path);
            Assert.True(r.Code == 0, r.Err);
            Assert.Contains("result=pass\ndrbg_kat=pass\nkernel_kat=pass\nsensor=pass\nstartup=pass\n", r.Out);
            board.BeforeStep = b =>
            {
                if (b.App.Protocol.CommandMode) b.Camera.SensorId = 0x55;       // not the OV2640's ID any more
            };
            r = Qrng("selftest", "--port", board.Path);
            Assert.Equal(QrngCli.Unhealthy, r.Code);
            Assert.Contains("result=fail\n", r.Out);
            Assert.Contains("sensor=fail\n", r.Out);
            string[] err = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(err);
            Assert.StartsWith("qrng: error: " + board.Path + ": self-test failed: ", err[0]);
        }

        [Fact]
        public void Feed_checks_the_random_device_the_permission_and_the_credited_rate()
        {
            PtyBoard board = Serve(out LineTap tap, seed: 7);
            AssertOneLine(Qrng("feed", "--port", board.Path, "--credit-bits-per-byte", "0", "-n", "1K", "--random-device", "/dev/null"), 2, "/dev/null is not a random device");
            AssertOneLine(Qrng("feed", "--credit-bits-per-byte", "0.01", "-n", "1K", "--random-device", "/dev/null"), 2, "the virtual board is a seeded simulation");
            bool mayCredit = MayCredit;
            var over = Qrng("feed", "--port", board.Path, "--credit-bits-per-byte", "7", "-n", "1K", "--interval", "0", "--random-device", "/dev/urandom");
            var zero = Qrng("feed", "--port", board.Path, "--credit-bits-per-byte", "0", "-n", "2K", "--chunk", "1024", "--interval", "0", "--random-device", "/dev/urandom");
            if (!mayCredit)
            {
                // without CAP_SYS_ADMIN the zero-length RNDADDENTROPY up front is refused before any byte is read
                AssertOneLine(over, 2, "needs CAP_SYS_ADMIN");
                AssertOneLine(zero, 2, "needs CAP_SYS_ADMIN");
                return;
            }

            // a board served on a pty is a simulation and says so: no credit however it is reached, even within its rate;
            // credit 0: the bytes are mixed in and nothing is credited (harmless on any kernel)
            AssertOneLine(over, 2, board.Path + " is a simulated source (INFO source=simulated)");
            var within = Qrng("feed", "--port", board.Path, "--credit-bits-per-byte", "0.01", "-n", "1K", "--interval", "0", "--random-device", "/dev/urandom");
            AssertOneLine(within, 2, "is a simulated source");
            Assert.True(zero.Code == 0, zero.Err);
            Assert.Contains("fed 2,048 bytes from " + board.Path + " to /dev/urandom, credited 0 bits", zero.Err);
            AssertStreamingAgain(board);
        }

        [Fact]
        public void List_and_serial_find_the_boards_that_answer_and_leave_them_streaming()
        {
            PtyBoard a = Serve(out _, "device.serial = QRNG-A", 8), b = Serve(out _, "device.serial = QRNG-B", 9);
            using var silent = new Pty();                                   // a port where nothing answers
            var env = new Dictionary<string, string> { ["QRNG_PORTS"] = $"{a.Path} {silent.Path} {b.Path}" };
            var r = Qrng(env, "list", "--timeout", "1");
            Assert.True(r.Code == 0, r.Err);
            string[] rows = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(3, rows.Length);
            Assert.Matches("^PORT +SERIAL +FIRMWARE +OUTPUT$", rows[0]);
            Assert.Matches($"^{a.Path} +QRNG-A +{Regex.Escape(Personalization.FirmwareVersion)} +drbg$", rows[1]);
            Assert.Matches($"^{b.Path} +QRNG-B ", rows[2]);
            Assert.Contains(silent.Path + ": no answer", r.Err);
            AssertStreamingAgain(a);
            AssertStreamingAgain(b);

            r = Qrng(env, "info", "--serial", "QRNG-B", "--timeout", "1");
            Assert.True(r.Code == 0, r.Err);
            Assert.Contains("serial=QRNG-B\n", r.Out);
            AssertOneLine(Qrng(env, "info", "--serial", "QRNG-C", "--timeout", "1"), QrngCli.NoDevice, "--serial QRNG-C: no device with that serial");
            AssertOneLine(Qrng(env, "info", "--port", a.Path, "--serial", "QRNG-B"), QrngCli.NoDevice, $"{a.Path} has serial QRNG-A, not QRNG-B");
            AssertOneLine(Qrng(new Dictionary<string, string> { ["QRNG_PORTS"] = silent.Path }, "list", "--timeout", "0.5"), QrngCli.NoDevice, "no qrng answered on " + silent.Path);
        }

        [Fact]
        public void Udev_id_prints_the_serial_as_a_device_name_and_fails_on_a_port_that_is_not_a_qrng()
        {
            PtyBoard board = Serve(out _, "device.serial = QRNG-0042/x", 10);
            var r = Qrng("udev-id", board.Path);
            Assert.True(r.Code == 0, r.Err);
            Assert.Equal("QRNG_SERIAL=QRNG_0042_x\nQRNG_SERIAL_RAW=QRNG-0042/x\nQRNG_FIRMWARE=" + DeviceCommands.UdevName(Personalization.FirmwareVersion) + "\nQRNG_OUTPUT_MODE=drbg\n", r.Out);
            AssertStreamingAgain(board);
            using var silent = new Pty();
            AssertOneLine(Qrng("udev-id", silent.Path, "--timeout", "0.5"), QrngCli.Timeout, "no answer within 0.5 s");
        }

        [Fact]
        public void Stream_on_a_port_writes_only_the_bytes_of_crc_checked_frames_and_never_what_a_damaged_line_carries()
        {
            // issue 20 item 2: the plain stream has no check, so `stream --port` reads DATA frames as `read` does
            PtyBoard board = Serve(out LineTap tap, seed: 11);
            string output = File("s.bin");
            tap.Decide = f => f.Type == (Wire.Read | Wire.ReplyBit) && f.Index % 7 == 3 ? LineTap.Noise.FlipBit : LineTap.Noise.None;
            var r = Qrng("stream", "--port", board.Path, "-n", "100000", "-o", output, "-q");
            Assert.True(r.Code == 0, r.Err);
            Assert.Contains("every one from a CRC-checked frame", r.Err);
            Assert.True(tap.Frames.Count(f => f.Done == LineTap.Noise.FlipBit) > 3, "frames were damaged on the way");
            Assert.Equal(tap.IntactData(), System.IO.File.ReadAllBytes(output));
            AssertStreamingAgain(board);

            // every DATA frame damaged: nothing is written, the reason is one line
            tap.Decide = f => f.Type == (Wire.Read | Wire.ReplyBit) ? LineTap.Noise.FlipBit : LineTap.Noise.None;
            string bad = File("bad.bin");
            AssertOneLine(Qrng("stream", "--port", board.Path, "-n", "100000", "-o", bad, "-q"), QrngCli.LineErrors, "bad.bin not written");
            Assert.False(System.IO.File.Exists(bad));
        }

        [Fact]
        public void With_a_key_replies_are_verified_and_a_wrong_key_a_missing_key_or_a_forged_frame_is_exit_code_8()
        {
            const string key = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
            PtyBoard board = Serve(out LineTap tap, "device.hmac_key = " + key, 12);
            string keyFile = File("key.hex"), wrongFile = File("wrong.hex");
            System.IO.File.WriteAllText(keyFile, key[..32] + "\n" + key[32..] + "\n");
            System.IO.File.WriteAllText(wrongFile, new string('0', 64));
            var r = Qrng("info", "--port", board.Path, "--key-file", keyFile);
            Assert.True(r.Code == 0, r.Err);
            Assert.Contains("auth=yes\n", r.Out);
            Assert.True(tap.Frames.Where(f => f.Type == (Wire.Info | Wire.ReplyBit)).All(f => (f.Flags & Wire.FlagAuth) != 0), "INFO came authenticated");
            r = Qrng("config", "set", "output.mode=full-entropy", "--port", board.Path, "--key-file", keyFile);
            Assert.True(r.Code == 0, r.Err);
            AssertOneLine(Qrng("config", "set", "output.mode=drbg", "--port", board.Path), QrngCli.AuthFailed, "give the device's key with --key-file");
            AssertOneLine(Qrng("info", "--port", board.Path, "--key-file", wrongFile), QrngCli.AuthFailed, "refused the key");
            tap.Decide = f => f.Type == (Wire.Read | Wire.ReplyBit) ? LineTap.Noise.Forge : LineTap.Noise.None;
            string output = File("k.bin");
            AssertOneLine(Qrng("read", "--port", board.Path, "--key-file", keyFile, "-n", "10K", "-o", output), QrngCli.AuthFailed, "has an HMAC that does not verify");
            Assert.False(System.IO.File.Exists(output));
        }

        [Fact]
        public void A_port_another_qrng_holds_is_busy_and_a_port_that_stays_silent_times_out()
        {
            PtyBoard board = Serve(out _, seed: 13);
            using (SerialDevice.Open(board.Path, 921600))
            {
                AssertOneLine(Qrng("info", "--port", board.Path), QrngCli.NoDevice, "busy");
            }

            using var silent = new Pty();
            AssertOneLine(Qrng("status", "--port", silent.Path, "--timeout", "0.5"), QrngCli.Timeout, "no answer within 0.5 s to the attention sequence");
            AssertOneLine(Qrng("info", "--port", File("none")), QrngCli.NoDevice, "no such device");
        }

        [Fact]
        public void Every_device_command_runs_on_the_in_process_virtual_board_and_through_pty()
        {
            string raw = File("v.bin"), m = File("m.bin"), r = File("r.bin");
            foreach (string[] args in new[]
            {
                new[] { "info", "--seed", "1" }, ["status", "--seed", "1"], ["selftest", "--seed", "1"], ["config", "get", "--seed", "1"],
                ["config", "set", "uart.baud=460800", "--seed", "1"], ["read", "-n", "64K", "-o", r, "--seed", "1", "-q"],
                ["raw", "-n", "5000", "-o", raw, "--seed", "1", "-q"], ["restart-raw", "--rows", "3", "--cols", "70", "-o", m, "--seed", "1", "-q"],
            })
            {
                foreach (bool pty in new[] { false, true })
                {
                    if (pty) NeedLinux();
                    foreach (string f in new[] { r, raw, m }) System.IO.File.Delete(f);
                    string[] a = pty ? [.. args, "--pty"] : args;
                    var res = Qrng(a);
                    Assert.True(res.Code == 0, string.Join(' ', a) + ": " + res.Err);
                    Assert.StartsWith("virtual board seed 1: --seed 1 repeats it", res.Err);
                    if (args[0] == "info") Assert.Contains("serial=unprovisioned\n", res.Out);
                    if (args[0] == "status") Assert.Contains("healthy=yes\n", res.Out);
                    if (args[0] == "selftest") Assert.Contains("result=pass\n", res.Out);
                    if (args[0] == "config") Assert.Contains(args[1] == "get" ? "led.target_mean = " : "applied=yes", res.Out);
                    if (args[0] == "read") Assert.Equal(64 * 1024, new FileInfo(r).Length);
                    if (args[0] == "raw") Assert.True(System.IO.File.ReadAllBytes(raw) is { Length: 5000 } v && v.All(x => x <= 3), "5000 symbols, one per byte");
                    if (args[0] == "raw") Assert.Contains("assess with: qrng assess " + raw, res.Err);
                    if (args[0] == "restart-raw") Assert.Equal(210, new FileInfo(m).Length);
                }
            }

            // the hint names a file only where one was written
            var devNull = Qrng("raw", "-n", "1000", "-o", "/dev/null", "--seed", "1", "-q");
            Assert.True(devNull.Code == 0, devNull.Err);
            Assert.Contains("assess with: qrng assess FILE", devNull.Err);

            // stream and feed (credit 0: mixed in, nothing credited) through --pty too
            string s = File("s.bin");
            var st = Qrng("stream", "--pty", "-n", "100000", "-o", s, "--seed", "1", "-q");
            Assert.True(st.Code == 0, st.Err);
            Assert.Contains("the virtual board on it has ended with this command", st.Err);     // no `status --port` to a pty that is gone
            Assert.Equal(100000, new FileInfo(s).Length);
            var fd = Qrng("feed", "--pty", "--credit-bits-per-byte", "0", "-n", "2K", "--interval", "0", "--random-device", "/dev/urandom", "--seed", "1");
            if (MayCredit) Assert.True(fd.Code == 0 && fd.Err.Contains("fed 2,048 bytes from /dev/pts/"), fd.Err);
            else AssertOneLine(fd, 2, "needs CAP_SYS_ADMIN");
            var dead = Qrng("status", "--seed", "1", "--fault", "led-dead");
            Assert.Equal(QrngCli.Unhealthy, dead.Code);
            Assert.Contains("healthy=no\n", dead.Out);
            Assert.Contains("LED at full duty", dead.Err);
            AssertOneLine(Qrng("read", "-n", "1K", "-o", r, "--seed", "1", "--fault", "led-dead"), QrngCli.Unhealthy, "virtual board is unhealthy: ");
        }
    
        [Fact]
        public void A_killed_client_leaves_the_board_in_the_plain_stream_within_the_idle_time()
        {
            // issue 19 item 4: kill -KILL of `qrng read --port P`, then `stty raw; head -c` of P got 380,928 bytes of
            // framing and then nothing from a healthy board
            NeedLinux();
            PtyBoard board = Serve(out LineTap tap, seed: 16);
            var delivered = new List<byte>();
            bool record = false;
            board.LineNoise = (b, buf, n) =>
            {
                n = tap.Process(buf, n);
                lock (delivered)
                {
                    if (record && delivered.Count < 4_000_000) delivered.AddRange(buf.AsSpan(0, n));
                }

                return n;
            };

            string output = File("k.bin");
            using Process reader = Start(null, "read", "--port", board.Path, "-n", "1G", "-o", output, "-q");
            WaitForPartial(reader, "k.bin", "it was killed");
            reader.Kill();                                                                   // SIGKILL: no STREAM on the way out
            reader.WaitForExit();
            var killed = Stopwatch.StartNew();
            Assert.True(board.Board.App.Protocol.CommandMode, "the killed reader left the board in command mode");
            while (board.Board.App.Protocol.CommandMode && killed.ElapsedMilliseconds < Wire.CommandIdleMs + 3000) Thread.Sleep(10);
            Assert.False(board.Board.App.Protocol.CommandMode, $"still in command mode {killed.ElapsedMilliseconds} ms after the kill");
            Assert.True(killed.ElapsedMilliseconds <= Wire.CommandIdleMs + 2000, $"left command mode {killed.ElapsedMilliseconds} ms after the kill");
            Assert.Contains(tap.Frames, f => f.Type == Wire.Error && f.Payload[0] == Wire.ErrIdle);
            lock (delivered) record = true;                                                  // from here on: what the device sends as plain stream

            var sh = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
            sh.ArgumentList.Add("-c");
            sh.ArgumentList.Add($"stty -F {board.Path} raw -echo -echoe -echok -echoctl -echoke -ixon -ixoff -crtscts clocal cread && head -c 200000 {board.Path}");
            using Process head = Process.Start(sh)!;
            var got = new MemoryStream();
            using (new Timer(_ => { try { head.Kill(); } catch (InvalidOperationException) { } }, null, 30_000, Timeout.Infinite))
            {
                head.StandardOutput.BaseStream.CopyTo(got);                                   // until head exits (killed after 30 s)
            }

            head.WaitForExit();
            byte[] bytes = got.ToArray();
            Assert.Equal(200_000, bytes.Length);

            // every byte head got is a byte the device sent after it had left command mode, in order, and no frame is in them
            byte[] sent;
            lock (delivered) sent = [.. delivered];
            Assert.True(sent.AsSpan().IndexOf(bytes.AsSpan(0, 64)) is int at && at >= 0 && sent.AsSpan(at).StartsWith(bytes),
                "head's bytes are a run of what the device sent in the plain stream");
            var frames = new FrameReader(Wire.ReplyMagic, Wire.MaxReplyPayload);
            int found = 0, pos = 0;
            do
            {
                pos += frames.Feed(bytes, pos, bytes.Length - pos);
                if (frames.Event == FrameReader.Frame) found++;
            }
            while (frames.Event != FrameReader.None || pos < bytes.Length);
            Assert.Equal(0, found);
        }

        [Fact]
        public void Every_device_command_works_with_port_on_a_board_served_by_qrng_board_and_pulling_it_is_exit_code_5()
        {
            NeedLinux();
            string conf = File("board.conf");
            System.IO.File.WriteAllText(conf, "device.serial = QRNG-BOARD-1\n");
            using Process board = Start(null, "board", "--pty", "--seed", "21", "--config", conf);
            Task<string> boardErr = board.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);       // drained: the board must never block on it
            try
            {
                string path = board.StandardOutput.ReadLine() ?? "";
                Assert.Matches("^/dev/pts/[0-9]+$", path);
                string r = File("r.bin"), raw = File("v.bin"), m = File("m.bin"), st = File("s.bin");
                (int Code, string Out, string Err) Run(params string[] args)
                {
                    var res = Qrng(args);
                    Assert.True(res.Code == 0, string.Join(' ', args) + ": " + res.Err);
                    Assert.DoesNotContain("virtual board seed", res.Err);     // a board on a port, as far as the tool knows
                    return res;
                }

                Assert.Contains("serial=QRNG-BOARD-1\n", Run("info", "--port", path).Out);
                Assert.Contains("healthy=yes\n", Run("status", "--port", path).Out);
                Assert.Contains("result=pass\n", Run("selftest", "--port", path).Out);
                Assert.Contains("applied=yes", Run("config", "set", "uart.baud=921600", "--port", path).Out);
                Assert.Equal("uart.baud = 921600\n", Run("config", "get", "uart.baud", "--port", path).Out);
                Run("read", "--port", path, "-n", "64K", "-o", r, "-q");
                Assert.Equal(64 * 1024, new FileInfo(r).Length);
                Run("raw", "--port", path, "-n", "5000", "-o", raw, "-q");
                Assert.True(System.IO.File.ReadAllBytes(raw) is { Length: 5000 } v && v.All(x => x <= 3), "5000 symbols, one per byte");
                Run("restart-raw", "--port", path, "--rows", "3", "--cols", "70", "-o", m, "-q");
                Assert.Equal(210, new FileInfo(m).Length);
                Run("stream", "--port", path, "-n", "100000", "-o", st, "-q");
                Assert.Equal(100000, new FileInfo(st).Length);
                Assert.Equal("QRNG_SERIAL=QRNG_BOARD_1\n", Run("udev-id", path).Out.Split('\n')[0] + "\n");
                Assert.Matches($"(?m)^{path} +QRNG-BOARD-1 ", Qrng(new Dictionary<string, string> { ["QRNG_PORTS"] = path }, "list").Out);
                // credit 0: the board is a simulation, and this machine's kernel must not be told otherwise
                var feed = Qrng("feed", "--port", path, "--credit-bits-per-byte", "0", "-n", "2K", "--interval", "0", "--random-device", "/dev/urandom");
                if (MayCredit) Assert.True(feed.Code == 0 && feed.Err.Contains($"fed 2,048 bytes from {path} to /dev/urandom, credited 0 bits"), feed.Err);
                else AssertOneLine(feed, 2, "needs CAP_SYS_ADMIN");

                // the board's process dies in the middle of a read: the master closes, as when a USB adapter is pulled
                string output = File("u.bin");
                using Process reader = Start(null, "read", "--port", path, "-n", "1G", "-o", output, "-q");
                WaitForPartial(reader, "u.bin", "the board was killed");

                board.Kill();
                (int Code, string Out, string Err) res = QrngCliTests.Finish(reader, 20);
                AssertOneLine(res, QrngCli.DeviceGone, "lost " + path + " after ");
                Assert.Contains("u.bin not written", res.Err);
                Assert.Empty(Directory.GetFiles(_dir, "u.bin*"));
            }
            finally
            {
                if (!board.HasExited) board.Kill();
                board.WaitForExit();
            }
        }
    }
}
