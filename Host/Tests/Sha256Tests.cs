using System.Security.Cryptography;
using CsCheck;
using Xunit;
using Sha = Qrng.Crypto.Sha256;

namespace Qrng.Host.Tests
{
    /// <summary>The managed SHA-256 against .NET's SHA256: every length 0..2000 and random splits across block boundaries.</summary>
    public class Sha256Tests
    {
        [Fact]
        public void Every_length_0_to_2000_matches_dotnet()
        {
            var data = new byte[2000];
            new Random(1).NextBytes(data);
            var sha = new Sha();
            var digest = new byte[32];
            for (int n = 0; n <= data.Length; n++)
            {
                sha.Update(data, 0, n);
                sha.Final(digest, 0);
                Assert.True(SHA256.HashData(data.AsSpan(0, n)).AsSpan().SequenceEqual(digest), "length " + n);
            }
        }

        [Fact]
        public void Random_splits_match_dotnet()
        {
            Gen.Select(Gen.Byte.Array[0, 700], Gen.Int[1, 130].Array[1, 20]).Sample((data, cuts) =>
            {
                var sha = new Sha();
                int at = 0, i = 0;
                while (at < data.Length)
                {
                    int n = Math.Min(cuts[i++ % cuts.Length], data.Length - at);
                    if (n == 1)
                    {
                        sha.Update(data[at]);
                    }
                    else
                    {
                        sha.Update(data, at, n);
                    }

                    at += n;
                }

                var digest = new byte[32];
                sha.Final(digest, 0);
                return SHA256.HashData(data).AsSpan().SequenceEqual(digest);
            }, iter: 3000);
        }

        [Fact]
        public void One_million_a_matches_fips_180_4()
        {
            var sha = new Sha();
            var block = new byte[1000];
            Array.Fill(block, (byte)'a');
            for (int i = 0; i < 1000; i++)
            {
                sha.Update(block, 0, block.Length);
            }

            var digest = new byte[32];
            sha.Final(digest, 0);
            Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", Convert.ToHexStringLower(digest));
        }
    }

    /// <summary>The protocol's HMAC-SHA256 (with its inner and outer midstates) against .NET's HMACSHA256.</summary>
    public class HmacSha256Tests
    {
        [Fact]
        public void Random_keys_and_messages_match_dotnet_for_every_message_of_an_instance()
        {
            Gen.Select(Gen.Byte.Array[0, 200], Gen.Byte.Array[0, 300].Array[1, 4]).Sample((key, messages) =>
            {
                var mac = new Qrng.Crypto.HmacSha256(key);
                var output = new byte[32];
                foreach (byte[] m in messages)
                {
                    mac.Update(m, 0, m.Length / 2);
                    mac.Update(m, m.Length / 2, m.Length - (m.Length / 2));
                    mac.Final(output, 0);
                    Assert.Equal(HMACSHA256.HashData(key, m), output);
                }
            }, iter: 2000);
        }
    }
}
