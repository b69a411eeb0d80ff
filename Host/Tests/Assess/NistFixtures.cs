using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace Qrng.Host.Tests.Assess
{
    /// <summary>
    /// nist-fixtures.txt: what NIST's SP800-90B_EntropyAssessment tools printed for the generated fixtures. Sections
    /// "[name]" hold commands ("$ ...") and the lines each printed (only result lines kept).
    /// </summary>
    internal sealed class NistFixtures
    {
        public static readonly string FilePath = Path.Combine(RepoPaths.Root, "Host", "Tests", "Assess", "nist-fixtures.txt");

        private static readonly Lazy<NistFixtures> Loaded = new(() => new NistFixtures(File.ReadAllLines(FilePath)));

        public static NistFixtures Instance => Loaded.Value;

        private readonly Dictionary<string, List<(string command, List<string> lines)>> _runs = new();

        private NistFixtures(string[] text)
        {
            List<(string, List<string>)> current = null;
            List<string> output = null;
            foreach (string raw in text)
            {
                if (raw.StartsWith('#') || raw.Length == 0) continue;
                if (raw.StartsWith('['))
                {
                    string name = raw.Trim('[', ']');
                    if (!_runs.TryGetValue(name, out current)) _runs[name] = current = new();
                }
                else if (raw.StartsWith("$ ", StringComparison.Ordinal)) current.Add((raw[2..], output = new List<string>()));
                else output.Add(raw);
            }
        }

        /// <summary>The lines printed by the fixture's command starting with <paramref name="prefix"/> (e.g. "./ea_iid").</summary>
        public IReadOnlyList<string> Output(string fixture, string commandPrefix) =>
            _runs[fixture].Single(r => r.command.StartsWith(commandPrefix, StringComparison.Ordinal)).lines;

        public IEnumerable<string> Fixtures(string commandPrefix) =>
            _runs.Where(kv => kv.Value.Any(r => r.command.StartsWith(commandPrefix, StringComparison.Ordinal))).Select(kv => kv.Key);

        /// <summary>The SHA-256 the tool printed when it opened the file.</summary>
        public string Sha256(string fixture) =>
            _runs[fixture].SelectMany(r => r.lines).Select(l => Regex.Match(l, @"SHA-256 hash ([0-9a-f]{64})")).First(m => m.Success).Groups[1].Value;

        /// <summary>"name = value" or "name: value" lines as numbers (the last one wins).</summary>
        public static double Number(IEnumerable<string> lines, string pattern)
        {
            var m = lines.Select(l => Regex.Match(l, pattern)).Last(x => x.Success);
            return double.Parse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
    }
}
