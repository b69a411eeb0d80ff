// Host implementation of nanoFramework.TestFramework's Assert: the 3.x package's public API (names, overloads,
// optional message with CallerArgumentExpression) and its semantics, as the device runs them. Value overloads box
// and compare with object.Equals; string overloads compare ordinally (nanoFramework's string.Compare is
// ordinal); arrays are objects, so Assert.AreEqual/Equal on two arrays compares references, as on the device:
// compare contents with CollectionAssert. Host.Tests' TestFrameworkConformanceTests run every method against the
// real framework's sources (../shared/third_party) and fail on any difference in outcome.
using System;
using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using TestFrameworkShared;

namespace nanoFramework.TestFramework
{
    /// <summary>Assertions; a failed one throws <see cref="AssertFailedException"/>.</summary>
    public sealed partial class Assert
    {
        public static void AreEqual(bool expected, bool actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (!(Equals(expected, actual)))
            {
                FailEqual(expected, actual, message);
            }
        }

        public static void AreEqual(byte expected, byte actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (!(Equals(expected, actual)))
            {
                FailEqual(expected, actual, message);
            }
        }

        public static void AreEqual(char expected, char actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (!(Equals(expected, actual)))
            {
                FailEqual(expected, actual, message);
            }
        }

        public static void AreEqual(DateTime expected, DateTime actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (!(Equals(expected, actual)))
            {
                FailEqual(expected, actual, message);
            }
        }

        public static void AreEqual(double expected, double actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (!(Equals(expected, actual)))
            {
                FailEqual(expected, actual, message);
            }
        }

        public static void AreEqual(float expected, float actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (!(Equals(expected, actual)))
            {
                FailEqual(expected, actual, message);
            }
        }

        public static void AreEqual(int expected, int actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (!(Equals(expected, actual)))
            {
                FailEqual(expected, actual, message);
            }
        }

        public static void AreEqual(long expected, long actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (!(Equals(expected, actual)))
            {
                FailEqual(expected, actual, message);
            }
        }

        public static void AreEqual(object expected, object actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (!(Equals(expected, actual)))
            {
                FailEqual(expected, actual, message);
            }
        }

        public static void AreEqual(sbyte expected, sbyte actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (!(Equals(expected, actual)))
            {
                FailEqual(expected, actual, message);
            }
        }

        public static void AreEqual(short expected, short actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (!(Equals(expected, actual)))
            {
                FailEqual(expected, actual, message);
            }
        }

        public static void AreEqual(string expected, string actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (!(string.CompareOrdinal(expected, actual) == 0))
            {
                FailEqual(expected, actual, message);
            }
        }

        public static void AreEqual(uint expected, uint actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (!(Equals(expected, actual)))
            {
                FailEqual(expected, actual, message);
            }
        }

        public static void AreEqual(ulong expected, ulong actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (!(Equals(expected, actual)))
            {
                FailEqual(expected, actual, message);
            }
        }

        public static void AreEqual(ushort expected, ushort actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (!(Equals(expected, actual)))
            {
                FailEqual(expected, actual, message);
            }
        }

        public static void AreNotEqual(bool notExpected, bool actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (Equals(notExpected, actual))
            {
                FailNotEqual(notExpected, actual, message);
            }
        }

        public static void AreNotEqual(byte notExpected, byte actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (Equals(notExpected, actual))
            {
                FailNotEqual(notExpected, actual, message);
            }
        }

        public static void AreNotEqual(char notExpected, char actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (Equals(notExpected, actual))
            {
                FailNotEqual(notExpected, actual, message);
            }
        }

        public static void AreNotEqual(DateTime notExpected, DateTime actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (Equals(notExpected, actual))
            {
                FailNotEqual(notExpected, actual, message);
            }
        }

        public static void AreNotEqual(double notExpected, double actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (Equals(notExpected, actual))
            {
                FailNotEqual(notExpected, actual, message);
            }
        }

        public static void AreNotEqual(float notExpected, float actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (Equals(notExpected, actual))
            {
                FailNotEqual(notExpected, actual, message);
            }
        }

        public static void AreNotEqual(int notExpected, int actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (Equals(notExpected, actual))
            {
                FailNotEqual(notExpected, actual, message);
            }
        }

        public static void AreNotEqual(long notExpected, long actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (Equals(notExpected, actual))
            {
                FailNotEqual(notExpected, actual, message);
            }
        }

        public static void AreNotEqual(object notExpected, object actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (Equals(notExpected, actual))
            {
                FailNotEqual(notExpected, actual, message);
            }
        }

        public static void AreNotEqual(sbyte notExpected, sbyte actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (Equals(notExpected, actual))
            {
                FailNotEqual(notExpected, actual, message);
            }
        }

        public static void AreNotEqual(short notExpected, short actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (Equals(notExpected, actual))
            {
                FailNotEqual(notExpected, actual, message);
            }
        }

        public static void AreNotEqual(string notExpected, string actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (string.CompareOrdinal(notExpected, actual) == 0)
            {
                FailNotEqual(notExpected, actual, message);
            }
        }

        public static void AreNotEqual(uint notExpected, uint actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (Equals(notExpected, actual))
            {
                FailNotEqual(notExpected, actual, message);
            }
        }

        public static void AreNotEqual(ulong notExpected, ulong actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (Equals(notExpected, actual))
            {
                FailNotEqual(notExpected, actual, message);
            }
        }

        public static void AreNotEqual(ushort notExpected, ushort actual, [CallerArgumentExpression(nameof(actual))] string message = "")
        {
            if (Equals(notExpected, actual))
            {
                FailNotEqual(notExpected, actual, message);
            }
        }

        [Obsolete("Use AreEqual.")]
        public static void Equal(bool expected, bool actual, string message = "") => AreEqual(expected, actual, message);

        [Obsolete("Use AreEqual.")]
        public static void Equal(byte expected, byte actual, string message = "") => AreEqual(expected, actual, message);

        [Obsolete("Use AreEqual.")]
        public static void Equal(char expected, char actual, string message = "") => AreEqual(expected, actual, message);

        [Obsolete("Use AreEqual.")]
        public static void Equal(DateTime expected, DateTime actual, string message = "") => AreEqual(expected, actual, message);

        [Obsolete("Use AreEqual.")]
        public static void Equal(double expected, double actual, string message = "") => AreEqual(expected, actual, message);

        [Obsolete("Use AreEqual.")]
        public static void Equal(float expected, float actual, string message = "") => AreEqual(expected, actual, message);

        [Obsolete("Use AreEqual.")]
        public static void Equal(int expected, int actual, string message = "") => AreEqual(expected, actual, message);

        [Obsolete("Use AreEqual.")]
        public static void Equal(long expected, long actual, string message = "") => AreEqual(expected, actual, message);

        [Obsolete("Use AreEqual.")]
        public static void Equal(sbyte expected, sbyte actual, string message = "") => AreEqual(expected, actual, message);

        [Obsolete("Use AreEqual.")]
        public static void Equal(short expected, short actual, string message = "") => AreEqual(expected, actual, message);

        [Obsolete("Use AreEqual.")]
        public static void Equal(string expected, string actual, string message = "") => AreEqual(expected, actual, message);

        [Obsolete("Use AreEqual.")]
        public static void Equal(uint expected, uint actual, string message = "") => AreEqual(expected, actual, message);

        [Obsolete("Use AreEqual.")]
        public static void Equal(ulong expected, ulong actual, string message = "") => AreEqual(expected, actual, message);

        [Obsolete("Use AreEqual.")]
        public static void Equal(ushort expected, ushort actual, string message = "") => AreEqual(expected, actual, message);

        [Obsolete("Use AreNotEqual.")]
        public static void NotEqual(bool notExpected, bool actual, string message = "") => AreNotEqual(notExpected, actual, message);

        [Obsolete("Use AreNotEqual.")]
        public static void NotEqual(byte notExpected, byte actual, string message = "") => AreNotEqual(notExpected, actual, message);

        [Obsolete("Use AreNotEqual.")]
        public static void NotEqual(char notExpected, char actual, string message = "") => AreNotEqual(notExpected, actual, message);

        [Obsolete("Use AreNotEqual.")]
        public static void NotEqual(DateTime notExpected, DateTime actual, string message = "") => AreNotEqual(notExpected, actual, message);

        [Obsolete("Use AreNotEqual.")]
        public static void NotEqual(double notExpected, double actual, string message = "") => AreNotEqual(notExpected, actual, message);

        [Obsolete("Use AreNotEqual.")]
        public static void NotEqual(float notExpected, float actual, string message = "") => AreNotEqual(notExpected, actual, message);

        [Obsolete("Use AreNotEqual.")]
        public static void NotEqual(int notExpected, int actual, string message = "") => AreNotEqual(notExpected, actual, message);

        [Obsolete("Use AreNotEqual.")]
        public static void NotEqual(long notExpected, long actual, string message = "") => AreNotEqual(notExpected, actual, message);

        [Obsolete("Use AreNotEqual.")]
        public static void NotEqual(sbyte notExpected, sbyte actual, string message = "") => AreNotEqual(notExpected, actual, message);

        [Obsolete("Use AreNotEqual.")]
        public static void NotEqual(short notExpected, short actual, string message = "") => AreNotEqual(notExpected, actual, message);

        [Obsolete("Use AreNotEqual.")]
        public static void NotEqual(string notExpected, string actual, string message = "") => AreNotEqual(notExpected, actual, message);

        [Obsolete("Use AreNotEqual.")]
        public static void NotEqual(uint notExpected, uint actual, string message = "") => AreNotEqual(notExpected, actual, message);

        [Obsolete("Use AreNotEqual.")]
        public static void NotEqual(ulong notExpected, ulong actual, string message = "") => AreNotEqual(notExpected, actual, message);

        [Obsolete("Use AreNotEqual.")]
        public static void NotEqual(ushort notExpected, ushort actual, string message = "") => AreNotEqual(notExpected, actual, message);

        [DoesNotReturn]
        private static void FailEqual(object expected, object actual, string message) =>
            Fail("Assert.AreEqual", "Expected:<" + Show(expected) + ">. Actual:<" + Show(actual) + ">. " + Show(message ?? ""));

        [DoesNotReturn]
        private static void FailNotEqual(object notExpected, object actual, string message) =>
            Fail("Assert.AreNotEqual", "Expected any value except:<" + Show(notExpected) + ">. Actual:<" + Show(actual) + ">. " + Show(message ?? ""));
    }
}
