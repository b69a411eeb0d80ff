// Host implementation of nanoFramework.TestFramework's Assert (the rest of Assert.Equality.cs): same API and
// semantics as the 3.x package, checked against its sources by Host.Tests' TestFrameworkConformanceTests.
using System;
using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using TestFrameworkShared;

namespace nanoFramework.TestFramework
{
    public sealed partial class Assert
    {
        /// <summary>Two arrays are two objects: equal only when they are the same array (contents: CollectionAssert).</summary>
        [Obsolete("Use AreEqual (reference equality) or CollectionAssert.AreEqual (contents).")]
        public static void Equal(Array expected, Array actual, string message = "") => AreEqual(expected, actual, message);

        [Obsolete("Use AreNotEqual (reference equality) or CollectionAssert.AreNotEqual (contents).")]
        public static void NotEqual(Array notExpected, Array actual, string message = "") => AreNotEqual(notExpected, actual, message);

        public static void AreSame(object expected, object actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (!ReferenceEquals(expected, actual))
            {
                Fail("Assert.AreSame", (expected is ValueType || actual is ValueType ? "value types are never the same object. " : "") + Show(message));
            }
        }

        [Obsolete("Use AreSame.")]
        public static void Same(object expected, object actual, string message = "") => AreSame(expected, actual, message);

        public static void AreNotSame(object notExpected, object actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (ReferenceEquals(notExpected, actual))
            {
                Fail("Assert.AreNotSame", Show(message));
            }
        }

        [Obsolete("Use AreNotSame.")]
        public static void NotSame(object notExpected, object actual, string message = "") => AreNotSame(notExpected, actual, message);

        public static void IsTrue(bool condition, [CallerArgumentExpression(nameof(condition))] string message = "")
        {
            if (!condition)
            {
                Fail("Assert.IsTrue", message);
            }
        }

        [Obsolete("Use IsTrue.")]
        public static void True(bool condition, string message = "") => IsTrue(condition, message);

        public static void IsFalse(bool condition, [CallerArgumentExpression(nameof(condition))] string message = "")
        {
            if (condition)
            {
                Fail("Assert.IsFalse", message);
            }
        }

        [Obsolete("Use IsFalse.")]
        public static void False(bool condition, string message = "") => IsFalse(condition, message);

        public static void IsNull(object value, [CallerArgumentExpression(nameof(value))] string message = "")
        {
            if (value is not null)
            {
                Fail("Assert.IsNull", message);
            }
        }

        [Obsolete("Use IsNull.")]
        public static void Null(object value, string message = "") => IsNull(value, message);

        public static void IsNotNull([NotNull] object value, [CallerArgumentExpression(nameof(value))] string message = "")
        {
            if (value is null)
            {
                Fail("Assert.IsNotNull", message);
            }
        }

        [Obsolete("Use IsNotNull.")]
        public static void NotNull(object value, string message = "") => IsNotNull(value, message);

        /// <summary>The exact type (not a base class), as on the device.</summary>
        public static void IsInstanceOfType(object value, Type expected, [CallerArgumentExpression(nameof(value))] string message = "")
        {
            RequireArgument(expected, "Assert.IsInstanceOfType", nameof(expected));
            if (value is null || value.GetType() != expected)
            {
                Fail("Assert.IsInstanceOfType", "Expected type:<" + expected + ">. Actual type:<" + Show(value?.GetType()) + ">. " + Show(message));
            }
        }

        [Obsolete("Use IsInstanceOfType.")]
        public static void IsType(Type expectedType, object value, string message = "") => IsInstanceOfType(value, expectedType, message);

        public static void IsNotInstanceOfType(object value, Type notExpected, [CallerArgumentExpression(nameof(value))] string message = "")
        {
            RequireArgument(notExpected, "Assert.IsNotInstanceOfType", nameof(notExpected));
            if (value is not null && value.GetType() == notExpected)
            {
                Fail("Assert.IsNotInstanceOfType", "Wrong type:<" + notExpected + ">. " + Show(message));
            }
        }

        [Obsolete("Use IsNotInstanceOfType.")]
        public static void IsNotType(Type wrongType, object value, string message = "") => IsNotInstanceOfType(value, wrongType, message);

        public static void Contains(string expected, string value, [CallerArgumentExpression(nameof(value))] string message = "")
        {
            RequireArgument(expected, "Assert.Contains", nameof(expected));
            RequireArgument(value, "Assert.Contains", nameof(value));
            if (value.IndexOf(expected, StringComparison.Ordinal) < 0)
            {
                Fail("Assert.Contains", "'" + value + "' does not contain '" + expected + "'. " + Show(message));
            }
        }

        public static void DoesNotContains(string notExpected, string value, [CallerArgumentExpression(nameof(value))] string message = "")
        {
            RequireArgument(notExpected, "Assert.DoesNotContains", nameof(notExpected));
            RequireArgument(value, "Assert.DoesNotContains", nameof(value));
            if (value.IndexOf(notExpected, StringComparison.Ordinal) >= 0)
            {
                Fail("Assert.DoesNotContains", "'" + value + "' should not contain '" + notExpected + "'. " + Show(message));
            }
        }

        public static void StartsWith(string expected, string value, [CallerArgumentExpression(nameof(value))] string message = "")
        {
            RequireArgument(expected, "Assert.StartsWith", nameof(expected));
            RequireArgument(value, "Assert.StartsWith", nameof(value));
            if (!value.StartsWith(expected, StringComparison.Ordinal))
            {
                Fail("Assert.StartsWith", "'" + value + "' does not start with '" + expected + "'. " + Show(message));
            }
        }

        public static void EndsWith(string expected, string value, [CallerArgumentExpression(nameof(value))] string message = "")
        {
            RequireArgument(expected, "Assert.EndsWith", nameof(expected));
            RequireArgument(value, "Assert.EndsWith", nameof(value));
            if (!value.EndsWith(expected, StringComparison.Ordinal))
            {
                Fail("Assert.EndsWith", "'" + value + "' does not end with '" + expected + "'. " + Show(message));
            }
        }

        /// <summary>A null collection is not asserted on: it throws NullReferenceException, as on the device.</summary>
        [Obsolete("Use CollectionAssert.Empty.")]
        public static void Empty(ICollection collection, string message = "")
        {
            if (collection.Count != 0)
            {
                Fail("Assert.Empty", message);
            }
        }

        [Obsolete("Use CollectionAssert.NotEmpty.")]
        public static void NotEmpty(ICollection collection, string message = "")
        {
            if (collection.Count == 0)
            {
                Fail("Assert.NotEmpty", message);
            }
        }

        /// <summary>Passes only when <paramref name="action"/> throws exactly <paramref name="exception"/> (not a subclass), as on the device.</summary>
        public static void ThrowsException(Type exception, Action action, [CallerArgumentExpression(nameof(action))] string message = "")
        {
            RequireArgument(action, "Assert.ThrowsException", nameof(action));
            RequireArgument(exception, "Assert.ThrowsException", nameof(exception));
            try
            {
                action();
            }
            catch (Exception e)
            {
                if (e.GetType() == exception)
                {
                    return;
                }

                Fail("Assert.ThrowsException", "Threw exception " + e.GetType().Name + ", but exception " + exception.Name + " was expected. " + Show(message) + "\r\nException Message: " + e.Message);
            }

            Fail("Assert.ThrowsException", "No exception thrown. " + exception.Name + " exception was expected. " + Show(message));
        }

        [Obsolete("Use ThrowsException.")]
        public static void Throws(Type exceptionType, Action action, string message = "") => ThrowsException(exceptionType, action, message);

        [DoesNotReturn]
        public static void SkipTest(string message = null) => throw new SkipTestException(message);

        internal static void RequireArgument(object value, string assertion, string parameter)
        {
            if (value is null)
            {
                Fail(assertion, "The parameter '" + parameter + "' is invalid. The value cannot be null.");
            }
        }

        internal static string Show(object o) => o is null ? "(null)" : o.ToString()?.Replace("\0", "\\0") ?? "(object)";

        [DoesNotReturn]
        internal static void Fail(string assertion, string what)
        {
            throw new AssertFailedException(assertion + " failed. " + (string.IsNullOrEmpty(what) ? "" : Show(what)));
        }
    }
}
