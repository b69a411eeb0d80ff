namespace Qrng.NanoClr
{
    /// <summary>
    /// An interop assembly's native skeleton (MetadataProcessor -generateskeleton: declarations, the method table with
    /// the native checksum, marshalling code, user stubs, the FindINTEROP-NAME.cmake module) is committed in the
    /// project's NativeSkeletonDirectory, because the nanoCLR images (the Linux one of CI, an ESP32 one) are compiled
    /// from it. Each device build regenerates it with the .pe and compares: a stale copy is a build error that names
    /// the files, or, on request, is replaced.
    /// </summary>
    public static class Skeletons
    {
        public static void Check(NfProject project, string generated, bool update, string repo, Action<string> log)
        {
            string committed = project.NativeSkeleton;
            List<string> differences = Differences(generated, committed);
            if (differences.Count == 0)
            {
                return;
            }

            string rel = Path.GetRelativePath(repo, committed);
            if (update)
            {
                if (Directory.Exists(committed))
                {
                    Directory.Delete(committed, recursive: true);
                }

                Directory.CreateDirectory(committed);
                foreach (string file in Directory.EnumerateFiles(generated))
                {
                    File.WriteAllText(Path.Combine(committed, Path.GetFileName(file)), Normalized(file));
                }

                log?.Invoke($"{project.AssemblyName}: skeleton written to {rel} ({string.Join(", ", differences)})");
                return;
            }

            throw new BuildException($"{project.AssemblyName}: the committed native skeleton {rel} differs from the one generated with its .pe "
                + $"({string.Join(", ", differences)}); the nanoCLR built from it would refuse the .pe (native checksum). "
                + "If the interop's methods changed on purpose: dotnet run --project Host/NanoClr -- skeleton, then raise AssemblyNativeVersion");
        }

        /// <summary>File names that are missing on either side or differ (line endings aside).</summary>
        public static List<string> Differences(string generated, string committed)
        {
            var a = Directory.Exists(generated) ? Directory.EnumerateFiles(generated).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal) : [];
            var b = Directory.Exists(committed) ? Directory.EnumerateFiles(committed).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal) : [];
            var diff = new List<string>();
            foreach (string name in a.Union(b).Order(StringComparer.Ordinal))
            {
                if (!a.Contains(name))
                {
                    diff.Add(name + " (not generated)");
                }
                else if (!b.Contains(name))
                {
                    diff.Add(name + " (not committed)");
                }
                else if (Normalized(Path.Combine(generated, name)) != Normalized(Path.Combine(committed, name)))
                {
                    diff.Add(name);
                }
            }

            return diff;
        }

        private static string Normalized(string file) => File.ReadAllText(file).Replace("\r\n", "\n");
    }
}
