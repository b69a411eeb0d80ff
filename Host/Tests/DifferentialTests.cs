using CsCheck;
using Qrng.Crypto;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>
    /// Our Hash_DRBG against BouncyCastle's HashSP800Drbg on property-generated inputs: instantiation lengths,
    /// sequences of generates and reseeds, with and without additional input, requests of 1 byte to 64 KiB.
    /// BouncyCastle refuses requests over 2^18 bits (32 KiB); those are compared with <see cref="SpecDrbg"/>,
    /// which is compared with BouncyCastle on everything below.
    /// </summary>
    public class DifferentialTests
    {
        public sealed record Op(bool Reseed, byte[] Entropy, byte[] Additional, int Count)
        {
            public override string ToString() => Reseed ? $"Reseed(e{Entropy.Length}, a{Additional?.Length.ToString() ?? "null"})" : $"Generate({Count}, a{Additional?.Length.ToString() ?? "null"})";
        }

        public sealed record Scenario(byte[] Entropy, byte[] Nonce, byte[] Perso, Op[] Ops)
        {
            public override string ToString() => $"Instantiate(e{Entropy.Length}, n{Nonce?.Length.ToString() ?? "null"}, p{Perso?.Length.ToString() ?? "null"}); " + string.Join("; ", Ops.Select(o => o.ToString()));
        }

        private const int BouncyMaxRequest = 32768;

        // Additional input / personalization: absent (null), empty, or 1..80 bytes.
        private static readonly Gen<byte[]> Optional = Gen.Frequency((1, Gen.Const((byte[])null)), (1, Gen.Const(Array.Empty<byte>())), (4, Gen.Byte.Array[1, 80]));

        private static readonly Gen<int> RequestSize = Gen.Frequency((6, Gen.Int[1, 200]), (3, Gen.Int[201, 4096]), (1, Gen.Int[4097, HashDrbg.MaxRequestLength]));

        private static readonly Gen<Op> Operation = Gen.Frequency(
            (1, Gen.Select(Gen.Byte.Array[32, 96], Optional).Select((e, a) => new Op(true, e, a, 0))),
            (3, Gen.Select(Optional, RequestSize).Select((a, n) => new Op(false, null, a, n))));

        private static readonly Gen<Scenario> Scenarios = Gen.Frequency(
            (7, Gen.Select(Gen.Byte.Array[32, 100], Gen.Byte.Array[16, 40], Optional, Operation.Array[1, 6]).Select((e, n, p, ops) => new Scenario(e, n, p, ops))),
            (1, Gen.Select(Gen.Byte.Array[48, 100], Optional, Operation.Array[1, 6]).Select((e, p, ops) => new Scenario(e, null, p, ops))));

        [Fact]
        public void Matches_bouncycastle_on_random_scenarios()
        {
            Scenarios.Sample(s =>
            {
                var ours = new HashDrbg();
                ours.Instantiate(s.Entropy, s.Nonce, s.Perso);
                var spec = new SpecDrbg(s.Entropy, s.Nonce, s.Perso);

                // BouncyCastle follows the scenario until its first request over its 2^18-bit cap.
                var bouncy = new BouncyDrbg(s.Entropy, s.Nonce, s.Perso is { Length: > 0 } ? s.Perso : null);
                foreach (Op op in s.Ops)
                {
                    if (op.Reseed)
                    {
                        ours.Reseed(op.Entropy, op.Additional);
                        spec.Reseed(op.Entropy, op.Additional);
                        bouncy?.Reseed(op.Entropy, op.Additional);
                        continue;
                    }

                    var output = new byte[op.Count];
                    ours.Generate(output, 0, op.Count, op.Additional);
                    byte[] expected = spec.Generate(op.Count, op.Additional);
                    if (op.Count > BouncyMaxRequest)
                    {
                        bouncy = null;
                    }
                    else if (bouncy != null)
                    {
                        Assert.Equal(bouncy.Generate(op.Count, op.Additional), expected);
                    }

                    if (!output.AsSpan().SequenceEqual(expected))
                    {
                        return false;
                    }
                }

                return true;
            }, iter: 2000, print: s => s.ToString());
        }

        [Fact]
        public void Largest_request_bouncycastle_serves_matches()
        {
            byte[] e = DrbgSelfTest.Pattern(5, 40), n = DrbgSelfTest.Pattern(90, 16);
            var ours = new HashDrbg();
            ours.Instantiate(e, n, null);
            var output = new byte[BouncyMaxRequest];
            ours.Generate(output, 0, output.Length, null);
            Assert.Equal(new BouncyDrbg(e, n, null).Generate(output.Length, null), output);
        }

        [Fact]
        public void Full_64_KiB_request_matches_the_spec_model()
        {
            byte[] e = DrbgSelfTest.Pattern(5, 40), n = DrbgSelfTest.Pattern(90, 16);
            var ours = new HashDrbg();
            ours.Instantiate(e, n, null);
            var output = new byte[HashDrbg.MaxRequestLength];
            ours.Generate(output, 0, output.Length, null);
            Assert.Equal(new SpecDrbg(e, n, null).Generate(output.Length, null), output);
        }
    }
}
