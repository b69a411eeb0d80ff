using Qrng.NanoClr;

namespace Qrng.NfCheck
{
    /// <summary>
    /// NF013: every device project compiled whole with Roslyn against nanoFramework's real mscorlib 1.17.11 (NuGet)
    /// and reference builds of the real pinned class libraries it references, built from their sources in
    /// ../shared/third_party (Host/NanoClr's device build). A project that needs a library whose sources are absent
    /// is not compiled, with a note saying so.
    /// </summary>
    public static class DeviceCompiler
    {
        public static void CompileAll(string root, string shared, List<DeviceProject> projects, List<Finding> findings, List<string> notes)
        {
            Paths paths = Paths.For(root, shared);
            if (!File.Exists(DeviceBuild.MscorlibDll))
            {
                notes.Add($"NF013 skipped: nanoFramework.CoreLibrary {Paths.MscorlibVersion} is not in the NuGet cache ({Paths.CoreLibrary}); building Host/NfCheck restores it");
                return;
            }

            var build = new DeviceBuild(paths);
            foreach (DeviceProject device in projects)
            {
                NfProject project = NfProject.Load(Path.Combine(root, device.NfProj));
                var absent = Needs(project, build).Where(n => n != "mscorlib" && build.SnapshotOf(n) == null).ToList();
                if (absent.Count > 0)
                {
                    notes.Add($"{device.NfProj}: not compiled: the sources of {string.Join(", ", absent)} are not at {paths.ThirdParty} (set QRNG_SHARED)");
                    continue;
                }

                try
                {
                    var (_, errors) = build.Compile(project);
                    foreach (DeviceDiagnostic e in errors)
                    {
                        findings.Add(new Finding(e.File, e.Line, "NF013", $"does not compile against nanoFramework's assemblies: {e.Id} {e.Message}"));
                    }

                    if (errors.Count == 0 && build.Compilation(project) is { } compilation)
                    {
                        findings.AddRange(UnsignedTagCheck.Check(compilation, path => path));
                    }

                    if (errors.Count == 0)
                    {
                        var libraries = Needs(project, build).Where(n => n != "mscorlib").Order(StringComparer.Ordinal).ToList();
                        notes.Add($"{device.NfProj}: all {project.Sources.Count} files compiled against mscorlib {Paths.MscorlibVersion}"
                            + (libraries.Count == 0 ? " only" : " + " + string.Join(", ", libraries) + " (built from ../shared/third_party)"));
                    }
                }
                catch (BuildException e)
                {
                    notes.Add($"{device.NfProj}: not compiled: {e.Message.Split('\n')[0]}");
                }
            }
        }

        /// <summary>Every assembly a project needs, its project references' needs included (by name).</summary>
        private static HashSet<string> Needs(NfProject project, DeviceBuild build)
        {
            var names = new HashSet<string>(project.References.Keys, StringComparer.Ordinal);
            foreach (string p in project.ProjectReferences.Where(File.Exists))
            {
                NfProject referenced = NfProject.Load(p);
                names.Remove(referenced.AssemblyName);
                names.UnionWith(Needs(referenced, build).Where(n => n != referenced.AssemblyName));
            }

            return names;
        }
    }
}
