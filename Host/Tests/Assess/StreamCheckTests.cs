using Qrng.Assess;
using Xunit;

namespace Qrng.Host.Tests.Assess;

/// <summary>The acceptance run's sanity checks of DRBG output (FIPS 140-2 §4.9.1 and byte frequencies).</summary>
public class StreamCheckTests
{
    private static byte[] Random(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    [Fact]
    public void Random_bytes_pass_every_check()
    {
        for (int seed = 1; seed <= 5; seed++)
        {
            List<StreamCheck> checks = StreamChecks.Run(Random(100_000, seed));
            Assert.Equal(5, checks.Count);
            Assert.All(checks, c => Assert.True(c.Passed, $"seed {seed}: {c.Name} = {c.Statistic} ({c.Accepts})"));
        }
    }

    [Fact]
    public void A_constant_stream_fails_every_check()
    {
        Assert.All(StreamChecks.Run(new byte[10_000]), c => Assert.False(c.Passed, c.Name));
    }

    [Fact]
    public void Alternating_bits_fail_the_runs_and_poker_tests_but_not_monobit_or_long_run()
    {
        List<StreamCheck> checks = StreamChecks.Run(Enumerable.Repeat((byte)0x55, 10_000).ToArray());
        Assert.True(checks[0].Passed, "monobit: exactly half ones");
        Assert.False(checks[1].Passed, "poker: one 4-bit value");
        Assert.False(checks[2].Passed, "runs: all of length 1");
        Assert.True(checks[3].Passed, "long run: 1");
        Assert.False(checks[4].Passed, "bytes: one value");
    }

    [Fact]
    public void A_byte_stream_too_uniform_to_be_random_fails_the_frequency_test()
    {
        byte[] cycle = Enumerable.Range(0, 256 * 40).Select(i => (byte)(i * 167)).ToArray();   // every value exactly 40 times
        StreamCheck bytes = StreamChecks.Run(cycle)[4];
        Assert.False(bytes.Passed, $"p = {bytes.Statistic}");
    }

    [Theory]
    [InlineData(9725, false)]
    [InlineData(9726, true)]
    [InlineData(10274, true)]
    [InlineData(10275, false)]
    public void Monobit_accepts_strictly_between_9725_and_10275_ones(int ones, bool passes)
    {
        var bits = new bool[StreamChecks.FipsBits];
        var rng = new Random(7);
        foreach (int i in Enumerable.Range(0, bits.Length).OrderBy(_ => rng.Next()).Take(ones))
        {
            bits[i] = true;
        }

        var data = new byte[StreamChecks.FipsBits / 8];
        for (int i = 0; i < bits.Length; i++)
        {
            if (bits[i])
            {
                data[i >> 3] |= (byte)(0x80 >> (i & 7));
            }
        }

        StreamCheck monobit = StreamChecks.Run(data)[0];
        Assert.Equal(ones, (int)monobit.Statistic);
        Assert.Equal(passes, monobit.Passed);
    }

    [Fact]
    public void Too_little_data_is_refused()
    {
        Assert.Throws<ArgumentException>(() => StreamChecks.Run(new byte[2499]));
    }
}
