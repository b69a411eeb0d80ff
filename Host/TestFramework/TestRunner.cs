// Host-only: discovers and runs nanoFramework tests the way nanoFramework.UnitTestLauncher does on the device:
// per [TestClass], [Setup] methods once, then every [TestMethod] and every [DataRow], then [Cleanup]; methods
// are invoked without an instance (the launcher passes a null target), so tests must be static.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace nanoFramework.TestFramework.Host
{
    /// <summary>One runnable unit: a setup/cleanup method, a test method, or one data row of a test method.</summary>
    public sealed record TestCase(Type Class, MethodInfo Method, string Kind, int Row, object[] Arguments)
    {
        /// <summary>Stable, readable id: Class.Method, Class.Method[row], Class.Setup:Method.</summary>
        public string Id => Class.FullName + "." + Method.Name + (Kind == "row" ? "[" + Row + "]" : "") + (Kind is "setup" or "cleanup" ? ":" + Kind : "");
    }

    public enum Outcome
    {
        Passed,
        Failed,
        Skipped,
    }

    public sealed record TestResult(Outcome Outcome, string Message, Exception Exception);

    public static class TestRunner
    {
        private static readonly Dictionary<Type, TestResult> SetupResults = new();

        /// <summary>All cases in device order: per class, setup, tests (declaration order), data rows, cleanup.</summary>
        public static IReadOnlyList<TestCase> Discover(Assembly assembly)
        {
            var cases = new List<TestCase>();
            foreach (Type type in assembly.GetTypes().Where(t => t.IsClass && t.GetCustomAttribute<TestClassAttribute>() != null).OrderBy(t => t.FullName, StringComparer.Ordinal))
            {
                MethodInfo[] methods = type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                    .OrderBy(m => m.MetadataToken).ToArray();
                cases.AddRange(methods.Where(m => m.GetCustomAttribute<SetupAttribute>() != null).Select(m => new TestCase(type, m, "setup", 0, null)));
                foreach (MethodInfo m in methods)
                {
                    DataRowAttribute[] rows = m.GetCustomAttributes<DataRowAttribute>().ToArray();
                    if (rows.Length > 0)
                    {
                        cases.AddRange(rows.Select((r, i) => new TestCase(type, m, "row", i, r.MethodParameters)));
                    }
                    else if (m.GetCustomAttribute<TestMethodAttribute>() != null)
                    {
                        cases.Add(new TestCase(type, m, "test", 0, null));
                    }
                }

                cases.AddRange(methods.Where(m => m.GetCustomAttribute<CleanupAttribute>() != null).Select(m => new TestCase(type, m, "cleanup", 0, null)));
            }

            return cases;
        }

        /// <summary>Runs one case; the class's setup runs first if it has not (so a single filtered test still works).</summary>
        public static TestResult Run(TestCase test)
        {
            if (test.Kind == "setup")
            {
                return RunSetup(test.Class);
            }

            TestResult setup = RunSetup(test.Class);
            if (setup.Outcome == Outcome.Skipped)
            {
                return new TestResult(Outcome.Skipped, "class setup skipped: " + setup.Message, null);
            }

            return Invoke(test.Method, test.Arguments);
        }

        private static TestResult RunSetup(Type type)
        {
            lock (SetupResults)
            {
                if (!SetupResults.TryGetValue(type, out TestResult result))
                {
                    result = new TestResult(Outcome.Passed, null, null);
                    foreach (MethodInfo m in type.GetMethods().Where(m => m.GetCustomAttribute<SetupAttribute>() != null))
                    {
                        TestResult r = Invoke(m, null);
                        if (r.Outcome != Outcome.Passed)
                        {
                            result = r;
                            break;
                        }
                    }

                    SetupResults[type] = result;
                }

                return result;
            }
        }

        private static TestResult Invoke(MethodInfo method, object[] arguments)
        {
            if (!method.IsStatic)
            {
                return new TestResult(Outcome.Failed, method.DeclaringType.Name + "." + method.Name + " is not static: nanoFramework's launcher invokes test methods without an instance", null);
            }

            try
            {
                method.Invoke(null, arguments);
                return new TestResult(Outcome.Passed, null, null);
            }
            catch (TargetInvocationException e) when (e.InnerException is SkipTestException skip)
            {
                return new TestResult(Outcome.Skipped, skip.Message ?? "skipped", skip);
            }
            catch (TargetInvocationException e)
            {
                return new TestResult(Outcome.Failed, e.InnerException.GetType().Name + ": " + e.InnerException.Message, e.InnerException);
            }
            catch (ArgumentException e)
            {
                return new TestResult(Outcome.Failed, "data row does not match the method's parameters: " + e.Message, e);
            }
        }
    }
}
