// SHA-256 (FIPS 180-4) written for nanoCLR: fixed buffers, no allocation after construction, no method
// call inside the rounds, locals over fields. The interpreter pays for every IL instruction.
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

        // Hashgen's per-request values (PrecomputeHashgen): 29 sums of terms that depend on message bytes 0-51 only,
        // then the working variables after round 12.
        private const int HashgenConstants = 37;

        private readonly uint[] _h = new uint[8];
        private readonly uint[] _blockState = new uint[8];
        private readonly uint[] _midstate = new uint[8];
        private readonly uint[] _words = new uint[13];
        private readonly uint[] _hashgen = new uint[HashgenConstants];
        private readonly byte[] _buffer = new byte[BlockLength];
        private readonly byte[] _last = new byte[DigestLength];
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

        /// <summary>True when no buffer holds message data or an intermediate value (diagnostics: after <see cref="Clear"/>).</summary>
        public bool IsClear()
        {
            return Zero(_blockState) && Zero(_midstate) && Zero(_words) && Zero(_hashgen) && ZeroBytes(_buffer) && ZeroBytes(_last)
                && _bufferLength == 0 && _totalBytes == 0;
        }

        private static bool Zero(uint[] a)
        {
            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != 0)
                {
                    return false;
                }
            }

            return true;
        }

        private static bool ZeroBytes(byte[] a)
        {
            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != 0)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Zeroises every buffer that held message or state data, then resets.</summary>
        public void Clear()
        {
            Array.Clear(_blockState, 0, _blockState.Length);
            Array.Clear(_midstate, 0, _midstate.Length);
            Array.Clear(_words, 0, _words.Length);
            Array.Clear(_hashgen, 0, _hashgen.Length);
            Array.Clear(_buffer, 0, _buffer.Length);
            Array.Clear(_last, 0, _last.Length);
            Reset();
        }

        /// <summary>
        /// The chaining value after whole blocks (none pending) into <paramref name="state"/> (8 words): a midstate that
        /// <see cref="Resume"/> starts from, so a fixed prefix (HMAC's padded key) is compressed once, not per message.
        /// </summary>
        public void SaveMidstate(uint[] state)
        {
            if (_bufferLength != 0)
            {
                throw new InvalidOperationException("a midstate is taken after whole blocks only");
            }

            Array.Copy(_h, state, 8);
        }

        /// <summary>Starts a message as if the <paramref name="bytes"/> (whole blocks) that gave <paramref name="state"/> had been absorbed.</summary>
        public void Resume(uint[] state, long bytes)
        {
            Array.Copy(state, _h, 8);
            _bufferLength = 0;
            _totalBytes = bytes;
        }

        /// <summary>Absorbs one byte.</summary>
        public void Update(byte value)
        {
            _buffer[_bufferLength++] = value;
            _totalBytes++;
            if (_bufferLength == BlockLength)
            {
                Compress(_h, _buffer, 0);
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

                Compress(_h, _buffer, 0);
                fill = 0;
            }

            while (count >= BlockLength)
            {
                Compress(_h, data, offset);
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
                Compress(_h, buffer, 0);
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
            Compress(_h, buffer, 0);
            WriteDigest(_h, output, offset);
            Reset();
        }

        /// <summary>
        /// Hashgen of SP 800-90A §10.1.1.4 on a pre-padded block: <paramref name="block"/> holds data (a 55-byte
        /// counter) || 0x80 || zeros || the 64-bit length 440 (FIPS 180-4 §5.1.1); writes the first
        /// <paramref name="count"/> bytes of SHA-256(data) || SHA-256(data + 1) || ... to <paramref name="output"/>.
        /// Only message word 13 (bytes 52-55: the counter's last three bytes and the 0x80) changes from one block to the
        /// next, so rounds 0-12 and every schedule term made of words 0-12, 14 and 15 are computed once
        /// (<see cref="BeginHashgen"/>) and each block costs rounds 13-63 with what is left of the schedule; a carry into
        /// byte 51 (once in 2^24 blocks) starts over from the new data. Overwrites bytes 0-51 of the block on such a
        /// carry; leaves the streaming state (Update/Final) untouched.
        /// </summary>
        internal void Hashgen(byte[] block, byte[] output, int offset, int count)
        {
            if (count <= 0)
            {
                return;
            }

            BeginHashgen(block);
            uint w13 = ((uint)block[52] << 24) | ((uint)block[53] << 16) | ((uint)block[54] << 8) | block[55];
            while (count >= DigestLength)
            {
                HashgenWords(w13, output, offset);
                offset += DigestLength;
                count -= DigestLength;
                w13 += 0x100;
                if (w13 < 0x100 && count > 0)
                {
                    // bytes 52-54 wrapped to zero: carry into byte 51 and below (mod 2^440)
                    int i = 51;
                    while (i >= 0 && ++block[i] == 0)
                    {
                        i--;
                    }

                    BeginHashgen(block);
                }
            }

            if (count > 0)
            {
                HashgenWords(w13, _last, 0);
                Array.Copy(_last, 0, output, offset, count);
            }
        }

        /// <summary>
        /// Computes rounds 0-12 over message words 0-12 (bytes 0-51) and the per-request constants of the later rounds.
        /// Call again whenever bytes 0-51 of the block change, and after any Update/Final on this instance (they reuse
        /// the round buffers). Leaves the streaming state (Update/Final) untouched.
        /// </summary>
        internal void BeginHashgen(byte[] block)
        {
            SetInitialHash(_blockState);
            RoundsHead(_blockState, block, 0);
            PrecomputeHashgen();
        }

        /// <summary>Writes SHA-256(block) at <paramref name="offset"/>; bytes 0-51 must be those given to BeginHashgen.</summary>
        internal void HashgenBlock(byte[] block, byte[] output, int offset)
        {
            HashgenWords(((uint)block[52] << 24) | ((uint)block[53] << 16) | ((uint)block[54] << 8) | block[55], output, offset);
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

        // FIPS 180-4 §6.2.2, fully unrolled in two parts (Hashgen reuses the first): K (§4.2.2) is inlined as
        // literals, the message schedule lives in 16 locals and the roles of a..h rotate each round. No array access
        // and no call inside the rounds: on nanoCLR every IL instruction counts.
        private void Compress(uint[] state, byte[] block, int offset)
        {
            RoundsHead(state, block, offset);
            RoundsTail(state, block, offset);
        }

        // FIPS 180-4 §6.2.2 rounds 0-12 over message words 0-12 (block bytes 0-51), from state; leaves a..h in
        // _midstate and the words in _words for RoundsTail.
        private void RoundsHead(uint[] state, byte[] block, int offset)
        {
            uint[] words = _words;
            uint[] mid = _midstate;
            uint a = state[0], b = state[1], c = state[2], d = state[3];
            uint e = state[4], f = state[5], g = state[6], h = state[7];
            uint t;
            uint w0 = ((uint)block[offset + 0] << 24) | ((uint)block[offset + 1] << 16) | ((uint)block[offset + 2] << 8) | block[offset + 3];
            uint w1 = ((uint)block[offset + 4] << 24) | ((uint)block[offset + 5] << 16) | ((uint)block[offset + 6] << 8) | block[offset + 7];
            uint w2 = ((uint)block[offset + 8] << 24) | ((uint)block[offset + 9] << 16) | ((uint)block[offset + 10] << 8) | block[offset + 11];
            uint w3 = ((uint)block[offset + 12] << 24) | ((uint)block[offset + 13] << 16) | ((uint)block[offset + 14] << 8) | block[offset + 15];
            uint w4 = ((uint)block[offset + 16] << 24) | ((uint)block[offset + 17] << 16) | ((uint)block[offset + 18] << 8) | block[offset + 19];
            uint w5 = ((uint)block[offset + 20] << 24) | ((uint)block[offset + 21] << 16) | ((uint)block[offset + 22] << 8) | block[offset + 23];
            uint w6 = ((uint)block[offset + 24] << 24) | ((uint)block[offset + 25] << 16) | ((uint)block[offset + 26] << 8) | block[offset + 27];
            uint w7 = ((uint)block[offset + 28] << 24) | ((uint)block[offset + 29] << 16) | ((uint)block[offset + 30] << 8) | block[offset + 31];
            uint w8 = ((uint)block[offset + 32] << 24) | ((uint)block[offset + 33] << 16) | ((uint)block[offset + 34] << 8) | block[offset + 35];
            uint w9 = ((uint)block[offset + 36] << 24) | ((uint)block[offset + 37] << 16) | ((uint)block[offset + 38] << 8) | block[offset + 39];
            uint w10 = ((uint)block[offset + 40] << 24) | ((uint)block[offset + 41] << 16) | ((uint)block[offset + 42] << 8) | block[offset + 43];
            uint w11 = ((uint)block[offset + 44] << 24) | ((uint)block[offset + 45] << 16) | ((uint)block[offset + 46] << 8) | block[offset + 47];
            uint w12 = ((uint)block[offset + 48] << 24) | ((uint)block[offset + 49] << 16) | ((uint)block[offset + 50] << 8) | block[offset + 51];
            words[0] = w0;
            words[1] = w1;
            words[2] = w2;
            words[3] = w3;
            words[4] = w4;
            words[5] = w5;
            words[6] = w6;
            words[7] = w7;
            words[8] = w8;
            words[9] = w9;
            words[10] = w10;
            words[11] = w11;
            words[12] = w12;
            t = h + (((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + 0x428a2f98 + w0;
            d += t;
            h = t + (((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10))) + ((a & b) | (c & (a | b)));
            t = g + (((d >> 6) | (d << 26)) ^ ((d >> 11) | (d << 21)) ^ ((d >> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + 0x71374491 + w1;
            c += t;
            g = t + (((h >> 2) | (h << 30)) ^ ((h >> 13) | (h << 19)) ^ ((h >> 22) | (h << 10))) + ((h & a) | (b & (h | a)));
            t = f + (((c >> 6) | (c << 26)) ^ ((c >> 11) | (c << 21)) ^ ((c >> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + 0xb5c0fbcf + w2;
            b += t;
            f = t + (((g >> 2) | (g << 30)) ^ ((g >> 13) | (g << 19)) ^ ((g >> 22) | (g << 10))) + ((g & h) | (a & (g | h)));
            t = e + (((b >> 6) | (b << 26)) ^ ((b >> 11) | (b << 21)) ^ ((b >> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + 0xe9b5dba5 + w3;
            a += t;
            e = t + (((f >> 2) | (f << 30)) ^ ((f >> 13) | (f << 19)) ^ ((f >> 22) | (f << 10))) + ((f & g) | (h & (f | g)));
            t = d + (((a >> 6) | (a << 26)) ^ ((a >> 11) | (a << 21)) ^ ((a >> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + 0x3956c25b + w4;
            h += t;
            d = t + (((e >> 2) | (e << 30)) ^ ((e >> 13) | (e << 19)) ^ ((e >> 22) | (e << 10))) + ((e & f) | (g & (e | f)));
            t = c + (((h >> 6) | (h << 26)) ^ ((h >> 11) | (h << 21)) ^ ((h >> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + 0x59f111f1 + w5;
            g += t;
            c = t + (((d >> 2) | (d << 30)) ^ ((d >> 13) | (d << 19)) ^ ((d >> 22) | (d << 10))) + ((d & e) | (f & (d | e)));
            t = b + (((g >> 6) | (g << 26)) ^ ((g >> 11) | (g << 21)) ^ ((g >> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + 0x923f82a4 + w6;
            f += t;
            b = t + (((c >> 2) | (c << 30)) ^ ((c >> 13) | (c << 19)) ^ ((c >> 22) | (c << 10))) + ((c & d) | (e & (c | d)));
            t = a + (((f >> 6) | (f << 26)) ^ ((f >> 11) | (f << 21)) ^ ((f >> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + 0xab1c5ed5 + w7;
            e += t;
            a = t + (((b >> 2) | (b << 30)) ^ ((b >> 13) | (b << 19)) ^ ((b >> 22) | (b << 10))) + ((b & c) | (d & (b | c)));
            t = h + (((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + 0xd807aa98 + w8;
            d += t;
            h = t + (((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10))) + ((a & b) | (c & (a | b)));
            t = g + (((d >> 6) | (d << 26)) ^ ((d >> 11) | (d << 21)) ^ ((d >> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + 0x12835b01 + w9;
            c += t;
            g = t + (((h >> 2) | (h << 30)) ^ ((h >> 13) | (h << 19)) ^ ((h >> 22) | (h << 10))) + ((h & a) | (b & (h | a)));
            t = f + (((c >> 6) | (c << 26)) ^ ((c >> 11) | (c << 21)) ^ ((c >> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + 0x243185be + w10;
            b += t;
            f = t + (((g >> 2) | (g << 30)) ^ ((g >> 13) | (g << 19)) ^ ((g >> 22) | (g << 10))) + ((g & h) | (a & (g | h)));
            t = e + (((b >> 6) | (b << 26)) ^ ((b >> 11) | (b << 21)) ^ ((b >> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + 0x550c7dc3 + w11;
            a += t;
            e = t + (((f >> 2) | (f << 30)) ^ ((f >> 13) | (f << 19)) ^ ((f >> 22) | (f << 10))) + ((f & g) | (h & (f | g)));
            t = d + (((a >> 6) | (a << 26)) ^ ((a >> 11) | (a << 21)) ^ ((a >> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + 0x72be5d74 + w12;
            h += t;
            d = t + (((e >> 2) | (e << 30)) ^ ((e >> 13) | (e << 19)) ^ ((e >> 22) | (e << 10))) + ((e & f) | (g & (e | f)));
            mid[0] = a;
            mid[1] = b;
            mid[2] = c;
            mid[3] = d;
            mid[4] = e;
            mid[5] = f;
            mid[6] = g;
            mid[7] = h;
        }

        // Rounds 13-63 from _midstate / _words and message words 13-15 (block bytes 52-63); adds the result into
        // state (FIPS 180-4 §6.2.2 step 4). The schedule for t >= 16 replaces w[t - 16] in place.
        private void RoundsTail(uint[] state, byte[] block, int offset)
        {
            uint[] words = _words;
            uint[] mid = _midstate;
            uint a = mid[0], b = mid[1], c = mid[2], d = mid[3];
            uint e = mid[4], f = mid[5], g = mid[6], h = mid[7];
            uint t;
            uint w0 = words[0];
            uint w1 = words[1];
            uint w2 = words[2];
            uint w3 = words[3];
            uint w4 = words[4];
            uint w5 = words[5];
            uint w6 = words[6];
            uint w7 = words[7];
            uint w8 = words[8];
            uint w9 = words[9];
            uint w10 = words[10];
            uint w11 = words[11];
            uint w12 = words[12];
            uint w13 = ((uint)block[offset + 52] << 24) | ((uint)block[offset + 53] << 16) | ((uint)block[offset + 54] << 8) | block[offset + 55];
            uint w14 = ((uint)block[offset + 56] << 24) | ((uint)block[offset + 57] << 16) | ((uint)block[offset + 58] << 8) | block[offset + 59];
            uint w15 = ((uint)block[offset + 60] << 24) | ((uint)block[offset + 61] << 16) | ((uint)block[offset + 62] << 8) | block[offset + 63];
            t = c + (((h >> 6) | (h << 26)) ^ ((h >> 11) | (h << 21)) ^ ((h >> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + 0x80deb1fe + w13;
            g += t;
            c = t + (((d >> 2) | (d << 30)) ^ ((d >> 13) | (d << 19)) ^ ((d >> 22) | (d << 10))) + ((d & e) | (f & (d | e)));
            t = b + (((g >> 6) | (g << 26)) ^ ((g >> 11) | (g << 21)) ^ ((g >> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + 0x9bdc06a7 + w14;
            f += t;
            b = t + (((c >> 2) | (c << 30)) ^ ((c >> 13) | (c << 19)) ^ ((c >> 22) | (c << 10))) + ((c & d) | (e & (c | d)));
            t = a + (((f >> 6) | (f << 26)) ^ ((f >> 11) | (f << 21)) ^ ((f >> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + 0xc19bf174 + w15;
            e += t;
            a = t + (((b >> 2) | (b << 30)) ^ ((b >> 13) | (b << 19)) ^ ((b >> 22) | (b << 10))) + ((b & c) | (d & (b | c)));
            w0 += (((w14 >> 17) | (w14 << 15)) ^ ((w14 >> 19) | (w14 << 13)) ^ (w14 >> 10)) + w9 + (((w1 >> 7) | (w1 << 25)) ^ ((w1 >> 18) | (w1 << 14)) ^ (w1 >> 3));
            t = h + (((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + 0xe49b69c1 + w0;
            d += t;
            h = t + (((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10))) + ((a & b) | (c & (a | b)));
            w1 += (((w15 >> 17) | (w15 << 15)) ^ ((w15 >> 19) | (w15 << 13)) ^ (w15 >> 10)) + w10 + (((w2 >> 7) | (w2 << 25)) ^ ((w2 >> 18) | (w2 << 14)) ^ (w2 >> 3));
            t = g + (((d >> 6) | (d << 26)) ^ ((d >> 11) | (d << 21)) ^ ((d >> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + 0xefbe4786 + w1;
            c += t;
            g = t + (((h >> 2) | (h << 30)) ^ ((h >> 13) | (h << 19)) ^ ((h >> 22) | (h << 10))) + ((h & a) | (b & (h | a)));
            w2 += (((w0 >> 17) | (w0 << 15)) ^ ((w0 >> 19) | (w0 << 13)) ^ (w0 >> 10)) + w11 + (((w3 >> 7) | (w3 << 25)) ^ ((w3 >> 18) | (w3 << 14)) ^ (w3 >> 3));
            t = f + (((c >> 6) | (c << 26)) ^ ((c >> 11) | (c << 21)) ^ ((c >> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + 0x0fc19dc6 + w2;
            b += t;
            f = t + (((g >> 2) | (g << 30)) ^ ((g >> 13) | (g << 19)) ^ ((g >> 22) | (g << 10))) + ((g & h) | (a & (g | h)));
            w3 += (((w1 >> 17) | (w1 << 15)) ^ ((w1 >> 19) | (w1 << 13)) ^ (w1 >> 10)) + w12 + (((w4 >> 7) | (w4 << 25)) ^ ((w4 >> 18) | (w4 << 14)) ^ (w4 >> 3));
            t = e + (((b >> 6) | (b << 26)) ^ ((b >> 11) | (b << 21)) ^ ((b >> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + 0x240ca1cc + w3;
            a += t;
            e = t + (((f >> 2) | (f << 30)) ^ ((f >> 13) | (f << 19)) ^ ((f >> 22) | (f << 10))) + ((f & g) | (h & (f | g)));
            w4 += (((w2 >> 17) | (w2 << 15)) ^ ((w2 >> 19) | (w2 << 13)) ^ (w2 >> 10)) + w13 + (((w5 >> 7) | (w5 << 25)) ^ ((w5 >> 18) | (w5 << 14)) ^ (w5 >> 3));
            t = d + (((a >> 6) | (a << 26)) ^ ((a >> 11) | (a << 21)) ^ ((a >> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + 0x2de92c6f + w4;
            h += t;
            d = t + (((e >> 2) | (e << 30)) ^ ((e >> 13) | (e << 19)) ^ ((e >> 22) | (e << 10))) + ((e & f) | (g & (e | f)));
            w5 += (((w3 >> 17) | (w3 << 15)) ^ ((w3 >> 19) | (w3 << 13)) ^ (w3 >> 10)) + w14 + (((w6 >> 7) | (w6 << 25)) ^ ((w6 >> 18) | (w6 << 14)) ^ (w6 >> 3));
            t = c + (((h >> 6) | (h << 26)) ^ ((h >> 11) | (h << 21)) ^ ((h >> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + 0x4a7484aa + w5;
            g += t;
            c = t + (((d >> 2) | (d << 30)) ^ ((d >> 13) | (d << 19)) ^ ((d >> 22) | (d << 10))) + ((d & e) | (f & (d | e)));
            w6 += (((w4 >> 17) | (w4 << 15)) ^ ((w4 >> 19) | (w4 << 13)) ^ (w4 >> 10)) + w15 + (((w7 >> 7) | (w7 << 25)) ^ ((w7 >> 18) | (w7 << 14)) ^ (w7 >> 3));
            t = b + (((g >> 6) | (g << 26)) ^ ((g >> 11) | (g << 21)) ^ ((g >> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + 0x5cb0a9dc + w6;
            f += t;
            b = t + (((c >> 2) | (c << 30)) ^ ((c >> 13) | (c << 19)) ^ ((c >> 22) | (c << 10))) + ((c & d) | (e & (c | d)));
            w7 += (((w5 >> 17) | (w5 << 15)) ^ ((w5 >> 19) | (w5 << 13)) ^ (w5 >> 10)) + w0 + (((w8 >> 7) | (w8 << 25)) ^ ((w8 >> 18) | (w8 << 14)) ^ (w8 >> 3));
            t = a + (((f >> 6) | (f << 26)) ^ ((f >> 11) | (f << 21)) ^ ((f >> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + 0x76f988da + w7;
            e += t;
            a = t + (((b >> 2) | (b << 30)) ^ ((b >> 13) | (b << 19)) ^ ((b >> 22) | (b << 10))) + ((b & c) | (d & (b | c)));
            w8 += (((w6 >> 17) | (w6 << 15)) ^ ((w6 >> 19) | (w6 << 13)) ^ (w6 >> 10)) + w1 + (((w9 >> 7) | (w9 << 25)) ^ ((w9 >> 18) | (w9 << 14)) ^ (w9 >> 3));
            t = h + (((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + 0x983e5152 + w8;
            d += t;
            h = t + (((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10))) + ((a & b) | (c & (a | b)));
            w9 += (((w7 >> 17) | (w7 << 15)) ^ ((w7 >> 19) | (w7 << 13)) ^ (w7 >> 10)) + w2 + (((w10 >> 7) | (w10 << 25)) ^ ((w10 >> 18) | (w10 << 14)) ^ (w10 >> 3));
            t = g + (((d >> 6) | (d << 26)) ^ ((d >> 11) | (d << 21)) ^ ((d >> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + 0xa831c66d + w9;
            c += t;
            g = t + (((h >> 2) | (h << 30)) ^ ((h >> 13) | (h << 19)) ^ ((h >> 22) | (h << 10))) + ((h & a) | (b & (h | a)));
            w10 += (((w8 >> 17) | (w8 << 15)) ^ ((w8 >> 19) | (w8 << 13)) ^ (w8 >> 10)) + w3 + (((w11 >> 7) | (w11 << 25)) ^ ((w11 >> 18) | (w11 << 14)) ^ (w11 >> 3));
            t = f + (((c >> 6) | (c << 26)) ^ ((c >> 11) | (c << 21)) ^ ((c >> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + 0xb00327c8 + w10;
            b += t;
            f = t + (((g >> 2) | (g << 30)) ^ ((g >> 13) | (g << 19)) ^ ((g >> 22) | (g << 10))) + ((g & h) | (a & (g | h)));
            w11 += (((w9 >> 17) | (w9 << 15)) ^ ((w9 >> 19) | (w9 << 13)) ^ (w9 >> 10)) + w4 + (((w12 >> 7) | (w12 << 25)) ^ ((w12 >> 18) | (w12 << 14)) ^ (w12 >> 3));
            t = e + (((b >> 6) | (b << 26)) ^ ((b >> 11) | (b << 21)) ^ ((b >> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + 0xbf597fc7 + w11;
            a += t;
            e = t + (((f >> 2) | (f << 30)) ^ ((f >> 13) | (f << 19)) ^ ((f >> 22) | (f << 10))) + ((f & g) | (h & (f | g)));
            w12 += (((w10 >> 17) | (w10 << 15)) ^ ((w10 >> 19) | (w10 << 13)) ^ (w10 >> 10)) + w5 + (((w13 >> 7) | (w13 << 25)) ^ ((w13 >> 18) | (w13 << 14)) ^ (w13 >> 3));
            t = d + (((a >> 6) | (a << 26)) ^ ((a >> 11) | (a << 21)) ^ ((a >> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + 0xc6e00bf3 + w12;
            h += t;
            d = t + (((e >> 2) | (e << 30)) ^ ((e >> 13) | (e << 19)) ^ ((e >> 22) | (e << 10))) + ((e & f) | (g & (e | f)));
            w13 += (((w11 >> 17) | (w11 << 15)) ^ ((w11 >> 19) | (w11 << 13)) ^ (w11 >> 10)) + w6 + (((w14 >> 7) | (w14 << 25)) ^ ((w14 >> 18) | (w14 << 14)) ^ (w14 >> 3));
            t = c + (((h >> 6) | (h << 26)) ^ ((h >> 11) | (h << 21)) ^ ((h >> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + 0xd5a79147 + w13;
            g += t;
            c = t + (((d >> 2) | (d << 30)) ^ ((d >> 13) | (d << 19)) ^ ((d >> 22) | (d << 10))) + ((d & e) | (f & (d | e)));
            w14 += (((w12 >> 17) | (w12 << 15)) ^ ((w12 >> 19) | (w12 << 13)) ^ (w12 >> 10)) + w7 + (((w15 >> 7) | (w15 << 25)) ^ ((w15 >> 18) | (w15 << 14)) ^ (w15 >> 3));
            t = b + (((g >> 6) | (g << 26)) ^ ((g >> 11) | (g << 21)) ^ ((g >> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + 0x06ca6351 + w14;
            f += t;
            b = t + (((c >> 2) | (c << 30)) ^ ((c >> 13) | (c << 19)) ^ ((c >> 22) | (c << 10))) + ((c & d) | (e & (c | d)));
            w15 += (((w13 >> 17) | (w13 << 15)) ^ ((w13 >> 19) | (w13 << 13)) ^ (w13 >> 10)) + w8 + (((w0 >> 7) | (w0 << 25)) ^ ((w0 >> 18) | (w0 << 14)) ^ (w0 >> 3));
            t = a + (((f >> 6) | (f << 26)) ^ ((f >> 11) | (f << 21)) ^ ((f >> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + 0x14292967 + w15;
            e += t;
            a = t + (((b >> 2) | (b << 30)) ^ ((b >> 13) | (b << 19)) ^ ((b >> 22) | (b << 10))) + ((b & c) | (d & (b | c)));
            w0 += (((w14 >> 17) | (w14 << 15)) ^ ((w14 >> 19) | (w14 << 13)) ^ (w14 >> 10)) + w9 + (((w1 >> 7) | (w1 << 25)) ^ ((w1 >> 18) | (w1 << 14)) ^ (w1 >> 3));
            t = h + (((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + 0x27b70a85 + w0;
            d += t;
            h = t + (((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10))) + ((a & b) | (c & (a | b)));
            w1 += (((w15 >> 17) | (w15 << 15)) ^ ((w15 >> 19) | (w15 << 13)) ^ (w15 >> 10)) + w10 + (((w2 >> 7) | (w2 << 25)) ^ ((w2 >> 18) | (w2 << 14)) ^ (w2 >> 3));
            t = g + (((d >> 6) | (d << 26)) ^ ((d >> 11) | (d << 21)) ^ ((d >> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + 0x2e1b2138 + w1;
            c += t;
            g = t + (((h >> 2) | (h << 30)) ^ ((h >> 13) | (h << 19)) ^ ((h >> 22) | (h << 10))) + ((h & a) | (b & (h | a)));
            w2 += (((w0 >> 17) | (w0 << 15)) ^ ((w0 >> 19) | (w0 << 13)) ^ (w0 >> 10)) + w11 + (((w3 >> 7) | (w3 << 25)) ^ ((w3 >> 18) | (w3 << 14)) ^ (w3 >> 3));
            t = f + (((c >> 6) | (c << 26)) ^ ((c >> 11) | (c << 21)) ^ ((c >> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + 0x4d2c6dfc + w2;
            b += t;
            f = t + (((g >> 2) | (g << 30)) ^ ((g >> 13) | (g << 19)) ^ ((g >> 22) | (g << 10))) + ((g & h) | (a & (g | h)));
            w3 += (((w1 >> 17) | (w1 << 15)) ^ ((w1 >> 19) | (w1 << 13)) ^ (w1 >> 10)) + w12 + (((w4 >> 7) | (w4 << 25)) ^ ((w4 >> 18) | (w4 << 14)) ^ (w4 >> 3));
            t = e + (((b >> 6) | (b << 26)) ^ ((b >> 11) | (b << 21)) ^ ((b >> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + 0x53380d13 + w3;
            a += t;
            e = t + (((f >> 2) | (f << 30)) ^ ((f >> 13) | (f << 19)) ^ ((f >> 22) | (f << 10))) + ((f & g) | (h & (f | g)));
            w4 += (((w2 >> 17) | (w2 << 15)) ^ ((w2 >> 19) | (w2 << 13)) ^ (w2 >> 10)) + w13 + (((w5 >> 7) | (w5 << 25)) ^ ((w5 >> 18) | (w5 << 14)) ^ (w5 >> 3));
            t = d + (((a >> 6) | (a << 26)) ^ ((a >> 11) | (a << 21)) ^ ((a >> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + 0x650a7354 + w4;
            h += t;
            d = t + (((e >> 2) | (e << 30)) ^ ((e >> 13) | (e << 19)) ^ ((e >> 22) | (e << 10))) + ((e & f) | (g & (e | f)));
            w5 += (((w3 >> 17) | (w3 << 15)) ^ ((w3 >> 19) | (w3 << 13)) ^ (w3 >> 10)) + w14 + (((w6 >> 7) | (w6 << 25)) ^ ((w6 >> 18) | (w6 << 14)) ^ (w6 >> 3));
            t = c + (((h >> 6) | (h << 26)) ^ ((h >> 11) | (h << 21)) ^ ((h >> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + 0x766a0abb + w5;
            g += t;
            c = t + (((d >> 2) | (d << 30)) ^ ((d >> 13) | (d << 19)) ^ ((d >> 22) | (d << 10))) + ((d & e) | (f & (d | e)));
            w6 += (((w4 >> 17) | (w4 << 15)) ^ ((w4 >> 19) | (w4 << 13)) ^ (w4 >> 10)) + w15 + (((w7 >> 7) | (w7 << 25)) ^ ((w7 >> 18) | (w7 << 14)) ^ (w7 >> 3));
            t = b + (((g >> 6) | (g << 26)) ^ ((g >> 11) | (g << 21)) ^ ((g >> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + 0x81c2c92e + w6;
            f += t;
            b = t + (((c >> 2) | (c << 30)) ^ ((c >> 13) | (c << 19)) ^ ((c >> 22) | (c << 10))) + ((c & d) | (e & (c | d)));
            w7 += (((w5 >> 17) | (w5 << 15)) ^ ((w5 >> 19) | (w5 << 13)) ^ (w5 >> 10)) + w0 + (((w8 >> 7) | (w8 << 25)) ^ ((w8 >> 18) | (w8 << 14)) ^ (w8 >> 3));
            t = a + (((f >> 6) | (f << 26)) ^ ((f >> 11) | (f << 21)) ^ ((f >> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + 0x92722c85 + w7;
            e += t;
            a = t + (((b >> 2) | (b << 30)) ^ ((b >> 13) | (b << 19)) ^ ((b >> 22) | (b << 10))) + ((b & c) | (d & (b | c)));
            w8 += (((w6 >> 17) | (w6 << 15)) ^ ((w6 >> 19) | (w6 << 13)) ^ (w6 >> 10)) + w1 + (((w9 >> 7) | (w9 << 25)) ^ ((w9 >> 18) | (w9 << 14)) ^ (w9 >> 3));
            t = h + (((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + 0xa2bfe8a1 + w8;
            d += t;
            h = t + (((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10))) + ((a & b) | (c & (a | b)));
            w9 += (((w7 >> 17) | (w7 << 15)) ^ ((w7 >> 19) | (w7 << 13)) ^ (w7 >> 10)) + w2 + (((w10 >> 7) | (w10 << 25)) ^ ((w10 >> 18) | (w10 << 14)) ^ (w10 >> 3));
            t = g + (((d >> 6) | (d << 26)) ^ ((d >> 11) | (d << 21)) ^ ((d >> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + 0xa81a664b + w9;
            c += t;
            g = t + (((h >> 2) | (h << 30)) ^ ((h >> 13) | (h << 19)) ^ ((h >> 22) | (h << 10))) + ((h & a) | (b & (h | a)));
            w10 += (((w8 >> 17) | (w8 << 15)) ^ ((w8 >> 19) | (w8 << 13)) ^ (w8 >> 10)) + w3 + (((w11 >> 7) | (w11 << 25)) ^ ((w11 >> 18) | (w11 << 14)) ^ (w11 >> 3));
            t = f + (((c >> 6) | (c << 26)) ^ ((c >> 11) | (c << 21)) ^ ((c >> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + 0xc24b8b70 + w10;
            b += t;
            f = t + (((g >> 2) | (g << 30)) ^ ((g >> 13) | (g << 19)) ^ ((g >> 22) | (g << 10))) + ((g & h) | (a & (g | h)));
            w11 += (((w9 >> 17) | (w9 << 15)) ^ ((w9 >> 19) | (w9 << 13)) ^ (w9 >> 10)) + w4 + (((w12 >> 7) | (w12 << 25)) ^ ((w12 >> 18) | (w12 << 14)) ^ (w12 >> 3));
            t = e + (((b >> 6) | (b << 26)) ^ ((b >> 11) | (b << 21)) ^ ((b >> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + 0xc76c51a3 + w11;
            a += t;
            e = t + (((f >> 2) | (f << 30)) ^ ((f >> 13) | (f << 19)) ^ ((f >> 22) | (f << 10))) + ((f & g) | (h & (f | g)));
            w12 += (((w10 >> 17) | (w10 << 15)) ^ ((w10 >> 19) | (w10 << 13)) ^ (w10 >> 10)) + w5 + (((w13 >> 7) | (w13 << 25)) ^ ((w13 >> 18) | (w13 << 14)) ^ (w13 >> 3));
            t = d + (((a >> 6) | (a << 26)) ^ ((a >> 11) | (a << 21)) ^ ((a >> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + 0xd192e819 + w12;
            h += t;
            d = t + (((e >> 2) | (e << 30)) ^ ((e >> 13) | (e << 19)) ^ ((e >> 22) | (e << 10))) + ((e & f) | (g & (e | f)));
            w13 += (((w11 >> 17) | (w11 << 15)) ^ ((w11 >> 19) | (w11 << 13)) ^ (w11 >> 10)) + w6 + (((w14 >> 7) | (w14 << 25)) ^ ((w14 >> 18) | (w14 << 14)) ^ (w14 >> 3));
            t = c + (((h >> 6) | (h << 26)) ^ ((h >> 11) | (h << 21)) ^ ((h >> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + 0xd6990624 + w13;
            g += t;
            c = t + (((d >> 2) | (d << 30)) ^ ((d >> 13) | (d << 19)) ^ ((d >> 22) | (d << 10))) + ((d & e) | (f & (d | e)));
            w14 += (((w12 >> 17) | (w12 << 15)) ^ ((w12 >> 19) | (w12 << 13)) ^ (w12 >> 10)) + w7 + (((w15 >> 7) | (w15 << 25)) ^ ((w15 >> 18) | (w15 << 14)) ^ (w15 >> 3));
            t = b + (((g >> 6) | (g << 26)) ^ ((g >> 11) | (g << 21)) ^ ((g >> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + 0xf40e3585 + w14;
            f += t;
            b = t + (((c >> 2) | (c << 30)) ^ ((c >> 13) | (c << 19)) ^ ((c >> 22) | (c << 10))) + ((c & d) | (e & (c | d)));
            w15 += (((w13 >> 17) | (w13 << 15)) ^ ((w13 >> 19) | (w13 << 13)) ^ (w13 >> 10)) + w8 + (((w0 >> 7) | (w0 << 25)) ^ ((w0 >> 18) | (w0 << 14)) ^ (w0 >> 3));
            t = a + (((f >> 6) | (f << 26)) ^ ((f >> 11) | (f << 21)) ^ ((f >> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + 0x106aa070 + w15;
            e += t;
            a = t + (((b >> 2) | (b << 30)) ^ ((b >> 13) | (b << 19)) ^ ((b >> 22) | (b << 10))) + ((b & c) | (d & (b | c)));
            w0 += (((w14 >> 17) | (w14 << 15)) ^ ((w14 >> 19) | (w14 << 13)) ^ (w14 >> 10)) + w9 + (((w1 >> 7) | (w1 << 25)) ^ ((w1 >> 18) | (w1 << 14)) ^ (w1 >> 3));
            t = h + (((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + 0x19a4c116 + w0;
            d += t;
            h = t + (((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10))) + ((a & b) | (c & (a | b)));
            w1 += (((w15 >> 17) | (w15 << 15)) ^ ((w15 >> 19) | (w15 << 13)) ^ (w15 >> 10)) + w10 + (((w2 >> 7) | (w2 << 25)) ^ ((w2 >> 18) | (w2 << 14)) ^ (w2 >> 3));
            t = g + (((d >> 6) | (d << 26)) ^ ((d >> 11) | (d << 21)) ^ ((d >> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + 0x1e376c08 + w1;
            c += t;
            g = t + (((h >> 2) | (h << 30)) ^ ((h >> 13) | (h << 19)) ^ ((h >> 22) | (h << 10))) + ((h & a) | (b & (h | a)));
            w2 += (((w0 >> 17) | (w0 << 15)) ^ ((w0 >> 19) | (w0 << 13)) ^ (w0 >> 10)) + w11 + (((w3 >> 7) | (w3 << 25)) ^ ((w3 >> 18) | (w3 << 14)) ^ (w3 >> 3));
            t = f + (((c >> 6) | (c << 26)) ^ ((c >> 11) | (c << 21)) ^ ((c >> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + 0x2748774c + w2;
            b += t;
            f = t + (((g >> 2) | (g << 30)) ^ ((g >> 13) | (g << 19)) ^ ((g >> 22) | (g << 10))) + ((g & h) | (a & (g | h)));
            w3 += (((w1 >> 17) | (w1 << 15)) ^ ((w1 >> 19) | (w1 << 13)) ^ (w1 >> 10)) + w12 + (((w4 >> 7) | (w4 << 25)) ^ ((w4 >> 18) | (w4 << 14)) ^ (w4 >> 3));
            t = e + (((b >> 6) | (b << 26)) ^ ((b >> 11) | (b << 21)) ^ ((b >> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + 0x34b0bcb5 + w3;
            a += t;
            e = t + (((f >> 2) | (f << 30)) ^ ((f >> 13) | (f << 19)) ^ ((f >> 22) | (f << 10))) + ((f & g) | (h & (f | g)));
            w4 += (((w2 >> 17) | (w2 << 15)) ^ ((w2 >> 19) | (w2 << 13)) ^ (w2 >> 10)) + w13 + (((w5 >> 7) | (w5 << 25)) ^ ((w5 >> 18) | (w5 << 14)) ^ (w5 >> 3));
            t = d + (((a >> 6) | (a << 26)) ^ ((a >> 11) | (a << 21)) ^ ((a >> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + 0x391c0cb3 + w4;
            h += t;
            d = t + (((e >> 2) | (e << 30)) ^ ((e >> 13) | (e << 19)) ^ ((e >> 22) | (e << 10))) + ((e & f) | (g & (e | f)));
            w5 += (((w3 >> 17) | (w3 << 15)) ^ ((w3 >> 19) | (w3 << 13)) ^ (w3 >> 10)) + w14 + (((w6 >> 7) | (w6 << 25)) ^ ((w6 >> 18) | (w6 << 14)) ^ (w6 >> 3));
            t = c + (((h >> 6) | (h << 26)) ^ ((h >> 11) | (h << 21)) ^ ((h >> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + 0x4ed8aa4a + w5;
            g += t;
            c = t + (((d >> 2) | (d << 30)) ^ ((d >> 13) | (d << 19)) ^ ((d >> 22) | (d << 10))) + ((d & e) | (f & (d | e)));
            w6 += (((w4 >> 17) | (w4 << 15)) ^ ((w4 >> 19) | (w4 << 13)) ^ (w4 >> 10)) + w15 + (((w7 >> 7) | (w7 << 25)) ^ ((w7 >> 18) | (w7 << 14)) ^ (w7 >> 3));
            t = b + (((g >> 6) | (g << 26)) ^ ((g >> 11) | (g << 21)) ^ ((g >> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + 0x5b9cca4f + w6;
            f += t;
            b = t + (((c >> 2) | (c << 30)) ^ ((c >> 13) | (c << 19)) ^ ((c >> 22) | (c << 10))) + ((c & d) | (e & (c | d)));
            w7 += (((w5 >> 17) | (w5 << 15)) ^ ((w5 >> 19) | (w5 << 13)) ^ (w5 >> 10)) + w0 + (((w8 >> 7) | (w8 << 25)) ^ ((w8 >> 18) | (w8 << 14)) ^ (w8 >> 3));
            t = a + (((f >> 6) | (f << 26)) ^ ((f >> 11) | (f << 21)) ^ ((f >> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + 0x682e6ff3 + w7;
            e += t;
            a = t + (((b >> 2) | (b << 30)) ^ ((b >> 13) | (b << 19)) ^ ((b >> 22) | (b << 10))) + ((b & c) | (d & (b | c)));
            w8 += (((w6 >> 17) | (w6 << 15)) ^ ((w6 >> 19) | (w6 << 13)) ^ (w6 >> 10)) + w1 + (((w9 >> 7) | (w9 << 25)) ^ ((w9 >> 18) | (w9 << 14)) ^ (w9 >> 3));
            t = h + (((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + 0x748f82ee + w8;
            d += t;
            h = t + (((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10))) + ((a & b) | (c & (a | b)));
            w9 += (((w7 >> 17) | (w7 << 15)) ^ ((w7 >> 19) | (w7 << 13)) ^ (w7 >> 10)) + w2 + (((w10 >> 7) | (w10 << 25)) ^ ((w10 >> 18) | (w10 << 14)) ^ (w10 >> 3));
            t = g + (((d >> 6) | (d << 26)) ^ ((d >> 11) | (d << 21)) ^ ((d >> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + 0x78a5636f + w9;
            c += t;
            g = t + (((h >> 2) | (h << 30)) ^ ((h >> 13) | (h << 19)) ^ ((h >> 22) | (h << 10))) + ((h & a) | (b & (h | a)));
            w10 += (((w8 >> 17) | (w8 << 15)) ^ ((w8 >> 19) | (w8 << 13)) ^ (w8 >> 10)) + w3 + (((w11 >> 7) | (w11 << 25)) ^ ((w11 >> 18) | (w11 << 14)) ^ (w11 >> 3));
            t = f + (((c >> 6) | (c << 26)) ^ ((c >> 11) | (c << 21)) ^ ((c >> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + 0x84c87814 + w10;
            b += t;
            f = t + (((g >> 2) | (g << 30)) ^ ((g >> 13) | (g << 19)) ^ ((g >> 22) | (g << 10))) + ((g & h) | (a & (g | h)));
            w11 += (((w9 >> 17) | (w9 << 15)) ^ ((w9 >> 19) | (w9 << 13)) ^ (w9 >> 10)) + w4 + (((w12 >> 7) | (w12 << 25)) ^ ((w12 >> 18) | (w12 << 14)) ^ (w12 >> 3));
            t = e + (((b >> 6) | (b << 26)) ^ ((b >> 11) | (b << 21)) ^ ((b >> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + 0x8cc70208 + w11;
            a += t;
            e = t + (((f >> 2) | (f << 30)) ^ ((f >> 13) | (f << 19)) ^ ((f >> 22) | (f << 10))) + ((f & g) | (h & (f | g)));
            w12 += (((w10 >> 17) | (w10 << 15)) ^ ((w10 >> 19) | (w10 << 13)) ^ (w10 >> 10)) + w5 + (((w13 >> 7) | (w13 << 25)) ^ ((w13 >> 18) | (w13 << 14)) ^ (w13 >> 3));
            t = d + (((a >> 6) | (a << 26)) ^ ((a >> 11) | (a << 21)) ^ ((a >> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + 0x90befffa + w12;
            h += t;
            d = t + (((e >> 2) | (e << 30)) ^ ((e >> 13) | (e << 19)) ^ ((e >> 22) | (e << 10))) + ((e & f) | (g & (e | f)));
            w13 += (((w11 >> 17) | (w11 << 15)) ^ ((w11 >> 19) | (w11 << 13)) ^ (w11 >> 10)) + w6 + (((w14 >> 7) | (w14 << 25)) ^ ((w14 >> 18) | (w14 << 14)) ^ (w14 >> 3));
            t = c + (((h >> 6) | (h << 26)) ^ ((h >> 11) | (h << 21)) ^ ((h >> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + 0xa4506ceb + w13;
            g += t;
            c = t + (((d >> 2) | (d << 30)) ^ ((d >> 13) | (d << 19)) ^ ((d >> 22) | (d << 10))) + ((d & e) | (f & (d | e)));
            w14 += (((w12 >> 17) | (w12 << 15)) ^ ((w12 >> 19) | (w12 << 13)) ^ (w12 >> 10)) + w7 + (((w15 >> 7) | (w15 << 25)) ^ ((w15 >> 18) | (w15 << 14)) ^ (w15 >> 3));
            t = b + (((g >> 6) | (g << 26)) ^ ((g >> 11) | (g << 21)) ^ ((g >> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + 0xbef9a3f7 + w14;
            f += t;
            b = t + (((c >> 2) | (c << 30)) ^ ((c >> 13) | (c << 19)) ^ ((c >> 22) | (c << 10))) + ((c & d) | (e & (c | d)));
            w15 += (((w13 >> 17) | (w13 << 15)) ^ ((w13 >> 19) | (w13 << 13)) ^ (w13 >> 10)) + w8 + (((w0 >> 7) | (w0 << 25)) ^ ((w0 >> 18) | (w0 << 14)) ^ (w0 >> 3));
            t = a + (((f >> 6) | (f << 26)) ^ ((f >> 11) | (f << 21)) ^ ((f >> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + 0xc67178f2 + w15;
            e += t;
            a = t + (((b >> 2) | (b << 30)) ^ ((b >> 13) | (b << 19)) ^ ((b >> 22) | (b << 10))) + ((b & c) | (d & (b | c)));
            state[0] += a;
            state[1] += b;
            state[2] += c;
            state[3] += d;
            state[4] += e;
            state[5] += f;
            state[6] += g;
            state[7] += h;
        }

        // Generated (the unrolled code of FIPS 180-4 §6.2.2 for a Hashgen block): the schedule words that depend only
        // on words 0-12, 14 (0) and 15 (440) are w16-w19, w21, w23 and w25; they and the constant parts of the others,
        // of round 13 (all of it but w13) and of rounds 14-25 are summed once per request into _hashgen, so a block
        // costs 51 rounds and 41 partial schedule words. The digest (initial hash value + working variables) is written
        // straight into the output.
        private void PrecomputeHashgen()
        {
            uint[] words = _words;
            uint[] mid = _midstate;
            uint[] p = _hashgen;
            uint w0 = words[0];
            uint w1 = words[1];
            uint w2 = words[2];
            uint w3 = words[3];
            uint w4 = words[4];
            uint w5 = words[5];
            uint w6 = words[6];
            uint w7 = words[7];
            uint w8 = words[8];
            uint w9 = words[9];
            uint w10 = words[10];
            uint w11 = words[11];
            uint w12 = words[12];
            uint a = mid[0], b = mid[1], c = mid[2], d = mid[3];
            uint e = mid[4], f = mid[5], g = mid[6], h = mid[7];
            uint c16 = (((0u >> 17) | (0u << 15)) ^ ((0u >> 19) | (0u << 13)) ^ (0u >> 10)) + w9 + (((w1 >> 7) | (w1 << 25)) ^ ((w1 >> 18) | (w1 << 14)) ^ (w1 >> 3)) + w0;
            uint c17 = (((0x000001b8u >> 17) | (0x000001b8u << 15)) ^ ((0x000001b8u >> 19) | (0x000001b8u << 13)) ^ (0x000001b8u >> 10)) + w10 + (((w2 >> 7) | (w2 << 25)) ^ ((w2 >> 18) | (w2 << 14)) ^ (w2 >> 3)) + w1;
            uint c18 = (((c16 >> 17) | (c16 << 15)) ^ ((c16 >> 19) | (c16 << 13)) ^ (c16 >> 10)) + w11 + (((w3 >> 7) | (w3 << 25)) ^ ((w3 >> 18) | (w3 << 14)) ^ (w3 >> 3)) + w2;
            uint c19 = (((c17 >> 17) | (c17 << 15)) ^ ((c17 >> 19) | (c17 << 13)) ^ (c17 >> 10)) + w12 + (((w4 >> 7) | (w4 << 25)) ^ ((w4 >> 18) | (w4 << 14)) ^ (w4 >> 3)) + w3;
            uint c21 = (((c19 >> 17) | (c19 << 15)) ^ ((c19 >> 19) | (c19 << 13)) ^ (c19 >> 10)) + 0u + (((w6 >> 7) | (w6 << 25)) ^ ((w6 >> 18) | (w6 << 14)) ^ (w6 >> 3)) + w5;
            uint c23 = (((c21 >> 17) | (c21 << 15)) ^ ((c21 >> 19) | (c21 << 13)) ^ (c21 >> 10)) + c16 + (((w8 >> 7) | (w8 << 25)) ^ ((w8 >> 18) | (w8 << 14)) ^ (w8 >> 3)) + w7;
            uint c25 = (((c23 >> 17) | (c23 << 15)) ^ ((c23 >> 19) | (c23 << 13)) ^ (c23 >> 10)) + c18 + (((w10 >> 7) | (w10 << 25)) ^ ((w10 >> 18) | (w10 << 14)) ^ (w10 >> 3)) + w9;
            p[0] = (((c18 >> 17) | (c18 << 15)) ^ ((c18 >> 19) | (c18 << 13)) ^ (c18 >> 10)) + (((w5 >> 7) | (w5 << 25)) ^ ((w5 >> 18) | (w5 << 14)) ^ (w5 >> 3)) + w4;
            p[1] = 0x000001b8u + (((w7 >> 7) | (w7 << 25)) ^ ((w7 >> 18) | (w7 << 14)) ^ (w7 >> 3)) + w6;
            p[2] = c17 + (((w9 >> 7) | (w9 << 25)) ^ ((w9 >> 18) | (w9 << 14)) ^ (w9 >> 3)) + w8;
            p[3] = c19 + (((w11 >> 7) | (w11 << 25)) ^ ((w11 >> 18) | (w11 << 14)) ^ (w11 >> 3)) + w10;
            p[4] = (((c25 >> 17) | (c25 << 15)) ^ ((c25 >> 19) | (c25 << 13)) ^ (c25 >> 10)) + (((w12 >> 7) | (w12 << 25)) ^ ((w12 >> 18) | (w12 << 14)) ^ (w12 >> 3)) + w11;
            p[5] = c21 + w12;
            p[6] = c23 + (((0x000001b8u >> 7) | (0x000001b8u << 25)) ^ ((0x000001b8u >> 18) | (0x000001b8u << 14)) ^ (0x000001b8u >> 3));
            p[7] = (((c16 >> 7) | (c16 << 25)) ^ ((c16 >> 18) | (c16 << 14)) ^ (c16 >> 3)) + 0x000001b8u;
            p[8] = c25 + (((c17 >> 7) | (c17 << 25)) ^ ((c17 >> 18) | (c17 << 14)) ^ (c17 >> 3)) + c16;
            p[9] = (((c18 >> 7) | (c18 << 25)) ^ ((c18 >> 18) | (c18 << 14)) ^ (c18 >> 3)) + c17;
            p[10] = (((c19 >> 7) | (c19 << 25)) ^ ((c19 >> 18) | (c19 << 14)) ^ (c19 >> 3)) + c18;
            p[11] = c19;
            p[12] = (((c21 >> 7) | (c21 << 25)) ^ ((c21 >> 18) | (c21 << 14)) ^ (c21 >> 3));
            p[13] = c21;
            p[14] = (((c23 >> 7) | (c23 << 25)) ^ ((c23 >> 18) | (c23 << 14)) ^ (c23 >> 3));
            p[15] = c23;
            p[16] = (((c25 >> 7) | (c25 << 25)) ^ ((c25 >> 18) | (c25 << 14)) ^ (c25 >> 3));
            p[17] = c25;
            p[18] = c + (((h >> 6) | (h << 26)) ^ ((h >> 11) | (h << 21)) ^ ((h >> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + 0x80deb1fe;
            p[19] = (((d >> 2) | (d << 30)) ^ ((d >> 13) | (d << 19)) ^ ((d >> 22) | (d << 10))) + ((d & e) | (f & (d | e)));
            p[20] = b + 0x9bdc06a7;
            p[21] = a + 0xc19bf174 + 0x000001b8u;
            p[22] = h + 0xe49b69c1 + c16;
            p[23] = 0xefbe4786 + c17;
            p[24] = 0x0fc19dc6 + c18;
            p[25] = 0x240ca1cc + c19;
            p[26] = 0x4a7484aa + c21;
            p[27] = 0x76f988da + c23;
            p[28] = 0xa831c66d + c25;
            p[29] = a;
            p[30] = b;
            p[31] = c;
            p[32] = d;
            p[33] = e;
            p[34] = f;
            p[35] = g;
            p[36] = h;
        }

        private void HashgenWords(uint w13, byte[] output, int offset)
        {
            uint[] p = _hashgen;
            uint a = p[29], b = p[30], c = p[31], d = p[32];
            uint e = p[33], f = p[34], g = p[35], h = p[36];
            uint t, w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11, w12, w14, w15;
            t = w13 + p[18];
            g += t;
            c = t + p[19];
            t = (((g >> 6) | (g << 26)) ^ ((g >> 11) | (g << 21)) ^ ((g >> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + p[20];
            f += t;
            b = t + (((c >> 2) | (c << 30)) ^ ((c >> 13) | (c << 19)) ^ ((c >> 22) | (c << 10))) + ((c & d) | (e & (c | d)));
            t = (((f >> 6) | (f << 26)) ^ ((f >> 11) | (f << 21)) ^ ((f >> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + p[21];
            e += t;
            a = t + (((b >> 2) | (b << 30)) ^ ((b >> 13) | (b << 19)) ^ ((b >> 22) | (b << 10))) + ((b & c) | (d & (b | c)));
            t = (((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + p[22];
            d += t;
            h = t + (((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10))) + ((a & b) | (c & (a | b)));
            t = g + (((d >> 6) | (d << 26)) ^ ((d >> 11) | (d << 21)) ^ ((d >> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + p[23];
            c += t;
            g = t + (((h >> 2) | (h << 30)) ^ ((h >> 13) | (h << 19)) ^ ((h >> 22) | (h << 10))) + ((h & a) | (b & (h | a)));
            t = f + (((c >> 6) | (c << 26)) ^ ((c >> 11) | (c << 21)) ^ ((c >> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + p[24];
            b += t;
            f = t + (((g >> 2) | (g << 30)) ^ ((g >> 13) | (g << 19)) ^ ((g >> 22) | (g << 10))) + ((g & h) | (a & (g | h)));
            t = e + (((b >> 6) | (b << 26)) ^ ((b >> 11) | (b << 21)) ^ ((b >> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + p[25];
            a += t;
            e = t + (((f >> 2) | (f << 30)) ^ ((f >> 13) | (f << 19)) ^ ((f >> 22) | (f << 10))) + ((f & g) | (h & (f | g)));
            w4 = w13 + p[0];
            t = d + (((a >> 6) | (a << 26)) ^ ((a >> 11) | (a << 21)) ^ ((a >> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + w4 + 0x2de92c6f;
            h += t;
            d = t + (((e >> 2) | (e << 30)) ^ ((e >> 13) | (e << 19)) ^ ((e >> 22) | (e << 10))) + ((e & f) | (g & (e | f)));
            t = c + (((h >> 6) | (h << 26)) ^ ((h >> 11) | (h << 21)) ^ ((h >> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + p[26];
            g += t;
            c = t + (((d >> 2) | (d << 30)) ^ ((d >> 13) | (d << 19)) ^ ((d >> 22) | (d << 10))) + ((d & e) | (f & (d | e)));
            w6 = (((w4 >> 17) | (w4 << 15)) ^ ((w4 >> 19) | (w4 << 13)) ^ (w4 >> 10)) + p[1];
            t = b + (((g >> 6) | (g << 26)) ^ ((g >> 11) | (g << 21)) ^ ((g >> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + w6 + 0x5cb0a9dc;
            f += t;
            b = t + (((c >> 2) | (c << 30)) ^ ((c >> 13) | (c << 19)) ^ ((c >> 22) | (c << 10))) + ((c & d) | (e & (c | d)));
            t = a + (((f >> 6) | (f << 26)) ^ ((f >> 11) | (f << 21)) ^ ((f >> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + p[27];
            e += t;
            a = t + (((b >> 2) | (b << 30)) ^ ((b >> 13) | (b << 19)) ^ ((b >> 22) | (b << 10))) + ((b & c) | (d & (b | c)));
            w8 = (((w6 >> 17) | (w6 << 15)) ^ ((w6 >> 19) | (w6 << 13)) ^ (w6 >> 10)) + p[2];
            t = h + (((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + w8 + 0x983e5152;
            d += t;
            h = t + (((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10))) + ((a & b) | (c & (a | b)));
            t = g + (((d >> 6) | (d << 26)) ^ ((d >> 11) | (d << 21)) ^ ((d >> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + p[28];
            c += t;
            g = t + (((h >> 2) | (h << 30)) ^ ((h >> 13) | (h << 19)) ^ ((h >> 22) | (h << 10))) + ((h & a) | (b & (h | a)));
            w10 = (((w8 >> 17) | (w8 << 15)) ^ ((w8 >> 19) | (w8 << 13)) ^ (w8 >> 10)) + p[3];
            t = f + (((c >> 6) | (c << 26)) ^ ((c >> 11) | (c << 21)) ^ ((c >> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + w10 + 0xb00327c8;
            b += t;
            f = t + (((g >> 2) | (g << 30)) ^ ((g >> 13) | (g << 19)) ^ ((g >> 22) | (g << 10))) + ((g & h) | (a & (g | h)));
            w11 = w4 + p[4];
            t = e + (((b >> 6) | (b << 26)) ^ ((b >> 11) | (b << 21)) ^ ((b >> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + w11 + 0xbf597fc7;
            a += t;
            e = t + (((f >> 2) | (f << 30)) ^ ((f >> 13) | (f << 19)) ^ ((f >> 22) | (f << 10))) + ((f & g) | (h & (f | g)));
            w12 = (((w10 >> 17) | (w10 << 15)) ^ ((w10 >> 19) | (w10 << 13)) ^ (w10 >> 10)) + (((w13 >> 7) | (w13 << 25)) ^ ((w13 >> 18) | (w13 << 14)) ^ (w13 >> 3)) + p[5];
            t = d + (((a >> 6) | (a << 26)) ^ ((a >> 11) | (a << 21)) ^ ((a >> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + w12 + 0xc6e00bf3;
            h += t;
            d = t + (((e >> 2) | (e << 30)) ^ ((e >> 13) | (e << 19)) ^ ((e >> 22) | (e << 10))) + ((e & f) | (g & (e | f)));
            w13 = (((w11 >> 17) | (w11 << 15)) ^ ((w11 >> 19) | (w11 << 13)) ^ (w11 >> 10)) + w6 + w13;
            t = c + (((h >> 6) | (h << 26)) ^ ((h >> 11) | (h << 21)) ^ ((h >> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + w13 + 0xd5a79147;
            g += t;
            c = t + (((d >> 2) | (d << 30)) ^ ((d >> 13) | (d << 19)) ^ ((d >> 22) | (d << 10))) + ((d & e) | (f & (d | e)));
            w14 = (((w12 >> 17) | (w12 << 15)) ^ ((w12 >> 19) | (w12 << 13)) ^ (w12 >> 10)) + p[6];
            t = b + (((g >> 6) | (g << 26)) ^ ((g >> 11) | (g << 21)) ^ ((g >> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + w14 + 0x06ca6351;
            f += t;
            b = t + (((c >> 2) | (c << 30)) ^ ((c >> 13) | (c << 19)) ^ ((c >> 22) | (c << 10))) + ((c & d) | (e & (c | d)));
            w15 = (((w13 >> 17) | (w13 << 15)) ^ ((w13 >> 19) | (w13 << 13)) ^ (w13 >> 10)) + w8 + p[7];
            t = a + (((f >> 6) | (f << 26)) ^ ((f >> 11) | (f << 21)) ^ ((f >> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + w15 + 0x14292967;
            e += t;
            a = t + (((b >> 2) | (b << 30)) ^ ((b >> 13) | (b << 19)) ^ ((b >> 22) | (b << 10))) + ((b & c) | (d & (b | c)));
            w0 = (((w14 >> 17) | (w14 << 15)) ^ ((w14 >> 19) | (w14 << 13)) ^ (w14 >> 10)) + p[8];
            t = h + (((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + w0 + 0x27b70a85;
            d += t;
            h = t + (((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10))) + ((a & b) | (c & (a | b)));
            w1 = (((w15 >> 17) | (w15 << 15)) ^ ((w15 >> 19) | (w15 << 13)) ^ (w15 >> 10)) + w10 + p[9];
            t = g + (((d >> 6) | (d << 26)) ^ ((d >> 11) | (d << 21)) ^ ((d >> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + w1 + 0x2e1b2138;
            c += t;
            g = t + (((h >> 2) | (h << 30)) ^ ((h >> 13) | (h << 19)) ^ ((h >> 22) | (h << 10))) + ((h & a) | (b & (h | a)));
            w2 = (((w0 >> 17) | (w0 << 15)) ^ ((w0 >> 19) | (w0 << 13)) ^ (w0 >> 10)) + w11 + p[10];
            t = f + (((c >> 6) | (c << 26)) ^ ((c >> 11) | (c << 21)) ^ ((c >> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + w2 + 0x4d2c6dfc;
            b += t;
            f = t + (((g >> 2) | (g << 30)) ^ ((g >> 13) | (g << 19)) ^ ((g >> 22) | (g << 10))) + ((g & h) | (a & (g | h)));
            w3 = (((w1 >> 17) | (w1 << 15)) ^ ((w1 >> 19) | (w1 << 13)) ^ (w1 >> 10)) + w12 + (((w4 >> 7) | (w4 << 25)) ^ ((w4 >> 18) | (w4 << 14)) ^ (w4 >> 3)) + p[11];
            t = e + (((b >> 6) | (b << 26)) ^ ((b >> 11) | (b << 21)) ^ ((b >> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + w3 + 0x53380d13;
            a += t;
            e = t + (((f >> 2) | (f << 30)) ^ ((f >> 13) | (f << 19)) ^ ((f >> 22) | (f << 10))) + ((f & g) | (h & (f | g)));
            w4 = (((w2 >> 17) | (w2 << 15)) ^ ((w2 >> 19) | (w2 << 13)) ^ (w2 >> 10)) + w13 + w4 + p[12];
            t = d + (((a >> 6) | (a << 26)) ^ ((a >> 11) | (a << 21)) ^ ((a >> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + w4 + 0x650a7354;
            h += t;
            d = t + (((e >> 2) | (e << 30)) ^ ((e >> 13) | (e << 19)) ^ ((e >> 22) | (e << 10))) + ((e & f) | (g & (e | f)));
            w5 = (((w3 >> 17) | (w3 << 15)) ^ ((w3 >> 19) | (w3 << 13)) ^ (w3 >> 10)) + w14 + (((w6 >> 7) | (w6 << 25)) ^ ((w6 >> 18) | (w6 << 14)) ^ (w6 >> 3)) + p[13];
            t = c + (((h >> 6) | (h << 26)) ^ ((h >> 11) | (h << 21)) ^ ((h >> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + w5 + 0x766a0abb;
            g += t;
            c = t + (((d >> 2) | (d << 30)) ^ ((d >> 13) | (d << 19)) ^ ((d >> 22) | (d << 10))) + ((d & e) | (f & (d | e)));
            w6 = (((w4 >> 17) | (w4 << 15)) ^ ((w4 >> 19) | (w4 << 13)) ^ (w4 >> 10)) + w15 + w6 + p[14];
            t = b + (((g >> 6) | (g << 26)) ^ ((g >> 11) | (g << 21)) ^ ((g >> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + w6 + 0x81c2c92e;
            f += t;
            b = t + (((c >> 2) | (c << 30)) ^ ((c >> 13) | (c << 19)) ^ ((c >> 22) | (c << 10))) + ((c & d) | (e & (c | d)));
            w7 = (((w5 >> 17) | (w5 << 15)) ^ ((w5 >> 19) | (w5 << 13)) ^ (w5 >> 10)) + w0 + (((w8 >> 7) | (w8 << 25)) ^ ((w8 >> 18) | (w8 << 14)) ^ (w8 >> 3)) + p[15];
            t = a + (((f >> 6) | (f << 26)) ^ ((f >> 11) | (f << 21)) ^ ((f >> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + w7 + 0x92722c85;
            e += t;
            a = t + (((b >> 2) | (b << 30)) ^ ((b >> 13) | (b << 19)) ^ ((b >> 22) | (b << 10))) + ((b & c) | (d & (b | c)));
            w8 = (((w6 >> 17) | (w6 << 15)) ^ ((w6 >> 19) | (w6 << 13)) ^ (w6 >> 10)) + w1 + w8 + p[16];
            t = h + (((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + w8 + 0xa2bfe8a1;
            d += t;
            h = t + (((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10))) + ((a & b) | (c & (a | b)));
            w9 = (((w7 >> 17) | (w7 << 15)) ^ ((w7 >> 19) | (w7 << 13)) ^ (w7 >> 10)) + w2 + (((w10 >> 7) | (w10 << 25)) ^ ((w10 >> 18) | (w10 << 14)) ^ (w10 >> 3)) + p[17];
            t = g + (((d >> 6) | (d << 26)) ^ ((d >> 11) | (d << 21)) ^ ((d >> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + w9 + 0xa81a664b;
            c += t;
            g = t + (((h >> 2) | (h << 30)) ^ ((h >> 13) | (h << 19)) ^ ((h >> 22) | (h << 10))) + ((h & a) | (b & (h | a)));
            w10 = (((w8 >> 17) | (w8 << 15)) ^ ((w8 >> 19) | (w8 << 13)) ^ (w8 >> 10)) + w3 + (((w11 >> 7) | (w11 << 25)) ^ ((w11 >> 18) | (w11 << 14)) ^ (w11 >> 3)) + w10;
            t = f + (((c >> 6) | (c << 26)) ^ ((c >> 11) | (c << 21)) ^ ((c >> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + w10 + 0xc24b8b70;
            b += t;
            f = t + (((g >> 2) | (g << 30)) ^ ((g >> 13) | (g << 19)) ^ ((g >> 22) | (g << 10))) + ((g & h) | (a & (g | h)));
            w11 = (((w9 >> 17) | (w9 << 15)) ^ ((w9 >> 19) | (w9 << 13)) ^ (w9 >> 10)) + w4 + (((w12 >> 7) | (w12 << 25)) ^ ((w12 >> 18) | (w12 << 14)) ^ (w12 >> 3)) + w11;
            t = e + (((b >> 6) | (b << 26)) ^ ((b >> 11) | (b << 21)) ^ ((b >> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + w11 + 0xc76c51a3;
            a += t;
            e = t + (((f >> 2) | (f << 30)) ^ ((f >> 13) | (f << 19)) ^ ((f >> 22) | (f << 10))) + ((f & g) | (h & (f | g)));
            w12 = (((w10 >> 17) | (w10 << 15)) ^ ((w10 >> 19) | (w10 << 13)) ^ (w10 >> 10)) + w5 + (((w13 >> 7) | (w13 << 25)) ^ ((w13 >> 18) | (w13 << 14)) ^ (w13 >> 3)) + w12;
            t = d + (((a >> 6) | (a << 26)) ^ ((a >> 11) | (a << 21)) ^ ((a >> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + w12 + 0xd192e819;
            h += t;
            d = t + (((e >> 2) | (e << 30)) ^ ((e >> 13) | (e << 19)) ^ ((e >> 22) | (e << 10))) + ((e & f) | (g & (e | f)));
            w13 = (((w11 >> 17) | (w11 << 15)) ^ ((w11 >> 19) | (w11 << 13)) ^ (w11 >> 10)) + w6 + (((w14 >> 7) | (w14 << 25)) ^ ((w14 >> 18) | (w14 << 14)) ^ (w14 >> 3)) + w13;
            t = c + (((h >> 6) | (h << 26)) ^ ((h >> 11) | (h << 21)) ^ ((h >> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + w13 + 0xd6990624;
            g += t;
            c = t + (((d >> 2) | (d << 30)) ^ ((d >> 13) | (d << 19)) ^ ((d >> 22) | (d << 10))) + ((d & e) | (f & (d | e)));
            w14 = (((w12 >> 17) | (w12 << 15)) ^ ((w12 >> 19) | (w12 << 13)) ^ (w12 >> 10)) + w7 + (((w15 >> 7) | (w15 << 25)) ^ ((w15 >> 18) | (w15 << 14)) ^ (w15 >> 3)) + w14;
            t = b + (((g >> 6) | (g << 26)) ^ ((g >> 11) | (g << 21)) ^ ((g >> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + w14 + 0xf40e3585;
            f += t;
            b = t + (((c >> 2) | (c << 30)) ^ ((c >> 13) | (c << 19)) ^ ((c >> 22) | (c << 10))) + ((c & d) | (e & (c | d)));
            w15 = (((w13 >> 17) | (w13 << 15)) ^ ((w13 >> 19) | (w13 << 13)) ^ (w13 >> 10)) + w8 + (((w0 >> 7) | (w0 << 25)) ^ ((w0 >> 18) | (w0 << 14)) ^ (w0 >> 3)) + w15;
            t = a + (((f >> 6) | (f << 26)) ^ ((f >> 11) | (f << 21)) ^ ((f >> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + w15 + 0x106aa070;
            e += t;
            a = t + (((b >> 2) | (b << 30)) ^ ((b >> 13) | (b << 19)) ^ ((b >> 22) | (b << 10))) + ((b & c) | (d & (b | c)));
            w0 = (((w14 >> 17) | (w14 << 15)) ^ ((w14 >> 19) | (w14 << 13)) ^ (w14 >> 10)) + w9 + (((w1 >> 7) | (w1 << 25)) ^ ((w1 >> 18) | (w1 << 14)) ^ (w1 >> 3)) + w0;
            t = h + (((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + w0 + 0x19a4c116;
            d += t;
            h = t + (((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10))) + ((a & b) | (c & (a | b)));
            w1 = (((w15 >> 17) | (w15 << 15)) ^ ((w15 >> 19) | (w15 << 13)) ^ (w15 >> 10)) + w10 + (((w2 >> 7) | (w2 << 25)) ^ ((w2 >> 18) | (w2 << 14)) ^ (w2 >> 3)) + w1;
            t = g + (((d >> 6) | (d << 26)) ^ ((d >> 11) | (d << 21)) ^ ((d >> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + w1 + 0x1e376c08;
            c += t;
            g = t + (((h >> 2) | (h << 30)) ^ ((h >> 13) | (h << 19)) ^ ((h >> 22) | (h << 10))) + ((h & a) | (b & (h | a)));
            w2 = (((w0 >> 17) | (w0 << 15)) ^ ((w0 >> 19) | (w0 << 13)) ^ (w0 >> 10)) + w11 + (((w3 >> 7) | (w3 << 25)) ^ ((w3 >> 18) | (w3 << 14)) ^ (w3 >> 3)) + w2;
            t = f + (((c >> 6) | (c << 26)) ^ ((c >> 11) | (c << 21)) ^ ((c >> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + w2 + 0x2748774c;
            b += t;
            f = t + (((g >> 2) | (g << 30)) ^ ((g >> 13) | (g << 19)) ^ ((g >> 22) | (g << 10))) + ((g & h) | (a & (g | h)));
            w3 = (((w1 >> 17) | (w1 << 15)) ^ ((w1 >> 19) | (w1 << 13)) ^ (w1 >> 10)) + w12 + (((w4 >> 7) | (w4 << 25)) ^ ((w4 >> 18) | (w4 << 14)) ^ (w4 >> 3)) + w3;
            t = e + (((b >> 6) | (b << 26)) ^ ((b >> 11) | (b << 21)) ^ ((b >> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + w3 + 0x34b0bcb5;
            a += t;
            e = t + (((f >> 2) | (f << 30)) ^ ((f >> 13) | (f << 19)) ^ ((f >> 22) | (f << 10))) + ((f & g) | (h & (f | g)));
            w4 = (((w2 >> 17) | (w2 << 15)) ^ ((w2 >> 19) | (w2 << 13)) ^ (w2 >> 10)) + w13 + (((w5 >> 7) | (w5 << 25)) ^ ((w5 >> 18) | (w5 << 14)) ^ (w5 >> 3)) + w4;
            t = d + (((a >> 6) | (a << 26)) ^ ((a >> 11) | (a << 21)) ^ ((a >> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + w4 + 0x391c0cb3;
            h += t;
            d = t + (((e >> 2) | (e << 30)) ^ ((e >> 13) | (e << 19)) ^ ((e >> 22) | (e << 10))) + ((e & f) | (g & (e | f)));
            w5 = (((w3 >> 17) | (w3 << 15)) ^ ((w3 >> 19) | (w3 << 13)) ^ (w3 >> 10)) + w14 + (((w6 >> 7) | (w6 << 25)) ^ ((w6 >> 18) | (w6 << 14)) ^ (w6 >> 3)) + w5;
            t = c + (((h >> 6) | (h << 26)) ^ ((h >> 11) | (h << 21)) ^ ((h >> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + w5 + 0x4ed8aa4a;
            g += t;
            c = t + (((d >> 2) | (d << 30)) ^ ((d >> 13) | (d << 19)) ^ ((d >> 22) | (d << 10))) + ((d & e) | (f & (d | e)));
            w6 = (((w4 >> 17) | (w4 << 15)) ^ ((w4 >> 19) | (w4 << 13)) ^ (w4 >> 10)) + w15 + (((w7 >> 7) | (w7 << 25)) ^ ((w7 >> 18) | (w7 << 14)) ^ (w7 >> 3)) + w6;
            t = b + (((g >> 6) | (g << 26)) ^ ((g >> 11) | (g << 21)) ^ ((g >> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + w6 + 0x5b9cca4f;
            f += t;
            b = t + (((c >> 2) | (c << 30)) ^ ((c >> 13) | (c << 19)) ^ ((c >> 22) | (c << 10))) + ((c & d) | (e & (c | d)));
            w7 = (((w5 >> 17) | (w5 << 15)) ^ ((w5 >> 19) | (w5 << 13)) ^ (w5 >> 10)) + w0 + (((w8 >> 7) | (w8 << 25)) ^ ((w8 >> 18) | (w8 << 14)) ^ (w8 >> 3)) + w7;
            t = a + (((f >> 6) | (f << 26)) ^ ((f >> 11) | (f << 21)) ^ ((f >> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + w7 + 0x682e6ff3;
            e += t;
            a = t + (((b >> 2) | (b << 30)) ^ ((b >> 13) | (b << 19)) ^ ((b >> 22) | (b << 10))) + ((b & c) | (d & (b | c)));
            w8 = (((w6 >> 17) | (w6 << 15)) ^ ((w6 >> 19) | (w6 << 13)) ^ (w6 >> 10)) + w1 + (((w9 >> 7) | (w9 << 25)) ^ ((w9 >> 18) | (w9 << 14)) ^ (w9 >> 3)) + w8;
            t = h + (((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + w8 + 0x748f82ee;
            d += t;
            h = t + (((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10))) + ((a & b) | (c & (a | b)));
            w9 = (((w7 >> 17) | (w7 << 15)) ^ ((w7 >> 19) | (w7 << 13)) ^ (w7 >> 10)) + w2 + (((w10 >> 7) | (w10 << 25)) ^ ((w10 >> 18) | (w10 << 14)) ^ (w10 >> 3)) + w9;
            t = g + (((d >> 6) | (d << 26)) ^ ((d >> 11) | (d << 21)) ^ ((d >> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + w9 + 0x78a5636f;
            c += t;
            g = t + (((h >> 2) | (h << 30)) ^ ((h >> 13) | (h << 19)) ^ ((h >> 22) | (h << 10))) + ((h & a) | (b & (h | a)));
            w10 = (((w8 >> 17) | (w8 << 15)) ^ ((w8 >> 19) | (w8 << 13)) ^ (w8 >> 10)) + w3 + (((w11 >> 7) | (w11 << 25)) ^ ((w11 >> 18) | (w11 << 14)) ^ (w11 >> 3)) + w10;
            t = f + (((c >> 6) | (c << 26)) ^ ((c >> 11) | (c << 21)) ^ ((c >> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + w10 + 0x84c87814;
            b += t;
            f = t + (((g >> 2) | (g << 30)) ^ ((g >> 13) | (g << 19)) ^ ((g >> 22) | (g << 10))) + ((g & h) | (a & (g | h)));
            w11 = (((w9 >> 17) | (w9 << 15)) ^ ((w9 >> 19) | (w9 << 13)) ^ (w9 >> 10)) + w4 + (((w12 >> 7) | (w12 << 25)) ^ ((w12 >> 18) | (w12 << 14)) ^ (w12 >> 3)) + w11;
            t = e + (((b >> 6) | (b << 26)) ^ ((b >> 11) | (b << 21)) ^ ((b >> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + w11 + 0x8cc70208;
            a += t;
            e = t + (((f >> 2) | (f << 30)) ^ ((f >> 13) | (f << 19)) ^ ((f >> 22) | (f << 10))) + ((f & g) | (h & (f | g)));
            w12 = (((w10 >> 17) | (w10 << 15)) ^ ((w10 >> 19) | (w10 << 13)) ^ (w10 >> 10)) + w5 + (((w13 >> 7) | (w13 << 25)) ^ ((w13 >> 18) | (w13 << 14)) ^ (w13 >> 3)) + w12;
            t = d + (((a >> 6) | (a << 26)) ^ ((a >> 11) | (a << 21)) ^ ((a >> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + w12 + 0x90befffa;
            h += t;
            d = t + (((e >> 2) | (e << 30)) ^ ((e >> 13) | (e << 19)) ^ ((e >> 22) | (e << 10))) + ((e & f) | (g & (e | f)));
            w13 = (((w11 >> 17) | (w11 << 15)) ^ ((w11 >> 19) | (w11 << 13)) ^ (w11 >> 10)) + w6 + (((w14 >> 7) | (w14 << 25)) ^ ((w14 >> 18) | (w14 << 14)) ^ (w14 >> 3)) + w13;
            t = c + (((h >> 6) | (h << 26)) ^ ((h >> 11) | (h << 21)) ^ ((h >> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + w13 + 0xa4506ceb;
            g += t;
            c = t + (((d >> 2) | (d << 30)) ^ ((d >> 13) | (d << 19)) ^ ((d >> 22) | (d << 10))) + ((d & e) | (f & (d | e)));
            w14 = (((w12 >> 17) | (w12 << 15)) ^ ((w12 >> 19) | (w12 << 13)) ^ (w12 >> 10)) + w7 + (((w15 >> 7) | (w15 << 25)) ^ ((w15 >> 18) | (w15 << 14)) ^ (w15 >> 3)) + w14;
            t = b + (((g >> 6) | (g << 26)) ^ ((g >> 11) | (g << 21)) ^ ((g >> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + w14 + 0xbef9a3f7;
            f += t;
            b = t + (((c >> 2) | (c << 30)) ^ ((c >> 13) | (c << 19)) ^ ((c >> 22) | (c << 10))) + ((c & d) | (e & (c | d)));
            w15 = (((w13 >> 17) | (w13 << 15)) ^ ((w13 >> 19) | (w13 << 13)) ^ (w13 >> 10)) + w8 + (((w0 >> 7) | (w0 << 25)) ^ ((w0 >> 18) | (w0 << 14)) ^ (w0 >> 3)) + w15;
            t = a + (((f >> 6) | (f << 26)) ^ ((f >> 11) | (f << 21)) ^ ((f >> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + w15 + 0xc67178f2;
            e += t;
            a = t + (((b >> 2) | (b << 30)) ^ ((b >> 13) | (b << 19)) ^ ((b >> 22) | (b << 10))) + ((b & c) | (d & (b | c)));
            t = a + 0x6a09e667;
            output[offset] = (byte)(t >> 24);
            output[offset + 1] = (byte)(t >> 16);
            output[offset + 2] = (byte)(t >> 8);
            output[offset + 3] = (byte)t;
            t = b + 0xbb67ae85;
            output[offset + 4] = (byte)(t >> 24);
            output[offset + 5] = (byte)(t >> 16);
            output[offset + 6] = (byte)(t >> 8);
            output[offset + 7] = (byte)t;
            t = c + 0x3c6ef372;
            output[offset + 8] = (byte)(t >> 24);
            output[offset + 9] = (byte)(t >> 16);
            output[offset + 10] = (byte)(t >> 8);
            output[offset + 11] = (byte)t;
            t = d + 0xa54ff53a;
            output[offset + 12] = (byte)(t >> 24);
            output[offset + 13] = (byte)(t >> 16);
            output[offset + 14] = (byte)(t >> 8);
            output[offset + 15] = (byte)t;
            t = e + 0x510e527f;
            output[offset + 16] = (byte)(t >> 24);
            output[offset + 17] = (byte)(t >> 16);
            output[offset + 18] = (byte)(t >> 8);
            output[offset + 19] = (byte)t;
            t = f + 0x9b05688c;
            output[offset + 20] = (byte)(t >> 24);
            output[offset + 21] = (byte)(t >> 16);
            output[offset + 22] = (byte)(t >> 8);
            output[offset + 23] = (byte)t;
            t = g + 0x1f83d9ab;
            output[offset + 24] = (byte)(t >> 24);
            output[offset + 25] = (byte)(t >> 16);
            output[offset + 26] = (byte)(t >> 8);
            output[offset + 27] = (byte)t;
            t = h + 0x5be0cd19;
            output[offset + 28] = (byte)(t >> 24);
            output[offset + 29] = (byte)(t >> 16);
            output[offset + 30] = (byte)(t >> 8);
            output[offset + 31] = (byte)t;
        }
    }
}
