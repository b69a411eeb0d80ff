using Qrng.Crypto;

namespace Qrng.Firmware.Pipeline
{
    /// <summary>
    /// The LED's dither (frame step 1), one byte per frame, that stale data cannot follow (<see cref="DitherCheck"/>):
    /// SHA-256 in counter mode under a key chain. The chain starts from the personalization, absorbs every frame's
    /// fingerprint (fresh shot noise: it differs from boot to boot) and, after each seeding, 32 bytes of the DRBG; each
    /// 32-byte block is SHA-256(key' ‖ 1) with key' = SHA-256(fingerprints since the last block ‖ key ‖ counter). The
    /// sequence never repeats within a boot (the counter) and depends on the frames since boot, so a FIFO that serves
    /// frames captured under earlier challenges cannot match the current one; once the DRBG is seeded it is also secret.
    /// </summary>
    public sealed class LightChallenge
    {
        private readonly Sha256 _sha = new Sha256();
        private readonly byte[] _key = new byte[Sha256.DigestLength], _block = new byte[Sha256.DigestLength], _word = new byte[8];
        private int _used = Sha256.DigestLength;
        private uint _counter;

        public LightChallenge(byte[] personalization)
        {
            if (personalization != null)
            {
                _sha.Update(personalization, 0, personalization.Length);
            }
        }

        /// <summary>A frame's fingerprint (<see cref="FrameChecks.H1"/>, <see cref="FrameChecks.H2"/>) into the chain.</summary>
        public void Absorb(uint h1, uint h2)
        {
            Put(h1, 0);
            Put(h2, 4);
            _sha.Update(_word, 0, 8);
        }

        /// <summary>Secret bytes (the DRBG's, after a seeding) into the chain; the next byte is drawn under the new key.</summary>
        public void Rekey(byte[] secret, int count)
        {
            _sha.Update(secret, 0, count);
            _used = _block.Length;
        }

        /// <summary>The next dither byte, 0..255.</summary>
        public int Next()
        {
            if (_used == _block.Length)
            {
                _sha.Update(_key, 0, _key.Length);
                Put(_counter++, 0);
                _sha.Update(_word, 0, 4);
                _sha.Final(_key, 0);
                _sha.Update(_key, 0, _key.Length);
                _sha.Update(1);
                _sha.Final(_block, 0);
                _used = 0;
            }

            return _block[_used++];
        }

        private void Put(uint v, int offset)
        {
            _word[offset] = (byte)v;
            _word[offset + 1] = (byte)(v >> 8);
            _word[offset + 2] = (byte)(v >> 16);
            _word[offset + 3] = (byte)(v >> 24);
        }
    }
}
