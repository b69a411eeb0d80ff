using System.Numerics;
using System.Security.Cryptography;

namespace Qrng.Host.Tests
{
    /// <summary>
    /// A second reference: SP 800-90A §10.1.1 written as literally as possible (.NET SHA256, BigInteger arithmetic
    /// mod 2^440, allocation everywhere). BouncyCastle caps requests at 2^18 bits, the standard at 2^19; this model
    /// covers the requests between, and is itself checked against the CAVP vectors and BouncyCastle.
    /// </summary>
    public sealed class SpecDrbg
    {
        private const int SeedBytes = 55;
        private static readonly BigInteger Modulus = BigInteger.One << 440;
        private BigInteger _v, _c;
        private long _counter;

        public SpecDrbg(byte[] entropy, byte[] nonce, byte[] perso) => NewSeed(HashDf(Cat(entropy, nonce, perso)));

        public void Reseed(byte[] entropy, byte[] additional) => NewSeed(HashDf(Cat([0x01], Bytes(_v), entropy, additional)));

        public byte[] Generate(int count, byte[] additional)
        {
            if (additional is { Length: > 0 })
            {
                _v = (_v + Int(SHA256.HashData(Cat([0x02], Bytes(_v), additional)))) % Modulus;
            }

            var w = new List<byte>();
            for (BigInteger data = _v; w.Count < count; data = (data + 1) % Modulus)
            {
                w.AddRange(SHA256.HashData(Bytes(data)));
            }

            BigInteger h = Int(SHA256.HashData(Cat([0x03], Bytes(_v))));
            _v = (_v + h + _c + _counter) % Modulus;
            _counter++;
            return w.Take(count).ToArray();
        }

        private void NewSeed(byte[] seed)
        {
            _v = Int(seed);
            _c = Int(HashDf(Cat([0x00], seed)));
            _counter = 1;
        }

        private static byte[] HashDf(byte[] input)
        {
            var temp = new List<byte>();
            for (byte counter = 1; temp.Count < SeedBytes; counter++)
            {
                temp.AddRange(SHA256.HashData(Cat([counter, 0, 0, 0x01, 0xB8], input)));
            }

            return temp.Take(SeedBytes).ToArray();
        }

        private static byte[] Cat(params byte[][] parts) => parts.Where(p => p != null).SelectMany(p => p).ToArray();

        private static BigInteger Int(byte[] bigEndian) => new(bigEndian, isUnsigned: true, isBigEndian: true);

        private static byte[] Bytes(BigInteger x)
        {
            byte[] raw = x.ToByteArray(isUnsigned: true, isBigEndian: true);
            var fixedWidth = new byte[SeedBytes];
            raw.CopyTo(fixedWidth, SeedBytes - raw.Length);
            return fixedWidth;
        }
    }
}
