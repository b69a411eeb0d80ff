// The device tests on nanoCLR: one xunit row per device test case (the same cases as the twin's bridge), each
// asserting what nanoFramework.UnitTestLauncher reported for it on the interpreter. The interpreter runs once per
// test process; a crash, a hang, an unhandled exception or a missing result fails the rows it concerns.
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
        private static readonly IReadOnlyList<TestCase> Cases = TestRunner.Discover(typeof(NanoClrTests).Assembly);
        private static readonly Lazy<(DeviceTestRun Run, string Error)> Session = new(RunOnce);

        public static IEnumerable<TheoryDataRow<string>> All() =>
            Cases.Select(c => new TheoryDataRow<string>(c.Id) { TestDisplayName = "nanoCLR " + c.Id });

        [Theory]
        [MemberData(nameof(All))]
        public void Run(string test)
        {
            DeviceTestRun run = RunOrSkip();
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

        [Fact]
        public void The_interpreter_ran_every_device_test_and_nothing_else()
        {
            DeviceTestRun run = RunOrSkip();
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

        private static DeviceTestRun RunOrSkip()
        {
            Paths paths = Paths.Find(AppContext.BaseDirectory);
            string missing = paths.Missing ?? NativeBuild.MissingTools();
            if (missing != null)
            {
                // CI (.ci/run) sets QRNG_REQUIRE_NANOCLR: there a missing interpreter is a failure, never a skip
                Assert.True(Environment.GetEnvironmentVariable("QRNG_REQUIRE_NANOCLR") != "1", missing);
                Assert.Skip(missing);
            }

            var (run, error) = Session.Value;
            Assert.True(error == null, error);
            return run;
        }

        private static (DeviceTestRun, string) RunOnce()
        {
            try
            {
                return (DeviceTests.BuildAndRun(Paths.Find(AppContext.BaseDirectory)), null);
            }
            catch (BuildException e)
            {
                return (null, e.Message);
            }
        }
    }
}
