namespace Qrng.NfCheck
{
    /// <summary>Runs every check on a repository; the CLI and the tests both call this.</summary>
    public static class Checks
    {
        public sealed record Report(List<Finding> Findings, List<string> Notes);

        /// <param name="shared">the shared folder (third_party, API listing); null: $QRNG_SHARED or ../shared beside <paramref name="root"/></param>
        public static Report Run(string root, string apiListing, bool compile, string shared = null)
        {
            var findings = new List<Finding>();
            var notes = new List<string>();
            List<DeviceProject> projects = DeviceProjects.Load(root, findings);

            ApiCatalog api = null;
            if (apiListing != null && File.Exists(apiListing))
            {
                api = ApiCatalog.Load(apiListing);
            }
            else
            {
                notes.Add("API listing not found" + (apiListing == null ? "" : " at " + apiListing) + ": syntax rules only");
            }

            // Every .cs under the device folders is checked, listed in an .nfproj or not.
            var files = DeviceProjects.DeviceFolders
                .Where(f => Directory.Exists(Path.Combine(root, f)))
                .SelectMany(f => Directory.EnumerateFiles(Path.Combine(root, f), "*.cs", SearchOption.AllDirectories))
                .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
                .Where(f => !f.Contains("/bin/") && !f.Contains("/obj/"))
                .Order()
                .ToList();
            var trees = files.Select(f => SubsetChecker.Parse(File.ReadAllText(Path.Combine(root, f)), f)).ToList();
            var checker = new SubsetChecker(api, trees);
            foreach (var tree in trees)
            {
                DeviceProject owner = projects.FirstOrDefault(p => tree.FilePath.StartsWith(p.Dir + "/", StringComparison.Ordinal));
                var assemblies = new HashSet<string>(owner?.Packages.Keys.Select(id => AssemblyOf(id, api)) ?? ["mscorlib"]);
                findings.AddRange(checker.Check(tree, assemblies));
            }

            if (compile)
            {
                DeviceCompiler.CompileAll(root, shared, projects, findings, notes);
            }

            notes.Insert(0, $"{projects.Count} device projects, {files.Count} device sources checked");
            return new Report(findings, notes);
        }

        // Package id -> assembly name as the API listing spells it.
        private static string AssemblyOf(string packageId, ApiCatalog api)
        {
            if (packageId == "nanoFramework.CoreLibrary")
            {
                return "mscorlib";
            }

            string shortName = packageId.StartsWith("nanoFramework.", StringComparison.Ordinal) ? packageId["nanoFramework.".Length..] : packageId;
            return api != null && !api.IsKnownAssembly(packageId) && api.IsKnownAssembly(shortName) ? shortName : packageId;
        }
    }
}
