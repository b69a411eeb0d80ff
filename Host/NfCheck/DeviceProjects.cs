using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Qrng.NfCheck
{
    /// <summary>A device project as nf.sln and its .nfproj / packages.config describe it.</summary>
    public sealed record DeviceProject(string Name, string Dir, string NfProj, List<string> Compile, Dictionary<string, string> Packages, List<string> ProjectReferences);

    /// <summary>
    /// nf.sln / .nfproj / packages.config consistency: the .nfproj lists its files explicitly while the host twin
    /// globs, so a file missing from the .nfproj builds here and breaks on the board.
    /// </summary>
    public static class DeviceProjects
    {
        public const string NanoProjectType = "11A8DD76-328B-46DF-9F39-F559912D0360";

        /// <summary>Folders whose code runs on the device; each must be a project of nf.sln once it exists.</summary>
        public static readonly string[] DeviceFolders = ["Hash_DRBG", "Sha256Native", "Drivers", "Firmware", "Esp32", "Esp32.App", "Emulator", "Firmware.Tests"];

        /// <summary>
        /// The only projects that may reference hardware packages (their natives do not exist on the Linux nanoCLR):
        /// everything else needs mscorlib (and the TestFramework) only, so it runs on the interpreter in CI.
        /// </summary>
        public static readonly string[] HardwareFolders = ["Esp32", "Esp32.App"];

        private static readonly string[] PortablePackages = ["nanoFramework.CoreLibrary", "nanoFramework.TestFramework"];

        private static readonly Regex SlnProject = new("Project\\(\"\\{([0-9A-Fa-f-]+)\\}\"\\)\\s*=\\s*\"([^\"]+)\",\\s*\"([^\"]+\\.nfproj)\"", RegexOptions.Compiled);
        private static readonly Regex HintPackage = new(@"packages[\\/]([A-Za-z0-9_.]+?)\.(\d+\.\d+\.\d+(?:-[A-Za-z0-9.]+)?)[\\/]lib[\\/]", RegexOptions.Compiled);

        public static List<DeviceProject> Load(string root, List<Finding> findings)
        {
            var projects = new List<DeviceProject>();
            string sln = Path.Combine(root, "nf.sln");
            if (!File.Exists(sln))
            {
                findings.Add(new Finding("nf.sln", 0, "NF100", "nf.sln is missing"));
                return projects;
            }

            foreach (Match m in SlnProject.Matches(File.ReadAllText(sln)))
            {
                string rel = m.Groups[3].Value.Replace('\\', '/');
                if (!m.Groups[1].Value.Equals(NanoProjectType, StringComparison.OrdinalIgnoreCase))
                {
                    findings.Add(new Finding("nf.sln", 0, "NF101", $"{rel} is not listed with the nanoFramework project type {{{NanoProjectType}}}"));
                }

                string path = Path.Combine(root, rel);
                if (!File.Exists(path))
                {
                    findings.Add(new Finding("nf.sln", 0, "NF102", $"{rel} does not exist"));
                    continue;
                }

                projects.Add(LoadProject(root, rel, findings));
            }

            foreach (string folder in DeviceFolders.Where(f => Directory.Exists(Path.Combine(root, f))))
            {
                if (!projects.Any(p => p.Dir == folder))
                {
                    findings.Add(new Finding("nf.sln", 0, "NF103", $"device folder {folder}/ has no .nfproj in nf.sln"));
                }
            }

            CheckAcross(projects, findings);
            return projects;
        }

        private static DeviceProject LoadProject(string root, string rel, List<Finding> findings)
        {
            string dir = Path.GetDirectoryName(rel).Replace('\\', '/');
            string full = Path.Combine(root, rel);
            XDocument doc = XDocument.Load(full);
            XNamespace ns = doc.Root.Name.Namespace;
            void Bad(string rule, string message) => findings.Add(new Finding(rel, 0, rule, message));

            string typeGuids = doc.Descendants(ns + "ProjectTypeGuids").FirstOrDefault()?.Value ?? "";
            if (!typeGuids.Contains(NanoProjectType, StringComparison.OrdinalIgnoreCase))
            {
                Bad("NF104", "no nanoFramework project type GUID in ProjectTypeGuids");
            }

            if (!doc.Descendants(ns + "Import").Any(i => ((string)i.Attribute("Project") ?? "").Contains("$(NanoFrameworkProjectSystemPath)NFProjectSystem.CSharp.targets")))
            {
                Bad("NF104", "does not import $(NanoFrameworkProjectSystemPath)NFProjectSystem.CSharp.targets");
            }

            var compile = doc.Descendants(ns + "Compile").Select(c => Norm((string)c.Attribute("Include"))).ToList();
            var onDisk = Directory.EnumerateFiles(Path.Combine(root, dir), "*.cs", SearchOption.AllDirectories)
                .Select(f => Norm(Path.GetRelativePath(Path.Combine(root, dir), f)))
                .Where(f => !f.StartsWith("bin/") && !f.StartsWith("obj/"))
                .ToList();
            foreach (string f in onDisk.Except(compile).Order())
            {
                Bad("NF105", $"{dir}/{f} is in the folder but not compiled by the .nfproj (builds on the host, breaks on the board)");
            }

            foreach (string f in compile.Except(onDisk).Order())
            {
                Bad("NF106", $"compiles {dir}/{f}, which does not exist");
            }

            foreach (string d in compile.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key))
            {
                Bad("NF106", $"compiles {dir}/{d} twice");
            }

            var packages = new Dictionary<string, string>(StringComparer.Ordinal);
            string pc = Path.Combine(root, dir, "packages.config");
            if (!File.Exists(pc))
            {
                Bad("NF107", "no packages.config next to the .nfproj");
            }
            else
            {
                foreach (XElement p in XDocument.Load(pc).Descendants("package"))
                {
                    string id = (string)p.Attribute("id"), version = (string)p.Attribute("version");
                    packages[id] = version;
                    if ((string)p.Attribute("targetFramework") != "netnano1.0")
                    {
                        findings.Add(new Finding($"{dir}/packages.config", 0, "NF107", $"{id}: targetFramework must be netnano1.0"));
                    }

                    if (id.StartsWith("nanoFramework.", StringComparison.Ordinal) && version.Contains('-'))
                    {
                        findings.Add(new Finding($"{dir}/packages.config", 0, "NF108", $"{id} {version} is a pre-release: pin the stable 1.x line"));
                    }
                }

                if (!packages.TryGetValue("nanoFramework.CoreLibrary", out string core) || !core.StartsWith("1.", StringComparison.Ordinal))
                {
                    findings.Add(new Finding($"{dir}/packages.config", 0, "NF108", "nanoFramework.CoreLibrary must be pinned to 1.x (CoreLibrary 2.x is the generics preview line)"));
                }
            }

            var hinted = new HashSet<string>(StringComparer.Ordinal);
            foreach (XElement r in doc.Descendants(ns + "Reference"))
            {
                string hint = r.Element(ns + "HintPath")?.Value ?? "";
                Match m = HintPackage.Match(hint);
                if (!m.Success)
                {
                    Bad("NF109", $"reference {(string)r.Attribute("Include")} has no HintPath into packages/<id>.<version>/lib/");
                    continue;
                }

                string id = m.Groups[1].Value, version = m.Groups[2].Value;
                hinted.Add(id);
                if (!packages.TryGetValue(id, out string pinned))
                {
                    Bad("NF109", $"HintPath uses {id} {version}, which packages.config does not list");
                }
                else if (pinned != version)
                {
                    Bad("NF109", $"HintPath uses {id} {version} but packages.config pins {pinned}");
                }

                Match v = Regex.Match((string)r.Attribute("Include") ?? "", @"Version=(\d+\.\d+\.\d+)\.\d+");
                if (v.Success && v.Groups[1].Value != "0.0.0" && packages.TryGetValue(id, out pinned) && v.Groups[1].Value != pinned)
                {
                    Bad("NF109", $"reference {id} says Version={v.Groups[1].Value} but packages.config pins {pinned}");
                }
            }

            foreach (string id in packages.Keys.Except(hinted).Order())
            {
                Bad("NF110", $"packages.config lists {id} but no <Reference> HintPath uses it");
            }

            if (!HardwareFolders.Contains(dir))
            {
                foreach (string id in packages.Keys.Except(PortablePackages).Order())
                {
                    Bad("NF113", $"{id}: only {string.Join(", ", HardwareFolders)}/ may use hardware packages; this project must run on the Linux nanoCLR with mscorlib alone");
                }
            }

            var projectRefs = doc.Descendants(ns + "ProjectReference").Select(p => Norm(Path.Combine(dir, (string)p.Attribute("Include")))).ToList();
            foreach (string pr in projectRefs.Where(p => !File.Exists(Path.Combine(root, p))))
            {
                Bad("NF111", $"ProjectReference {pr} does not exist");
            }

            return new DeviceProject(Path.GetFileNameWithoutExtension(rel), dir, rel, compile, packages, projectRefs);
        }

        private static void CheckAcross(List<DeviceProject> projects, List<Finding> findings)
        {
            foreach (var group in projects.SelectMany(p => p.Packages.Select(kv => (p.Dir, kv.Key, kv.Value))).GroupBy(x => x.Key))
            {
                if (group.Select(x => x.Value).Distinct().Count() > 1)
                {
                    findings.Add(new Finding("nf.sln", 0, "NF112", $"{group.Key} is pinned to different versions: " + string.Join(", ", group.Select(x => $"{x.Dir} {x.Value}"))));
                }
            }

            var listed = projects.Select(p => p.NfProj).ToHashSet();
            foreach (var p in projects)
            {
                foreach (string r in p.ProjectReferences.Where(r => !listed.Contains(r)))
                {
                    findings.Add(new Finding(p.NfProj, 0, "NF111", $"ProjectReference {r} is not in nf.sln"));
                }
            }
        }

        private static string Norm(string path)
        {
            var parts = new List<string>();
            foreach (string part in path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (part == "..")
                {
                    if (parts.Count > 0)
                    {
                        parts.RemoveAt(parts.Count - 1);
                    }
                }
                else if (part != ".")
                {
                    parts.Add(part);
                }
            }

            return string.Join('/', parts);
        }
    }
}
