using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Qrng.NfCheck
{
    /// <summary>
    /// Compiles a device project's sources against the real nanoFramework assemblies of its packages.config (from
    /// the NuGet cache: NfCheck's build downloads nanoFramework.CoreLibrary). Projects whose packages are not
    /// available here are skipped with a note; the API listing still covers them.
    /// </summary>
    public static class DeviceCompiler
    {
        private static readonly string[] HardwareMarkers = ["using System.Device.", "using System.IO.Ports", "using nanoFramework.", "Esp32"];

        /// <summary>A source that needs no package beyond mscorlib: not in an Esp32/ folder, no hardware namespace, no ESP32 type.</summary>
        public static bool IsPortable(string root, string dir, string file)
        {
            if (file.Replace('\\', '/').Split('/').Contains("Esp32"))
            {
                return false;
            }

            string text = File.ReadAllText(Path.Combine(root, dir, file));
            return !HardwareMarkers.Any(m => text.Contains(m, StringComparison.Ordinal));
        }

        public static string PackagesFolder =>
            Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

        public static void CompileAll(string root, List<DeviceProject> projects, List<Finding> findings, List<string> notes)
        {
            var images = new Dictionary<string, MetadataReference>();
            var pending = new List<DeviceProject>(projects);
            while (pending.Count > 0)
            {
                DeviceProject next = pending.FirstOrDefault(p => p.ProjectReferences.All(r => images.ContainsKey(r) || !pending.Any(q => q.NfProj == r)));
                if (next == null)
                {
                    findings.Add(new Finding("nf.sln", 0, "NF111", "ProjectReferences form a cycle: " + string.Join(", ", pending.Select(p => p.NfProj))));
                    return;
                }

                pending.Remove(next);
                var missing = new List<string>();
                var references = new List<MetadataReference>();
                foreach (var (id, version) in next.Packages)
                {
                    string lib = Path.Combine(PackagesFolder, id.ToLowerInvariant(), version, "lib");
                    string[] dlls = Directory.Exists(lib) ? Directory.GetFiles(lib, "*.dll") : [];
                    if (dlls.Length == 0)
                    {
                        missing.Add($"{id} {version}");
                    }

                    references.AddRange(dlls.Select(d => MetadataReference.CreateFromFile(d)));
                }

                if (next.ProjectReferences.Any(r => !images.ContainsKey(r)))
                {
                    notes.Add($"{next.NfProj}: not compiled against nanoFramework assemblies (a referenced project did not compile)");
                    continue;
                }

                var compile = next.Compile;
                bool portableOnly = missing.Count > 0;
                if (portableOnly)
                {
                    // Without the hardware packages, compile what does not need them (everything outside the
                    // nanoFramework-only adapters) against mscorlib and the referenced projects' portable parts.
                    if (missing.Any(m => m.StartsWith("nanoFramework.CoreLibrary ", StringComparison.Ordinal)))
                    {
                        notes.Add($"{next.NfProj}: not compiled (nanoFramework.CoreLibrary not available here)");
                        continue;
                    }

                    compile = compile.Where(c => IsPortable(root, next.Dir, c)).ToList();
                }

                references.AddRange(next.ProjectReferences.Select(r => images[r]));
                var trees = compile.Select(c => SubsetChecker.Parse(File.ReadAllText(Path.Combine(root, next.Dir, c)), next.Dir + "/" + c));
                var compilation = CSharpCompilation.Create(next.Name, trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
                using var image = new MemoryStream();
                var result = compilation.Emit(image);
                foreach (Diagnostic d in result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
                {
                    var span = d.Location.GetLineSpan();
                    findings.Add(new Finding(span.Path, span.StartLinePosition.Line + 1, "NF013", $"does not compile against nanoFramework's assemblies: {d.Id} {d.GetMessage()}"));
                }

                if (result.Success)
                {
                    images[next.NfProj] = MetadataReference.CreateFromImage(image.ToArray());
                    notes.Add(portableOnly
                        ? $"{next.NfProj}: {compile.Count} of {next.Compile.Count} files compiled against nanoFramework.CoreLibrary {next.Packages["nanoFramework.CoreLibrary"]}; the rest needs packages not available here ({string.Join(", ", missing)}): the syntax rules and the API listing cover it"
                        : $"{next.NfProj}: compiled against {string.Join(", ", next.Packages.Select(p => p.Key + " " + p.Value))}");
                }
            }
        }
    }
}
