using System;
using Qrng.Assess;
using Xunit;

namespace Qrng.Host.Tests.Assess
{
    [CollectionDefinition(nameof(AllocationTests), DisableParallelization = true)]
    public class AllocationCollection
    {
    }

    /// <summary>The permutation tests' hot loop allocates nothing per permutation (measured alone: no other test runs).</summary>
    [Collection(nameof(AllocationTests))]
    public class AllocationTests
    {
        [Fact]
        public void Permutations_allocate_nothing_per_permutation()
        {
            var s = new SampleSet(FixtureData.Uniform(2, 20_000, 51), 2);
            PermutationTests.Run(s, 1, null, 16, stopEarly: false);           // JIT and array pools warm
            long Allocated(int permutations)
            {
                long before = GC.GetTotalAllocatedBytes(true);
                PermutationTests.Run(s, 1, null, permutations, stopEarly: false);
                return GC.GetTotalAllocatedBytes(true) - before;
            }
            long few = Allocated(64), many = Allocated(192);
            // 128 more permutations (all 19 statistics, compression included); one copy of the samples each would be 2.5 MB
            Assert.True(many - few < 200_000, $"64 permutations: {few:N0} bytes, 192: {many:N0} bytes");
        }
    }
}
