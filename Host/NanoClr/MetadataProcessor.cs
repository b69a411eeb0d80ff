using System.Security.Cryptography;
using System.Text;

namespace Qrng.NanoClr
{
    /// <summary>
    /// nanoFramework's MetadataProcessor (.dll → .pe), built for net10.0 from the upstream snapshot by
    /// Host/MetadataProcessor (once per content of its sources) and run as upstream's console program.
    /// </summary>
    public sealed class MetadataProcessor
    {
        private static readonly object Gate = new();
        private static MetadataProcessor _built;

        private MetadataProcessor(string dll)
        {
            Dll = dll;
        }

        public string Dll { get; }

        public static MetadataProcessor Ensure(Paths paths, Action<string> log = null)
        {
            lock (Gate)
            {
                if (_built != null)
                {
                    return _built;
                }

                string project = Path.Combine(paths.Repo, "Host", "MetadataProcessor");
                string upstream = Path.Combine(paths.ThirdParty, "metadata-processor");
                string key = Key(project, upstream);
                string output = Path.Combine(paths.Build, "tools", "mdp-" + key);
                string dll = Path.Combine(output, "nanoFramework.Tools.MetadataProcessor.dll");
                if (!File.Exists(Path.Combine(output, "ok")))
                {
                    using (FileLock.Acquire(output + ".lock", log, "MetadataProcessor build"))
                    {
                        if (!File.Exists(Path.Combine(output, "ok")))
                        {
                            log?.Invoke("MetadataProcessor: building it for net10.0 from " + upstream);
                            Proc.Check("dotnet build of Host/MetadataProcessor", "dotnet",
                                ["build", Path.Combine(project, "MetadataProcessor.csproj"), "-c", "Release", "-o", output, "-nologo", "-v", "q", "-p:ThirdParty=" + paths.ThirdParty],
                                paths.Repo, TimeSpan.FromMinutes(10));
                            File.WriteAllText(Path.Combine(output, "ok"), key + "\n");
                        }
                    }
                }

                _built = new MetadataProcessor(dll);
                return _built;
            }
        }

        /// <summary>
        /// Turns <paramref name="dll"/> into <paramref name="pe"/>; <paramref name="references"/> maps each referenced
        /// assembly's name to its .dll (MetadataProcessor's -loadHints). With <paramref name="skeleton"/> (a folder) the
        /// same run writes the interop skeleton there (-generateskeleton DIR NAME PROJECT false, NAME and PROJECT the
        /// assembly's name as nanoFramework's build passes them), so the native checksum in the .pe and in the generated
        /// method table come from one computation. Throws <see cref="BuildException"/> on any complaint.
        /// </summary>
        public void Compile(string dll, string pe, IReadOnlyDictionary<string, string> references, IEnumerable<string> excludeClasses = null, bool isCoreLibrary = false, string skeleton = null)
        {
            var args = new List<string> { Dll };
            foreach (var (name, path) in references)
            {
                args.AddRange(["-loadHints", name, path]);
            }

            foreach (string c in excludeClasses ?? [])
            {
                args.AddRange(["-excludeClassByName", c]);
            }

            args.AddRange(["-parse", dll, "-compile", pe, isCoreLibrary ? "true" : "false"]);
            if (File.Exists(pe))
            {
                File.Delete(pe);
            }

            if (skeleton != null)
            {
                if (Directory.Exists(skeleton))
                {
                    Directory.Delete(skeleton, recursive: true);
                }

                Directory.CreateDirectory(skeleton);
                string name = Path.GetFileNameWithoutExtension(dll);
                args.AddRange(["-generateskeleton", skeleton, name, name, "false"]);
            }

            ProcResult r = Proc.Run("dotnet", args, Path.GetDirectoryName(pe), TimeSpan.FromMinutes(5));
            // upstream reports some failures on stderr and carries on with exit code 0
            if (r.TimedOut || r.ExitCode != 0 || r.Stderr.Trim().Length > 0 || !File.Exists(pe))
            {
                throw new BuildException($"MetadataProcessor failed on {Path.GetFileName(dll)} (exit code {r.ExitCode}):\n{r.Tail(30)}");
            }

            if (skeleton != null && !r.Stdout.Contains("Native declaration checksum", StringComparison.Ordinal))
            {
                // upstream skips the skeleton (and says so on stdout) when the assembly declares no native method
                throw new BuildException($"MetadataProcessor wrote no skeleton for {Path.GetFileName(dll)}:\n{r.Tail(10)}");
            }
        }

        private static string Key(string project, string upstream)
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (string root in new[] { project, upstream })
            {
                foreach (string file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/bin/") && !f.Contains("/obj/")).Order(StringComparer.Ordinal))
                {
                    sha.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(root, file) + "\0"));
                    sha.AppendData(File.ReadAllBytes(file));
                }
            }

            return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
        }
    }
}
