using System.CommandLine;
using System.Text;
using Qrng.Cli;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>
    /// Every subcommand with hostile input: exit code 2, one "qrng: error:" line on stderr naming the problem (control
    /// bytes escaped), nothing on stdout, never a stack trace. Placeholders in the rows: {out} a new file, {dir} a
    /// folder, {missing} a path that does not exist, {empty} an empty file, {garbage} binary bytes with terminal
    /// escapes, {nan} an efficiency file with NaN, {dark} a valid dark histogram, {evil-conf} a configuration with a
    /// terminal escape in a value.
    /// </summary>
    public class QrngHostileInputTests : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("qrng-hostile").FullName;

        public QrngHostileInputTests()
        {
            Directory.CreateDirectory(Path.Combine(_dir, "folder"));
            File.WriteAllBytes(Path.Combine(_dir, "empty"), []);
            File.WriteAllBytes(Path.Combine(_dir, "garbage"), [0x1b, (byte)'[', (byte)'2', (byte)'J', 0x07, 0xff, 0x00, 0x9b, (byte)',', (byte)'\n', 0x1b, (byte)']', (byte)'0', (byte)';', (byte)'x', 0x07]);
            File.WriteAllText(Path.Combine(_dir, "nan"), "1\nNaN\n");
            File.WriteAllText(Path.Combine(_dir, "evil.conf"), "health.t_plus = \u001b]0;pwned\u0007\n");
            var dark = new StringBuilder("adc,count\n");
            for (int z = 0; z <= 20; z++)
            {
                dark.Append(z).Append(',').Append((int)(1000 * Math.Exp(-(z - 8) * (z - 8) / 8.0))).Append('\n');
            }

            File.WriteAllText(Path.Combine(_dir, "dark.csv"), dark.ToString());
        }

        public void Dispose() => Directory.Delete(_dir, true);

        private string[] Expand(string[] args) => args.Select(a => a
            .Replace("{out}", Path.Combine(_dir, "out.bin"))
            .Replace("{dir}", Path.Combine(_dir, "folder"))
            .Replace("{missing}", Path.Combine(_dir, "missing"))
            .Replace("{empty}", Path.Combine(_dir, "empty"))
            .Replace("{garbage}", Path.Combine(_dir, "garbage"))
            .Replace("{nan}", Path.Combine(_dir, "nan"))
            .Replace("{dark}", Path.Combine(_dir, "dark.csv"))
            .Replace("{evil-conf}", Path.Combine(_dir, "evil.conf"))).ToArray();

        private const string Esc = "\u001b";

        /// <summary>Arguments, and a part of the message when the row is about the wording (null: any one-line error).</summary>
        public static TheoryData<string[], string> Rows => new()
        {
            // the root and `model` without a command, unknown commands and options
            { [], "command" },
            { ["bogus"], "bogus" },
            { ["--bogus"], "--bogus" },
            { ["model"], "command" },
            { ["model", "bogus"], "bogus" },
            { ["stream", "--bogus"], "--bogus" },

            // stream
            { ["stream"], "--bytes" },
            { ["stream", "-n"], "argument missing" },
            { ["stream", "-n", "0", "-o", "{out}"], "--bytes" },
            { ["stream", "-n", "-1", "-o", "{out}"], null },
            { ["stream", "-n", "1T", "-o", "{out}"], "--bytes" },
            { ["stream", "-n", "99999999999999999999", "-o", "{out}"], "--bytes" },
            { ["stream", "-n", Esc + "[2J", "-o", "{out}"], "\\x1b[2J" },
            { ["stream", "-n", "", "-o", "{out}"], "--bytes" },
            { ["stream", "-n", "1K", "-o", ""], "--out" },
            { ["stream", "-n", "1K", "-o", "{dir}"], "is a directory" },
            { ["stream", "-n", "1K", "-o", "{missing}/x.bin"], "no such directory" },
            { ["stream", "-n", "1K", "-o", "/dev/full"], "cannot write /dev/full" },
            { ["stream", "-n", "1K", "-o", "{out}", "--config", ""], "--config" },
            { ["stream", "-n", "1K", "-o", "{out}", "--config", "{dir}"], "is a directory" },
            { ["stream", "-n", "1K", "-o", "{out}", "--config", "{missing}"], "not found" },
            { ["stream", "-n", "1K", "-o", "{out}", "--config", "{garbage}"], "line 1" },
            { ["stream", "-n", "1K", "-o", "{out}", "--config", "{evil-conf}"], "\\x1b]0;pwned\\x07" },
            { ["stream", "-n", "1K", "-o", "{out}", "--seed", "x"], "--seed" },
            { ["stream", "-n", "1K", "-o", "{out}", "--seed", "99999999999"], "--seed" },
            { ["stream", "-n", "1K", "-o", "{out}", "--fault", ""], "--fault" },
            { ["stream", "-n", "1K", "-o", "{out}", "--fault", Esc + "[31mred"], "\\x1b[31mred" },
            { ["stream", "-n", "1K", "--pty"], "--out" },
            { ["stream", "-n", "1K", "-o", "{out}", "--pty", "--port", "/dev/null"], "--pty" },
            { ["stream", "-n", "1K", "--port", ""], "--port" },
            { ["stream", "-n", "1K", "-o", "{out}", "--serial", ""], "--serial" },
            { ["stream", "-n", "1K", "-o", "{out}", "--port", "/dev/null", "--baud", "0"], "--baud" },
            { ["stream", "-n", "1K", "-o", "{out}", "--port", "/dev/null", "--baud", "12345"], "--baud" },
            { ["stream", "-n", "1K", "-o", "{out}", "--baud", "921600"], "--baud" },

            // read, raw, restart-raw
            { ["read"], "--bytes" },
            { ["read", "-n", "0", "-o", "{out}"], "--bytes" },
            { ["read", "-n", "1K"], "--out" },
            { ["read", "-n", "1K", "-o", "{dir}"], "is a directory" },
            { ["read", "-n", "1K", "-o", "{missing}/x.bin"], "no such directory" },
            { ["read", "-n", "1K", "-o", "{out}", "--timeout", "0"], "--timeout" },
            { ["read", "-n", "1K", "-o", "{out}", "--timeout", "NaN"], "--timeout" },
            { ["read", "-n", "1K", "-o", "{out}", "--retries", "-1"], "--retries" },
            { ["read", "-n", "1K", "-o", "{out}", "--key-file", "{garbage}"], "--key-file" },
            { ["read", "-n", "1K", "-o", "{out}", "--key-file", "{missing}"], "not found" },
            { ["read", "-n", "1K", "-o", "{out}", "--key-file", "{dir}"], "is a directory" },
            { ["read", "-n", "1K", "-o", "{out}", "--port", "{missing}", "--fault", "led-dead"], "--fault" },
            { ["read", "-n", "1K", "-o", "{out}", "--port", "{missing}", "--seed", "1"], "--seed" },
            { ["read", "-n", "1K", "-o", "{out}", "--baud", "115200"], "--baud" },
            { ["read", "-n", "1K", "-o", "{out}", "--port", "/dev/null", "--pty"], "--pty" },
            { ["read", "-n", "1K", "-o", "{out}", "--port", ""], "--port" },
            { ["read", "-n", "1K", "-o", "{out}", "--serial", ""], "--serial" },
            { ["read", "-n", "1K", "-o", "{out}", "--fault", Esc + "[31mred"], "\\x1b[31mred" },
            { ["read", "-n", "1K", "-o", "{out}", "--config", "{evil-conf}"], "\\x1b]0;pwned\\x07" },
            { ["read", "-n", "1K", "-o", "{out}", "--port", "/dev/null", "--baud", "12345"], "--baud" },
            { ["raw"], "--samples" },
            { ["raw", "-n", "10"], "--out" },
            { ["raw", "-n", "x", "-o", "{out}"], "--samples" },
            { ["raw", "-n", "300M", "-o", "{out}"], "--samples" },
            { ["raw", "-n", "10", "-o", "{dir}"], "is a directory" },
            { ["restart-raw"], "--out" },
            { ["restart-raw", "-o", "{out}", "--rows", "0"], "--rows" },
            { ["restart-raw", "-o", "{out}", "--cols", "70000"], "--cols" },
            { ["restart-raw", "-o", "{out}", "--rows", "65535", "--cols", "65535"], "--rows x --cols" },
            { ["restart-raw", "-o", "{out}", "--rows", "x"], "--rows" },
            { ["calibrate", "--frames", "3"], "--frames: an even number" },
            { ["calibrate", "--steps", "2"], "--steps: 8 to 60" },
            { ["calibrate", "--apply"], "--key-file" },
            { ["calibrate", "--report", ""], "--report" },
            { ["calibrate", "--sensor", "/nonexistent.sensor"], "--sensor file not found" },
            { ["calibrate", "--port", "/dev/nonexistent-tty", "--sensor", "/etc/hostname"], "--sensor does nothing with a real board" },
            { ["hil", "--samples", "-1"], "--samples" },
            { ["hil", "--restarts", "70000"], "--restarts" },
            { ["hil", "--bytes", "1T"], "--bytes" },
            { ["hil", "--json", ""], "--json" },
            { ["hil", "--keep", "/dev/null"], "--keep /dev/null is a file" },
            { ["hil", "--claim", "nan"], "--claim" },
            { ["hil", "--fault", "no-such-knob"], "no-such-knob" },

            // info, status, selftest, config
            { ["info", "--timeout", "-1"], "--timeout" },
            { ["info", "--port", ""], "--port" },
            { ["info", "--pty", "--port", "/dev/null"], "--pty" },
            { ["status", "--retries", "x"], "--retries" },
            { ["status", "--seed", "x"], "--seed" },
            { ["status", "--config", "{garbage}"], "line 1" },
            { ["selftest", "--port", "/dev/null", "--baud", "12345"], "--baud" },
            { ["selftest", "--fault", "smoke"], "unknown knob 'smoke'" },
            { ["config"], "command" },
            { ["config", "get", "--timeout", "0"], "--timeout" },
            { ["config", "get", Esc + "[2J"], "\\x1b[2J" },
            { ["config", "get", "a=b"], "no '='" },
            { ["config", "set"], null },
            { ["config", "set", "=5"], "expected KEY=VALUE" },
            { ["config", "set", "health.t_minus"], "expected KEY=VALUE" },
            { ["config", "set", "a=" + Esc + "[2J"], "printable ASCII" },
            { ["config", "set", "a=" + new string('x', 600)], "at most 512" },

            // feed
            { ["feed"], "--credit-bits-per-byte" },
            { ["feed", "--credit-bits-per-byte", "9"], "0 to 8" },
            { ["feed", "--credit-bits-per-byte", "NaN"], "0 to 8" },
            { ["feed", "--credit-bits-per-byte", "0", "--chunk", "0"], "--chunk" },
            { ["feed", "--credit-bits-per-byte", "0", "--interval", "-1"], "--interval" },
            { ["feed", "--credit-bits-per-byte", "0", "-n", "0"], "--bytes" },
            { ["feed", "--credit-bits-per-byte", "0.5"], "seeded simulation" },
            { ["feed", "--credit-bits-per-byte", "0", "--random-device", "/dev/null"], "not a random device" },
            { ["feed", "--credit-bits-per-byte", "0", "--random-device", "{missing}"], "no such file" },
            { ["feed", "--credit-bits-per-byte", "0", "--random-device", ""], "--random-device" },

            // list, board, udev-id
            { ["list", "--timeout", "0"], "--timeout" },
            { ["list", "--baud", "5"], "--baud" },
            { ["board"], "--pty" },
            { ["board", "--pty", "--fault", "smoke"], "unknown knob" },
            { ["board", "--pty", "--config", "{garbage}"], "line 1" },
            { ["board", "--pty", "--seed", "x"], "--seed" },
            { ["udev-id"], "DEV" },
            { ["udev-id", ""], "DEV" },
            { ["udev-id", "/dev/null", "--baud", "1"], "--baud" },
            { ["udev-id", "/dev/null", "--timeout", "100"], "--timeout" },

            // model hmin
            { ["model", "hmin"], "--mu-e" },
            { ["model", "hmin", "--mu-e", "NaN"], "mu_e" },
            { ["model", "hmin", "--mu-e", "Infinity"], "mu_e" },
            { ["model", "hmin", "--mu-e", "1e309"], "mu_e" },
            { ["model", "hmin", "--mu-e", "-0.5"], "mu_e" },
            { ["model", "hmin", "--mu-e", "abc"], "--mu-e" },
            { ["model", "hmin", "--mu-e", "625", "--k", "NaN"], "K must be" },
            { ["model", "hmin", "--mu-e", "625", "--k", "1e9"], "K must be" },
            { ["model", "hmin", "--mu-e", "625", "--noise", ""], "--noise" },
            { ["model", "hmin", "--mu-e", "625", "--noise", "NaN,0,0"], "mu_r" },
            { ["model", "hmin", "--mu-e", "625", "--noise", "1,2,3,4"], "--noise" },
            { ["model", "hmin", "--mu-e", "625", "--noise", "pixel9"], "pixel" },
            { ["model", "hmin", "--mu-e", "625", "--csv", ""], "--csv" },
            { ["model", "hmin", "--mu-e", "625", "--csv", "{dir}"], "is a directory" },
            { ["model", "hmin", "--mu-e", "625", "--csv", "{missing}/x.csv"], "no such directory" },

            // model curve
            { ["model", "curve", "--from", "NaN"], "--from" },
            { ["model", "curve", "--to", "-1"], "--from" },
            { ["model", "curve", "--points", "1"], "--points" },
            { ["model", "curve", "--points", "99999999999"], "--points" },
            { ["model", "curve", "--points", "1000000"], "--points" },
            { ["model", "curve", "--plot", ""], "--plot" },
            { ["model", "curve", "--plot", "{dir}"], "is a directory" },
            { ["model", "curve", "--csv", "-", "--plot", "-"], "stdout" },

            // model zdist
            { ["model", "zdist", "--mu-e", "2e6"], "mu_e" },
            { ["model", "zdist", "--mu-e", "625", "--plot-bits", "{dir}"], "is a directory" },
            { ["model", "zdist", "--mu-e", "625", "--plot", "{missing}/a.png"], "no such directory" },

            // model failure
            { ["model", "failure", "--t-minus", "-5"], "T-" },
            { ["model", "failure", "--t-plus", "5000"], "T+" },
            { ["model", "failure", "--n-minus", "-1"], "N-" },
            { ["model", "failure", "--n-plus", "64"], "N+" },
            { ["model", "failure", "--pixels", "0"], "pixel" },
            { ["model", "failure", "--pixels", "2000000"], "pixel" },
            { ["model", "failure", "--efficiencies", ""], "efficiency file" },
            { ["model", "failure", "--efficiencies", "{dir}"], "is a directory" },
            { ["model", "failure", "--efficiencies", "{empty}"], "no efficiencies" },
            { ["model", "failure", "--efficiencies", "{garbage}"], "\\x1b]0;x\\x07" },
            { ["model", "failure", "--efficiencies", "{nan}"], "finite" },

            // model thresholds: nothing the firmware's FirmwareConfig.Validate() refuses is printed
            { ["stream", "-n", "1K", "-o", "{out}", "--seed", "abc"], "Cannot parse argument 'abc' for option '--seed': expected an integer." },
            { ["assess", "{out}", "--seed", "-1"], "expected a non-negative integer" },
            { ["model", "hmin", "--mu-e", "many"], "expected a number" },
            { ["raw", "--samples", "0", "-o", "{out}"], "at most 268,435,456" },
            { ["raw", "--samples", "1G", "-o", "{out}"], "--samples: at most 268,435,456, got 1,073,741,824" },
            { ["hil", "--restarts", "10", "--restart-samples", "10"], "at least 1,000 symbols for the restart assessment, got 10 x 10 = 100" },
            { ["assess", "{out}", "--rows", "-5", "--cols", "100"], "--rows and --cols: positive counts" },
            { ["model", "thresholds", "--pixels", "100000"], "--pixels: 1 to 12,800 (the firmware's largest frame), got 100,000" },
            { ["model", "thresholds", "--epsilon", "0"], "epsilon" },
            { ["model", "thresholds", "--h-low", "1.5"], "H_l" },
            { ["model", "thresholds", "--delta", "NaN"], "delta" },
            { ["model", "thresholds", "--n", "-1"], "N must be" },
            { ["model", "thresholds", "--n-max", "1000"], "max N" },
            { ["model", "thresholds", "--mu-step", "0"], "mu step" },
            { ["model", "thresholds", "--check", ""], "--check" },
            { ["model", "thresholds", "--check", "a,b,c,d"], "--check" },
            { ["model", "thresholds", "--check", "64,940,1,64"], "N+" },
            { ["model", "thresholds", "--check", "64,940,-1,1"], "N-" },
            { ["model", "thresholds", "--pixels", "16", "--n", "16"], "pixel count" },

            // assess
            { ["assess"], "FILE" },
            { ["assess", ""], null },
            { ["assess", "{dir}"], "is a directory" },
            { ["assess", "{missing}"], "not found" },
            { ["assess", "{empty}"], "0 samples" },
            { ["assess", "{garbage}"], "samples" },
            { ["assess", "{dark}", "--bits", "0"], "--bits" },
            { ["assess", "{dark}", "--bits", "abc"], "--bits" },
            { ["assess", "{dark}", "--track", Esc + "[2J"], "\\x1b[2J" },
            { ["assess", "{dark}", "--claim", "-1"], "--claim" },
            { ["assess", "{dark}", "--json", "{missing}/r.json"], "no such directory" },
            { ["assess", "{dark}", "--rows", "5"], "--restart-matrix" },
            { ["assess", "{dark}", "--restart-matrix", "{missing}"], "not found" },

            // model fit-noise
            { ["model", "fit-noise"], "FILE" },
            { ["model", "fit-noise", ""], "histogram" },
            { ["model", "fit-noise", "{dir}"], "is a directory" },
            { ["model", "fit-noise", "{missing}"], "not found" },
            { ["model", "fit-noise", "{empty}"], "empty" },
            { ["model", "fit-noise", "{garbage}"], "\\x1b[2J" },
            { ["model", "fit-noise", "{dark}", "--bin", "3"], "power of two" },
            { ["model", "fit-noise", "{dark}", "--sigma-r", "0"], "sigma_r" },
            { ["model", "fit-noise", "{dark}", "--adc-offset", "NaN"], "--adc-offset" },
            { ["model", "fit-noise", "{dark}", "--csv", "{dir}"], "is a directory" },

            // model simulate-dark
            { ["model", "simulate-dark"], "--out" },
            { ["model", "simulate-dark", "--out", ""], "--out" },
            { ["model", "simulate-dark", "--out", "{dir}"], "is a directory" },
            { ["model", "simulate-dark", "--out", "{missing}/d.csv"], "no such directory" },
            { ["model", "simulate-dark", "--out", "{out}", "--samples", "0"], "samples" },
            { ["model", "simulate-dark", "--out", "{out}", "--samples", "99999999999"], "samples" },
            { ["model", "simulate-dark", "--out", "{out}", "--quantize", "3"], "power of two" },
            { ["model", "simulate-dark", "--out", "{out}", "--adc-offset", "NaN"], "--adc-offset" },
            { ["model", "simulate-dark", "--out", "{out}", "--adc-offset", "1e300"], "--adc-offset" },
        };

        /// <summary>Ports that cannot be opened as a serial port: exit code 4 (no device), one line naming why.</summary>
        public static TheoryData<string[], string> PortRows => new()
        {
            { ["stream", "-n", "1K", "-o", "{out}", "--port", "{dir}"], "is a directory" },
            { ["stream", "-n", "1K", "-o", "{out}", "--port", "{missing}"], "no such device" },
            { ["stream", "-n", "1K", "-o", "{out}", "--port", "ttyUSB-missing"], "no such device" },
            { ["stream", "-n", "1K", "-o", "{out}", "--port", "/dev/null"], "not a serial port" },
            { ["stream", "-n", "1K", "-o", "{out}", "--port", "{garbage}"], "not a serial port" },
            { ["read", "-n", "1K", "-o", "{out}", "--port", "/dev/null"], "not a serial port" },
            { ["status", "--port", "{missing}"], "no such device" },
            { ["udev-id", "/dev/null"], "not a serial port" },
        };

        [Theory]
        [MemberData(nameof(PortRows))]
        public void A_port_that_is_not_a_serial_port_is_one_escaped_line_and_exit_code_4(string[] args, string message)
        {
            var (code, stdout, stderr) = QrngCliTests.QrngIn(_dir, Expand(args));
            Assert.True(code == 4, $"exit code {code}: {stderr}");
            Assert.Equal("", stdout);
            string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length == 1, stderr);
            Assert.StartsWith("qrng: error: cannot open ", lines[0]);
            Assert.Contains(message, lines[0]);
            Assert.False(File.Exists(Path.Combine(_dir, "out.bin")), "a file was written");
        }

        [Theory]
        [MemberData(nameof(Rows))]
        public void Hostile_input_is_one_escaped_line_on_stderr_nothing_on_stdout_and_exit_code_2(string[] args, string message)
        {
            QrngCliTests.AssertRefused(Expand(args), message, _dir);
            Assert.False(File.Exists(Path.Combine(_dir, "out.bin")), "a file was written");
        }

        [Fact]
        public void The_sweep_covers_every_subcommand()
        {
            var covered = Rows.Select(r => string.Join(' ', ((string[])r.Data.Item1).TakeWhile(a => !a.StartsWith('-')))).ToHashSet();
            var missing = Leaves(QrngCli.Root(), "").Where(path => !covered.Contains(path)).ToArray();
            Assert.True(missing.Length == 0, "no hostile rows for: " + string.Join(", ", missing));
        }

        private static IEnumerable<string> Leaves(Command c, string path)
        {
            if (c.Subcommands.Count == 0)
            {
                return [path];
            }

            return c.Subcommands.SelectMany(s => Leaves(s, (path + " " + s.Name).Trim()));
        }

        [Fact]
        public void Help_is_still_help()
        {
            var (code, stdout, stderr) = QrngCliTests.Qrng("stream", "--help");
            Assert.Equal(0, code);
            Assert.Contains("--bytes", stdout);
            Assert.Equal("", stderr);
        }
    }
}
