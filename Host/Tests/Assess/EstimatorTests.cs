using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using Qrng.Assess;
using Xunit;

namespace Qrng.Host.Tests.Assess
{
    /// <summary>
    /// The estimators against sources whose min-entropy is known, their building blocks against the definitions
    /// computed the slow way, and the edge cases (constant, alternating, two values, short input).
    /// </summary>
    public class EstimatorTests
    {
        private static double Least(IEnumerable<Estimate> es) => es.Where(e => e.Ran).Min(e => e.MinEntropy);

        [Fact]
        public void Biased_bits_are_estimated_at_their_min_entropy_or_below()
        {
            // P(1) = 0.8: H = −log2 0.8 = 0.3219 bit; the MCV bound sits below it by the 99% margin
            var s = new SampleSet(FixtureData.Biased(0.8, 200_000, 21), 1);
            double truth = -Math.Log2(0.8);
            var mcv = Estimators.MostCommonValue(s.Symbols, 2);
            Assert.InRange(mcv.MinEntropy, truth - 0.01, truth);
            Assert.InRange(mcv.Detail("p-hat"), 0.797, 0.803);
            // single estimators aim at other structure and may read higher (LRS, Lag: about 0.54 here); the track,
            // their minimum, credits no more than the source has, nor less than the compression estimate's known bias
            var all = NonIidTrack.Run(s);
            Assert.InRange(all.MinEntropy, 0.15, truth);
        }

        [Fact]
        public void Markov_estimate_finds_the_min_entropy_rate_of_a_markov_chain()
        {
            // P(0→0) = 0.75, P(1→1) = 0.6: the likeliest long sequence is all zeros, 0.75 per step: H = −log2 0.75
            var bits = FixtureData.Markov(0.75, 0.6, 200_000, 22);
            double truth = -Math.Log2(0.75);
            var m = Estimators.Markov(bits);
            Assert.InRange(m.MinEntropy, truth - 0.01, truth + 0.01);
            Assert.InRange(m.Detail("P_0,0"), 0.745, 0.755);
            Assert.InRange(m.Detail("P_1,1"), 0.595, 0.605);
            // the most common value (0 with stationary probability 0.6/(0.25 + 0.6) ≈ 0.615) overestimates: the
            // whole non-IID track must not
            Assert.True(Estimators.MostCommonValue(bits, 2).MinEntropy > truth + 0.2);
            Assert.True(NonIidTrack.Run(new SampleSet(bits, 1)).MinEntropy < truth + 0.01);
        }

        [Fact]
        public void Uniform_and_triangular_bytes_have_their_most_common_value_estimates()
        {
            var uniform = new SampleSet(FixtureData.Uniform(8, 300_000, 23), 8);
            Assert.InRange(Estimators.MostCommonValue(uniform.Symbols, uniform.AlphabetSize).MinEntropy, 7.7, 8.0);
            // a + b, a, b uniform on 0..127: p(127) = 128/16384 = 1/128, H = 7 bits
            var tri = new SampleSet(FixtureData.Triangle(300_000, 24), 8);
            Assert.InRange(Estimators.MostCommonValue(tri.Symbols, tri.AlphabetSize).MinEntropy, 6.85, 7.0);
        }

        [Fact]
        public void Alternating_bits_are_predicted_and_get_no_entropy()
        {
            var alt = Enumerable.Range(0, 20_000).Select(i => (byte)(i & 1)).ToArray();
            var r = NonIidTrack.Run(new SampleSet(alt, 1));
            Assert.True(Estimators.MostCommonValue(alt, 2).MinEntropy > 0.95);      // half ones: MCV sees nothing
            Assert.True(r.MinEntropy < 0.01, $"non-IID track credits {r.MinEntropy}");
            Assert.True(r.Original.Single(e => e.Name == "Lag").MinEntropy < 0.01);
            Assert.False(ChiSquare.BinaryIndependence(alt).Passed);
            Assert.False(ChiSquare.LongestRepeatedSubstring(alt, 2).passed);
        }

        [Fact]
        public void Constant_data_is_assessed_at_zero_without_error()
        {
            string path = System.IO.Path.GetTempFileName();
            try
            {
                System.IO.File.WriteAllBytes(path, new byte[5000]);
                var a = Assessment.Run(path, new AssessmentOptions { BitsPerSample = 2, Claim = 1.96 });
                Assert.Equal(1, a.Samples.AlphabetSize);
                Assert.Equal(0.0, a.MinEntropy);
                Assert.False(a.ClaimSupported);
                Assert.Contains(a.Notes, n => n.Contains("same value"));
            }
            finally { System.IO.File.Delete(path); }
        }

        [Fact]
        public void Two_values_in_wide_samples_are_binary_data_without_a_bitstring()
        {
            // 8-bit samples that only take 0x00 and 0xC8: the estimators see two symbols (as NIST's tool does)
            var data = FixtureData.Biased(0.5, 10_000, 25).Select(b => (byte)(b * 200)).ToArray();
            var s = new SampleSet(data, 8);
            Assert.True(s.IsBinary);
            var r = NonIidTrack.Run(s);
            Assert.Empty(r.Bitstring);
            Assert.Equal(10, r.Original.Count);                       // collision, Markov, compression run on the samples
            Assert.True(r.MinEntropy <= 1.0);
        }

        [Fact]
        public void Short_input_is_refused_with_a_message_and_the_shortest_accepted_one_runs()
        {
            string path = System.IO.Path.GetTempFileName();
            try
            {
                System.IO.File.WriteAllBytes(path, FixtureData.Uniform(2, SampleSet.MinimumSamples - 1, 26));
                var e = Assert.Throws<AssessException>(() => SampleSet.Load(path, 2));
                Assert.Contains($"{SampleSet.MinimumSamples - 1} samples", e.Message);
                System.IO.File.WriteAllBytes(path, Array.Empty<byte>());
                Assert.Throws<AssessException>(() => SampleSet.Load(path, 2));
                Assert.Throws<AssessException>(() => SampleSet.Load(path + ".missing", 2));
            }
            finally { System.IO.File.Delete(path); }
            // 1000 samples: estimators that need more say so instead of failing
            var s = new SampleSet(FixtureData.Uniform(2, SampleSet.MinimumSamples, 27), 2);
            var r = NonIidTrack.Run(s);
            Assert.Contains(r.Original, x => x.Name == "MultiMCW" && !x.Ran && x.Note.Contains("4095"));
            Assert.Contains(r.Bitstring, x => x.Name == "Compression" && !x.Ran);
            Assert.InRange(r.MinEntropy, 0.1, 2.0);
            Assert.InRange(IidTrack.Run(s).MinEntropy, 0.1, 2.0);
        }

        [Fact]
        public void Suffix_array_sorts_like_a_string_sort()
        {
            Gen.Int[1, 4].SelectMany(k => Gen.Byte[0, (byte)(k - 1)].Array[0, 300])
                .Sample(text =>
                {
                    var sa = new int[text.Length];
                    SuffixArray.Build(text, sa);
                    var naive = Enumerable.Range(0, text.Length).OrderBy(i => text.AsMemory(i), Comparer<ReadOnlyMemory<byte>>.Create((a, b) => a.Span.SequenceCompareTo(b.Span))).ToArray();
                    Assert.Equal(naive, sa);
                    var lcp = new int[text.Length];
                    SuffixArray.Lcp(text, sa, lcp);
                    for (int i = 1; i < text.Length; i++)
                        Assert.Equal(text.AsSpan(sa[i - 1]).CommonPrefixLength(text.AsSpan(sa[i])), lcp[i]);
                }, iter: 300);
            // periodic and constant texts: every suffix is a prefix of a longer one
            foreach (byte[] text in new[] { new byte[64], Enumerable.Range(0, 60).Select(i => (byte)(i % 3)).ToArray() })
            {
                var sa = new int[text.Length];
                SuffixArray.Build(text, sa);
                Assert.Equal(Enumerable.Range(0, text.Length).OrderBy(i => text.AsMemory(i), Comparer<ReadOnlyMemory<byte>>.Create((a, b) => a.Span.SequenceCompareTo(b.Span))), sa);
            }
        }

        [Theory]
        [InlineData(2, 3000, 31)]
        [InlineData(4, 3000, 32)]
        [InlineData(3, 2500, 33)]
        public void Tuple_and_lrs_estimates_match_their_definitions(int k, int n, ulong seed)
        {
            // random symbols with a short run every 40 samples, so that long tuples repeat
            var s = FixtureData.Uniform(8, n, seed).Select(b => (byte)(b % k)).ToArray();
            for (int i = 40; i + 8 < n; i += 40)
                for (int j = 1; j < 8; j++) s[i + j] = s[i];
            var (tuple, lrs) = TupleEstimators.Run(s);
            // counts of every W-tuple, the slow way
            var q = new List<long> { 0 };
            var pairs = new List<double> { 0 };
            for (int w = 1; w < n; w++)
            {
                var counts = new Dictionary<string, long>();
                for (int i = 0; i + w <= n; i++)
                {
                    string key = Convert.ToBase64String(s, i, w);
                    counts[key] = counts.GetValueOrDefault(key) + 1;
                }
                if (counts.Values.Max() < 2) break;
                q.Add(counts.Values.Max());
                pairs.Add(counts.Values.Sum(c => c * (c - 1) / 2.0));
            }
            int t = 0;
            while (t + 1 < q.Count && q[t + 1] >= 35) t++;
            double pMax = Enumerable.Range(1, t).Max(i => Math.Pow(q[i] / (double)(n - i + 1), 1.0 / i));
            Assert.Equal(t, (int)tuple.Detail("t"));
            Assert.Equal(pMax, tuple.Detail("p-hat_max"), 12);
            int v = q.Count - 1;
            double pLrs = Enumerable.Range(t + 1, v - t).Max(w => Math.Pow(pairs[w] / ((n - w + 1.0) * (n - w) / 2), 1.0 / w));
            Assert.Equal(v, (int)lrs.Detail("v"));
            Assert.Equal(pLrs, lrs.Detail("p-hat"), 12);
        }

        [Fact]
        public void Compression_expectation_matches_the_double_sum_of_the_standard()
        {
            // G(z) = 1/v Σ_{t=d+1..L} Σ_{u=1..t} log2(u) F(z, t, u) (§6.3.4), summed term by term
            const int d = 10, blocks = 60;
            var log2 = Enumerable.Range(0, blocks + 1).Select(u => u == 0 ? 0 : Math.Log2(u)).ToArray();
            foreach (double z in new[] { 0.02, 0.2, 0.5, 0.9 })
            {
                double sum = 0;
                for (int t = d + 1; t <= blocks; t++)
                    for (int u = 1; u <= t; u++)
                        sum += Math.Log2(u) * (u < t ? z * z * Math.Pow(1 - z, u - 1) : z * Math.Pow(1 - z, t - 1));
                Assert.Equal(sum / (blocks - d), Estimators.G(z, d, log2), 12);
            }
        }

        [Fact]
        public void Run_probability_of_the_predictor_bound_matches_the_exact_probability()
        {
            // §6.3.7 step 6 approximates Pr[no run of r successes in N trials]; compare with the exact recursion
            foreach (var (p, r, n) in new[] { (0.5, 8L, 2000L), (0.3, 5L, 5000L), (0.8, 30L, 3000L) })
            {
                // state = length of the current run of successes (0..r−1)
                var state = new double[r];
                state[0] = 1;
                for (long i = 0; i < n; i++)
                {
                    var next = new double[r];
                    for (int j = 0; j < r; j++)
                    {
                        next[0] += state[j] * (1 - p);
                        if (j + 1 < r) next[j + 1] += state[j] * p;
                    }
                    state = next;
                }
                double exact = state.Sum();
                Assert.Equal(Math.Log(exact), Bounds.LogProbNoRun(p, r, n), 3);
            }
        }

        [Fact]
        public void Chi_square_p_values_match_closed_forms()
        {
            foreach (double x in new[] { 0.1, 1.0, 3.7, 12.0, 40.0 })
            {
                Assert.Equal(Math.Exp(-x / 2), ChiSquare.PValue(x, 2), 13);                         // df = 2
                Assert.Equal(Math.Exp(-x / 2) * (1 + x / 2), ChiSquare.PValue(x, 4), 13);           // df = 4
            }
            Assert.Equal(0.001, ChiSquare.PValue(29.587839, 10), 6);                                // table value
        }
    }
}
