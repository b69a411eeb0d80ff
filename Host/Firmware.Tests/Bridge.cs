// The bridge: each nanoFramework test case found in this assembly is one row of one xunit theory, in the device
// launcher's order; a failed nanoFramework assertion fails the row, SkipTestException skips it.
using System.Linq;
using nanoFramework.TestFramework.Host;
using Xunit;
using Assert = Xunit.Assert;
using OutputHelper = nanoFramework.TestFramework.OutputHelper;
using TestResult = nanoFramework.TestFramework.Host.TestResult;

namespace Qrng.Firmware.Tests.Bridge
{
    public class NanoFrameworkTests
    {
        private static readonly System.Collections.Generic.IReadOnlyList<TestCase> Cases = TestRunner.Discover(typeof(NanoFrameworkTests).Assembly);

        public static System.Collections.Generic.IEnumerable<TheoryDataRow<string>> All() =>
            Cases.Select(c => new TheoryDataRow<string>(c.Id) { TestDisplayName = "nF " + c.Id });

        [Theory]
        [MemberData(nameof(All))]
        public void Run(string test)
        {
            TestCase c = Cases.Single(x => x.Id == test);
            OutputHelper.Sink = s => TestContext.Current.TestOutputHelper?.Write(s);
            TestResult r = TestRunner.Run(c);
            if (r.Outcome == Outcome.Skipped)
            {
                Assert.Skip(r.Message);
            }

            Assert.True(r.Outcome == Outcome.Passed, r.Message + (r.Exception == null ? "" : "\n" + r.Exception.StackTrace));
        }

        [Fact]
        public void Discovers_every_device_test()
        {
            Assert.Contains(Cases, c => c.Id.EndsWith("HashDrbgTests.Generate_before_instantiate_is_refused"));
            Assert.Contains(Cases, c => c.Kind == "row");
            Assert.Contains(Cases, c => c.Kind == "setup");
        }
    }
}
