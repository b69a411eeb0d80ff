using Qrng.NfCheck;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>The nanoFramework-subset and device-project checks bite on violations and pass this repository.</summary>
    public class NfCheckTests
    {
        private static readonly string ApiListing = Path.Combine(RepoPaths.Shared, "nanoframework", "api-1.x.txt");

        private static readonly Lazy<ApiCatalog> Api = new(() => File.Exists(ApiListing) ? ApiCatalog.Load(ApiListing) : null);

        public static TheoryData<string, string> Violations => new()
        {
            { "NF001", "class Box<T> { }" },
            { "NF002", "class C { System.Collections.ArrayList a; void M() { var l = new List<int>(); } }" },
            { "NF003", "class C { int? n; }" },
            { "NF004", "class C { void M() { var t = (1, 2); } }" },
            { "NF005", "class C { async void M() { await Foo(); } }" },
            { "NF006", "class C { void M() { byte[] b = null; var s = stackalloc byte[4]; } }" },
            { "NF007", "class C { unsafe void M(byte* p) { } }" },
            { "NF008", "record R(int X);" },
            { "NF009", "class C { void M(int[] a) { var q = from x in a select x; } }" },
            { "NF010", "interface I { void M() { } }" },
            { "NF011", "using System.Linq; class C { }" },
            { "NF011", "class C { void M(byte[] b) { var s = new Span(b); } }" },
            { "NF012", "using System; class C { void M(byte[] b) { Array.Fill(b, (byte)0); } }" },
            { "NF012", "using System; class C { int M(int x) { return Math.Abs(x); } }" },
            { "NF012", "using System.Text; class C { void M() { StringBuilder sb = new StringBuilder(); } }" },
            { "NF012", "using System.Security.Cryptography; class C { }" },
            { "NF015", "class C { int M(int a, int b) { return checked(a + b); } }" },
            { "NF015", "class C { int M(int a, int b) { checked { return a * b; } } }" },
            { "NF016", "using System; class C { int M(int a, int b) { try { return a / b; } catch (DivideByZeroException) { return 0; } } }" },
            { "NF016", "using System; class C { void M() { throw new OverflowException(); } }" },
        };

        [Theory]
        [MemberData(nameof(Violations))]
        public void Subset_check_bites(string rule, string code)
        {
            if (rule == "NF012" && Api.Value == null)
            {
                Assert.Skip("API listing not found at " + ApiListing + ": the whitelist rules cannot run");
            }

            var tree = SubsetChecker.Parse(code, "Firmware/Snippet.cs");
            var findings = new SubsetChecker(Api.Value, [tree]).Check(tree, new HashSet<string> { "mscorlib" }).ToList();
            Assert.Contains(findings, f => f.Rule == rule);
        }

        [Theory]
        [InlineData("uint w = R(); int s = (int)(w & 0xFF) + (int)(w >> 24); return (s - 510) * 7;", true)]   // the shot-noise bug nanoCLR showed
        [InlineData("uint w = R(); int s = -510; s += (int)(w & 0xFF); s += (int)(w >> 24); return s * 7;", false)] // its fix: start from an int
        [InlineData("byte b = (byte)R(); return b * 4 + (b << 2);", false)]                                        // bytes stay small: never negative
        [InlineData("uint w = R(); return (int)(w >> 30);", false)]                                                 // a logical shift is non-negative
        [InlineData("char c = (char)R(); return c - '0';", true)]                                                   // may be negative, carried unsigned
        public void Values_nanoclr_carries_as_unsigned_are_caught_where_they_can_be_negative(string body, bool flagged)
        {
            string code = "class C { static uint R() { return 7; } static int G() { " + body + " } static long W() { return (long)5 * G(); } }";
            var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(code, path: "Firmware/Snippet.cs", cancellationToken: TestContext.Current.CancellationToken);
            var refs = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")).Split(Path.PathSeparator).Select(p => Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(p));
            var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("snippet", [tree], refs, new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary));
            Assert.Empty(compilation.GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
            var findings = UnsignedTagCheck.Check(compilation, p => p).ToList();
            Assert.Equal(flagged, findings.Any(f => f.Rule == "NF017"));
        }

        [Fact]
        public void Firmware_style_code_passes()
        {
            const string code = """
                using System;
                using System.Diagnostics;
                using System.Threading;

                namespace Qrng.Sample
                {
                    public enum Mode { Off = 0, On = 1 }

                    public sealed class Pump
                    {
                        private readonly byte[] _buffer = new byte[64];
                        private Mode _mode;

                        public int Length { get { return _buffer.Length; } }

                        public void Run(Action done)
                        {
                            Array.Clear(_buffer, 0, _buffer.Length);
                            Array.Copy(_buffer, 0, _buffer, 1, 4);
                            _mode = Mode.On;
                            Debug.WriteLine("length " + _buffer.Length.ToString());
                            Thread.Sleep(1);
                            try { done(); } catch (InvalidOperationException e) { Debug.WriteLine(e.Message); }
                            string s = "abc".Substring(1);
                            if (_buffer is byte[] b && b.Length > 0 && s.Length > 0) { done(); }
                        }
                    }
                }
                """;
            var tree = SubsetChecker.Parse(code, "Firmware/Sample.cs");
            var findings = new SubsetChecker(Api.Value, [tree]).Check(tree, new HashSet<string> { "mscorlib" }).ToList();
            Assert.Empty(findings);
        }

        [Fact]
        public void This_repository_passes()
        {
            Checks.Report report = Checks.Run(RepoPaths.Root, ApiListing, compile: true);
            Assert.True(report.Findings.Count == 0, string.Join("\n", report.Findings));
        }

        [Fact]
        public void Device_project_drift_is_caught()
        {
            string root = CopyDeviceTree();
            File.WriteAllText(Path.Combine(root, "Hash_DRBG", "Forgotten.cs"), "namespace Qrng.Crypto { internal static class Forgotten { } }");
            string nfproj = Path.Combine(root, "Hash_DRBG", "Hash_DRBG.nfproj");
            File.WriteAllText(nfproj, File.ReadAllText(nfproj).Replace(@"nanoFramework.CoreLibrary.1.17.11\lib", @"nanoFramework.CoreLibrary.1.17.9\lib"));
            string config = Path.Combine(root, "Firmware.Tests", "packages.config");
            File.WriteAllText(config, File.ReadAllText(config).Replace("version=\"3.0.80\"", "version=\"4.0.0-preview.1\""));

            var rules = Checks.Run(root, null, compile: false).Findings.Select(f => f.Rule).ToList();
            Assert.Contains("NF105", rules); // file not in the .nfproj
            Assert.Contains("NF109", rules); // HintPath vs packages.config
            Assert.Contains("NF108", rules); // pre-release package
        }

        [Fact]
        public void Compile_against_nanoframework_mscorlib_bites()
        {
            SkipUnlessMscorlib();

            string root = CopyDeviceTree();
            string file = Path.Combine(root, "Hash_DRBG", "HashDrbg.cs");
            string text = File.ReadAllText(file);
            Assert.Contains("Array.Clear(_v, 0, SeedLength);", text);
            File.WriteAllText(file, text.Replace("Array.Clear(_v, 0, SeedLength);", "Array.Clear(_v, 0, SeedLength); _v.AsSpan().Clear();"));

            var report = Checks.Run(root, null, compile: true, shared: RepoPaths.Shared);
            Assert.Contains(report.Findings, f => f.Rule == "NF013" && f.File.EndsWith("HashDrbg.cs"));
        }

        [Fact]
        public void Only_the_esp32_project_may_use_hardware_packages()
        {
            string root = CopyDeviceTree();
            string config = Path.Combine(root, "Firmware", "packages.config");
            File.WriteAllText(config, File.ReadAllText(config).Replace("</packages>", "  <package id=\"nanoFramework.System.Device.Spi\" version=\"1.3.89\" targetFramework=\"netnano1.0\" />\n</packages>"));
            var findings = Checks.Run(root, null, compile: false, shared: RepoPaths.Shared).Findings;
            Assert.Contains(findings, f => f.Rule == "NF113" && f.Message.StartsWith("nanoFramework.System.Device.Spi", StringComparison.Ordinal));
            Assert.DoesNotContain(Checks.Run(RepoPaths.Root, null, compile: false).Findings, f => f.Rule == "NF113");
        }

        [Fact]
        public void The_pipeline_is_compiled_against_mscorlib_alone()
        {
            SkipUnlessMscorlib();
            var clean = Checks.Run(RepoPaths.Root, null, compile: true);
            foreach (string project in new[] { "Hash_DRBG/Hash_DRBG.nfproj", "Drivers/Drivers.nfproj", "Firmware/Firmware.nfproj" })
            {
                Assert.Contains(clean.Notes, n => n.StartsWith(project + ": all ", StringComparison.Ordinal) && n.EndsWith("compiled against mscorlib 1.17.11 only", StringComparison.Ordinal));
            }

            // Math.Sqrt is System.Math, a separate package: mscorlib alone must refuse it
            string root = CopyDeviceTree();
            string file = Path.Combine(root, "Firmware", "Pipeline", "FrameChecks.cs");
            string text = File.ReadAllText(file);
            const string from = "Mean = used == 0 ? 0 : (int)(sum / used);";
            Assert.Contains(from, text);
            File.WriteAllText(file, text.Replace(from, "Mean = used == 0 ? 0 : (int)Math.Sqrt(sum / used);"));
            var report = Checks.Run(root, null, compile: true, shared: RepoPaths.Shared);
            Assert.Contains(report.Findings, f => f.Rule == "NF013" && f.File.EndsWith("FrameChecks.cs", StringComparison.Ordinal));
        }

        [Fact]
        public void Every_device_project_compiles_against_the_real_libraries()
        {
            SkipUnlessThirdPartyAndMscorlib();
            Checks.Report report = Checks.Run(RepoPaths.Root, ApiListing, compile: true);
            Assert.DoesNotContain(report.Findings, f => f.Rule == "NF013");
            Assert.Contains(report.Notes, n => n.StartsWith("Esp32/Esp32.nfproj: all ", StringComparison.Ordinal) && n.Contains("System.Device.Spi") && n.Contains("nanoFramework.Hardware.Esp32"));
            Assert.Contains(report.Notes, n => n.StartsWith("Firmware.Tests/Firmware.Tests.nfproj: all ", StringComparison.Ordinal) && n.Contains("nanoFramework.TestFramework"));
        }

        [Theory]
        [InlineData("settings.Mode = SpiMode.Mode0;", "settings.Mode = 1;")] // int where the property is SpiMode
        [InlineData("return _device.Write(new SpanByte(buffer, 0, count)).Status", "return _device.Write(buffer, count).Status")] // no Write(byte[], int)
        [InlineData("_port.WriteBufferSize = TxBuffer;", "_port.WriteBufferSize = TxBuffer; _port.Flush();")] // SerialPort has no Flush
        public void Compile_against_the_real_libraries_bites(string from, string to)
        {
            SkipUnlessThirdPartyAndMscorlib();
            string root = CopyDeviceTree();
            string file = Path.Combine(root, "Esp32", "Esp32Adapters.cs");
            string text = File.ReadAllText(file);
            Assert.Contains(from, text);
            File.WriteAllText(file, text.Replace(from, to));

            var report = Checks.Run(root, ApiListing, compile: true, shared: RepoPaths.Shared);
            Assert.Contains(report.Findings, f => f.Rule == "NF013" && f.File == "Esp32/Esp32Adapters.cs");
        }

        private static void SkipUnlessMscorlib()
        {
            if (!File.Exists(Qrng.NanoClr.DeviceBuild.MscorlibDll))
            {
                Assert.Skip("nanoFramework.CoreLibrary 1.17.11 not in the NuGet cache (" + Qrng.NanoClr.DeviceBuild.MscorlibDll + "); Host/NanoClr's restore downloads it");
            }
        }

        private static void SkipUnlessThirdPartyAndMscorlib()
        {
            string thirdParty = Path.Combine(RepoPaths.Shared, "third_party");
            if (!Directory.Exists(thirdParty))
            {
                Assert.Skip("the pinned libraries' sources are not at " + thirdParty + " (set QRNG_SHARED): the projects that need them cannot be compiled");
            }

            SkipUnlessMscorlib();
        }

        private static string CopyDeviceTree()
        {
            string root = Directory.CreateTempSubdirectory("nfcheck-").FullName;
            File.Copy(Path.Combine(RepoPaths.Root, "nf.sln"), Path.Combine(root, "nf.sln"));
            foreach (string folder in DeviceProjects.DeviceFolders.Where(f => Directory.Exists(Path.Combine(RepoPaths.Root, f))))
            {
                foreach (string f in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, folder), "*", SearchOption.AllDirectories))
                {
                    string to = Path.Combine(root, Path.GetRelativePath(RepoPaths.Root, f));
                    Directory.CreateDirectory(Path.GetDirectoryName(to));
                    File.Copy(f, to);
                }
            }

            return root;
        }
    }
}
