using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Assert = Xunit.Assert;
using HostAssert = nanoFramework.TestFramework.Assert;

namespace Qrng.Host.Tests
{
    /// <summary>
    /// The twin's TestFramework (Host/TestFramework) against the real nanoFramework.TestFramework: the real sources
    /// (../shared/third_party, unmodified) are compiled for .NET here, and every public assertion of both is called with
    /// the same arguments; any difference in outcome (pass, assertion failure, other exception, result) fails. This is
    /// what keeps the twin from passing a device test the board fails (Assert.Equal on two arrays compares references).
    /// </summary>
    public class TestFrameworkConformanceTests
    {
        private static readonly Lazy<(Assembly Assembly, string Error)> Real = new(CompileReal);
        private static readonly string[] Classes = ["Assert", "CollectionAssert", "TestExtensions", "OutputHelper"];

        private static string Source => Path.Combine(RepoPaths.Shared, "third_party", "nanoFramework.TestFramework", "source");

        private static Assembly RealOrSkip()
        {
            if (!Directory.Exists(Source))
            {
                Assert.Skip("the real TestFramework's sources are not at " + Source + " (set QRNG_SHARED to the shared folder)");
            }

            Assert.True(Real.Value.Error == null, Real.Value.Error);
            return Real.Value.Assembly;
        }

        private static (Assembly, string) CompileReal()
        {
            var files = Directory.GetFiles(Path.Combine(Source, "TestFramework"), "*.cs")
                .Concat(Directory.GetFiles(Path.Combine(Source, "TestFrameworkShared"), "*.cs"));
            var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), new CSharpParseOptions(LanguageVersion.Latest), f));
            var refs = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")).Split(Path.PathSeparator).Select(p => MetadataReference.CreateFromFile(p));
            var compilation = CSharpCompilation.Create("RealTestFramework", trees, refs, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
            using var image = new MemoryStream();
            var result = compilation.Emit(image);
            if (!result.Success)
            {
                return (null, "the real TestFramework does not compile for .NET: " + string.Join("; ", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5)));
            }

            image.Position = 0;
            return (new AssemblyLoadContext("real-testframework", isCollectible: false).LoadFromStream(image), null);
        }

        private static IEnumerable<MethodInfo> PublicStatics(Type t) => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly).Where(m => !m.IsSpecialName);

        private static string Signature(MethodInfo m) => m.Name + "(" + string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name)) + ")";

        private static Type HostType(string name) => typeof(HostAssert).Assembly.GetType("nanoFramework.TestFramework." + name);

        [Fact]
        public void The_twin_has_exactly_the_real_public_api()
        {
            Assembly real = RealOrSkip();
            var problems = new List<string>();
            foreach (string name in Classes)
            {
                var realApi = PublicStatics(real.GetType("nanoFramework.TestFramework." + name)).Select(Signature).ToHashSet();
                // OutputHelper.Sink is the host's hook for test output (the bridge sets it)
                var hostApi = PublicStatics(HostType(name)).Select(Signature).Where(s => !s.StartsWith("get_Sink") && !s.StartsWith("set_Sink")).ToHashSet();
                problems.AddRange(realApi.Except(hostApi).Select(s => $"{name}.{s}: missing on the host"));
                problems.AddRange(hostApi.Except(realApi).Select(s => $"{name}.{s}: not in the real framework"));
            }

            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        [Fact]
        public void Every_assertion_has_the_real_outcome_for_every_sample_argument()
        {
            Assembly real = RealOrSkip();
            var mismatches = new List<string>();
            int calls = 0;
            foreach (string name in new[] { "Assert", "CollectionAssert", "TestExtensions" })
            {
                Type hostType = HostType(name);
                foreach (MethodInfo realMethod in PublicStatics(real.GetType("nanoFramework.TestFramework." + name)))
                {
                    Type[] types = realMethod.GetParameters().Select(p => p.ParameterType).ToArray();
                    MethodInfo hostMethod = hostType.GetMethod(realMethod.Name, BindingFlags.Public | BindingFlags.Static, types);
                    if (hostMethod == null)
                    {
                        continue;       // reported by the API test
                    }

                    foreach (object[] args in Arguments(types))
                    {
                        calls++;
                        string expected = Outcome(realMethod, args), actual = Outcome(hostMethod, args);
                        if (expected != actual)
                        {
                            mismatches.Add($"{name}.{Signature(realMethod)} with ({string.Join(", ", args.Select(Show))}): real {expected}, host {actual}");
                        }
                    }
                }
            }

            Assert.True(calls > 2000, "only " + calls + " calls compared");
            Assert.True(mismatches.Count == 0, mismatches.Count + " differences:\n" + string.Join("\n", mismatches.Take(40)));
        }

        [Fact]
        public void Assert_Equal_on_two_arrays_with_the_same_contents_fails_as_on_the_device()
        {
            // the defect this class exists for: HashDrbgTests passed here and failed on nanoCLR
            byte[] a = [1, 2, 3], b = [1, 2, 3];
#pragma warning disable CS0618 // the obsolete name is what the device tests used
            Assert.Throws<TestFrameworkShared.AssertFailedException>(() => HostAssert.Equal(a, b));
#pragma warning restore CS0618
            nanoFramework.TestFramework.CollectionAssert.AreEqual(a, b);
        }

        private static string Outcome(MethodInfo method, object[] args)
        {
            try
            {
                object r = method.Invoke(null, args);
                return method.ReturnType == typeof(void) ? "passes" : "returns " + Show(r);
            }
            catch (TargetInvocationException e)
            {
                return e.InnerException?.GetType().Name == "AssertFailedException" ? "fails the assertion" : "throws " + e.InnerException?.GetType().Name;
            }
        }

        private static string Show(object o) => o switch
        {
            null => "null",
            string s => "\"" + s + "\"",
            Array a => a.GetType().GetElementType().Name + "[" + string.Join(",", a.Cast<object>().Select(x => x ?? "null")) + "]#" + (RuntimeHelpers.GetHashCode(a) % 1000),
            Delegate d => "action:" + d.Method.Name,
            _ => o + ":" + o.GetType().Name,
        };

        /// <summary>Every combination of sample values for the parameter types (messages: one sample).</summary>
        private static IEnumerable<object[]> Arguments(Type[] types)
        {
            IEnumerable<object[]> combos = [[]];
            foreach (Type t in types)
            {
                object[] pool = Samples(t);
                combos = combos.SelectMany(c => pool.Select(v => c.Append(v).ToArray())).ToList();
            }

            return combos;
        }

        private static readonly byte[] Bytes12 = [1, 2];
        private static readonly byte[] Bytes12Copy = [1, 2];
        private static readonly object[] Mixed = [1, "x", null];

        private static object[] Samples(Type t)
        {
            if (t == typeof(string))
            {
                return [null, "", "a", "ab", "b", "A"];
            }

            if (t == typeof(bool)) return [true, false];
            if (t == typeof(byte)) return [(byte)0, (byte)1, (byte)255];
            if (t == typeof(sbyte)) return [(sbyte)-1, (sbyte)0];
            if (t == typeof(char)) return ['a', 'b'];
            if (t == typeof(short)) return [(short)0, (short)-2];
            if (t == typeof(ushort)) return [(ushort)0, (ushort)7];
            if (t == typeof(int)) return [0, 1, -1];
            if (t == typeof(uint)) return [0u, 9u];
            if (t == typeof(long)) return [0L, long.MinValue];
            if (t == typeof(ulong)) return [0UL, ulong.MaxValue];
            if (t == typeof(float)) return [0f, 1.5f, float.NaN];
            if (t == typeof(double)) return [0d, -0d, 1.5, double.NaN];
            if (t == typeof(DateTime)) return [new DateTime(2026, 1, 1), new DateTime(2026, 1, 2)];
            if (t == typeof(Type)) return [null, typeof(string), typeof(object), typeof(ArgumentException), typeof(int)];
            if (t == typeof(Action))
            {
                return [null, new Action(Nothing), new Action(ThrowArgument), new Action(ThrowArgumentNull)];
            }

            if (t == typeof(Array) || t == typeof(ICollection))
            {
                return [null, Bytes12, Bytes12Copy, new byte[] { 1, 3 }, new byte[0], new int[] { 1, 2 }, new double[] { double.NaN }, Mixed, new string[] { "s" }];
            }

            if (t == typeof(object))
            {
                return [null, 1, 1L, (byte)1, "a", Bytes12, Bytes12Copy, double.NaN];
            }

            throw new InvalidOperationException("no samples for " + t);
        }

        private static void Nothing()
        {
        }

        private static void ThrowArgument() => throw new ArgumentException("sample");

        private static void ThrowArgumentNull() => throw new ArgumentNullException("sample");
    }
}
