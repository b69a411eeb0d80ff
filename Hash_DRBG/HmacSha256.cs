using System;

namespace Qrng.Crypto
{
    /// <summary>
    /// HMAC-SHA256 (FIPS 198-1, RFC 2104) on <see cref="Sha256"/>: the serial protocol's authenticated frames. The key's
    /// padded blocks are compressed once, into the inner and outer midstates (RFC 2104 §4, "precomputed" values), so a
    /// MAC costs two compressions fewer; it allocates nothing. Not thread-safe.
    /// </summary>
    public sealed class HmacSha256
    {
        /// <summary>MAC length in bytes.</summary>
        public const int MacLength = Sha256.DigestLength;
        private const int Block = Sha256.BlockLength;
        private readonly Sha256 _sha = new Sha256();
        private readonly uint[] _innerState = new uint[8];
        private readonly uint[] _outerState = new uint[8];
        private readonly byte[] _inner = new byte[MacLength];

        /// <param name="key">any length; a key longer than the block is hashed first (FIPS 198-1 §4 step 2)</param>
        public HmacSha256(byte[] key)
        {
            if (key == null)
            {
                throw new ArgumentNullException("key");
            }

            byte[] k = new byte[Block];                        // K0 (FIPS 198-1 §4 steps 1-3), then each pad in turn
            if (key.Length > Block)
            {
                _sha.Update(key, 0, key.Length);
                _sha.Final(k, 0);
            }
            else
            {
                Array.Copy(key, 0, k, 0, key.Length);
            }

            Pad(k, 0x36, _innerState);
            Pad(k, 0x36 ^ 0x5C, _outerState);                  // K0 ^ ipad ^ (ipad ^ opad) = K0 ^ opad
            Array.Clear(k, 0, Block);
            Begin();
        }

        // k ^= pad in place, then the SHA-256 chaining value after that one block
        private void Pad(byte[] k, int pad, uint[] state)
        {
            for (int i = 0; i < Block; i++)
            {
                k[i] = (byte)(k[i] ^ pad);
            }

            _sha.Reset();
            _sha.Update(k, 0, Block);
            _sha.SaveMidstate(state);
        }

        /// <summary>Starts a message: H(K0 ^ ipad || ...).</summary>
        public void Begin()
        {
            _sha.Resume(_innerState, Block);
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
            _sha.Resume(_outerState, Block);
            _sha.Update(_inner, 0, MacLength);
            _sha.Final(output, offset);
            Array.Clear(_inner, 0, MacLength);
            Begin();
        }

        /// <summary>Zeroises the key material.</summary>
        public void Clear()
        {
            Array.Clear(_innerState, 0, 8);
            Array.Clear(_outerState, 0, 8);
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
