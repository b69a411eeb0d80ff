using System;

namespace Qrng.Host.Tests.Assess
{
    /// <summary>
    /// Seeded sample generators for the assessment tests and the NIST agreement fixtures (SplitMix64 only, so the
    /// bytes never depend on a runtime's Random). The fixture file records the SHA-256 NIST's tools printed for each
    /// generated file, and the tests check that they regenerate exactly those bytes.
    /// </summary>
    internal static class FixtureData
    {
        private sealed class SplitMix(ulong seed)
        {
            private ulong _x = seed;

            public ulong Next()
            {
                ulong z = _x += 0x9E3779B97F4A7C15UL;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                return z ^ (z >> 31);
            }

            /// <summary>Uniform in [0, 1) with 53 bits.</summary>
            public double Unit() => (Next() >> 11) * (1.0 / (1UL << 53));
        }

        /// <summary>Independent uniform samples of <paramref name="bits"/> bits: min-entropy = bits.</summary>
        public static byte[] Uniform(int bits, int n, ulong seed)
        {
            var r = new SplitMix(seed);
            var b = new byte[n];
            for (int i = 0; i < n; i++) b[i] = (byte)(r.Next() >> (64 - bits));
            return b;
        }

        /// <summary>Independent bits, P(1) = p: min-entropy −log2(max(p, 1 − p)).</summary>
        public static byte[] Biased(double p, int n, ulong seed)
        {
            var r = new SplitMix(seed);
            var b = new byte[n];
            for (int i = 0; i < n; i++) b[i] = (byte)(r.Unit() < p ? 1 : 0);
            return b;
        }

        /// <summary>A two-state Markov chain: P(0 → 0) = p00, P(1 → 1) = p11, starting at 0.</summary>
        public static byte[] Markov(double p00, double p11, int n, ulong seed)
        {
            var r = new SplitMix(seed);
            var b = new byte[n];
            int s = 0;
            for (int i = 0; i < n; i++)
            {
                double stay = s == 0 ? p00 : p11;
                if (r.Unit() >= stay) s = 1 - s;
                b[i] = (byte)s;
            }
            return b;
        }

        /// <summary>Bytes a + b with a, b uniform in 0..127: the triangle on 0..254, most likely value 127 with p = 1/128.</summary>
        public static byte[] Triangle(int n, ulong seed)
        {
            var r = new SplitMix(seed);
            var b = new byte[n];
            for (int i = 0; i < n; i++)
            {
                ulong x = r.Next();
                b[i] = (byte)((x & 127) + ((x >> 7) & 127));
            }
            return b;
        }

        /// <summary>Uniform 2-bit samples, but every <paramref name="every"/> samples a run of <paramref name="run"/>
        /// copies of one symbol: long runs of correct predictions, so the predictors' P_local decides.</summary>
        public static byte[] Bursty(int n, int every, int run, ulong seed)
        {
            var b = Uniform(2, n, seed);
            for (int start = every; start + run < n; start += every)
                for (int i = 1; i < run; i++) b[start + i] = b[start];
            return b;
        }

        /// <summary>3-bit samples taking only 1, 2, 4, 7 (with probabilities 0.4, 0.3, 0.2, 0.1): the alphabet is
        /// renumbered for the estimators while the bitstring keeps the values.</summary>
        public static byte[] Sparse(int n, ulong seed)
        {
            var r = new SplitMix(seed);
            var b = new byte[n];
            for (int i = 0; i < n; i++)
            {
                double u = r.Unit();
                b[i] = (byte)(u < 0.4 ? 1 : u < 0.7 ? 2 : u < 0.9 ? 4 : 7);
            }
            return b;
        }

        /// <summary>Runs of one random byte, each 1..600 long (bzip2's run-length stage splits runs above 255).</summary>
        public static byte[] Runs(int n, ulong seed)
        {
            var r = new SplitMix(seed);
            var b = new byte[n];
            for (int i = 0; i < n;)
            {
                ulong x = r.Next();
                int len = (int)(x % 600) + 1;
                for (int j = 0; j < len && i < n; j++) b[i++] = (byte)(x >> 32);
            }
            return b;
        }

        /// <summary>The named fixtures of nist-fixtures.txt.</summary>
        public static byte[] Named(string name) => name switch
        {
            "uniform-2bit" => Uniform(2, 100_000, 1),
            "biased-1bit" => Biased(0.8, 100_000, 2),
            "markov-1bit" => Markov(0.75, 0.6, 100_000, 3),
            "triangle-8bit" => Triangle(100_000, 4),
            "bursty-2bit" => Bursty(100_000, 4000, 40, 5),
            "sparse-3bit" => Sparse(100_000, 6),
            "markov-iid-1bit" => Markov(0.75, 0.6, 20_000, 7),
            "uniform-small-2bit" => Uniform(2, 10_000, 9),
            "markov-small-1bit" => Markov(0.75, 0.6, 1_000, 10),
            "restart-2bit" => Uniform(2, 1_000_000, 8),
            "bzip2-bytes" => Uniform(8, 600_000, 11),
            "bzip2-runs" => Runs(200_000, 12),
            "bzip2-periodic" => System.Text.Encoding.ASCII.GetBytes(string.Concat(System.Linq.Enumerable.Repeat("0 1 ", 150_000))),
            "bzip2-zeros" => new byte[600_000],
            _ => throw new ArgumentException("no fixture " + name),
        };

        public static int Bits(string name) => name switch
        {
            "triangle-8bit" => 8,
            "sparse-3bit" => 3,
            _ when name.EndsWith("-1bit", StringComparison.Ordinal) => 1,
            _ => 2,
        };
    }
}
