using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace Qrng.Host.Tests.Assess
{
    /// <summary>`qrng assess` as a user runs it: exit codes 0 / 3 / 2, one-line errors, the JSON report, restart data.</summary>
    public class AssessCliTests : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("qrng-assess").FullName;

        public void Dispose() => Directory.Delete(_dir, true);

        private string Write(string name, byte[] data)
        {
            string path = Path.Combine(_dir, name);
            File.WriteAllBytes(path, data);
            return path;
        }

        [Fact]
        public void Ideal_samples_support_the_claim_on_the_iid_track_and_the_json_says_so()
        {
            string file = Write("ideal.bin", FixtureData.Uniform(2, 20_000, 41));
            string json = Path.Combine(_dir, "report.json");
            var (code, output, err) = QrngCliTests.Qrng("assess", file, "--claim", "1.9", "--json", json, "-q");
            Assert.True(code == 0, output + err);
            Assert.Contains("SUPPORTED", output);
            Assert.Contains("iid track", output);
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            var root = doc.RootElement;
            Assert.Equal("iid", root.GetProperty("countingTrack").GetString());
            Assert.True(root.GetProperty("claimSupported").GetBoolean());
            Assert.Equal(20_000, root.GetProperty("samples").GetInt32());
            Assert.Equal(19, root.GetProperty("iid").GetProperty("permutationTests").GetArrayLength());
            var nonIid = root.GetProperty("nonIid");
            Assert.Equal(7, nonIid.GetProperty("original").GetArrayLength());
            Assert.Equal(10, nonIid.GetProperty("bitstring").GetArrayLength());
            double h = root.GetProperty("minEntropy").GetDouble();
            Assert.Equal(h, root.GetProperty("iid").GetProperty("minEntropy").GetDouble());
            Assert.InRange(h, 1.9, 2.0);
        }

        [Fact]
        public void Biased_bits_fail_the_default_claim_with_exit_code_3_and_json_on_stdout()
        {
            string file = Write("biased.bin", FixtureData.Biased(0.8, 20_000, 42));
            var (code, output, err) = QrngCliTests.Qrng("assess", file, "--bits", "1", "--track", "non-iid", "--json", "-");
            Assert.Equal(3, code);
            using var doc = JsonDocument.Parse(output);                  // stdout holds only the report
            Assert.False(doc.RootElement.GetProperty("claimSupported").GetBoolean());
            Assert.Equal(0.98, doc.RootElement.GetProperty("claim").GetDouble());
            Assert.Contains("NOT SUPPORTED", err);
        }

        [Fact]
        public void Bad_input_is_one_line_on_stderr_and_exit_code_2()
        {
            string ok = Write("ok.bin", FixtureData.Uniform(2, 2000, 43));
            string shortFile = Write("short.bin", FixtureData.Uniform(2, 10, 44));
            string matrix = Write("matrix.bin", FixtureData.Uniform(2, 12_345, 45));
            foreach (var args in new[]
            {
                new[] { "assess", Path.Combine(_dir, "missing.bin") },
                new[] { "assess", shortFile },
                new[] { "assess", ok, "--bits", "9" },
                new[] { "assess", ok, "--claim", "2.5" },
                new[] { "assess", ok, "--track", "fast" },
                new[] { "assess", ok, "--rows", "10" },
                new[] { "assess", ok, "--restart-matrix", matrix },
                new[] { "assess", ok, "--json", Path.Combine(_dir, "no-such-dir", "r.json") },
            })
            {
                var (code, output, err) = QrngCliTests.Qrng(args);
                Assert.True(code == 2, $"{string.Join(' ', args)}: exit {code}\n{output}{err}");
                var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.True(lines.Length == 1 && lines[0].StartsWith("qrng: error: "), $"{string.Join(' ', args)}: {err}");
            }
        }

        /// <summary>
        /// Bytes with bits above --bits are not samples of that width: refused, as NIST's tools refuse them, unless the
        /// user asks for the low bits with --mask (a file of DRBG bytes was "SUPPORTED" at --bits 2; issue 20 item 6).
        /// </summary>
        [Fact]
        public void Bytes_wider_than_the_samples_are_refused_unless_masked()
        {
            var bytes = new byte[20000];
            new Random(5).NextBytes(bytes);
            string file = Write("drbg.bin", bytes);
            var (code, output, err) = QrngCliTests.Qrng("assess", file, "--track", "non-iid", "-q");
            Assert.Equal(2, code);
            Assert.Equal("", output);
            Assert.Single(err.Trim().Split('\n'));
            Assert.Contains("has bits above the low 2 set (byte 0x", err);
            Assert.Contains("--mask", err);
            (code, output, err) = QrngCliTests.Qrng("assess", file, "--track", "non-iid", "--mask", "-q");
            Assert.True(code is 0 or 3, err);
            Assert.Contains("--mask: the low 2 bits of each byte were assessed", output + err);
            (code, _, err) = QrngCliTests.Qrng("assess", file, "--bits", "8", "--track", "non-iid", "-q");
            Assert.True(code is 0 or 3, err);                        // 8-bit samples: every byte is one
        }

        /// <summary>
        /// SP 800-90B §3.1.4.2: the restart-tested entropy is min(H_r, H_c, H_I), H_I = min(claim, estimate); it was
        /// min(estimate, H_r, H_c), which ignored the claim (1.99 where NIST's ea_restart says 1.96; issue 20 item 5).
        /// </summary>
        [Fact]
        public void The_restart_tested_value_is_min_of_h_r_h_c_and_h_i()
        {
            string file = Write("seq.bin", FixtureData.Uniform(2, 5000, 48));
            string m = Write("restart.bin", FixtureData.Uniform(2, 100 * 200, 49));
            var (code, output, err) = QrngCliTests.Qrng("assess", file, "--track", "iid", "--claim", "1.5",
                "--restart-matrix", m, "--rows", "100", "--cols", "200", "--json", "-", "-q");
            Assert.True(code == 0, err);
            using var doc = JsonDocument.Parse(output);
            var r = doc.RootElement.GetProperty("restart");
            double hI = r.GetProperty("hI").GetDouble(), hRows = r.GetProperty("hRows").GetDouble(), hCols = r.GetProperty("hCols").GetDouble();
            Assert.Equal(1.5, hI);
            Assert.True(hRows > hI && hCols > hI, $"this matrix supports more than the claim: {hRows}, {hCols}");
            Assert.Equal(Math.Min(Math.Min(hRows, hCols), hI), doc.RootElement.GetProperty("minEntropy").GetDouble());
            Assert.Equal(hI, r.GetProperty("minEntropy").GetDouble());
            Assert.Equal(1 - Math.Pow(0.99, 1.0 / 300), r.GetProperty("alpha").GetDouble(), 15);
        }

        [Fact]
        public void A_restart_matrix_is_checked_and_reported()
        {
            string file = Write("seq.bin", FixtureData.Uniform(2, 5000, 46));
            var matrix = FixtureData.Uniform(2, 100 * 200, 47);
            // restart 7 is stuck: every sample after it has the same value
            Array.Fill(matrix, (byte)3, 7 * 200, 200);
            string m = Write("restart.bin", matrix);
            var (code, output, err) = QrngCliTests.Qrng("assess", file, "--track", "iid", "--claim", "1.5",
                "--restart-matrix", m, "--rows", "100", "--cols", "200", "--json", "-", "-q");
            Assert.Equal(3, code);
            using var doc = JsonDocument.Parse(output);
            var r = doc.RootElement.GetProperty("restart");
            Assert.Equal(200, r.GetProperty("maxRowCount").GetInt32());
            Assert.False(r.GetProperty("sanityPassed").GetBoolean());
            Assert.Equal(0.0, doc.RootElement.GetProperty("minEntropy").GetDouble());
            Assert.Contains("sanity check", err);
        }
    }
}
