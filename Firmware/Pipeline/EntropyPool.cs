namespace Qrng.Firmware.Pipeline
{
    /// <summary>
    /// Credited symbols waiting for the DRBG (frame step 5), packed four to a byte, first symbol in the high bits. A
    /// symbol enters as staged and becomes committed only when every judgement that covers it has passed: the
    /// adaptive proportion window that contains it (SP 800-90B §4.4.2 judges windows, not symbols), the shot-noise
    /// block and the dither block that contain its frame (those checks judge blocks of frames) and, for those two, the
    /// block after it: a fault that begins inside a block may leave it passing on its healthy frames, the next block is
    /// all fault and fails, and the first one's symbols go with it. Only committed symbols are taken. Any fault drops
    /// the staged and the committed symbols alike.
    /// </summary>
    public sealed class EntropyPool
    {
        private readonly byte[] _pool;
        private int _symbols, _aptPassed, _noisePassed, _noiseLast, _ditherPassed, _ditherLast, _committed;

        /// <param name="committedBytes">the most committed bytes the DRBG ever takes at once</param>
        /// <param name="stagedSymbols">room for one adaptive proportion window of staged symbols</param>
        public EntropyPool(int committedBytes, int stagedSymbols)
        {
            _pool = new byte[committedBytes + ((stagedSymbols + 3) / 4) + 1];
        }

        /// <summary>Committed symbols: their APT window, their shot-noise block and their dither block have passed.</summary>
        public int Committed
        {
            get { return _committed; }
        }

        /// <summary>Staged symbols: waiting for their APT window, their shot-noise block or their dither block.</summary>
        public int Staged
        {
            get { return _symbols - _committed; }
        }

        public int Capacity
        {
            get { return 4 * _pool.Length; }
        }

        /// <summary>Stages one symbol; false (not credited) when the pool is full.</summary>
        public bool Add(int symbol)
        {
            if (_symbols >= 4 * _pool.Length)
            {
                return false;
            }

            int index = _symbols >> 2, shift = 6 - (2 * (_symbols & 3));
            _pool[index] = (byte)(_pool[index] | (symbol << shift));
            _symbols++;
            return true;
        }

        /// <summary>The current APT window completed without a failure: every symbol staged so far has passed it.</summary>
        public void AptWindowPassed()
        {
            _aptPassed = _symbols;
            Commit();
        }

        /// <summary>
        /// A shot-noise block passed that covers every frame staged so far (or the check is off): the symbols the
        /// previous passing block covered are cleared by it.
        /// </summary>
        public void NoiseBlockPassed()
        {
            _noisePassed = _noiseLast;
            _noiseLast = _symbols;
            Commit();
        }

        /// <summary>A dither block passed that covers every frame staged so far (or the check is off); as for the noise.</summary>
        public void DitherBlockPassed()
        {
            _ditherPassed = _ditherLast;
            _ditherLast = _symbols;
            Commit();
        }

        private void Commit()
        {
            int c = _aptPassed < _noisePassed ? _aptPassed : _noisePassed;
            c = c < _ditherPassed ? c : _ditherPassed;
            if (c > _committed)
            {
                _committed = c;
            }
        }

        /// <summary>Moves the first into.Length bytes (4 symbols each) of committed symbols into <paramref name="into"/>.</summary>
        public void Take(byte[] into)
        {
            int bytes = into.Length, taken = 4 * bytes;
            System.Array.Copy(_pool, 0, into, 0, bytes);
            // the rest moves down by whole bytes: taken symbols are a multiple of 4, so the packing stays aligned
            System.Array.Copy(_pool, bytes, _pool, 0, _pool.Length - bytes);
            System.Array.Clear(_pool, _pool.Length - bytes, bytes);
            _symbols -= taken;
            _aptPassed -= taken;
            _noisePassed -= taken;
            _noiseLast -= taken;
            _ditherPassed -= taken;
            _ditherLast -= taken;
            _committed -= taken;
        }

        /// <summary>An FNV-1a digest of the bytes and every mark (the differential tests of the two frame kernels compare it).</summary>
        public uint Digest()
        {
            uint h = 2166136261u;
            for (int i = 0; i < _pool.Length; i++)
            {
                h = (h ^ _pool[i]) * 16777619u;
            }

            h = (h ^ (uint)_symbols) * 16777619u;
            h = (h ^ (uint)_aptPassed) * 16777619u;
            h = (h ^ (uint)_noisePassed) * 16777619u;
            h = (h ^ (uint)_noiseLast) * 16777619u;
            h = (h ^ (uint)_ditherPassed) * 16777619u;
            h = (h ^ (uint)_ditherLast) * 16777619u;
            return (h ^ (uint)_committed) * 16777619u;
        }

        /// <summary>The packed symbols (the native frame kernel stages into them).</summary>
        internal byte[] Buffer
        {
            get { return _pool; }
        }

        /// <summary>Writes the counters (symbols, APT-, noise-, dither-passed, committed) to <paramref name="state"/>[at, at + 5).</summary>
        internal void Save(int[] state, int at)
        {
            state[at] = _symbols;
            state[at + 1] = _aptPassed;
            state[at + 2] = _noisePassed;
            state[at + 3] = _ditherPassed;
            state[at + 4] = _committed;
        }

        /// <summary>Takes back what the native kernel changed: the symbols staged, the APT mark and the committed count.</summary>
        internal void Load(int[] state, int at)
        {
            _symbols = state[at];
            _aptPassed = state[at + 1];
            _committed = state[at + 4];
        }

        /// <summary>Drops (and zeroes) everything, staged and committed.</summary>
        public void Clear()
        {
            System.Array.Clear(_pool, 0, _pool.Length);
            _symbols = 0;
            _aptPassed = 0;
            _noisePassed = 0;
            _noiseLast = 0;
            _ditherPassed = 0;
            _ditherLast = 0;
            _committed = 0;
        }
    }
}
