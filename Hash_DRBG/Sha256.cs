// SHA-256 (FIPS 180-4) written for nanoCLR: fixed buffers, no allocation after construction, no method
// call inside the compression loop, locals over fields. The interpreter pays for every IL instruction.
using System;

namespace Qrng.Crypto
{
    /// <summary>
    /// SHA-256 (FIPS 180-4 §6.2). One instance owns its buffers; <see cref="Final"/> resets it for reuse.
    /// Not thread-safe.
    /// </summary>
    public sealed class Sha256
    {
        /// <summary>Digest length in bytes.</summary>
        public const int DigestLength = 32;

        /// <summary>Block length in bytes.</summary>
        public const int BlockLength = 64;

        // FIPS 180-4 §4.2.2: first 32 bits of the fractional parts of the cube roots of the first 64 primes.
        private static readonly uint[] K =
        {
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
        };

        private readonly uint[] _h = new uint[8];
        private readonly uint[] _w = new uint[64];
        private readonly uint[] _blockState = new uint[8];
        private readonly byte[] _buffer = new byte[BlockLength];
        private int _bufferLength;
        private long _totalBytes;

        /// <summary>Creates a hash ready for <see cref="Update(byte[], int, int)"/>.</summary>
        public Sha256()
        {
            Reset();
        }

        /// <summary>Starts a new message (FIPS 180-4 §5.3.3 initial hash value).</summary>
        public void Reset()
        {
            SetInitialHash(_h);
            _bufferLength = 0;
            _totalBytes = 0;
        }

        /// <summary>Zeroises every buffer that held message or state data, then resets.</summary>
        public void Clear()
        {
            Array.Clear(_w, 0, _w.Length);
            Array.Clear(_blockState, 0, _blockState.Length);
            Array.Clear(_buffer, 0, _buffer.Length);
            Reset();
        }

        /// <summary>Absorbs one byte.</summary>
        public void Update(byte value)
        {
            _buffer[_bufferLength++] = value;
            _totalBytes++;
            if (_bufferLength == BlockLength)
            {
                Compress(_h, _w, _buffer, 0);
                _bufferLength = 0;
            }
        }

        /// <summary>Absorbs <paramref name="count"/> bytes of <paramref name="data"/> from <paramref name="offset"/>.</summary>
        public void Update(byte[] data, int offset, int count)
        {
            if (data == null)
            {
                throw new ArgumentNullException("data");
            }

            if (offset < 0 || count < 0 || offset > data.Length - count)
            {
                throw new ArgumentOutOfRangeException("count", "offset/count outside the array");
            }

            _totalBytes += count;
            int fill = _bufferLength;
            if (fill > 0)
            {
                int take = BlockLength - fill;
                if (take > count)
                {
                    take = count;
                }

                Array.Copy(data, offset, _buffer, fill, take);
                offset += take;
                count -= take;
                fill += take;
                if (fill < BlockLength)
                {
                    _bufferLength = fill;
                    return;
                }

                Compress(_h, _w, _buffer, 0);
                fill = 0;
            }

            while (count >= BlockLength)
            {
                Compress(_h, _w, data, offset);
                offset += BlockLength;
                count -= BlockLength;
            }

            if (count > 0)
            {
                Array.Copy(data, offset, _buffer, 0, count);
            }

            _bufferLength = count;
        }

        /// <summary>Pads (FIPS 180-4 §5.1.1), writes the 32-byte digest at <paramref name="offset"/> and resets.</summary>
        public void Final(byte[] output, int offset)
        {
            if (output == null)
            {
                throw new ArgumentNullException("output");
            }

            if (offset < 0 || offset > output.Length - DigestLength)
            {
                throw new ArgumentOutOfRangeException("offset", "no room for a 32-byte digest");
            }

            byte[] buffer = _buffer;
            int n = _bufferLength;
            long bits = _totalBytes << 3;
            buffer[n++] = 0x80;
            if (n > BlockLength - 8)
            {
                Array.Clear(buffer, n, BlockLength - n);
                Compress(_h, _w, buffer, 0);
                n = 0;
            }

            Array.Clear(buffer, n, BlockLength - 8 - n);
            buffer[56] = (byte)(bits >> 56);
            buffer[57] = (byte)(bits >> 48);
            buffer[58] = (byte)(bits >> 40);
            buffer[59] = (byte)(bits >> 32);
            buffer[60] = (byte)(bits >> 24);
            buffer[61] = (byte)(bits >> 16);
            buffer[62] = (byte)(bits >> 8);
            buffer[63] = (byte)bits;
            Compress(_h, _w, buffer, 0);
            WriteDigest(_h, output, offset);
            Reset();
        }

        /// <summary>
        /// Hashes a message that is already padded to exactly one block (message of at most 55 bytes,
        /// FIPS 180-4 §5.1.1): one compression from the initial hash value, no buffering. Leaves the
        /// streaming state untouched.
        /// </summary>
        internal void HashPaddedBlock(byte[] block, byte[] output, int offset)
        {
            uint[] state = _blockState;
            SetInitialHash(state);
            Compress(state, _w, block, 0);
            WriteDigest(state, output, offset);
        }

        private static void SetInitialHash(uint[] h)
        {
            // FIPS 180-4 §5.3.3.
            h[0] = 0x6a09e667;
            h[1] = 0xbb67ae85;
            h[2] = 0x3c6ef372;
            h[3] = 0xa54ff53a;
            h[4] = 0x510e527f;
            h[5] = 0x9b05688c;
            h[6] = 0x1f83d9ab;
            h[7] = 0x5be0cd19;
        }

        private static void WriteDigest(uint[] h, byte[] output, int offset)
        {
            for (int i = 0; i < 8; i++)
            {
                uint x = h[i];
                output[offset] = (byte)(x >> 24);
                output[offset + 1] = (byte)(x >> 16);
                output[offset + 2] = (byte)(x >> 8);
                output[offset + 3] = (byte)x;
                offset += 4;
            }
        }

        // FIPS 180-4 §6.2.2: message schedule, 64 rounds (unrolled by 8, the roles of a..h rotate), add.
        private static void Compress(uint[] state, uint[] w, byte[] block, int offset)
        {
            for (int j = 0; j < 16; j++)
            {
                w[j] = ((uint)block[offset] << 24) | ((uint)block[offset + 1] << 16) | ((uint)block[offset + 2] << 8) | block[offset + 3];
                offset += 4;
            }

            for (int j = 16; j < 64; j++)
            {
                uint x = w[j - 15];
                uint y = w[j - 2];
                w[j] = (((y >> 17) | (y << 15)) ^ ((y >> 19) | (y << 13)) ^ (y >> 10)) + w[j - 7]
                     + (((x >> 7) | (x << 25)) ^ ((x >> 18) | (x << 14)) ^ (x >> 3)) + w[j - 16];
            }

            uint[] k = K;
            uint a = state[0], b = state[1], c = state[2], d = state[3];
            uint e = state[4], f = state[5], g = state[6], h = state[7];
            uint t;
            for (int i = 0; i < 64; i += 8)
            {
                t = h + (((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + k[i] + w[i];
                d += t;
                h = t + (((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10))) + ((a & b) | (c & (a | b)));
                t = g + (((d >> 6) | (d << 26)) ^ ((d >> 11) | (d << 21)) ^ ((d >> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + k[i + 1] + w[i + 1];
                c += t;
                g = t + (((h >> 2) | (h << 30)) ^ ((h >> 13) | (h << 19)) ^ ((h >> 22) | (h << 10))) + ((h & a) | (b & (h | a)));
                t = f + (((c >> 6) | (c << 26)) ^ ((c >> 11) | (c << 21)) ^ ((c >> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + k[i + 2] + w[i + 2];
                b += t;
                f = t + (((g >> 2) | (g << 30)) ^ ((g >> 13) | (g << 19)) ^ ((g >> 22) | (g << 10))) + ((g & h) | (a & (g | h)));
                t = e + (((b >> 6) | (b << 26)) ^ ((b >> 11) | (b << 21)) ^ ((b >> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + k[i + 3] + w[i + 3];
                a += t;
                e = t + (((f >> 2) | (f << 30)) ^ ((f >> 13) | (f << 19)) ^ ((f >> 22) | (f << 10))) + ((f & g) | (h & (f | g)));
                t = d + (((a >> 6) | (a << 26)) ^ ((a >> 11) | (a << 21)) ^ ((a >> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + k[i + 4] + w[i + 4];
                h += t;
                d = t + (((e >> 2) | (e << 30)) ^ ((e >> 13) | (e << 19)) ^ ((e >> 22) | (e << 10))) + ((e & f) | (g & (e | f)));
                t = c + (((h >> 6) | (h << 26)) ^ ((h >> 11) | (h << 21)) ^ ((h >> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + k[i + 5] + w[i + 5];
                g += t;
                c = t + (((d >> 2) | (d << 30)) ^ ((d >> 13) | (d << 19)) ^ ((d >> 22) | (d << 10))) + ((d & e) | (f & (d | e)));
                t = b + (((g >> 6) | (g << 26)) ^ ((g >> 11) | (g << 21)) ^ ((g >> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + k[i + 6] + w[i + 6];
                f += t;
                b = t + (((c >> 2) | (c << 30)) ^ ((c >> 13) | (c << 19)) ^ ((c >> 22) | (c << 10))) + ((c & d) | (e & (c | d)));
                t = a + (((f >> 6) | (f << 26)) ^ ((f >> 11) | (f << 21)) ^ ((f >> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + k[i + 7] + w[i + 7];
                e += t;
                a = t + (((b >> 2) | (b << 30)) ^ ((b >> 13) | (b << 19)) ^ ((b >> 22) | (b << 10))) + ((b & c) | (d & (b | c)));
            }

            state[0] += a;
            state[1] += b;
            state[2] += c;
            state[3] += d;
            state[4] += e;
            state[5] += f;
            state[6] += g;
            state[7] += h;
        }
    }
}
