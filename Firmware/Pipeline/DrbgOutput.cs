using Qrng.Crypto;
using Qrng.Drivers;

namespace Qrng.Firmware.Pipeline
{
    /// <summary>
    /// Seeding and output (frame step 6): the Hash_DRBG instantiated from committed pool symbols, reseeded, and its
    /// output written to the UART. Entropy per instantiate/reseed is health.seed_margin_percent of what SP 800-90A
    /// requires at security strength 256 (§10.1.1.2/.3: 256 bits of entropy input, §8.6.7: 128 bits of nonce), each
    /// symbol credited with at most the claimed min-entropy; CreditedMilliBits counts only what is fed.
    /// DRBG mode reseeds as soon as a reseed's worth is committed and writes output.bytes_per_frame per healthy frame, in
    /// requests of at most <see cref="Chunk"/> bytes (one buffer of that size, whatever the setting).
    /// Full-entropy mode (SP 800-90C RBG3(RS)) writes 32-byte blocks, each right after a reseed with at least
    /// (256 + 64) bits times the margin of fresh credited entropy. Any DRBG error zeroises it.
    /// </summary>
    public sealed class DrbgOutput
    {
        public const int FullEntropyBlock = 32;            // s = 256 bits per request (SP 800-90C RBG3(RS))

        /// <summary>DRBG mode's request and write size (SP 800-90A allows 2^19 bits a request; 4 KiB keeps the buffer small).</summary>
        public const int Chunk = 4096;
        private readonly HashDrbg _drbg = new HashDrbg();
        private readonly byte[] _entropy, _nonce, _fullEntropy, _output, _block, _personalization;
        private readonly int _claim, _perFrame;
        private readonly OutputMode _mode;

        public DrbgOutput(FirmwareConfig config, byte[] personalization)
        {
            _claim = config.ClaimedMilliBitsPerSymbol;
            _mode = config.Mode;
            _personalization = personalization;
            _entropy = new byte[AtLeast(BytesFor(256 * config.SeedMarginPercent / 100, _claim), HashDrbg.MinEntropyLength)];
            _nonce = new byte[AtLeast(BytesFor(128 * config.SeedMarginPercent / 100, _claim), HashDrbg.MinNonceLength)];
            _fullEntropy = new byte[_mode == OutputMode.FullEntropy ? BytesFor((256 + 64) * config.SeedMarginPercent / 100, _claim) : 0];
            _perFrame = config.OutputBytesPerFrame;
            _output = new byte[_mode == OutputMode.Drbg ? (_perFrame < Chunk ? _perFrame : Chunk) : 0];
            _block = new byte[FullEntropyBlock];
        }

        /// <summary>Committed pool bytes the DRBG takes at most at once (the pool is sized for it).</summary>
        public int MaxTakeBytes
        {
            get
            {
                int seed = _entropy.Length + _nonce.Length;
                return seed > _fullEntropy.Length ? seed : _fullEntropy.Length;
            }
        }

        public int EntropyBytes
        {
            get { return _entropy.Length; }
        }

        public int NonceBytes
        {
            get { return _nonce.Length; }
        }

        public bool IsInstantiated
        {
            get { return _drbg.IsInstantiated; }
        }

        /// <summary>Bytes of packed 2-bit symbols that carry at least <paramref name="bits"/> credited bits.</summary>
        public static int BytesFor(int bits, int claimMilliBitsPerSymbol)
        {
            int perByte = 4 * claimMilliBitsPerSymbol;      // millibits
            return ((bits * 1000) + perByte - 1) / perByte;
        }

        private static int AtLeast(int value, int minimum)
        {
            return value < minimum ? minimum : value;
        }

        /// <summary>
        /// Instantiates (first time) or reseeds (after a fault) once the pool has committed enough; true when done,
        /// and the engine may stream.
        /// </summary>
        public bool Seed(EntropyPool pool, EngineStatus status)
        {
            if (!_drbg.IsInstantiated)
            {
                if (pool.Committed < 4 * (_entropy.Length + _nonce.Length))
                {
                    return false;
                }

                pool.Take(_entropy);
                pool.Take(_nonce);
                _drbg.Instantiate(_entropy, _nonce, _personalization);
                status.Instantiations++;
                status.CreditedMilliBits += 4L * (_entropy.Length + _nonce.Length) * _claim;
            }
            else
            {
                if (pool.Committed < 4 * _entropy.Length)
                {
                    return false;
                }

                pool.Take(_entropy);
                _drbg.Reseed(_entropy, null);
                status.Reseeds++;
                status.CreditedMilliBits += 4L * _entropy.Length * _claim;
            }

            ClearSeedBuffers();
            return true;
        }

        /// <summary>
        /// One healthy frame's output (the engine is streaming), at most <paramref name="demand"/> bytes: the serial
        /// protocol asks for output only while a READ is outstanding. DRBG mode still reseeds when a reseed's worth is pooled.
        /// </summary>
        public void Serve(EntropyPool pool, IByteSink sink, EngineStatus status, int demand)
        {
            if (_mode == OutputMode.FullEntropy)
            {
                while (demand > 0 && pool.Committed >= 4 * _fullEntropy.Length)
                {
                    pool.Take(_fullEntropy);
                    _drbg.Reseed(_fullEntropy, null);                // SP 800-90C: fresh entropy before every block
                    System.Array.Clear(_fullEntropy, 0, _fullEntropy.Length);
                    status.Reseeds++;
                    status.CreditedMilliBits += 4L * _fullEntropy.Length * _claim;
                    _drbg.Generate(_block, 0, FullEntropyBlock, null);
                    int n = demand < FullEntropyBlock ? demand : FullEntropyBlock;
                    try
                    {
                        sink.Write(_block, 0, n);
                    }
                    finally
                    {
                        System.Array.Clear(_block, 0, FullEntropyBlock); // served, or cut short by the demand: not kept
                    }

                    status.BytesOut += n;
                    demand -= n;
                }

                return;
            }

            if (pool.Committed >= 4 * _entropy.Length)
            {
                pool.Take(_entropy);
                _drbg.Reseed(_entropy, null);                        // SP 800-90A §9.2: fresh entropy as soon as it is pooled
                ClearSeedBuffers();
                status.Reseeds++;
                status.CreditedMilliBits += 4L * _entropy.Length * _claim;
            }

            int count = demand < _perFrame ? demand : _perFrame;
            while (count > 0)
            {
                int n = count < _output.Length ? count : _output.Length;
                _drbg.Generate(_output, 0, n, null);
                try
                {
                    sink.Write(_output, 0, n);
                }
                finally
                {
                    System.Array.Clear(_output, 0, n);           // served (or lost): not kept for a memory dump to find
                }

                status.BytesOut += n;
                count -= n;
            }
        }

        /// <summary>
        /// A protocol nonce (docs/protocol.md, authentication): <paramref name="count"/> bytes of DRBG output, not served
        /// and not counted as output; false when the DRBG is not instantiated (or refuses). Full-entropy mode loses
        /// nothing by it: every block it serves is generated right after a reseed with fresh entropy.
        /// </summary>
        public bool Nonce(byte[] output, int offset, int count)
        {
            if (!_drbg.IsInstantiated)
            {
                return false;
            }

            try
            {
                _drbg.Generate(output, offset, count, null);
                return true;
            }
            catch (System.Exception)
            {
                return false;                                        // e.g. reseed required: the caller falls back
            }
        }

        /// <summary>Diagnostics (tests): true when no buffer holds entropy input or output (between frames).</summary>
        public bool BuffersClear()
        {
            return Zero(_output) && Zero(_block) && Zero(_entropy) && Zero(_nonce) && Zero(_fullEntropy) && _drbg.WorkingBuffersClear();
        }

        private static bool Zero(byte[] a)
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

        /// <summary>Uninstantiates (V and C cleared, SP 800-90A §9.4) and clears every buffer that held entropy or output.</summary>
        public void Zeroise()
        {
            _drbg.Uninstantiate();
            ClearSeedBuffers();
            System.Array.Clear(_fullEntropy, 0, _fullEntropy.Length);
            System.Array.Clear(_output, 0, _output.Length);
            System.Array.Clear(_block, 0, _block.Length);
        }

        private void ClearSeedBuffers()
        {
            System.Array.Clear(_entropy, 0, _entropy.Length);
            System.Array.Clear(_nonce, 0, _nonce.Length);
        }
    }
}
