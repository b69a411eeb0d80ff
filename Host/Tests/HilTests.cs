using System.Text.Json;
using Qrng.Cli;
using Qrng.VirtualBoard;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>`qrng hil`, the acceptance run, as a user runs it: green on the healthy virtual board, red with the fault named on each knob.</summary>
    public class HilTests : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("qrng-hil").FullName;

        public void Dispose() => Directory.Delete(_dir, true);

        /// <summary>Small runs: the faults show long before a million samples; the claim is then judged on wider bounds.</summary>
        private static readonly string[] Small = ["--samples", "100000", "--restarts", "100", "--restart-samples", "100", "--bytes", "64K", "-q"];

        /// <summary>What the device says for each knob (the FAILED line must name it).</summary>
        public static readonly Dictionary<string, string> Named = new()
        {
            ["led-dead"] = "dead LED",
            ["led-saturated"] = "too bright",
            ["frozen"] = "FIFO is frozen",
            ["replay"] = "replays old frames",
            ["dead-pixel"] = "pixel 5 stuck at one value",
            ["hot-pixel"] = "pixel 9 stuck at one value",
            ["spi-garbage"] = "SPI test register reads",
            ["unplugged"] = "SPI test register reads 255",
            ["capture-hangs"] = "no capture-done flag",
            ["stuck-bits"] = "repetition count test",
            ["bit3-stuck"] = "adaptive proportion test",
            ["drift"] = "LED at full duty",
            ["averaging"] = "pixels averaged or smoothed",
            ["gain"] = "digital gain",
            ["no-init"] = "sensor not configured",
            ["dsp-on"] = "smoothed by the sensor's DSP",
            ["bias"] = "biased ADC bits",
            ["partial-replay"] = "did not follow the LED's dither",
        };

        public static TheoryData<string> Knobs() => new(VirtualArduCam.Knobs);

        private static Qrng.Assess.Assessment WithIid(bool passed) => new()
        {
            Iid = new Qrng.Assess.IidResult
            {
                Permutation = [new Qrng.Assess.PermutationStatistic { Name = "periodicity(8)", Greater = passed ? 5000 : 2, Equal = 0, Less = passed ? 5000 : 9998 }],
                ChiSquare = [],
                LrsPassed = true,
            },
        };

        [Fact]
        public void A_failed_iid_verdict_is_retested_once_on_fresh_samples_and_fails_only_when_both_runs_fail()
        {
            // issue 20 item 3: the acceptance rule's false rejection is a number, chosen and documented
            int retests = 0;
            var pass = WithIid(true);
            Assert.Same(pass, HilRun.ApplyIidRule(pass, () => { retests++; return WithIid(true); }).Deciding);
            Assert.Equal(0, retests);

            var fail = WithIid(false);
            var good = WithIid(true);
            var (deciding, retest) = HilRun.ApplyIidRule(fail, () => { retests++; return good; });
            Assert.Equal(1, retests);
            Assert.Same(good, deciding);
            Assert.Same(good, retest);

            var again = WithIid(false);
            (deciding, retest) = HilRun.ApplyIidRule(fail, () => again);
            Assert.Same(fail, deciding);
            Assert.Same(again, retest);
            (deciding, retest) = HilRun.ApplyIidRule(fail, () => null);                      // the retest's RAW failed
            Assert.Same(fail, deciding);
            Assert.Null(retest);

            var (single, both) = HilRun.IidFalseRejection();
            Assert.Equal(0.0258, single, 4);
            Assert.Equal(0.00067, both, 5);
            string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
            Assert.Contains("2.58 %", readme);
            Assert.Contains("0.067 %", readme);
        }

        [Fact]
        public void Every_knob_has_the_fault_it_must_name() => Assert.Equal(VirtualArduCam.Knobs.Order(), Named.Keys.Order());

        private static JsonDocument Json(string path) => JsonDocument.Parse(File.ReadAllText(path));

        private static string[] Outcomes(JsonDocument report, string outcome) =>
            report.RootElement.GetProperty("checks").EnumerateArray().Where(c => c.GetProperty("outcome").GetString() == outcome)
                .Select(c => c.GetProperty("phase").GetString() + " / " + c.GetProperty("name").GetString()).ToArray();

        /// <summary>The run CI keeps: the standard's sizes (10^6 samples, 1000 × 1000 restarts) on the healthy virtual board.</summary>
        [Fact]
        public void The_full_run_passes_on_the_healthy_virtual_board()
        {
            string json = Path.Combine(_dir, "hil.json"), keep = Path.Combine(_dir, "data");
            var (code, stdout, stderr) = QrngCliTests.Qrng("hil", "--seed", "5", "-q", "--json", json, "--keep", keep);
            Assert.True(code == 0, stdout + stderr);
            Assert.Contains("PASSED: all ", stdout);
            using JsonDocument report = Json(json);
            Assert.True(report.RootElement.GetProperty("passed").GetBoolean());
            Assert.Empty(Outcomes(report, "fail"));
            Assert.Empty(Outcomes(report, "skip"));
            string[] passed = Outcomes(report, "pass");
            foreach (string check in new[]
            {
                "link / HELLO", "link / INFO", "protocol / STATUS", "protocol / CONFIG GET", "protocol / CONFIG SET of a claim key alone",
                "protocol / unknown command", "protocol / a frame with a bad CRC-32", "protocol / CANCEL", "self-test / SELFTEST",
                "DRBG stream / STREAM and back", "DRBG stream / READ", "DRBG stream / FIPS 140-2 monobit (ones in 20,000 bits)",
                "entropy (SP 800-90B) / RAW", "entropy (SP 800-90B) / RESTART-RAW", "entropy (SP 800-90B) / restart sanity (§3.1.4.3)",
                "entropy (SP 800-90B) / restart validation (§3.1.4.2)", "entropy (SP 800-90B) / claimed min-entropy", "health / state",
                "health / SP 800-90B health tests", "health / pixels",
            })
                Assert.Contains(check, passed);
            JsonElement a = report.RootElement.GetProperty("assessment");
            Assert.Equal(1_000_000, File.ReadAllBytes(Path.Combine(keep, "raw.bin")).Length);
            Assert.Equal(1_000_000, File.ReadAllBytes(Path.Combine(keep, "restart.bin")).Length);
            Assert.Equal(1.96, report.RootElement.GetProperty("claim_bits_per_symbol").GetDouble());
            Assert.Equal("streaming", report.RootElement.GetProperty("status").GetProperty("state_name").GetString());
            Assert.True(a.ValueKind == JsonValueKind.Object);
        }

        /// <summary>Each knob fails the run, and the verdict names what the device found.</summary>
        [Theory]
        [MemberData(nameof(Knobs))]
        public void A_fault_knob_fails_the_run_and_the_verdict_names_it(string knob)
        {
            string json = Path.Combine(_dir, knob + ".json");
            var (code, stdout, stderr) = QrngCliTests.Qrng([.. new[] { "hil", "--fault", knob, "--seed", "3", "--json", json }, .. Small]);
            Assert.True(code == QrngCli.Rejected, $"exit {code}\n{stdout}{stderr}");
            string verdict = stdout.Split('\n').Single(l => l.StartsWith("FAILED: ", StringComparison.Ordinal));
            Assert.Contains(Named[knob], verdict);
            using JsonDocument report = Json(json);
            Assert.False(report.RootElement.GetProperty("passed").GetBoolean());
            Assert.Contains(Named[knob], report.RootElement.GetProperty("device_reason").GetString());
            Assert.NotEmpty(Outcomes(report, "fail"));
            Assert.DoesNotContain("   at ", stdout + stderr);
        }

        /// <summary>The claim is judged: the same healthy board fails a claim its data cannot support, passes a modest one.</summary>
        [Fact]
        public void The_verdict_follows_the_claim()
        {
            var (code, stdout, stderr) = QrngCliTests.Qrng([.. new[] { "hil", "--seed", "5", "--claim", "1.999" }, .. Small]);
            Assert.True(code == QrngCli.Rejected, stdout + stderr);
            Assert.Matches("(?m)^  FAIL    entropy \\(SP 800-90B\\) / claimed min-entropy: assessed 1\\.[0-9]+ bits per symbol .*, claimed 1\\.999$", stdout);
            (code, stdout, stderr) = QrngCliTests.Qrng([.. new[] { "hil", "--seed", "5", "--claim", "1.5" }, .. Small]);
            Assert.True(code == 0, stdout + stderr);
        }

        /// <summary>Through the serial code path: the virtual board on a pseudo-terminal.</summary>
        [Fact]
        public void The_run_passes_over_a_pseudo_terminal()
        {
            if (!OperatingSystem.IsLinux()) Assert.Skip("pseudo-terminals need Linux");
            var (code, stdout, stderr) = QrngCliTests.Qrng([.. new[] { "hil", "--pty", "--seed", "5", "--claim", "1.5" }, .. Small]);
            Assert.True(code == 0, stdout + stderr);
            Assert.Contains("acceptance run of /dev/pts/", stdout);
            Assert.Matches("(?m)^  pass    DRBG stream / STREAM and back: 4,096 plain-stream bytes", stdout);
        }

        [Theory]
        [InlineData("--samples 10", "--samples: 1,000 to")]
        [InlineData("--restarts 5", "--restarts: 10 to 65535")]
        [InlineData("--bytes 100", "--bytes: 2,500")]
        [InlineData("--claim 2.5", "--claim: in (0, 2]")]
        [InlineData("--min-rate 0", "--min-rate: a positive number")]
        public void Bad_options_are_one_line_and_exit_code_2(string args, string message)
        {
            var (code, stdout, stderr) = QrngCliTests.Qrng(["hil", .. args.Split(' ')]);
            Assert.Equal(QrngCli.BadInput, code);
            Assert.Equal("", stdout);
            Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(message, stderr);
        }
    }
}
