// The device tests on nanoCLR: one xunit row per device test case (the same cases as the twin's bridge), each
// asserting what nanoFramework.UnitTestLauncher reported for it on the interpreter. The interpreter runs once per
// test process; a crash, a hang, an unhandled exception or a missing result fails the rows it concerns.
// A second run of the same interpreter leaves the interop assembly Qrng.Sha256.Native out of its native table (as stock
// firmware has it: the .pe loads, its methods throw): every device test again, on Hash_DRBG's managed fallback and the
// frame kernel's managed loops.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using nanoFramework.TestFramework;
using nanoFramework.TestFramework.Host;
using Qrng.NanoClr;
using Xunit;
using Assert = Xunit.Assert;

namespace Qrng.Firmware.Tests.NanoClr
{
    public class NanoClrTests
    {
        internal static readonly IReadOnlyList<TestCase> Cases = TestRunner.Discover(typeof(NanoClrTests).Assembly);
        private static readonly Lazy<(DeviceTestRun Run, string Error)> Session = new(() => RunOnce(null));

        public static IEnumerable<TheoryDataRow<string>> All() =>
            Cases.Select(c => new TheoryDataRow<string>(c.Id) { TestDisplayName = "nanoCLR " + c.Id });

        [Theory]
        [MemberData(nameof(All))]
        public void Run(string test) => Check(RunOrSkip(Session), test);

        [Fact]
        public void The_interpreter_ran_every_device_test_and_nothing_else() => RanEverything(RunOrSkip(Session));

        [Fact]
        public void Hash_drbg_uses_the_native_sha256_the_interpreter_is_built_with()
        {
            DeviceTestRun run = RunOrSkip(Session);
            Assert.Contains("sha256 path: native", run.Run.ProgramOutput);
            Assert.DoesNotContain("sha256 path: managed", run.Run.ProgramOutput);
        }

        [Fact]
        public void Frames_are_checked_by_the_native_crc32_the_interpreter_is_built_with()
        {
            DeviceTestRun run = RunOrSkip(Session);
            Assert.Contains("crc32 path: native", run.Run.ProgramOutput);
            Assert.DoesNotContain("crc32 path: managed", run.Run.ProgramOutput);
        }

        [Fact]
        public void Frames_run_through_the_native_frame_kernel_the_interpreter_is_built_with()
        {
            DeviceTestRun run = RunOrSkip(Session);
            Assert.Contains("frame kernel path: native", run.Run.ProgramOutput);
            Assert.DoesNotContain("frame kernel path: managed", run.Run.ProgramOutput);
            Assert.Contains("kernel diff: native against managed", run.Run.ProgramOutput);
        }

        internal static void Check(DeviceTestRun run, string test)
        {
            TestCase c = Cases.Single(x => x.Id == test);
            string name = LauncherName(c);
            DeviceTestResult[] results = run.Results.Where(r => r.Name == name).ToArray();
            Assert.True(results.Length == 1, results.Length == 0
                ? $"{name}: no result from nanoCLR ({run.Run.Problem ?? "the launcher did not report it"})"
                : $"{name}: reported {results.Length} times");
            DeviceTestResult r = results[0];
            if (r.Outcome == "skipped")
            {
                Assert.Skip("skipped on nanoCLR: " + r.Detail);
            }

            Assert.True(r.Outcome == "passed", $"failed on nanoCLR ({run.Clr.Flavor}): {r.Detail}");
        }

        internal static void RanEverything(DeviceTestRun run)
        {
            Assert.True(run.Run.Problem == null, run.Run.Problem + "\n" + run.Run.Process.Tail(30));
            var expected = Cases.Select(LauncherName).ToHashSet();
            var reported = run.Results.Select(r => r.Name).ToList();
            Assert.Empty(expected.Except(reported));
            Assert.Empty(reported.Except(expected));
            Assert.Equal(reported.Count, reported.Distinct().Count());
        }

        /// <summary>
        /// The name nanoFramework.UnitTestLauncher prints for a case: Class.Method.i, i the attribute's index among the
        /// method's attributes once [TestMethod] is dropped from a method that has [DataRow]s (TestFrameworkShared.Helper).
        /// </summary>
        private static string LauncherName(TestCase c)
        {
            object[] attributes = Helper.RemoveTestMethodIfDataRowExists(c.Method.GetCustomAttributes(true));
            Type kind = c.Kind switch
            {
                "setup" => typeof(SetupAttribute),
                "cleanup" => typeof(CleanupAttribute),
                "row" => typeof(DataRowAttribute),
                _ => typeof(TestMethodAttribute),
            };
            int seen = 0;
            for (int i = 0; i < attributes.Length; i++)
            {
                if (attributes[i].GetType() == kind && (c.Kind != "row" || seen++ == c.Row))
                {
                    return c.Class.FullName + "." + c.Method.Name + "." + i;
                }
            }

            throw new InvalidOperationException("no " + kind.Name + " on " + c.Id);
        }

        internal static DeviceTestRun RunOrSkip(Lazy<(DeviceTestRun Run, string Error)> session)
        {
            Paths paths = Paths.Find(AppContext.BaseDirectory);
            string missing = paths.Missing ?? NativeBuild.MissingTools();
            if (missing != null)
            {
                // CI (.ci/run) sets QRNG_REQUIRE_NANOCLR: there a missing interpreter is a failure, never a skip
                Assert.True(Environment.GetEnvironmentVariable("QRNG_REQUIRE_NANOCLR") != "1", missing);
                Assert.Skip(missing);
            }

            var (run, error) = session.Value;
            Assert.True(error == null, error);
            return run;
        }

        internal static (DeviceTestRun, string) RunOnce(IReadOnlyList<string> omitNative)
        {
            try
            {
                return (DeviceTests.BuildAndRun(Paths.Find(AppContext.BaseDirectory), omitNative: omitNative), null);
            }
            catch (BuildException e)
            {
                return (null, e.Message);
            }
        }
    }

    /// <summary>
    /// The same interpreter run with Qrng.Sha256.Native left out of its native table (Runner.OmitNativeVariable), as on
    /// stock firmware: Hash_DRBG must choose the managed SHA-256, and every device test must pass on it.
    /// </summary>
    public class NanoClrWithoutNativeSha256Tests
    {
        private static readonly Lazy<(DeviceTestRun Run, string Error)> Session = new(() => NanoClrTests.RunOnce([Runner.Sha256NativeAssembly]));

        public static IEnumerable<TheoryDataRow<string>> All() =>
            NanoClrTests.Cases.Select(c => new TheoryDataRow<string>(c.Id) { TestDisplayName = "nanoCLR without native SHA-256 " + c.Id });

        [Theory]
        [MemberData(nameof(All))]
        public void Run(string test) => NanoClrTests.Check(NanoClrTests.RunOrSkip(Session), test);

        [Fact]
        public void The_interpreter_ran_every_device_test_and_nothing_else() => NanoClrTests.RanEverything(NanoClrTests.RunOrSkip(Session));

        [Fact]
        public void Hash_drbg_falls_back_to_the_managed_sha256()
        {
            DeviceTestRun run = NanoClrTests.RunOrSkip(Session);
            Assert.Contains("sha256 path: managed", run.Run.ProgramOutput);
            Assert.DoesNotContain("sha256 path: native", run.Run.ProgramOutput);

            // what stock firmware does with an interop method it has no code for
            Assert.Contains("sha256 fallback: NotSupportedException", run.Run.ProgramOutput);
        }

        [Fact]
        public void Frames_are_checked_by_the_managed_crc32()
        {
            DeviceTestRun run = NanoClrTests.RunOrSkip(Session);
            Assert.Contains("crc32 path: managed", run.Run.ProgramOutput);
            Assert.Contains("crc32 fallback: NotSupportedException", run.Run.ProgramOutput);
        }

        [Fact]
        public void Frames_run_through_the_managed_loops()
        {
            DeviceTestRun run = NanoClrTests.RunOrSkip(Session);
            Assert.Contains("frame kernel path: managed", run.Run.ProgramOutput);
            Assert.Contains("frame kernel fallback: NotSupportedException", run.Run.ProgramOutput);
        }
    }
}
