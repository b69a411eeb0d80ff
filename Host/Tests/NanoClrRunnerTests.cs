// The Linux nanoCLR harness exits 0 whatever happens; these show that the runner turns each way a device program can
// go wrong into a problem, and that the build chain reproduces nanoFramework's own mscorlib.pe.
using System;
using System.IO;
using System.Linq;
using Qrng.NanoClr;
using Xunit;

namespace Qrng.Host.Tests
{
    public class NanoClrRunnerTests
    {
        private static (Paths Paths, NanoClrBinary Clr, DeviceBuild Build) Ready()
        {
            Paths paths = Paths.Find(AppContext.BaseDirectory);
            string missing = paths.Missing ?? NativeBuild.MissingTools();
            if (missing != null)
            {
                Assert.True(Environment.GetEnvironmentVariable("QRNG_REQUIRE_NANOCLR") != "1", missing);
                Assert.Skip(missing);
            }

            return (paths, NativeBuild.Ensure(paths, NativeBuild.DefaultFlavor), new DeviceBuild(paths));
        }

        private static NanoClrRun RunProgram(string name, string body, TimeSpan? timeout = null)
        {
            var (paths, clr, build) = Ready();
            DeviceAssembly program = DeviceProgram.Build(paths, build, name, DeviceProgram.WithMain("", body));
            return Runner.Run(clr, program.LoadOrder(DeviceBuild.MscorlibPe), timeout ?? TimeSpan.FromMinutes(1));
        }

        [Fact]
        public void A_program_that_ends_normally_is_ok()
        {
            NanoClrRun run = RunProgram("RunnerOk", "            Console.WriteLine(\"hello \" + (6 * 7));");
            Assert.Null(Runner.MarkedProblem(run));
            Assert.Contains("hello 42", run.ProgramOutput);
        }

        [Fact]
        public void An_exception_the_program_does_not_catch_is_a_problem()
        {
            // WithMain catches and reports; an exception thrown past Main is what nanoCLR says nothing about
            var (paths, clr, build) = Ready();
            DeviceAssembly program = DeviceProgram.Build(paths, build, "RunnerUnhandled",
                "using System;\npublic static class Program { public static void Main() { Console.WriteLine(\"before\"); throw new InvalidOperationException(\"boom\"); } }\n");
            NanoClrRun run = Runner.Run(clr, program.LoadOrder(DeviceBuild.MscorlibPe), TimeSpan.FromMinutes(1));
            Assert.Null(run.Problem);                       // the interpreter itself ran to "Done." and exited 0 ...
            Assert.Contains("without its result line", Runner.MarkedProblem(run));   // ... but the program did not end
        }

        [Fact]
        public void A_reported_failure_is_a_problem()
        {
            NanoClrRun run = RunProgram("RunnerFails", "            throw new ArgumentException(\"bad\");");
            Assert.Contains("failed: System.ArgumentException: bad", Runner.MarkedProblem(run));
        }

        [Fact]
        public void A_hang_is_killed_at_the_timeout_and_is_a_problem()
        {
            NanoClrRun run = RunProgram("RunnerHangs", "            int x = 0;\n            while (x >= 0) { x = (x + 1) & 0xFFFF; }", TimeSpan.FromSeconds(5));
            Assert.True(run.Process.TimedOut);
            Assert.Contains("did not finish", run.Problem);
        }

        [Fact]
        public void A_crash_of_the_interpreter_is_a_problem()
        {
            // int.MinValue % -1 traps an x86 host CPU (SIGFPE) inside nanoCLR's remainder; an ESP32 does not trap
            NanoClrRun run = RunProgram("RunnerCrashes", "            int a = int.MinValue; int b = -1; for (int i = 0; i < 2; i++) { b = b * 1; }\n            Console.WriteLine((a % b).ToString());");
            Assert.Equal(8, run.Process.Signal);
            Assert.Contains("crashed (signal 8, SIGFPE)", run.Problem);
        }

        [Fact]
        public void The_metadata_processor_reproduces_nanoframeworks_mscorlib_pe_byte_for_byte()
        {
            var (paths, _, _) = Ready();
            MetadataProcessor mdp = MetadataProcessor.Ensure(paths);
            string dir = Directory.CreateTempSubdirectory("qrng-mscorlib-").FullName;
            string dll = Path.Combine(dir, "mscorlib.dll"), pe = Path.Combine(dir, "mscorlib.pe");
            File.Copy(DeviceBuild.MscorlibDll, dll);
            mdp.Compile(dll, pe, new System.Collections.Generic.Dictionary<string, string>(), isCoreLibrary: true);
            Assert.True(File.ReadAllBytes(pe).SequenceEqual(File.ReadAllBytes(DeviceBuild.MscorlibPe)), "our mscorlib.pe differs from nanoFramework.CoreLibrary 1.17.11's");
        }

        [Fact]
        public void The_skeleton_generator_reproduces_the_method_table_and_checksum_of_nanoclrs_corlib_native()
        {
            // -generateskeleton on mscorlib 1.17.11: its method table (803 slots, NULL for managed methods) and checksum
            // must be those nf-interpreter compiles (src/CLR/CorLib/corlib_native.cpp), or an interop table generated here
            // would not bind on a real nanoCLR either
            var (paths, _, _) = Ready();
            MetadataProcessor mdp = MetadataProcessor.Ensure(paths);
            string dir = Directory.CreateTempSubdirectory("qrng-corlib-skeleton-").FullName;
            string dll = Path.Combine(dir, "mscorlib.dll"), pe = Path.Combine(dir, "mscorlib.pe"), skeleton = Path.Combine(dir, "skeleton");
            File.Copy(DeviceBuild.MscorlibDll, dll);
            mdp.Compile(dll, pe, new System.Collections.Generic.Dictionary<string, string>(), isCoreLibrary: true, skeleton: skeleton);

            string generated = File.ReadAllText(Path.Combine(skeleton, "mscorlib.cpp"));
            string upstream = File.ReadAllText(Path.Combine(paths.NfInterpreter, "src", "CLR", "CorLib", "corlib_native.cpp"));
            var ours = MethodTable(generated);
            var theirs = MethodTable(upstream);
            Assert.Equal(803, theirs.Count);
            Assert.Equal(theirs, ours);
            string checksum = System.Text.RegularExpressions.Regex.Match(generated, @"0x[0-9A-F]{8}").Value;
            Assert.Contains("    " + checksum + ",", upstream);

            // the templates' {{#if}} / {{#else}} branches: a core library gets the WARNING banner and corlib_native.h,
            // an interop assembly (the committed Qrng.Sha256.Native skeleton) the DO NOT EDIT banner, never both
            string header = File.ReadAllText(Path.Combine(skeleton, "mscorlib.h"));
            Assert.Contains("** WARNING! **", header);
            Assert.Contains("#include <corlib_native.h>", header);
            Assert.DoesNotContain("DO NOT EDIT", header);
            string interop = File.ReadAllText(Path.Combine(paths.Repo, "Sha256Native", "native", "generated", "Qrng_Sha256_Native.h"));
            Assert.Contains("** DO NOT EDIT THIS FILE! **", interop);
            Assert.DoesNotContain("WARNING", interop);
            string module = File.ReadAllText(Path.Combine(paths.Repo, "Sha256Native", "native", "generated", "FindINTEROP-Qrng.Sha256.Native.cmake"));
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(module, "set\\(BASE_PATH_FOR_THIS_MODULE"));
        }

        // The entries of the first method_lookup table, without the Library_<assembly>_ prefix (nf-interpreter names the
        // struct after corlib_native, the generator after the assembly).
        private static System.Collections.Generic.List<string> MethodTable(string source)
        {
            string body = System.Text.RegularExpressions.Regex.Match(source, @"method_lookup\[\]\s*=\s*\{(.*?)\};", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;
            return System.Text.RegularExpressions.Regex.Matches(body, @"^\s*([A-Za-z_][\w:]*)\s*,", System.Text.RegularExpressions.RegexOptions.Multiline)
                .Select(m => System.Text.RegularExpressions.Regex.Replace(m.Groups[1].Value, "^Library_(corlib_native|mscorlib)_", ""))
                .ToList();
        }
    }
}
