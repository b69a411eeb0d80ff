// Host implementation of nanoFramework.TestFramework's Assert (same names, overloads and semantics as the
// 3.x package listed in ../shared/nanoframework/api-1.x.txt) so Firmware.Tests compile unchanged on the desktop.
using System;
using System.Collections;
using TestFrameworkShared;

namespace nanoFramework.TestFramework
{
    /// <summary>Assertions; a failed one throws <see cref="AssertFailedException"/>.</summary>
    public sealed class Assert
    {
        public static void AreEqual(bool expected, bool actual, string message = "") => CheckEqual("Assert.AreEqual", expected, actual, message);
        public static void AreEqual(byte expected, byte actual, string message = "") => CheckEqual("Assert.AreEqual", expected, actual, message);
        public static void AreEqual(char expected, char actual, string message = "") => CheckEqual("Assert.AreEqual", expected, actual, message);
        public static void AreEqual(DateTime expected, DateTime actual, string message = "") => CheckEqual("Assert.AreEqual", expected, actual, message);
        public static void AreEqual(double expected, double actual, string message = "") => CheckEqual("Assert.AreEqual", expected, actual, message);
        public static void AreEqual(float expected, float actual, string message = "") => CheckEqual("Assert.AreEqual", expected, actual, message);
        public static void AreEqual(int expected, int actual, string message = "") => CheckEqual("Assert.AreEqual", expected, actual, message);
        public static void AreEqual(long expected, long actual, string message = "") => CheckEqual("Assert.AreEqual", expected, actual, message);
        public static void AreEqual(object expected, object actual, string message = "") => CheckEqual("Assert.AreEqual", expected, actual, message);
        public static void AreEqual(sbyte expected, sbyte actual, string message = "") => CheckEqual("Assert.AreEqual", expected, actual, message);
        public static void AreEqual(short expected, short actual, string message = "") => CheckEqual("Assert.AreEqual", expected, actual, message);
        public static void AreEqual(string expected, string actual, string message = "") => CheckEqual("Assert.AreEqual", expected, actual, message);
        public static void AreEqual(uint expected, uint actual, string message = "") => CheckEqual("Assert.AreEqual", expected, actual, message);
        public static void AreEqual(ulong expected, ulong actual, string message = "") => CheckEqual("Assert.AreEqual", expected, actual, message);
        public static void AreEqual(ushort expected, ushort actual, string message = "") => CheckEqual("Assert.AreEqual", expected, actual, message);

        public static void AreNotEqual(bool notExpected, bool actual, string message = "") => CheckNotEqual("Assert.AreNotEqual", notExpected, actual, message);
        public static void AreNotEqual(byte notExpected, byte actual, string message = "") => CheckNotEqual("Assert.AreNotEqual", notExpected, actual, message);
        public static void AreNotEqual(char notExpected, char actual, string message = "") => CheckNotEqual("Assert.AreNotEqual", notExpected, actual, message);
        public static void AreNotEqual(DateTime notExpected, DateTime actual, string message = "") => CheckNotEqual("Assert.AreNotEqual", notExpected, actual, message);
        public static void AreNotEqual(double notExpected, double actual, string message = "") => CheckNotEqual("Assert.AreNotEqual", notExpected, actual, message);
        public static void AreNotEqual(float notExpected, float actual, string message = "") => CheckNotEqual("Assert.AreNotEqual", notExpected, actual, message);
        public static void AreNotEqual(int notExpected, int actual, string message = "") => CheckNotEqual("Assert.AreNotEqual", notExpected, actual, message);
        public static void AreNotEqual(long notExpected, long actual, string message = "") => CheckNotEqual("Assert.AreNotEqual", notExpected, actual, message);
        public static void AreNotEqual(object notExpected, object actual, string message = "") => CheckNotEqual("Assert.AreNotEqual", notExpected, actual, message);
        public static void AreNotEqual(sbyte notExpected, sbyte actual, string message = "") => CheckNotEqual("Assert.AreNotEqual", notExpected, actual, message);
        public static void AreNotEqual(short notExpected, short actual, string message = "") => CheckNotEqual("Assert.AreNotEqual", notExpected, actual, message);
        public static void AreNotEqual(string notExpected, string actual, string message = "") => CheckNotEqual("Assert.AreNotEqual", notExpected, actual, message);
        public static void AreNotEqual(uint notExpected, uint actual, string message = "") => CheckNotEqual("Assert.AreNotEqual", notExpected, actual, message);
        public static void AreNotEqual(ulong notExpected, ulong actual, string message = "") => CheckNotEqual("Assert.AreNotEqual", notExpected, actual, message);
        public static void AreNotEqual(ushort notExpected, ushort actual, string message = "") => CheckNotEqual("Assert.AreNotEqual", notExpected, actual, message);

        public static void Equal(bool expected, bool actual, string message = "") => CheckEqual("Assert.Equal", expected, actual, message);
        public static void Equal(byte expected, byte actual, string message = "") => CheckEqual("Assert.Equal", expected, actual, message);
        public static void Equal(char expected, char actual, string message = "") => CheckEqual("Assert.Equal", expected, actual, message);
        public static void Equal(DateTime expected, DateTime actual, string message = "") => CheckEqual("Assert.Equal", expected, actual, message);
        public static void Equal(double expected, double actual, string message = "") => CheckEqual("Assert.Equal", expected, actual, message);
        public static void Equal(float expected, float actual, string message = "") => CheckEqual("Assert.Equal", expected, actual, message);
        public static void Equal(int expected, int actual, string message = "") => CheckEqual("Assert.Equal", expected, actual, message);
        public static void Equal(long expected, long actual, string message = "") => CheckEqual("Assert.Equal", expected, actual, message);
        public static void Equal(sbyte expected, sbyte actual, string message = "") => CheckEqual("Assert.Equal", expected, actual, message);
        public static void Equal(short expected, short actual, string message = "") => CheckEqual("Assert.Equal", expected, actual, message);
        public static void Equal(string expected, string actual, string message = "") => CheckEqual("Assert.Equal", expected, actual, message);
        public static void Equal(uint expected, uint actual, string message = "") => CheckEqual("Assert.Equal", expected, actual, message);
        public static void Equal(ulong expected, ulong actual, string message = "") => CheckEqual("Assert.Equal", expected, actual, message);
        public static void Equal(ushort expected, ushort actual, string message = "") => CheckEqual("Assert.Equal", expected, actual, message);

        public static void NotEqual(bool notExpected, bool actual, string message = "") => CheckNotEqual("Assert.NotEqual", notExpected, actual, message);
        public static void NotEqual(byte notExpected, byte actual, string message = "") => CheckNotEqual("Assert.NotEqual", notExpected, actual, message);
        public static void NotEqual(char notExpected, char actual, string message = "") => CheckNotEqual("Assert.NotEqual", notExpected, actual, message);
        public static void NotEqual(DateTime notExpected, DateTime actual, string message = "") => CheckNotEqual("Assert.NotEqual", notExpected, actual, message);
        public static void NotEqual(double notExpected, double actual, string message = "") => CheckNotEqual("Assert.NotEqual", notExpected, actual, message);
        public static void NotEqual(float notExpected, float actual, string message = "") => CheckNotEqual("Assert.NotEqual", notExpected, actual, message);
        public static void NotEqual(int notExpected, int actual, string message = "") => CheckNotEqual("Assert.NotEqual", notExpected, actual, message);
        public static void NotEqual(long notExpected, long actual, string message = "") => CheckNotEqual("Assert.NotEqual", notExpected, actual, message);
        public static void NotEqual(sbyte notExpected, sbyte actual, string message = "") => CheckNotEqual("Assert.NotEqual", notExpected, actual, message);
        public static void NotEqual(short notExpected, short actual, string message = "") => CheckNotEqual("Assert.NotEqual", notExpected, actual, message);
        public static void NotEqual(string notExpected, string actual, string message = "") => CheckNotEqual("Assert.NotEqual", notExpected, actual, message);
        public static void NotEqual(uint notExpected, uint actual, string message = "") => CheckNotEqual("Assert.NotEqual", notExpected, actual, message);
        public static void NotEqual(ulong notExpected, ulong actual, string message = "") => CheckNotEqual("Assert.NotEqual", notExpected, actual, message);
        public static void NotEqual(ushort notExpected, ushort actual, string message = "") => CheckNotEqual("Assert.NotEqual", notExpected, actual, message);

        public static void Equal(Array expected, Array actual, string message = "")
        {
            if (!TestExtensions.SequenceEqual(expected, actual))
            {
                Fail("Assert.Equal", "Arrays differ: " + Describe(expected) + " vs " + Describe(actual), message);
            }
        }

        public static void NotEqual(Array notExpected, Array actual, string message = "")
        {
            if (TestExtensions.SequenceEqual(notExpected, actual))
            {
                Fail("Assert.NotEqual", "Arrays are equal: " + Describe(actual), message);
            }
        }

        public static void AreSame(object expected, object actual, string message = "")
        {
            if (!ReferenceEquals(expected, actual))
            {
                Fail("Assert.AreSame", "not the same object", message);
            }
        }

        public static void Same(object expected, object actual, string message = "") => AreSame(expected, actual, message);

        public static void AreNotSame(object notExpected, object actual, string message = "")
        {
            if (ReferenceEquals(notExpected, actual))
            {
                Fail("Assert.AreNotSame", "the same object", message);
            }
        }

        public static void NotSame(object notExpected, object actual, string message = "") => AreNotSame(notExpected, actual, message);

        public static void IsTrue(bool condition, string message = "")
        {
            if (!condition)
            {
                Fail("Assert.IsTrue", "condition is false", message);
            }
        }

        public static void True(bool condition, string message = "") => IsTrue(condition, message);

        public static void IsFalse(bool condition, string message = "")
        {
            if (condition)
            {
                Fail("Assert.IsFalse", "condition is true", message);
            }
        }

        public static void False(bool condition, string message = "") => IsFalse(condition, message);

        public static void IsNull(object value, string message = "")
        {
            if (value is not null)
            {
                Fail("Assert.IsNull", "value is " + value, message);
            }
        }

        public static void Null(object value, string message = "") => IsNull(value, message);

        public static void IsNotNull(object value, string message = "")
        {
            if (value is null)
            {
                Fail("Assert.IsNotNull", "value is null", message);
            }
        }

        public static void NotNull(object value, string message = "") => IsNotNull(value, message);

        public static void IsInstanceOfType(object value, Type expected, string message = "")
        {
            if (value is null || value.GetType() != expected)
            {
                Fail("Assert.IsInstanceOfType", "expected type " + expected + ", actual " + (value is null ? "(null)" : value.GetType().ToString()), message);
            }
        }

        public static void IsType(Type expectedType, object value, string message = "") => IsInstanceOfType(value, expectedType, message);

        public static void IsNotInstanceOfType(object value, Type notExpected, string message = "")
        {
            if (value is not null && value.GetType() == notExpected)
            {
                Fail("Assert.IsNotInstanceOfType", "value is of type " + notExpected, message);
            }
        }

        public static void IsNotType(Type wrongType, object value, string message = "") => IsNotInstanceOfType(value, wrongType, message);

        public static void Contains(string expected, string value, string message = "")
        {
            if (expected is null || value is null || value.IndexOf(expected, StringComparison.Ordinal) < 0)
            {
                Fail("Assert.Contains", "'" + value + "' does not contain '" + expected + "'", message);
            }
        }

        public static void DoesNotContains(string notExpected, string value, string message = "")
        {
            if (notExpected is null || value is null || value.IndexOf(notExpected, StringComparison.Ordinal) >= 0)
            {
                Fail("Assert.DoesNotContains", "'" + value + "' contains '" + notExpected + "'", message);
            }
        }

        public static void StartsWith(string expected, string value, string message = "")
        {
            if (expected is null || value is null || !value.StartsWith(expected, StringComparison.Ordinal))
            {
                Fail("Assert.StartsWith", "'" + value + "' does not start with '" + expected + "'", message);
            }
        }

        public static void EndsWith(string expected, string value, string message = "")
        {
            if (expected is null || value is null || !value.EndsWith(expected, StringComparison.Ordinal))
            {
                Fail("Assert.EndsWith", "'" + value + "' does not end with '" + expected + "'", message);
            }
        }

        public static void Empty(ICollection collection, string message = "")
        {
            if (collection is null || collection.Count != 0)
            {
                Fail("Assert.Empty", "collection is not empty", message);
            }
        }

        public static void NotEmpty(ICollection collection, string message = "")
        {
            if (collection is null || collection.Count == 0)
            {
                Fail("Assert.NotEmpty", "collection is empty", message);
            }
        }

        /// <summary>Passes only when <paramref name="action"/> throws exactly <paramref name="exceptionType"/> (as on the device).</summary>
        public static void ThrowsException(Type exception, Action action, string message = "")
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                if (e.GetType() != exception)
                {
                    Fail("Assert.ThrowsException", "threw " + e.GetType() + " (" + e.Message + "), expected " + exception, message);
                }

                return;
            }

            Fail("Assert.ThrowsException", "no exception thrown, expected " + exception, message);
        }

        public static void Throws(Type exceptionType, Action action, string message = "") => ThrowsException(exceptionType, action, message);

        public static void SkipTest(string message = null) => throw new SkipTestException(message);

        private static void CheckEqual(string assertion, object expected, object actual, string message)
        {
            if (!Equals(expected, actual))
            {
                Fail(assertion, "expected <" + Show(expected) + "> actual <" + Show(actual) + ">", message);
            }
        }

        private static void CheckNotEqual(string assertion, object notExpected, object actual, string message)
        {
            if (Equals(notExpected, actual))
            {
                Fail(assertion, "both are <" + Show(actual) + ">", message);
            }
        }

        internal static string Show(object o) => o is null ? "(null)" : o.ToString();

        internal static string Describe(Array a)
        {
            if (a is null)
            {
                return "(null)";
            }

            var parts = new System.Text.StringBuilder("[" + a.Length + "]{");
            int n = Math.Min(a.Length, 16);
            for (int i = 0; i < n; i++)
            {
                parts.Append(i == 0 ? "" : ",").Append(Show(a.GetValue(i)));
            }

            return parts.Append(a.Length > n ? ",...}" : "}").ToString();
        }

        internal static void Fail(string assertion, string what, string message)
        {
            throw new AssertFailedException(assertion + " failed. " + what + (string.IsNullOrEmpty(message) ? "" : ". " + message));
        }
    }
}
