namespace Qrng.NanoClr
{
    /// <summary>One line of nanoFramework.UnitTestLauncher's report: "Test passed|failed|skipped,Class.Method.i,detail".</summary>
    public sealed record DeviceTestResult(string Name, string Outcome, string Detail);

    /// <summary>A run of NFUnitTest on nanoCLR with the real TestFramework and UnitTestLauncher.</summary>
    public sealed record DeviceTestRun(NanoClrRun Run, IReadOnlyList<DeviceTestResult> Results, NanoClrBinary Clr, DeviceAssembly Tests)
    {
        public int Count(string outcome) => Results.Count(r => r.Outcome == outcome);

        public string Summary => $"nanoCLR: {Count("passed")} passed, {Count("failed")} failed, {Count("skipped")} skipped";
    }

    public static class DeviceTests
    {
        /// <summary>The test project of nf.sln whose assembly is NFUnitTest (nanoFramework's launcher loads it by that name).</summary>
        public static string TestProject(Paths paths) => Path.Combine(paths.Repo, "Firmware.Tests", "Firmware.Tests.nfproj");

        /// <summary>The launcher's lines, in order (the pattern its Executor parses upstream).</summary>
        public static List<DeviceTestResult> Parse(IEnumerable<string> lines)
        {
            var results = new List<DeviceTestResult>();
            foreach (string line in lines)
            {
                foreach (string outcome in new[] { "passed", "failed", "skipped" })
                {
                    string prefix = "Test " + outcome + ",";
                    if (line.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        string rest = line[prefix.Length..];
                        int comma = rest.IndexOf(',');
                        results.Add(comma < 0 ? new DeviceTestResult(rest, outcome, "") : new DeviceTestResult(rest[..comma], outcome, rest[(comma + 1)..]));
                    }
                }
            }

            return results;
        }

        /// <summary>
        /// Builds nanoCLR and NFUnitTest (with everything it references) and runs every device test on the interpreter;
        /// <paramref name="omitNative"/> names native assemblies to leave out of that run (Runner.OmitNativeVariable).
        /// </summary>
        public static DeviceTestRun BuildAndRun(Paths paths, Flavor? flavor = null, TimeSpan? timeout = null, Action<string> log = null, Action<string> onLine = null, IReadOnlyList<string> omitNative = null)
        {
            NanoClrBinary clr = NativeBuild.Ensure(paths, flavor ?? NativeBuild.DefaultFlavor, log);
            var build = new DeviceBuild(paths, log);
            DeviceAssembly tests = build.Build(TestProject(paths));
            // upstream's order: mscorlib, the launcher (the entry point), the framework, the rest, NFUnitTest last
            List<string> order = tests.LoadOrder(DeviceBuild.MscorlibPe);
            NanoClrRun run = Runner.Run(clr, order, timeout ?? TimeSpan.FromMinutes(10), onLine: onLine, omitNative: omitNative);
            return new DeviceTestRun(run, Parse(run.ProgramOutput), clr, tests);
        }
    }
}
