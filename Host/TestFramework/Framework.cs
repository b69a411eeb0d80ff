// Host implementation of the rest of nanoFramework.TestFramework 3.x's public API (attributes, CollectionAssert,
// TestExtensions, Helper, OutputHelper, exceptions): same names and semantics as the device package, checked
// against its sources by Host.Tests' TestFrameworkConformanceTests.
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
        public DataRowAttribute(params object[] methodParameters)
        {
            if (methodParameters == null)
            {
                throw new ArgumentNullException(nameof(methodParameters) + " can not be null");
            }

            if (methodParameters.Length == 0)
            {
                throw new ArgumentException(nameof(methodParameters) + " can not be empty");
            }

            MethodParameters = methodParameters;
        }

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

    /// <summary>Element-wise comparison (object.Equals per element, same count), the way to compare array contents.</summary>
    public sealed class CollectionAssert
    {
        public static void Empty(ICollection collection, string message = "")
        {
            Assert.RequireArgument(collection, "CollectionAssert.Empty", nameof(collection));
            if (collection.Count != 0)
            {
                Assert.Fail("CollectionAssert.Empty", message);
            }
        }

        public static void NotEmpty(ICollection collection, string message = "")
        {
            Assert.RequireArgument(collection, "CollectionAssert.NotEmpty", nameof(collection));
            if (collection.Count == 0)
            {
                Assert.Fail("CollectionAssert.NotEmpty", message);
            }
        }

        public static void AreEqual(ICollection expected, ICollection actual, string message = "")
        {
            if (!Same(expected, actual, out string reason))
            {
                Assert.Fail("CollectionAssert.AreEqual", message + "(" + reason + ")");
            }
        }

        public static void AreNotEqual(ICollection notExpected, ICollection actual, string message = "")
        {
            if (Same(notExpected, actual, out string reason))
            {
                Assert.Fail("CollectionAssert.AreNotEqual", message + "(" + reason + ")");
            }
        }

        /// <summary>Same reference, or both non-null with equal counts and pairwise object.Equals elements; null vs anything else is unequal.</summary>
        private static bool Same(ICollection a, ICollection b, out string reason)
        {
            reason = "";
            if (ReferenceEquals(a, b))
            {
                reason = "Both collection references point to the same collection object.";
                return true;
            }

            if (a is null || b is null)
            {
                return false;
            }

            if (a.Count != b.Count)
            {
                reason = "Different number of elements.";
                return false;
            }

            IEnumerator x = a.GetEnumerator(), y = b.GetEnumerator();
            for (int i = 0; x.MoveNext() && y.MoveNext(); i++)
            {
                if (!Equals(x.Current, y.Current))
                {
                    reason = "Element at index " + i + " do not match. Expected:<" + x.Current + ">. Actual:<" + y.Current + ">.";
                    return false;
                }
            }

            reason = "Both collection contain same elements.";
            return true;
        }
    }

    public static class TestExtensions
    {
        /// <summary>
        /// Element-wise equality of two arrays, as the device package defines it: false when either is null (even
        /// both), false when an element pair differs in type, numeric types by value, other elements by reference.
        /// </summary>
        public static bool SequenceEqual(this Array a, Array b)
        {
            if (a is null || b is null || a.Length != b.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Length; i++)
            {
                object x = a.GetValue(i), y = b.GetValue(i);
                // an element that is null makes the device's x.GetType() throw: so does this
                if (x.GetType() != y.GetType())
                {
                    return false;
                }

                bool same = x switch
                {
                    double dx => dx == (double)y,
                    float fx => fx == (float)y,
                    int or uint or byte or sbyte or short or ushort or long or ulong or char or bool => x.Equals(y),
                    _ => ReferenceEquals(x, y),
                };
                if (!same)
                {
                    return false;
                }
            }

            return true;
        }
    }

    public static class Helper
    {
        /// <summary>A method with both [TestMethod] and [DataRow]s runs as its data rows only.</summary>
        public static object[] RemoveTestMethodIfDataRowExists(object[] attribs)
        {
            bool hasDataRow = Array.Exists(attribs, a => a is DataRowAttribute);
            bool hasTestMethod = Array.Exists(attribs, a => a is TestMethodAttribute);
            return hasDataRow && hasTestMethod ? Array.FindAll(attribs, a => a is not TestMethodAttribute) : attribs;
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
