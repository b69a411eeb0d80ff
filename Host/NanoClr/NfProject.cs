using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Qrng.NanoClr
{
    /// <summary>
    /// What a nanoFramework project (.nfproj) tells the compiler: its assembly, kind, sources (including shared
    /// .projitems), references by assembly name and version, project references and the classes the
    /// MetadataProcessor must leave out (NFMDP_PE_ExcludeClassByName).
    /// </summary>
    public sealed class NfProject
    {
        private static readonly Regex ReferenceName = new(@"^\s*([^,\s]+)\s*(?:,.*?Version\s*=\s*([0-9.]+))?", RegexOptions.Compiled);

        public string File { get; private init; }

        public string Dir => Path.GetDirectoryName(File);

        public string AssemblyName { get; private init; }

        public bool IsExe { get; private init; }

        /// <summary>Full paths, in the order the project lists them.</summary>
        public List<string> Sources { get; } = [];

        /// <summary>Assembly name → version (null when the reference names none).</summary>
        public Dictionary<string, Version> References { get; } = new(StringComparer.Ordinal);

        /// <summary>Full paths of referenced .nfproj files.</summary>
        public List<string> ProjectReferences { get; } = [];

        public List<string> ExcludeClasses { get; } = [];

        /// <summary>Assemblies whose natives exist only on a board (stubs or nothing on the Linux nanoCLR).</summary>
        public static readonly string[] HardwareAssemblies =
            ["nanoFramework.Hardware.Esp32", "System.Device.Gpio", "System.Device.I2c", "System.Device.Pwm", "System.Device.Spi", "System.IO.Ports"];

        /// <summary>True for a board-only project (the Esp32 adapters): it references a hardware assembly.</summary>
        public bool UsesHardware => References.Keys.Any(r => HardwareAssemblies.Contains(r));

        public bool AllowUnsafe { get; private init; }

        /// <summary>The strong-name key file when the project signs its assembly (InternalsVisibleTo grants need it), else null.</summary>
        public string KeyFile { get; private init; }

        /// <summary>
        /// An interop assembly's committed native skeleton (the project's NativeSkeletonDirectory, a full path), or null:
        /// the MetadataProcessor run that writes the .pe also generates the skeleton, which must equal this folder.
        /// </summary>
        public string NativeSkeleton { get; private init; }

        public static NfProject Load(string nfproj)
        {
            XDocument doc = XDocument.Load(nfproj);
            XNamespace ns = doc.Root.Name.Namespace;
            string dir = Path.GetDirectoryName(Path.GetFullPath(nfproj));
            string Property(string name) => doc.Descendants(ns + name).LastOrDefault()?.Value.Trim();
            bool sign = string.Equals(Property("SignAssembly"), "true", StringComparison.OrdinalIgnoreCase);
            var project = new NfProject
            {
                AllowUnsafe = string.Equals(Property("AllowUnsafeBlocks"), "true", StringComparison.OrdinalIgnoreCase),
                KeyFile = sign && Property("AssemblyOriginatorKeyFile") is { Length: > 0 } key ? Resolve(dir, key, null) : null,
                NativeSkeleton = Property("NativeSkeletonDirectory") is { Length: > 0 } skeleton ? Resolve(dir, skeleton, null) : null,
                File = Path.GetFullPath(nfproj),
                AssemblyName = doc.Descendants(ns + "AssemblyName").FirstOrDefault()?.Value.Trim() ?? Path.GetFileNameWithoutExtension(nfproj),
                IsExe = string.Equals(doc.Descendants(ns + "OutputType").FirstOrDefault()?.Value.Trim(), "Exe", StringComparison.OrdinalIgnoreCase),
            };

            project.Sources.AddRange(Items(doc, ns, "Compile").Select(i => Resolve(dir, i, null)));
            foreach (XElement import in doc.Descendants(ns + "Import"))
            {
                string target = (string)import.Attribute("Project") ?? "";
                if (target.EndsWith(".projitems", StringComparison.OrdinalIgnoreCase))
                {
                    string items = Resolve(dir, target, null);
                    XDocument shared = XDocument.Load(items);
                    project.Sources.AddRange(Items(shared, shared.Root.Name.Namespace, "Compile").Select(i => Resolve(Path.GetDirectoryName(items), i, Path.GetDirectoryName(items))));
                }
            }

            foreach (string reference in Items(doc, ns, "Reference"))
            {
                Match m = ReferenceName.Match(reference);
                project.References[m.Groups[1].Value] = m.Groups[2].Success ? Version.Parse(m.Groups[2].Value) : null;
            }

            project.ProjectReferences.AddRange(Items(doc, ns, "ProjectReference").Select(i => Resolve(dir, i, null)));
            project.ExcludeClasses.AddRange(Items(doc, ns, "NFMDP_PE_ExcludeClassByName"));
            return project;
        }

        private static IEnumerable<string> Items(XDocument doc, XNamespace ns, string kind) =>
            doc.Descendants(ns + kind).Select(e => (string)e.Attribute("Include")).Where(i => !string.IsNullOrWhiteSpace(i));

        /// <summary>A path as MSBuild writes it (backslashes, $(MSBuildThisFileDirectory)) made absolute.</summary>
        private static string Resolve(string dir, string include, string thisFileDirectory)
        {
            string path = include.Replace("$(MSBuildThisFileDirectory)", thisFileDirectory == null ? "" : thisFileDirectory + "/").Replace('\\', '/');
            return Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(dir, path));
        }
    }
}
