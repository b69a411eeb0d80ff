// Cutoffs of the SP 800-90B §4.4 continuous health tests, and the base-2 exp/log they need.
// System.Math is not in the device's mscorlib: Exp2/Log2 are range reduction + series (relative error < 1e-15).
// The cutoffs are computed once at start-up, never per symbol.
using System;

namespace Qrng.Firmware.Health
{
    /// <summary>Base-2 exponential and logarithm in plain double arithmetic, and the SP 800-90B §4.4 cutoffs.</summary>
    public static class HealthMath
    {
        /// <summary>Largest argument of <see cref="Exp2"/> (2^1023 is the largest power of two in a double).</summary>
        public const double MaxExp2Argument = 1023.0;

        /// <summary>Largest claimed entropy accepted by the cutoff functions: 64 bits per symbol, in millibits.</summary>
        public const int MaxMilliBitsPerSymbol = 64000;

        /// <summary>Largest alpha exponent accepted (alpha = 2^-64).</summary>
        public const int MaxAlphaExponent = 64;

        /// <summary>Largest adaptive proportion window accepted.</summary>
        public const int MaxWindow = 65536;

        private const double Ln2 = 0.69314718055994530942;
        private const double InvLn2 = 1.4426950408889634074;
        private const double Sqrt2 = 1.4142135623730950488;
        private const double MaxDouble = 1.7976931348623157E+308;
        private const double TwoPow64 = 18446744073709551616.0;
        private const long MantissaMask = 0x000FFFFFFFFFFFFFL;
        private const long ExponentOne = 0x3FF0000000000000L;

        /// <summary>
        /// 2^x. Returns 0 below -1075 (underflow); throws for x above <see cref="MaxExp2Argument"/> or NaN.
        /// </summary>
        public static double Exp2(double x)
        {
            if (!(x <= MaxExp2Argument))
            {
                throw new ArgumentOutOfRangeException("x", "2^x overflows a double");
            }

            if (x < -1075.0)
            {
                return 0.0;
            }

            // x = n + f, n the nearest integer, |f| <= 1/2 (x - n is exact: Sterbenz).
            int n = (int)(x >= 0.0 ? x + 0.5 : x - 0.5);
            double t = (x - n) * Ln2;

            // e^t by its Taylor series in Horner form, 18 terms: |t| <= 0.347, so the tail is < 1e-19.
            double r = 1.0;
            for (int k = 18; k >= 1; k--)
            {
                r = 1.0 + t * r / k;
            }

            if (n < -1000)
            {
                // The result is subnormal or nearly so: scale in two steps so 2^n itself stays a normal double.
                return r * Pow2(n + 64) / TwoPow64;
            }

            return r * Pow2(n);
        }

        /// <summary>log2(x) for a finite x > 0; throws <see cref="ArgumentOutOfRangeException"/> otherwise.</summary>
        public static double Log2(double x)
        {
            if (!(x > 0.0) || x > MaxDouble)
            {
                throw new ArgumentOutOfRangeException("x", "log2 needs a finite x > 0");
            }

            int exponent = 0;
            long bits = BitConverter.DoubleToInt64Bits(x);
            if (((bits >> 52) & 0x7FF) == 0)
            {
                // Subnormal: make it normal first (exact).
                bits = BitConverter.DoubleToInt64Bits(x * TwoPow64);
                exponent = -64;
            }

            exponent += (int)((bits >> 52) & 0x7FF) - 1023;
            double m = BitConverter.Int64BitsToDouble((bits & MantissaMask) | ExponentOne);
            if (m > Sqrt2)
            {
                m *= 0.5;
                exponent++;
            }

            // m in [0.707, 1.415]: ln m = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...), s = (m-1)/(m+1), |s| <= 0.172.
            double s = (m - 1.0) / (m + 1.0);
            double s2 = s * s;
            double r = 1.0 / 25.0;
            for (int k = 11; k >= 0; k--)
            {
                r = 1.0 / (2 * k + 1) + s2 * r;
            }

            return exponent + 2.0 * s * r * InvLn2;
        }

        /// <summary>
        /// SP 800-90B §4.4.1 repetition count cutoff C = 1 + ceil(-log2(alpha) / H), in exact integer arithmetic:
        /// H = claimedMilliBitsPerSymbol / 1000 bits per symbol, alpha = 2^-alphaExponent.
        /// </summary>
        public static int RepetitionCountCutoff(int claimedMilliBitsPerSymbol, int alphaExponent)
        {
            CheckArguments(claimedMilliBitsPerSymbol, alphaExponent);
            int numerator = alphaExponent * 1000;
            return 1 + (numerator + claimedMilliBitsPerSymbol - 1) / claimedMilliBitsPerSymbol;
        }

        /// <summary>
        /// SP 800-90B §4.4.2 adaptive proportion cutoff C = 1 + CRITBINOM(W, 2^-H, 1 - alpha), where CRITBINOM(n, p, q)
        /// is the smallest k with P(X &lt;= k) &gt;= q for X ~ Binomial(n, p). Equivalently the smallest k with
        /// P(X &gt; k) &lt;= alpha: the upper tail is summed from k = W down, in log2 space scaled by 1/alpha, so
        /// nothing is lost to 1 - alpha rounding. About W Log2/Exp2 calls: call it at start-up only.
        /// </summary>
        public static int AdaptiveProportionCutoff(int claimedMilliBitsPerSymbol, int alphaExponent, int window)
        {
            CheckArguments(claimedMilliBitsPerSymbol, alphaExponent);
            if (window < 2 || window > MaxWindow)
            {
                throw new ArgumentOutOfRangeException("window", "window must be 2 .. 65536 symbols");
            }

            double log2P = -(claimedMilliBitsPerSymbol / 1000.0);
            double log2Q = Log2(1.0 - Exp2(log2P));

            // l = log2 P(X = k), starting at k = W; tail = P(X > k) / alpha.
            double l = window * log2P;
            double tail = 0.0;
            int k = window;
            while (k > 0)
            {
                double next = tail + Exp2(l + alphaExponent);
                if (next > 1.0)
                {
                    break;
                }

                tail = next;

                // P(X = k-1) = P(X = k) * k / (W - k + 1) * q / p
                l += Log2((double)k / (window - k + 1)) + log2Q - log2P;
                k--;
            }

            return k + 1;
        }

        /// <summary>
        /// How many repetition count and adaptive proportion failures within 2^alpha symbols make a persistent error:
        /// the smallest k with P(N >= k) &lt;= 2^-alpha for N ~ Poisson(lambda), lambda = 2^alpha (2^-alpha + 2^-alpha / W)
        /// = 1 + 1/W, the most false alarms the two tests give at the claimed entropy in that span (SP 800-90B §4.4: the
        /// RCT at most alpha per symbol, the APT at most alpha per window of W). A source that fails more often has less
        /// min-entropy than it claims. The tail is summed from k up (no 1 - sum). 10 at alpha = 20.
        /// </summary>
        public static int FailureRateCutoff(int alphaExponent, int window)
        {
            double lambda = 1.0 + (1.0 / window);
            double first = Exp2(-lambda * 1.4426950408889634);     // e^-lambda = P(N = 0)
            double bound = Exp2(-alphaExponent);
            for (int k = 1; k < 200; k++)
            {
                // P(N >= k) = sum over i >= k of e^-lambda lambda^i / i!, summed from its largest term
                double term = first, tail = 0.0;
                for (int i = 1; i <= k; i++)
                {
                    term *= lambda / i;
                }

                for (int i = k; i < k + 200 && term > 0.0; i++)
                {
                    tail += term;
                    term *= lambda / (i + 1);
                }

                if (tail <= bound)
                {
                    return k;
                }
            }

            return 200;
        }

        /// <summary>√x by Newton's iteration from a power-of-two start (x ≥ 0); exact to the last bit or two.</summary>
        public static double Sqrt(double x)
        {
            if (!(x >= 0.0))
            {
                throw new ArgumentOutOfRangeException("x", "square root of a negative number");
            }

            if (x == 0.0)
            {
                return 0.0;
            }

            double r = Exp2(Log2(x) / 2.0);
            for (int i = 0; i < 4; i++)
            {
                r = 0.5 * (r + (x / r));
            }

            return r;
        }

        /// <summary>
        /// z with P(N(0,1) > z) = 2^-<paramref name="log2Tail"/>, for tails 2^-3 .. 2^-200: bisection on the upper tail
        /// Q(z) = erfc(z/√2)/2, erfc by its continued fraction (Abramowitz and Stegun 7.1.14), in base-2 logarithms.
        /// </summary>
        public static double NormalTailZ(int log2Tail)
        {
            if (log2Tail < 3 || log2Tail > 200)
            {
                throw new ArgumentOutOfRangeException("log2Tail", "tail must be 2^-3 .. 2^-200");
            }

            double lo = 1.0, hi = 40.0;
            for (int i = 0; i < 60; i++)
            {
                double z = 0.5 * (lo + hi);
                if (Log2UpperTail(z) > -log2Tail)
                {
                    lo = z;
                }
                else
                {
                    hi = z;
                }
            }

            return 0.5 * (lo + hi);
        }

        // log2 Q(z) for z >= 1: Q(z) = exp(-x^2) / (2 sqrt(pi) t), x = z/sqrt(2), t = x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))
        private static double Log2UpperTail(double z)
        {
            double x = z / Sqrt2, t = x;
            for (int n = 80; n >= 1; n--)
            {
                t = x + ((n / 2.0) / t);
            }

            return (-x * x * InvLn2) - 1.0 - (0.5 * Log2(3.14159265358979323846)) - Log2(t);
        }

        /// <summary>
        /// Bounds on χ²_ν / ν that a χ² variable with ν degrees of freedom leaves with probability 2^-(log2Tail) on
        /// each side (Wilson–Hilferty: (χ²/ν)^(1/3) ≈ N(1 - 2/(9ν), 2/(9ν))); <paramref name="z"/> from NormalTailZ.
        /// </summary>
        public static void ChiSquareRatioBounds(long dof, double z, out double lower, out double upper)
        {
            double c = 2.0 / (9.0 * dof), s = Sqrt(c);
            double a = 1.0 - c - (z * s), b = 1.0 - c + (z * s);
            lower = a <= 0.0 ? 0.0 : a * a * a;
            upper = b * b * b;
        }

        private static void CheckArguments(int claimedMilliBitsPerSymbol, int alphaExponent)
        {
            if (claimedMilliBitsPerSymbol < 1 || claimedMilliBitsPerSymbol > MaxMilliBitsPerSymbol)
            {
                throw new ArgumentOutOfRangeException("claimedMilliBitsPerSymbol", "claimed entropy must be 1 .. 64000 millibits per symbol");
            }

            if (alphaExponent < 1 || alphaExponent > MaxAlphaExponent)
            {
                throw new ArgumentOutOfRangeException("alphaExponent", "alpha must be 2^-1 .. 2^-64");
            }
        }

        // 2^n for -1022 <= n <= 1023, exactly, from the IEEE 754 exponent field.
        private static double Pow2(int n)
        {
            return BitConverter.Int64BitsToDouble((long)(n + 1023) << 52);
        }
    }
}
