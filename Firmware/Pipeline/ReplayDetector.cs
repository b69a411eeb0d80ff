namespace Qrng.Firmware.Pipeline
{
    /// <summary>
    /// Stale frames (frame check): the 64-bit fingerprints of the last health.replay_frames frames. A frame whose
    /// fingerprint equals one of them is the FIFO serving old data (frozen: 1 frame back; a replaying read pointer:
    /// k frames back) and carries no fresh entropy. Fingerprints are two independent 32-bit hashes of every raw pixel,
    /// computed in the frame scan; a false alarm needs a 64-bit collision (about N · 2^-64 per frame).
    /// The ring survives restarts: a replay right after a fault is still a replay.
    /// </summary>
    public sealed class ReplayDetector
    {
        public const uint Seed1 = 2166136261u;      // FNV-1a offset basis
        public const uint Seed2 = 0x9747B28Cu;
        private readonly uint[] _h1, _h2;
        private int _count, _next;

        public ReplayDetector(int frames)
        {
            _h1 = new uint[frames];
            _h2 = new uint[frames];
        }

        /// <summary>Fingerprints it keeps (health.replay_frames).</summary>
        public int Capacity
        {
            get { return _h1.Length; }
        }

        /// <summary>Fingerprints held (up to <see cref="Capacity"/>).</summary>
        public int Count
        {
            get { return _count; }
        }

        /// <summary>The <paramref name="i"/>-th fingerprint held (storage order), as 8 bytes at <paramref name="offset"/>.</summary>
        public void CopyFingerprint(int i, byte[] output, int offset)
        {
            uint a = _h1[i], b = _h2[i];
            for (int k = 0; k < 4; k++)
            {
                output[offset + k] = (byte)(a >> (8 * k));
                output[offset + 4 + k] = (byte)(b >> (8 * k));
            }
        }

        /// <summary>The rings of both hashes (the native frame kernel searches them: <see cref="Record"/>).</summary>
        internal uint[] Ring1
        {
            get { return _h1; }
        }

        internal uint[] Ring2
        {
            get { return _h2; }
        }

        /// <summary>Where the next fingerprint goes.</summary>
        internal int Next
        {
            get { return _next; }
        }

        /// <summary>How many frames back the same fingerprint was seen (1 = the previous frame), 0 if never; remembers this one.</summary>
        public int Check(uint h1, uint h2)
        {
            return Record(h1, h2, Find(h1, h2));
        }

        /// <summary>How many frames back the fingerprint was seen, 0 if never (nothing remembered).</summary>
        private int Find(uint h1, uint h2)
        {
            int distance = 0;
            for (int k = 1; k <= _count; k++)
            {
                int j = _next - k;
                if (j < 0)
                {
                    j += _h1.Length;
                }

                if (_h1[j] == h1 && _h2[j] == h2)
                {
                    distance = k;
                    break;
                }
            }

            return distance;
        }

        /// <summary>Remembers a fingerprint whose distance was found (by <see cref="Find"/> or the native kernel); returns it.</summary>
        internal int Record(uint h1, uint h2, int distance)
        {
            _h1[_next] = h1;
            _h2[_next] = h2;
            _next = _next + 1 == _h1.Length ? 0 : _next + 1;
            if (_count < _h1.Length)
            {
                _count++;
            }

            return distance;
        }
    }
}
