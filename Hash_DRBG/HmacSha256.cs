using System;

namespace Qrng.Crypto
{
    /// <summary>
    /// HMAC-SHA256 (FIPS 198-1, RFC 2104) on <see cref="Sha256"/>: the serial protocol's authenticated frames. The key's
    /// padded blocks are prepared once; a MAC allocates nothing. Not thread-safe.
    /// </summary>
    public sealed class HmacSha256
    {
        /// <summary>MAC length in bytes.</summary>
        public const int MacLength = Sha256.DigestLength;
        private const int Block = Sha256.BlockLength;
        private readonly Sha256 _sha = new Sha256();
        private readonly byte[] _ipad = new byte[Block];
        private readonly byte[] _opad = new byte[Block];
        private readonly byte[] _inner = new byte[MacLength];

        /// <param name="key">any length; a key longer than the block is hashed first (FIPS 198-1 §4 step 2)</param>
        public HmacSha256(byte[] key)
        {
            if (key == null)
            {
                throw new ArgumentNullException("key");
            }

            byte[] k = _ipad;                                  // K0 is built in place, then turned into the pads
            Array.Clear(k, 0, Block);
            if (key.Length > Block)
            {
                _sha.Update(key, 0, key.Length);
                _sha.Final(k, 0);
            }
            else
            {
                Array.Copy(key, 0, k, 0, key.Length);
            }

            for (int i = 0; i < Block; i++)
            {
                _opad[i] = (byte)(k[i] ^ 0x5C);
                _ipad[i] = (byte)(k[i] ^ 0x36);
            }

            Begin();
        }

        /// <summary>Starts a message: H(K0 ^ ipad || ...).</summary>
        public void Begin()
        {
            _sha.Reset();
            _sha.Update(_ipad, 0, Block);
        }

        /// <summary>Absorbs message bytes.</summary>
        public void Update(byte[] data, int offset, int count)
        {
            _sha.Update(data, offset, count);
        }

        /// <summary>Writes the 32-byte MAC at <paramref name="offset"/> and starts the next message.</summary>
        public void Final(byte[] output, int offset)
        {
            _sha.Final(_inner, 0);
            _sha.Update(_opad, 0, Block);
            _sha.Update(_inner, 0, MacLength);
            _sha.Final(output, offset);
            Array.Clear(_inner, 0, MacLength);
            Begin();
        }

        /// <summary>Zeroises the key material.</summary>
        public void Clear()
        {
            Array.Clear(_ipad, 0, Block);
            Array.Clear(_opad, 0, Block);
            _sha.Clear();
        }

        /// <summary>Compares two MACs in time independent of where they differ.</summary>
        public static bool Equal(byte[] a, int aOffset, byte[] b, int bOffset, int count)
        {
            int diff = 0;
            for (int i = 0; i < count; i++)
            {
                diff |= a[aOffset + i] ^ b[bOffset + i];
            }

            return diff == 0;
        }
    }
}
