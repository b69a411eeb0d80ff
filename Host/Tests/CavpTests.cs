using Qrng.Crypto;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>
    /// All NIST CAVP Hash_DRBG SHA-256 cases (no_reseed, pr_false, pr_true) from ../shared/vectors, read by path;
    /// the procedure per mode is the one in the file's header (CAVP DRBGVS).
    /// </summary>
    public class CavpTests
    {
        private const string Absent = "(vectors absent)";

        private static readonly string VectorFile = Path.Combine(RepoPaths.Shared, "vectors", "hash_drbg_sha256.txt");

        private static readonly Lazy<Dictionary<string, Dictionary<string, string>>> Cases = new(Load);

        public static IEnumerable<TheoryDataRow<string>> Ids() =>
            File.Exists(VectorFile) ? Cases.Value.Keys.Select(id => new TheoryDataRow<string>(id)) : [new TheoryDataRow<string>(Absent)];

        [Theory]
        [MemberData(nameof(Ids))]
        public void Case(string id)
        {
            if (id == Absent)
            {
                Assert.Skip("CAVP vectors not found at " + VectorFile + " (set QRNG_SHARED to the shared folder)");
            }

            var c = Cases.Value[id];
            byte[] H(string key) => c.TryGetValue(key, out var v) && v.Length > 0 ? Convert.FromHexString(v) : null;

            var drbg = new HashDrbg();
            drbg.Instantiate(H("entropy"), H("nonce"), H("perso"));
            var output = new byte[128];
            switch (c["mode"])
            {
                case "no_reseed":
                    drbg.Generate(output, 0, 128, H("add1"));
                    drbg.Generate(output, 0, 128, H("add2"));
                    break;
                case "pr_false":
                    drbg.Reseed(H("entropy_reseed"), H("add_reseed"));
                    drbg.Generate(output, 0, 128, H("add1"));
                    drbg.Generate(output, 0, 128, H("add2"));
                    break;
                case "pr_true":
                    // Prediction resistance = reseed with fresh entropy and the additional input, then generate without it (§9.3.3).
                    drbg.Reseed(H("entropy_pr1"), H("add1"));
                    drbg.Generate(output, 0, 128, null);
                    drbg.Reseed(H("entropy_pr2"), H("add2"));
                    drbg.Generate(output, 0, 128, null);
                    break;
                default:
                    throw new InvalidDataException("unknown mode " + c["mode"]);
            }

            Assert.Equal(c["returned_bits"], Convert.ToHexStringLower(output));
            Assert.Equal(c["returned_bits"], Convert.ToHexStringLower(RunSpecModel(c, H)));
        }

        // The same procedure on the literal spec model that the differential tests use for requests over 32 KiB.
        private static byte[] RunSpecModel(Dictionary<string, string> c, Func<string, byte[]> h)
        {
            var spec = new SpecDrbg(h("entropy"), h("nonce"), h("perso"));
            if (c["mode"] == "pr_false")
            {
                spec.Reseed(h("entropy_reseed"), h("add_reseed"));
            }

            bool pr = c["mode"] == "pr_true";
            if (pr)
            {
                spec.Reseed(h("entropy_pr1"), h("add1"));
            }

            spec.Generate(128, pr ? null : h("add1"));
            if (pr)
            {
                spec.Reseed(h("entropy_pr2"), h("add2"));
            }

            return spec.Generate(128, pr ? null : h("add2"));
        }

        [Fact]
        public void Vector_file_has_240_cases_per_mode()
        {
            if (!File.Exists(VectorFile))
            {
                Assert.Skip("CAVP vectors not found at " + VectorFile);
            }

            var modes = Cases.Value.Values.GroupBy(c => c["mode"]).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(240, modes["no_reseed"]);
            Assert.Equal(240, modes["pr_false"]);
            Assert.Equal(240, modes["pr_true"]);
        }

        private static Dictionary<string, Dictionary<string, string>> Load()
        {
            var all = new Dictionary<string, Dictionary<string, string>>();
            Dictionary<string, string> current = null;
            foreach (string raw in File.ReadLines(VectorFile))
            {
                string line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#'))
                {
                    current = null;
                    continue;
                }

                int eq = line.IndexOf('=');
                if (eq < 0)
                {
                    throw new InvalidDataException("not key=value: " + line);
                }

                if (current == null)
                {
                    current = new Dictionary<string, string>();
                }

                current[line[..eq]] = line[(eq + 1)..];
                if (line.StartsWith("id="))
                {
                    all.Add(current["id"], current);
                }
            }

            return all;
        }
    }
}
