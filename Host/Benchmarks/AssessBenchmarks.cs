using BenchmarkDotNet.Attributes;
using Qrng.Assess;

namespace Qrng.Benchmarks
{
    /// <summary>
    /// The SP 800-90B assessment on 10^6 ideal 2-bit samples (the yardstick; NIST's ea_non_iid needs about
    /// 20–25 CPU-seconds on this machine): the whole non-IID track (samples and their 2·10^6-bit bitstring, both
    /// cores), and the IID permutation tests as a fixed amount of work: 64 permutations with all 19 statistics,
    /// compression included, on both cores (a real run stops each statistic once it is decided).
    /// </summary>
    [MemoryDiagnoser]
    [SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
    public class AssessBenchmarks
    {
        private SampleSet _samples;

        [GlobalSetup]
        public void Setup()
        {
            // SplitMix64, seed 1: ideal 2-bit samples
            var b = new byte[1_000_000];
            ulong x = 1;
            for (int i = 0; i < b.Length; i++)
            {
                ulong z = x += 0x9E3779B97F4A7C15UL;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                b[i] = (byte)((z ^ (z >> 31)) >> 62);
            }
            _samples = new SampleSet(b, 2);
        }

        [Benchmark(Description = "non-IID track, 10^6 2-bit samples")]
        public NonIidResult NonIid() => NonIidTrack.Run(_samples);

        [Benchmark(Description = "IID permutation tests, 10^6 2-bit samples, 64 permutations x 19 statistics")]
        public PermutationStatistic[] Permutations() => PermutationTests.Run(_samples, IidTrack.DefaultSeed, null, 64, stopEarly: false);
    }
}
