using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Qrng.Cli;
using Qrng.Firmware;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>
    /// linux/ (docs/linux.md) agrees with the tool: the udev rule's probe runs and prints what the rule uses, its
    /// symlink is the device the systemd unit binds to, the unit's command parses and credits no more than a default
    /// board allows, and the stty line works on a terminal. No real udev or systemd here: their syntax is only checked
    /// by `systemd-analyze verify` where it exists.
    /// </summary>
    public class LinuxIntegrationTests : IDisposable
    {
        private static readonly string Linux = Path.Combine(RepoPaths.Root, "linux");
        private static readonly string Rule = File.ReadAllText(Path.Combine(Linux, "60-qrng.rules"));
        private static readonly string Unit = File.ReadAllText(Path.Combine(Linux, "qrng-feed@.service"));
        private readonly string _dir = Directory.CreateTempSubdirectory("qrng-linux").FullName;

        public void Dispose() => Directory.Delete(_dir, true);

        /// <summary>Rule lines without comments.</summary>
        private static string[] RuleLines => [.. Rule.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];

        /// <summary>The value of KEY= in the unit (the last one).</summary>
        private static string UnitValue(string key) =>
            Unit.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..]
            ?? throw new Xunit.Sdk.XunitException($"qrng-feed@.service has no {key}=");

        private static string ImportCommand() =>
            Regex.Match(Rule, @"(?m)^[^#\n]*IMPORT\{program\}=""([^""]+)""").Groups[1].Value;

        /// <summary>systemd's name for the unit of a device path (systemd-escape --path --suffix=device).</summary>
        private static string DeviceUnit(string path)
        {
            var sb = new StringBuilder();
            string p = path.Trim('/');
            for (int i = 0; i < p.Length; i++)
            {
                char c = p[i];
                if (c == '/') sb.Append('-');
                else if (char.IsAsciiLetterOrDigit(c) || c == '_' || c == ':' || (c == '.' && i > 0)) sb.Append(c);
                else sb.Append($"\\x{(int)c:x2}");
            }

            return sb.Append(".device").ToString();
        }

        [Fact]
        public void The_rule_ignores_modemmanager_gives_the_group_0660_and_never_world_access()
        {
            string[] lines = RuleLines;
            Assert.Contains(lines, l => l.Contains("ENV{ID_MM_DEVICE_IGNORE}=\"1\""));
            Assert.Contains(lines, l => Regex.IsMatch(l, @"GROUP=""qrng"".*MODE=""0660"""));
            Assert.DoesNotContain(lines, l => Regex.IsMatch(l, @"MODE=""[0-7]*[2-7]""") && !l.Contains("MODE=\"0660\""));
            Assert.Contains(lines, l => l.Contains("SYMLINK+=\"qrng-$env{QRNG_SERIAL}\"") && l.Contains("TAG+=\"systemd\""));
            // probes only on add; a change event keeps the serial instead of probing a port feed may hold
            Assert.Contains(lines, l => l.StartsWith("ACTION==\"add\", IMPORT{program}=", StringComparison.Ordinal));
            Assert.Contains(lines, l => l == "ACTION==\"change\", IMPORT{db}=\"QRNG_SERIAL\"");
            // the unit's user is in the rule's group
            Assert.Equal("qrng", UnitValue("SupplementaryGroups"));
        }

        [Fact]
        public void The_rules_probe_runs_and_prints_every_variable_the_rule_uses_and_the_link_is_the_units_device()
        {
            if (!OperatingSystem.IsLinux()) Assert.Skip("pseudo-terminals need Linux");
            string[] command = ImportCommand().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("/usr/local/bin/qrng", command[0]);
            Assert.Equal(UnitValue("ExecStart").Split(' ')[0], command[0]);
            Assert.Contains("/dev/%k", command);

            var cfg = new FirmwareConfig();
            cfg.Apply("device.serial = QRNG.7/x-1");
            using var board = PtyBoard.Create(cfg, 31, []);
            board.Start();
            string[] args = [.. command[1..].Select(a => a.Replace("/dev/%k", board.Path))];
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(QrngCliTests.QrngDll);
            foreach (string a in args) psi.ArgumentList.Add(a);
            using Process p = Process.Start(psi)!;
            var (code, output, err) = QrngCliTests.Finish(p, 60);
            Assert.True(code == 0, err);
            var env = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);

            // every $env{X} and IMPORT{db}="X" of the rule that is not udev's own comes from the probe
            var used = Regex.Matches(Rule, @"\$env\{([A-Z_]+)\}|IMPORT\{db\}=""([A-Z_]+)""").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).Distinct().ToList();
            Assert.NotEmpty(used);
            foreach (string v in used) Assert.True(env.ContainsKey(v), $"the rule uses {v}; udev-id prints {string.Join(", ", env.Keys)}");
            Assert.Equal("QRNG_7_x_1", env["QRNG_SERIAL"]);              // "." "/" "-" made safe for a device and an instance name

            // the link the rule makes is the device unit the service binds to and is wanted by
            string link = "/dev/qrng-" + env["QRNG_SERIAL"];
            string device = DeviceUnit(link);
            Assert.Equal("dev-qrng\\x2dQRNG_7_x_1.device", device);
            Assert.Equal(device, UnitValue("BindsTo").Replace("%i", env["QRNG_SERIAL"]));
            Assert.Equal(device, UnitValue("After").Replace("%i", env["QRNG_SERIAL"]));
            Assert.Equal(device, UnitValue("WantedBy").Replace("%i", env["QRNG_SERIAL"]));
            Assert.Contains("--port /dev/qrng-%i ", UnitValue("ExecStart"));
            Assert.Contains("DeviceAllow=/dev/qrng-%i rw", Unit);
        }

        [Fact]
        public void The_units_feed_command_parses_and_credits_no_more_than_a_default_board_allows()
        {
            string[] command = UnitValue("ExecStart").Replace("%i", "QRNG_1").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("feed", command[1]);
            ParseResult parsed = QrngCli.Root().Parse(command[1..]);
            Assert.True(parsed.Errors.Count == 0, string.Join("; ", parsed.Errors.Select(e => e.Message)));
            double credit = double.Parse(command[Array.IndexOf(command, "--credit-bits-per-byte") + 1], System.Globalization.CultureInfo.InvariantCulture);

            using var link = TappedLink.Boot(new FirmwareConfig(), 32);
            using var s = new DeviceSession(link);
            s.Enter();
            double limit = DeviceCommands.CreditLimit(s.Info(), s.Status());
            Assert.True(credit > 0 && credit <= limit, $"the unit credits {credit} bits per byte, a default board allows {limit}");

            foreach (string help in new[] { "feed", "udev-id" })
            {
                var (code, output, _) = QrngCliTests.Qrng(help, "--help");
                Assert.Equal(0, code);
                Assert.Contains("--timeout", output);
            }
        }

        [Fact]
        public void The_unit_keeps_one_capability_restarts_on_failure_and_stops_cleanly_on_sigterm()
        {
            Assert.Equal("CAP_SYS_ADMIN", UnitValue("AmbientCapabilities"));
            Assert.Equal("CAP_SYS_ADMIN", UnitValue("CapabilityBoundingSet"));
            Assert.Equal("yes", UnitValue("DynamicUser"));
            Assert.Equal("yes", UnitValue("NoNewPrivileges"));
            Assert.Equal("closed", UnitValue("DevicePolicy"));
            Assert.Equal("on-failure", UnitValue("Restart"));
            int[] codes = [.. QrngCli.ExitCodes.Select(e => e.Code)];
            int[] success = [.. UnitValue("SuccessExitStatus").Split(' ').Select(int.Parse)];
            Assert.Equal([130, 143], success);                                   // SIGINT and SIGTERM, as the tool exits on them
            int[] noRestart = [.. UnitValue("RestartPreventExitStatus").Split(' ').Select(int.Parse)];
            Assert.All(noRestart, c => Assert.Contains(c, codes));
            Assert.DoesNotContain(QrngCli.Unhealthy, noRestart);                 // an unhealthy board may recover: try again
            Assert.DoesNotContain("MemoryDenyWriteExecute=yes", Unit.Split('\n').Where(l => !l.TrimStart().StartsWith('#')));
        }

        [Fact]
        public void Systemd_analyze_verifies_the_unit()
        {
            string tool = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists);
            if (tool == null) Assert.Skip("systemd-analyze is not installed");
            // an instance of the template, with the tool's path on an executable that exists here
            string unit = Path.Combine(_dir, "qrng-feed@QRNG_1.service");
            File.WriteAllText(unit, Unit.Replace("/usr/local/bin/qrng", "/bin/true"));
            var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
            psi.ArgumentList.Add("verify");
            psi.ArgumentList.Add(unit);
            using Process p = Process.Start(psi)!;
            var (code, output, err) = QrngCliTests.Finish(p, 60);
            Assert.True(code == 0, output + err);
            Assert.True(err.Trim().Length == 0, err);                           // unknown keys are warnings: none
        }

        [Fact]
        public void The_launcher_runs_the_published_tool_the_docs_install()
        {
            string launcher = File.ReadAllText(Path.Combine(Linux, "qrng"));
            Assert.StartsWith("#!/bin/sh\n", launcher);
            Assert.Contains("exec \"${DOTNET:-/usr/bin/dotnet}\" /opt/qrng/qrng.dll \"$@\"", launcher);
            if (OperatingSystem.IsLinux()) Assert.True((File.GetUnixFileMode(Path.Combine(Linux, "qrng")) & UnixFileMode.UserExecute) != 0, "linux/qrng is executable");
            string docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "linux.md"));
            Assert.Contains("dotnet publish Host/Qrng -c Release -o /opt/qrng", docs);
            Assert.Contains("install -m 0755 linux/qrng /usr/local/bin/qrng", docs);
            Assert.Contains("Not tested with a real udev, systemd or rngd", docs);
        }

        [Fact]
        public void The_documented_stty_line_is_the_same_everywhere_and_works_on_a_terminal()
        {
            if (!OperatingSystem.IsLinux() || !File.Exists("/bin/stty") && !File.Exists("/usr/bin/stty")) Assert.Skip("needs Linux and stty");
            static string[] Lines(string file) => [.. Regex.Matches(File.ReadAllText(file), @"(?m)^stty -F (\S+) (.+?)\s*$").Select(m => m.Groups[2].Value)];
            string[] protocol = Lines(Path.Combine(RepoPaths.Root, "docs", "protocol.md")), linux = Lines(Path.Combine(RepoPaths.Root, "docs", "linux.md"));
            Assert.Single(protocol);
            Assert.Equal(protocol, linux);

            using var tty = new Pty();
            var psi = new ProcessStartInfo("stty") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("-F");
            psi.ArgumentList.Add(tty.Path);
            foreach (string a in protocol[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)) psi.ArgumentList.Add(a);
            using (Process p = Process.Start(psi)!)
            {
                var (code, _, err) = QrngCliTests.Finish(p, 30);
                Assert.True(code == 0, err);
            }

            psi = new ProcessStartInfo("stty") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("-F");
            psi.ArgumentList.Add(tty.Path);
            psi.ArgumentList.Add("-a");
            using Process q = Process.Start(psi)!;
            var (_, settings, _) = QrngCliTests.Finish(q, 30);
            Assert.Contains("speed 921600 baud", settings);
            foreach (string off in new[] { "-echo", "-icanon", "-isig", "-ixon", "-ixoff", "-crtscts", "-opost", "-icrnl" }) Assert.Matches($@"(^|\s){Regex.Escape(off)}(\s|$)", settings);
            foreach (string on in new[] { "clocal", "cread", "cs8" }) Assert.Matches($@"(^|\s){on}(\s|$)", settings);
        }
    }
}
