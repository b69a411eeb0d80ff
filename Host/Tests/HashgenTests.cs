using System.Security.Cryptography;
using CsCheck;
using Qrng.Crypto;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>
    /// The Hashgen fast path precomputes rounds 0-12 over bytes 0-51 of the counter block. Checked against .NET's
    /// SHA256 on random blocks, and end to end across the rare counter carry into byte 51 (p = 2^-24 per block).
    /// </summary>
    public class HashgenTests
    {
        [Fact]
        public void Midstate_path_equals_sha256_of_the_padded_block()
        {
            Gen.Byte.Array[HashDrbg.SeedLength].Sample(v =>
            {
                var block = new byte[64];
                v.CopyTo(block, 0);
                block[55] = 0x80;
                block[62] = 0x01;
                block[63] = 0xB8;
                var sha = new Sha256();
                var digest = new byte[32];
                sha.BeginHashgen(block);
                sha.HashgenBlock(block, digest, 0);
                return SHA256.HashData(v).AsSpan().SequenceEqual(digest);
            }, iter: 2000);
        }

        [Fact]
        public void Generate_across_a_carry_into_byte_51_matches_the_spec_model()
        {
            // Find an instantiation whose V ends in 0xFFF800 or more: a 64 KiB request (2048 blocks) then carries into byte 51.
            var v = new byte[HashDrbg.SeedLength];
            var c = new byte[HashDrbg.SeedLength];
            byte[] nonce = DrbgSelfTest.Pattern(9, 16);
            for (int seed = 0; seed < 1_000_000; seed++)
            {
                byte[] entropy = BitConverter.GetBytes(seed).Concat(new byte[28]).ToArray();
                var drbg = new HashDrbg();
                drbg.Instantiate(entropy, nonce, null);
                drbg.CopyState(v, c);
                int low = (v[52] << 16) | (v[53] << 8) | v[54];
                if (low < 0xFFF800)
                {
                    continue;
                }

                var output = new byte[HashDrbg.MaxRequestLength];
                drbg.Generate(output, 0, output.Length, null);
                Assert.Equal(new SpecDrbg(entropy, nonce, null).Generate(output.Length, null), output);
                return;
            }

            Assert.Fail("no instantiation with a carrying counter found");
        }
    }
}
