// The NIST CAVP Hash_DRBG SHA-256 vectors (../shared/vectors, all 720 cases) on the Linux nanoCLR, through both
// SHA-256 paths of one process: the native one (the interop assembly compiled into this interpreter) and the managed
// one (a DRBG built on the managed path explicitly). The cases are compiled into small device programs, 120 per program
// (a .pe keeps its strings in a 64 KiB heap), which print each case's output; the comparison with returned_bits is
// done here, so a program cannot pass itself.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Qrng.NanoClr;
using Xunit;
using Assert = Xunit.Assert;

namespace Qrng.Firmware.Tests.NanoClr
{
    public class CavpOnNanoClrTests
    {
        private const int CasesPerProgram = 120;
        private static readonly Lazy<List<Dictionary<string, string>>> Vectors = new(Load);

        public static IEnumerable<TheoryDataRow<int>> Chunks() =>
            Enumerable.Range(0, 720 / CasesPerProgram).Select(i => new TheoryDataRow<int>(i) { TestDisplayName = $"nanoCLR CAVP Hash_DRBG SHA-256, cases {i * CasesPerProgram}..{(i + 1) * CasesPerProgram - 1}, native and managed" });

        [Theory]
        [MemberData(nameof(Chunks))]
        public void Cases_match_returned_bits_on_both_sha256_paths(int chunk)
        {
            Paths paths = Paths.Find(AppContext.BaseDirectory);
            string missing = paths.Missing ?? NativeBuild.MissingTools() ?? (File.Exists(VectorFile(paths)) ? null : "CAVP vectors not found at " + VectorFile(paths));
            if (missing != null)
            {
                Assert.True(Environment.GetEnvironmentVariable("QRNG_REQUIRE_NANOCLR") != "1", missing);
                Assert.Skip(missing);
            }

            List<Dictionary<string, string>> cases = Vectors.Value;
            Assert.Equal(720, cases.Count);
            var mine = cases.Skip(chunk * CasesPerProgram).Take(CasesPerProgram).ToList();
            NanoClrBinary clr = NativeBuild.Ensure(paths, NativeBuild.DefaultFlavor);
            DeviceAssembly program = DeviceProgram.Build(paths, new DeviceBuild(paths), "Cavp" + chunk, Source(mine), "Hash_DRBG/Hash_DRBG.nfproj");
            NanoClrRun run = Runner.Run(clr, program.LoadOrder(DeviceBuild.MscorlibPe), TimeSpan.FromMinutes(5));
            Assert.True(Runner.MarkedProblem(run) == null, Runner.MarkedProblem(run) + "\n" + run.Process.Tail(20));
            Assert.Contains("cavp path native", run.ProgramOutput);

            var outputs = run.ProgramOutput.Where(l => l.StartsWith("cavp ", StringComparison.Ordinal) && !l.StartsWith("cavp path", StringComparison.Ordinal))
                .Select(l => l.Split(' ')).ToList();
            var failures = new List<string>();
            foreach (var c in mine)
            {
                foreach (string path in new[] { "native", "managed" })
                {
                    var line = outputs.SingleOrDefault(o => o[1] == path && o[2] == c["id"]);
                    if (line == null)
                    {
                        failures.Add($"{c["id"]} {path}: no output");
                    }
                    else if (line[3] != c["returned_bits"])
                    {
                        failures.Add($"{c["id"]} {path}: {line[3][..16]}... != {c["returned_bits"][..16]}...");
                    }
                }
            }

            Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
            Assert.Equal(2 * mine.Count, outputs.Count);
        }

        // One device program: each case as "mode|id|entropy|nonce|perso|a|b|add1|add2" (a, b: entropy_reseed and
        // add_reseed for pr_false, entropy_pr1 and entropy_pr2 for pr_true; empty = absent), run on the managed path
        // and, when the image has it, the native one.
        private static string Source(List<Dictionary<string, string>> cases)
        {
            string V(Dictionary<string, string> c, string key) => c.TryGetValue(key, out string v) ? v : "";
            var lines = new StringBuilder();
            foreach (var c in cases)
            {
                string mode = c["mode"];
                string a = mode == "pr_false" ? V(c, "entropy_reseed") : mode == "pr_true" ? V(c, "entropy_pr1") : "";
                string b = mode == "pr_false" ? V(c, "add_reseed") : mode == "pr_true" ? V(c, "entropy_pr2") : "";
                lines.Append($"        \"{mode}|{c["id"]}|{V(c, "entropy")}|{V(c, "nonce")}|{V(c, "perso")}|{a}|{b}|{V(c, "add1")}|{V(c, "add2")}\",\n");
            }

            return $$"""
                using System;
                using Qrng.Crypto;

                public static class Program
                {
                    private static readonly string[] Cases =
                    {
                {{lines}}    };

                    public static void Main()
                    {
                        try
                        {
                            Console.WriteLine("cavp path " + HashDrbg.Sha256Path);
                            for (int i = 0; i < Cases.Length; i++)
                            {
                                string[] f = Cases[i].Split('|');
                                Console.WriteLine("cavp managed " + f[1] + " " + Hex(Run(f, false)));
                                if (HashDrbg.Sha256Path == "native")
                                {
                                    Console.WriteLine("cavp native " + f[1] + " " + Hex(Run(f, true)));
                                }
                            }

                            Console.WriteLine("{{Runner.ResultMarker}}ok");
                        }
                        catch (Exception e)
                        {
                            Console.WriteLine("{{Runner.ResultMarker}}failed: " + e.GetType().FullName + ": " + e.Message);
                        }
                    }

                    // CAVP DRBGVS procedure per mode (the header of ../shared/vectors/hash_drbg_sha256.txt)
                    private static byte[] Run(string[] f, bool native)
                    {
                        HashDrbg drbg = new HashDrbg(HashDrbg.MaxReseedInterval, native);
                        drbg.Instantiate(Bytes(f[2]), Bytes(f[3]), Bytes(f[4]));
                        byte[] output = new byte[128];
                        if (f[0] == "pr_true")
                        {
                            drbg.Reseed(Bytes(f[5]), Bytes(f[7]));
                            drbg.Generate(output, 0, 128, null);
                            drbg.Reseed(Bytes(f[6]), Bytes(f[8]));
                            drbg.Generate(output, 0, 128, null);
                            return output;
                        }

                        if (f[0] == "pr_false")
                        {
                            drbg.Reseed(Bytes(f[5]), Bytes(f[6]));
                        }

                        drbg.Generate(output, 0, 128, Bytes(f[7]));
                        drbg.Generate(output, 0, 128, Bytes(f[8]));
                        return output;
                    }

                    // "" is an absent input (null), as the vector file says
                    private static byte[] Bytes(string hex)
                    {
                        if (hex.Length == 0)
                        {
                            return null;
                        }

                        byte[] b = new byte[hex.Length / 2];
                        for (int i = 0; i < b.Length; i++)
                        {
                            b[i] = (byte)((Nibble(hex[2 * i]) << 4) | Nibble(hex[(2 * i) + 1]));
                        }

                        return b;
                    }

                    private static int Nibble(char c)
                    {
                        return c <= '9' ? c - '0' : c - 'a' + 10;
                    }

                    private static string Hex(byte[] b)
                    {
                        const string digits = "0123456789abcdef";
                        char[] c = new char[2 * b.Length];
                        for (int i = 0; i < b.Length; i++)
                        {
                            c[2 * i] = digits[b[i] >> 4];
                            c[(2 * i) + 1] = digits[b[i] & 15];
                        }

                        return new string(c);
                    }
                }
                """;
        }

        private static string VectorFile(Paths paths) => Path.Combine(paths.Shared, "vectors", "hash_drbg_sha256.txt");

        private static List<Dictionary<string, string>> Load()
        {
            var all = new List<Dictionary<string, string>>();
            Dictionary<string, string> current = null;
            foreach (string raw in File.ReadLines(VectorFile(Paths.Find(AppContext.BaseDirectory))))
            {
                string line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#'))
                {
                    current = null;
                    continue;
                }

                int eq = line.IndexOf('=');
                if (current == null)
                {
                    current = new Dictionary<string, string>();
                    all.Add(current);
                }

                current[line[..eq]] = line[(eq + 1)..];
            }

            return all;
        }
    }
}
