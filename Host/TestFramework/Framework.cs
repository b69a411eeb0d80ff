// Host implementation of the rest of nanoFramework.TestFramework 3.x's public API (attributes, CollectionAssert,
// OutputHelper, exceptions), same names and semantics as the device package.
using System;
using System.Collections;

namespace nanoFramework.TestFramework
{
    [AttributeUsage(AttributeTargets.Class)]
    public class TestClassAttribute : Attribute
    {
        public virtual TestMethodAttribute GetTestMethodAttribute(TestMethodAttribute testMethodAttribute) => testMethodAttribute;
    }

    [AttributeUsage(AttributeTargets.Method)]
    public class TestMethodAttribute : Attribute
    {
    }

    /// <summary>Runs once before the class's tests; a skip here skips the whole class (as on the device).</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public class SetupAttribute : Attribute
    {
    }

    /// <summary>Runs once after the class's tests.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public class CleanupAttribute : Attribute
    {
    }

    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
    public class DataRowAttribute : Attribute
    {
        public DataRowAttribute(params object[] methodParameters) => MethodParameters = methodParameters;

        public object[] MethodParameters { get; }
    }

    public class SkipTestException : Exception
    {
        public SkipTestException(string message = null, Exception innerException = null)
            : base(message, innerException)
        {
        }
    }

    public static class OutputHelper
    {
        /// <summary>Where test output goes on the host; the bridge points it at the test's output.</summary>
        public static Action<string> Sink { get; set; } = Console.Write;

        public static void Write(string message) => Sink(message);

        public static void WriteLine(string message) => Sink(message + Environment.NewLine);
    }

    public class CollectionAssert
    {
        public static void AreEqual(ICollection expected, ICollection actual, string message = "")
        {
            if (!SameElements(expected, actual))
            {
                Assert.Fail("CollectionAssert.AreEqual", "collections differ", message);
            }
        }

        public static void AreNotEqual(ICollection notExpected, ICollection actual, string message = "")
        {
            if (SameElements(notExpected, actual))
            {
                Assert.Fail("CollectionAssert.AreNotEqual", "collections are equal", message);
            }
        }

        public static void Empty(ICollection collection, string message = "") => Assert.Empty(collection, message);

        public static void NotEmpty(ICollection collection, string message = "") => Assert.NotEmpty(collection, message);

        private static bool SameElements(ICollection a, ICollection b)
        {
            if (ReferenceEquals(a, b))
            {
                return true;
            }

            if (a is null || b is null || a.Count != b.Count)
            {
                return false;
            }

            IEnumerator x = a.GetEnumerator(), y = b.GetEnumerator();
            while (x.MoveNext() && y.MoveNext())
            {
                if (!Equals(x.Current, y.Current))
                {
                    return false;
                }
            }

            return true;
        }
    }

    public class TestExtensions
    {
        public static bool SequenceEqual(Array a, Array b)
        {
            if (ReferenceEquals(a, b))
            {
                return true;
            }

            if (a is null || b is null || a.Length != b.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Length; i++)
            {
                if (!Equals(a.GetValue(i), b.GetValue(i)))
                {
                    return false;
                }
            }

            return true;
        }
    }

    public class Helper
    {
        public static object[] RemoveTestMethodIfDataRowExists(object[] attribs)
        {
            bool hasDataRow = Array.Exists(attribs, a => a is DataRowAttribute);
            return hasDataRow ? Array.FindAll(attribs, a => a is not TestMethodAttribute) : attribs;
        }
    }
}

namespace TestFrameworkShared
{
    public class AssertFailedException : Exception
    {
        public AssertFailedException()
        {
        }

        public AssertFailedException(string msg)
            : base(msg)
        {
        }

        public AssertFailedException(string msg, Exception ex)
            : base(msg, ex)
        {
        }
    }
}
