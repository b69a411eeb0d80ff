using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Qrng.NanoClr
{
    /// <summary>One assembly built for nanoFramework: its .dll (IL against the real mscorlib), its .pe and what it needs.</summary>
    public sealed record DeviceAssembly(string Name, string Dll, string Pe, IReadOnlyList<DeviceAssembly> Dependencies, bool IsLibrarySnapshot)
    {
        /// <summary>Every .pe this assembly needs, mscorlib first, each after the ones it references (the order nanoCLR loads them in).</summary>
        public List<string> LoadOrder(string mscorlibPe)
        {
            var order = new List<string> { mscorlibPe };
            var seen = new HashSet<string>(StringComparer.Ordinal);
            Visit(this);
            return order;

            void Visit(DeviceAssembly a)
            {
                if (!seen.Add(a.Name))
                {
                    return;
                }

                foreach (DeviceAssembly d in a.Dependencies)
                {
                    Visit(d);
                }

                order.Add(a.Pe);
            }
        }
    }

    /// <summary>Compiler errors of a device project: file, line, id, message.</summary>
    public sealed record DeviceDiagnostic(string File, int Line, string Id, string Message);

    /// <summary>
    /// The device build chain on Linux: each .nfproj's sources compiled with Roslyn against nanoFramework's real
    /// mscorlib 1.17.11 and the pinned class libraries it references (compiled the same way from their snapshots in
    /// ../shared/third_party), then turned into .pe by the MetadataProcessor. Outputs go to build/nf (ignored);
    /// an assembly is rebuilt only when its sources or references changed.
    /// </summary>
    public sealed class DeviceBuild
    {
        private readonly Paths _paths;
        private readonly Action<string> _log;
        private readonly Dictionary<string, string> _snapshots;          // assembly name → snapshot .nfproj
        private readonly Dictionary<string, Version> _versions;          // assembly name → version the projects reference
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, DeviceAssembly> SnapshotReferences = new(StringComparer.Ordinal);
        private readonly Dictionary<string, DeviceAssembly> _built = new(StringComparer.Ordinal);
        private MetadataProcessor _mdp;

        public DeviceBuild(Paths paths, Action<string> log = null)
        {
            _paths = paths;
            _log = log;
            _snapshots = Directory.Exists(paths.ThirdParty)
                ? Directory.EnumerateFiles(paths.ThirdParty, "*.nfproj", SearchOption.AllDirectories)
                    .Where(f => !f.Contains("metadata-processor", StringComparison.Ordinal))
                    .Select(NfProject.Load)
                    .ToDictionary(p => p.AssemblyName, p => p.File, StringComparer.Ordinal)
                : new Dictionary<string, string>(StringComparer.Ordinal);
            _versions = new Dictionary<string, Version>(StringComparer.Ordinal);
            foreach (string nfproj in SolutionProjects(paths.Repo).Concat(_snapshots.Values))
            {
                foreach (var (name, version) in NfProject.Load(nfproj).References)
                {
                    if (version != null && (!_versions.TryGetValue(name, out Version v) || version > v))
                    {
                        _versions[name] = version;
                    }
                }
            }
        }

        public string Output => Path.Combine(_paths.Build, "nf");

        /// <summary>
        /// True: an interop project's committed skeleton (its NativeSkeletonDirectory) is replaced by the one generated
        /// with its .pe (`nanoclr skeleton`). False (default): a difference fails the build, because the nanoCLR the
        /// tests run is compiled from the committed copy and would reject the new .pe's checksum.
        /// </summary>
        public bool UpdateSkeletons { get; set; }

        /// <summary>Where the skeleton generated with an interop assembly's .pe is written (build/nf/skeleton/NAME).</summary>
        public string SkeletonOutput(string assemblyName) => Path.Combine(Output, "skeleton", assemblyName);

        public static string MscorlibDll => Path.Combine(Paths.CoreLibrary, "mscorlib.dll");

        public static string MscorlibPe => Path.Combine(Paths.CoreLibrary, "mscorlib.pe");

        /// <summary>The .nfproj files nf.sln lists, as full paths.</summary>
        public static List<string> SolutionProjects(string repo)
        {
            string sln = Path.Combine(repo, "nf.sln");
            if (!File.Exists(sln))
            {
                return [];
            }

            return Regex.Matches(File.ReadAllText(sln), "\"([^\"]+\\.nfproj)\"")
                .Select(m => Path.GetFullPath(Path.Combine(repo, m.Groups[1].Value.Replace('\\', '/'))))
                .Distinct()
                .ToList();
        }

        /// <summary>The snapshot library that provides an assembly, or null.</summary>
        public string SnapshotOf(string assemblyName) => _snapshots.GetValueOrDefault(assemblyName);

        /// <summary>Builds a project of nf.sln (or a snapshot library) and everything it references, to .dll and .pe.</summary>
        public DeviceAssembly Build(string nfproj) => Build(NfProject.Load(nfproj), isSnapshot: false);

        /// <summary>Builds the snapshot library that provides <paramref name="assemblyName"/>.</summary>
        public DeviceAssembly BuildLibrary(string assemblyName)
        {
            string nfproj = SnapshotOf(assemblyName) ?? throw new BuildException($"no snapshot in {_paths.ThirdParty} builds assembly {assemblyName}");
            return Build(NfProject.Load(nfproj), isSnapshot: true);
        }

        /// <summary>
        /// Compiles a project's sources in memory against mscorlib and reference builds of what it references (for
        /// checks that need no .pe): the image, or the errors.
        /// </summary>
        public (byte[] Image, List<DeviceDiagnostic> Errors) Compile(NfProject project)
        {
            var references = ReferencesOf(project, buildPe: false);
            return Emit(project, references.Select(r => r.Dll));
        }

        private DeviceAssembly Build(NfProject project, bool isSnapshot)
        {
            if (_built.TryGetValue(project.AssemblyName, out DeviceAssembly done))
            {
                return done;
            }

            List<DeviceAssembly> dependencies = ReferencesOf(project, buildPe: true);
            string dir = isSnapshot ? Path.Combine(Output, "lib") : Output;
            Directory.CreateDirectory(dir);
            string dll = Path.Combine(dir, project.AssemblyName + (project.IsExe ? ".exe" : ".dll"));
            string pe = Path.Combine(dir, project.AssemblyName + ".pe");
            string keyFile = Path.Combine(dir, project.AssemblyName + ".key");
            string key = Key(project, dependencies);
            string skeleton = project.NativeSkeleton == null ? null : SkeletonOutput(project.AssemblyName);
            using (FileLock.Acquire(Path.Combine(dir, project.AssemblyName + ".lock"), _log, "device build of " + project.AssemblyName))
            {
                if (!(File.Exists(keyFile) && File.ReadAllText(keyFile) == key && File.Exists(pe) && File.Exists(dll) && (skeleton == null || Directory.Exists(skeleton))))
                {
                    var (image, errors) = Emit(project, dependencies.Select(d => d.Dll));
                    if (errors.Count > 0)
                    {
                        throw new BuildException($"{project.AssemblyName} does not compile against nanoFramework's assemblies:\n"
                            + string.Join("\n", errors.Take(30).Select(e => $"{e.File}({e.Line}): {e.Id} {e.Message}")));
                    }

                    File.WriteAllBytes(dll, image);
                    var hints = new Dictionary<string, string>(StringComparer.Ordinal) { ["mscorlib"] = MscorlibDll };
                    foreach (DeviceAssembly d in Closure(dependencies))
                    {
                        hints[d.Name] = d.Dll;
                    }

                    _mdp ??= MetadataProcessor.Ensure(_paths, _log);
                    _mdp.Compile(dll, pe, hints, project.ExcludeClasses, skeleton: skeleton);
                    File.WriteAllText(keyFile, key);
                }

                if (skeleton != null)
                {
                    Skeletons.Check(project, skeleton, UpdateSkeletons, _paths.Repo, _log);
                }
            }

            var built = new DeviceAssembly(project.AssemblyName, dll, pe, dependencies, isSnapshot);
            _built[project.AssemblyName] = built;
            return built;
        }

        private List<DeviceAssembly> ReferencesOf(NfProject project, bool buildPe)
        {
            var list = new List<DeviceAssembly>();
            foreach (string name in project.References.Keys.Where(n => n != "mscorlib"))
            {
                if (project.ProjectReferences.Any(p => NfProject.Load(p).AssemblyName == name))
                {
                    continue;
                }

                string snapshot = SnapshotOf(name) ?? throw new BuildException($"{Path.GetFileName(project.File)} references {name}, which no snapshot in {_paths.ThirdParty} builds");
                list.Add(BuildOrCompile(NfProject.Load(snapshot), isSnapshot: true, buildPe));
            }

            // a board-only project (Firmware.Tests references Esp32 so that the test adapter deploys it to a board, and
            // opens it by reflection) is left out of what runs on nanoCLR: its natives do not exist there
            list.AddRange(project.ProjectReferences.Select(NfProject.Load).Where(p => !(buildPe && p.UsesHardware)).Select(p => BuildOrCompile(p, isSnapshot: false, buildPe)));
            return list;
        }

        private DeviceAssembly BuildOrCompile(NfProject project, bool isSnapshot, bool buildPe)
        {
            if (buildPe || _built.ContainsKey(project.AssemblyName))
            {
                return Build(project, isSnapshot);
            }

            // the snapshots do not change while a process runs: their reference builds are shared by every DeviceBuild
            string snapshotKey = project.File + "|" + _versions.GetValueOrDefault(project.AssemblyName);
            if (isSnapshot && SnapshotReferences.TryGetValue(snapshotKey, out DeviceAssembly known) && File.Exists(known.Dll))
            {
                return known;
            }

            // a reference for an in-memory check: the .dll alone (written beside the .pe builds, under ref/)
            var deps = ReferencesOf(project, buildPe: false);
            var (image, errors) = Emit(project, deps.Select(d => d.Dll));
            if (errors.Count > 0)
            {
                throw new BuildException($"{project.AssemblyName} (referenced) does not compile:\n" + string.Join("\n", errors.Take(10).Select(e => $"{e.File}({e.Line}): {e.Id} {e.Message}")));
            }

            string dir = Path.Combine(Output, "ref");
            Directory.CreateDirectory(dir);
            string dll = Path.Combine(dir, project.AssemblyName + (project.IsExe ? ".exe" : ".dll"));
            string tmp = dll + "." + Environment.ProcessId + ".tmp";
            File.WriteAllBytes(tmp, image);
            File.Move(tmp, dll, overwrite: true);
            var compiled = new DeviceAssembly(project.AssemblyName, dll, null, deps, isSnapshot);
            if (isSnapshot)
            {
                SnapshotReferences[snapshotKey] = compiled;
            }

            return compiled;
        }

        private static IEnumerable<DeviceAssembly> Closure(IEnumerable<DeviceAssembly> roots)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<DeviceAssembly>(roots);
            while (stack.Count > 0)
            {
                DeviceAssembly a = stack.Pop();
                if (seen.Add(a.Name))
                {
                    yield return a;
                    foreach (DeviceAssembly d in a.Dependencies)
                    {
                        stack.Push(d);
                    }
                }
            }
        }

        /// <summary>
        /// The Roslyn compilation of a project against mscorlib and reference builds of what it references, for checks
        /// that need the semantic model; null when a source is missing.
        /// </summary>
        public CSharpCompilation Compilation(NfProject project)
        {
            var references = ReferencesOf(project, buildPe: false);
            var errors = new List<DeviceDiagnostic>();
            CSharpCompilation compilation = CreateCompilation(project, references.Select(r => r.Dll), errors);
            return errors.Count == 0 ? compilation : null;
        }

        private (byte[] Image, List<DeviceDiagnostic> Errors) Emit(NfProject project, IEnumerable<string> referenceDlls)
        {
            var errors = new List<DeviceDiagnostic>();
            CSharpCompilation compilation = CreateCompilation(project, referenceDlls, errors);
            using var image = new MemoryStream();
            var result = compilation.Emit(image);
            foreach (Diagnostic d in result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
            {
                var span = d.Location.GetLineSpan();
                errors.Add(new DeviceDiagnostic(span.Path is { Length: > 0 } p ? p : Rel(project.File), span.StartLinePosition.Line + 1, d.Id, d.GetMessage()));
            }

            return (errors.Count == 0 && result.Success ? image.ToArray() : null, errors);
        }

        private CSharpCompilation CreateCompilation(NfProject project, IEnumerable<string> referenceDlls, List<DeviceDiagnostic> errors)
        {
            var parse = new CSharpParseOptions(LanguageVersion.Latest);
            var trees = new List<SyntaxTree>();
            foreach (string source in project.Sources)
            {
                if (!File.Exists(source))
                {
                    errors.Add(new DeviceDiagnostic(Rel(project.File), 0, "NF-MISSING", $"{Rel(source)} is listed in the project but does not exist"));
                    continue;
                }

                trees.Add(CSharpSyntaxTree.ParseText(File.ReadAllText(source), parse, Rel(source), Encoding.UTF8));
            }

            if (!trees.Any(t => t.ToString().Contains("AssemblyVersion(", StringComparison.Ordinal)))
            {
                // the snapshots' versions come from Nerdbank.GitVersioning at build time: stamp the version referenced
                Version v = _versions.GetValueOrDefault(project.AssemblyName) ?? new Version(1, 0, 0, 0);
                trees.Add(CSharpSyntaxTree.ParseText($"[assembly: System.Reflection.AssemblyVersion(\"{v}\")]", parse, project.AssemblyName + ".Version.cs"));
            }

            var refs = new List<MetadataReference> { MetadataReference.CreateFromFile(MscorlibDll) };
            refs.AddRange(referenceDlls.Select(d => MetadataReference.CreateFromFile(d)));
            var options = new CSharpCompilationOptions(project.IsExe ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                optimizationLevel: OptimizationLevel.Release, deterministic: true, nullableContextOptions: NullableContextOptions.Disable)
                .WithSpecificDiagnosticOptions(ImmutableDictionary<string, ReportDiagnostic>.Empty)
                .WithAllowUnsafe(project.AllowUnsafe);
            if (project.KeyFile != null && File.Exists(project.KeyFile))
            {
                // upstream signs its libraries; mscorlib's InternalsVisibleTo grants name their public key
                options = options.WithCryptoKeyFile(project.KeyFile).WithStrongNameProvider(new DesktopStrongNameProvider());
            }

            return CSharpCompilation.Create(project.AssemblyName, trees, refs, options);
        }

        private string Rel(string path)
        {
            foreach (string root in new[] { _paths.Repo, _paths.ThirdParty })
            {
                string rel = Path.GetRelativePath(root, path);
                if (!rel.StartsWith("..", StringComparison.Ordinal))
                {
                    return (root == _paths.ThirdParty ? "third_party/" : "") + rel;
                }
            }

            return path;
        }

        /// <summary>Sources, references and version: what the .dll and .pe depend on.</summary>
        private string Key(NfProject project, List<DeviceAssembly> dependencies)
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            void Add(string text) => sha.AppendData(Encoding.UTF8.GetBytes(text + "\0"));
            Add(project.AssemblyName + (project.IsExe ? " exe" : " lib") + " " + _versions.GetValueOrDefault(project.AssemblyName));
            Add(string.Join(",", project.ExcludeClasses) + " unsafe=" + project.AllowUnsafe + " key=" + project.KeyFile + " skeleton=" + (project.NativeSkeleton != null));
            Add(Paths.MscorlibVersion + " " + new FileInfo(MscorlibDll).Length);
            foreach (string source in project.Sources)
            {
                Add(Rel(source));
                sha.AppendData(File.Exists(source) ? File.ReadAllBytes(source) : []);
            }

            foreach (DeviceAssembly d in dependencies)
            {
                Add(d.Name);
                sha.AppendData(File.ReadAllBytes(d.Dll));
            }

            Add(_mdpKeyPart ??= MdpIdentity());
            return Convert.ToHexStringLower(sha.GetHashAndReset());
        }

        private string _mdpKeyPart;

        /// <summary>The MetadataProcessor's sources and wrapper (a new processor may write different .pe files).</summary>
        private string MdpIdentity()
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (string root in new[] { Path.Combine(_paths.Repo, "Host", "MetadataProcessor"), Path.Combine(_paths.ThirdParty, "metadata-processor") })
            {
                if (!Directory.Exists(root))
                {
                    continue;
                }

                foreach (string file in Directory.EnumerateFiles(root, "*.cs*", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/") && !f.Contains("/bin/")).Order(StringComparer.Ordinal))
                {
                    sha.AppendData(File.ReadAllBytes(file));
                }
            }

            return Convert.ToHexStringLower(sha.GetHashAndReset());
        }
    }
}
