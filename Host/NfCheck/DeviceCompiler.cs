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

        /// <param name="apiListing">
        /// The API listing, or null: projects whose packages are missing here are then also compiled whole against
        /// stubs generated from it (NF014), on top of the compile of their portable part against mscorlib (NF013).
        /// </param>
        public static void CompileAll(string root, List<DeviceProject> projects, List<Finding> findings, List<string> notes, string apiListing = null)
        {
            var images = new Dictionary<string, MetadataReference>();
            // Whole-project images (portable part plus the rest, against the listing stubs where packages are missing).
            var wholeImages = new Dictionary<string, MetadataReference>();
            ListingStubs stubs = null;
            bool stubNotes = false;
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
                    if (!portableOnly)
                    {
                        wholeImages[next.NfProj] = images[next.NfProj];
                    }
                }

                if (!portableOnly || !result.Success)
                {
                    continue;
                }

                // NF014: the whole project against mscorlib + the stubs generated from the API listing.
                if (apiListing == null || !File.Exists(apiListing))
                {
                    if (!stubNotes)
                    {
                        notes.Add("NF014 skipped: no API listing" + (apiListing == null ? "" : " at " + apiListing) + " to generate the missing packages' reference stubs from");
                        stubNotes = true;
                    }

                    continue;
                }

                string mscorlib = Path.Combine(PackagesFolder, "nanoframework.corelibrary", next.Packages["nanoFramework.CoreLibrary"], "lib", "mscorlib.dll");
                stubs ??= ListingStubs.Get(apiListing, mscorlib);
                if (!stubNotes)
                {
                    stubNotes = true;
                    notes.Add(StubNote(stubs, apiListing));
                }

                if (stubs.Image == null)
                {
                    continue;
                }

                var uncovered = next.Packages.Keys.Where(id => id != "nanoFramework.CoreLibrary" && ListedAssembly(id, stubs) == null && missing.Contains($"{id} {next.Packages[id]}")).ToList();
                if (uncovered.Count > 0)
                {
                    notes.Add($"{next.NfProj}: not compiled against the API listing ({string.Join(", ", uncovered)} not in the listing)");
                    continue;
                }

                if (next.ProjectReferences.Any(r => !wholeImages.ContainsKey(r)))
                {
                    notes.Add($"{next.NfProj}: not compiled against the API listing (a referenced project did not compile whole)");
                    continue;
                }

                var wholeRefs = new List<MetadataReference> { MetadataReference.CreateFromFile(mscorlib), stubs.Image };
                wholeRefs.AddRange(next.ProjectReferences.Select(r => wholeImages[r]));
                var wholeTrees = next.Compile.Select(c => SubsetChecker.Parse(File.ReadAllText(Path.Combine(root, next.Dir, c)), next.Dir + "/" + c));
                var whole = CSharpCompilation.Create(next.Name, wholeTrees, wholeRefs, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
                using var wholeImage = new MemoryStream();
                var wholeResult = whole.Emit(wholeImage);
                foreach (Diagnostic d in wholeResult.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
                {
                    var span = d.Location.GetLineSpan();
                    findings.Add(new Finding(span.Path is { Length: > 0 } p ? p : next.NfProj, span.StartLinePosition.Line + 1, "NF014", $"does not compile against the nanoFramework API listing: {d.Id} {d.GetMessage()}"));
                }

                if (wholeResult.Success)
                {
                    wholeImages[next.NfProj] = MetadataReference.CreateFromImage(wholeImage.ToArray());
                    var stubbed = missing.Select(m => m[..m.IndexOf(' ')]).Select(id => ListedAssembly(id, stubs));
                    notes.Add($"{next.NfProj}: all {next.Compile.Count} files compiled against nanoFramework.CoreLibrary {next.Packages["nanoFramework.CoreLibrary"]} + reference stubs from the API listing ({string.Join(", ", stubbed)})");
                }
            }
        }

        /// <summary>The listing's assembly for a package id (nanoFramework.System.Device.Spi -> System.Device.Spi), or null.</summary>
        private static string ListedAssembly(string packageId, ListingStubs stubs)
        {
            if (stubs.Assemblies.Contains(packageId))
            {
                return packageId;
            }

            string shortName = packageId.StartsWith("nanoFramework.", StringComparison.Ordinal) ? packageId["nanoFramework.".Length..] : packageId;
            return stubs.Assemblies.Contains(shortName) ? shortName : null;
        }

        private static string StubNote(ListingStubs stubs, string apiListing)
        {
            static string Examples(List<string> items) => items.Count == 0 ? "" : ": " + string.Join("; ", items.Take(3)) + (items.Count > 3 ? "; ..." : "");
            if (stubs.Image == null)
            {
                return $"NF014 skipped: the reference stubs generated from {Path.GetFileName(apiListing)} do not build ({stubs.Error})";
            }

            return $"reference stubs from {Path.GetFileName(apiListing)}: {stubs.TypeCount} types in {stubs.Assemblies.Count} assemblies"
                + (stubs.SkippedInMscorlib.Count == 0 ? "" : $" ({string.Join(", ", stubs.SkippedInMscorlib)} taken from the real mscorlib)")
                + $"; {stubs.Unparsed.Count} listing lines skipped{Examples(stubs.Unparsed)}"
                + $"; {stubs.Dropped.Count} generated members dropped{Examples(stubs.Dropped)}";
        }
    }
}
