// Hash_DRBG with SHA-256, NIST SP 800-90A Rev. 1 §10.1.1. Security strength 256 bits, seedlen 440 bits.
// All buffers are allocated once in the constructor: no call allocates. SHA-256 is native (interop assembly
// Qrng.Sha256.Native, whole Hashgen / Hash_df requests per call) when the image has it, managed (Sha256) otherwise.
using System;

namespace Qrng.Crypto
{
    /// <summary>
    /// SP 800-90A Rev. 1 Hash_DRBG (SHA-256), security strength 256, seedlen 440.
    /// A null input means "absent" (SP 800-90A Null); a zero-length array is the empty string, which the
    /// standard treats the same way. Prediction resistance (§9.3.3) is the caller's: reseed with fresh
    /// entropy immediately before each Generate that needs it. Not thread-safe. Both SHA-256 paths give the same
    /// output; <see cref="Sha256Path"/> says which one the running image uses.
    /// </summary>
    public sealed class HashDrbg
    {
        /// <summary>seedlen in bytes (440 bits, SP 800-90A §10.1 Table 2).</summary>
        public const int SeedLength = 55;

        /// <summary>Security strength in bits (the maximum for SHA-256).</summary>
        public const int SecurityStrength = 256;

        /// <summary>Minimum entropy input in bytes: the security strength (§10.1 Table 2).</summary>
        public const int MinEntropyLength = 32;

        /// <summary>Minimum nonce length in bytes: half the security strength (§8.6.7).</summary>
        public const int MinNonceLength = 16;

        /// <summary>Entropy input needed when the nonce is absent: 3/2 of the security strength (§8.6.7, SP 800-90C).</summary>
        public const int MinEntropyWithoutNonce = 48;

        /// <summary>max_number_of_bits_per_request = 2^19 bits (§10.1 Table 2), in bytes.</summary>
        public const int MaxRequestLength = 65536;

        /// <summary>Largest reseed interval the standard allows: 2^48 requests (§10.1 Table 2).</summary>
        public const long MaxReseedInterval = 281474976710656L;

        private const int OutLength = Sha256.DigestLength;

        private static readonly byte[] Empty = new byte[0];

        private readonly Sha256 _sha = new Sha256();
        private readonly byte[] _v = new byte[SeedLength];
        private readonly byte[] _c = new byte[SeedLength];
        private readonly byte[] _seed = new byte[SeedLength];
        private readonly byte[] _block = new byte[Sha256.BlockLength];
        private readonly byte[] _digest = new byte[2 * OutLength];
        private readonly byte[] _prefix = new byte[5];
        private readonly long _reseedInterval;
        private readonly bool _selfTestInstance;
        private readonly bool _native;
        private long _reseedCounter;
        private bool _instantiated;

        /// <summary>Creates an uninstantiated DRBG with the largest reseed interval (2^48 requests).</summary>
        public HashDrbg()
            : this(MaxReseedInterval)
        {
        }

        /// <summary>Creates an uninstantiated DRBG that demands a reseed after <paramref name="reseedInterval"/> requests.</summary>
        public HashDrbg(long reseedInterval)
            : this(reseedInterval, false, Sha256Selection.Native)
        {
        }

        /// <summary>
        /// A DRBG on a chosen SHA-256 path (tests compare the two): <paramref name="nativeSha256"/> true requires the
        /// native one and throws <see cref="NotSupportedException"/> on an image without it.
        /// </summary>
        public HashDrbg(long reseedInterval, bool nativeSha256)
            : this(reseedInterval, false, Available(nativeSha256))
        {
        }

        // The power-up self-test builds its DRBG with selfTestInstance = true so that it does not wait for itself.
        internal HashDrbg(long reseedInterval, bool selfTestInstance, bool nativeSha256)
        {
            if (reseedInterval < 1 || reseedInterval > MaxReseedInterval)
            {
                throw new ArgumentOutOfRangeException("reseedInterval", "reseed interval must be 1 .. 2^48 requests (SP 800-90A Table 2)");
            }

            _reseedInterval = reseedInterval;
            _selfTestInstance = selfTestInstance;
            _native = nativeSha256;

            // Hashgen's block: V (55 bytes) || 0x80 || zeros || 64-bit length 440 (FIPS 180-4 §5.1.1): one block per digest.
            _block[SeedLength] = 0x80;
            _block[62] = 0x01;
            _block[63] = 0xB8;

            // Hash_df's prefix: counter byte || no_of_bits_to_return = 440 as a 32-bit big-endian integer (§10.3.1).
            _prefix[3] = 0x01;
            _prefix[4] = 0xB8;
        }

        /// <summary>
        /// "native" when this image computes SHA-256 natively (interop assembly Qrng.Sha256.Native) and every DRBG
        /// created without an explicit path uses it, "managed" otherwise. Probed once, on first use; the power-up
        /// self-tests run on this path.
        /// </summary>
        public static string Sha256Path
        {
            get { return Sha256Selection.Native ? Sha256Selection.NativeName : Sha256Selection.ManagedName; }
        }

        /// <summary>
        /// On the managed path, what the probe of the native code threw (NotSupportedException: an image without
        /// Qrng.Sha256.Native; SecurityException: the host twin on .NET); "" on the native path.
        /// </summary>
        public static string Sha256FallbackReason
        {
            get { return Sha256Selection.ManagedReason; }
        }

        /// <summary>True when this instance hashes with the native SHA-256.</summary>
        public bool UsesNativeSha256
        {
            get { return _native; }
        }

        /// <summary>Requests allowed between reseeds.</summary>
        public long ReseedInterval
        {
            get { return _reseedInterval; }
        }

        /// <summary>SP 800-90A reseed_counter: 1 after (re)seeding, +1 per Generate.</summary>
        public long ReseedCounter
        {
            get { return _reseedCounter; }
        }

        /// <summary>True between Instantiate and Uninstantiate.</summary>
        public bool IsInstantiated
        {
            get { return _instantiated; }
        }

        /// <summary>True when the next Generate would be refused until Reseed.</summary>
        public bool ReseedRequired
        {
            get { return _reseedCounter > _reseedInterval; }
        }

        /// <summary>
        /// Instantiate (SP 800-90A §10.1.1.2). <paramref name="entropyInput"/> must hold at least 256 bits of
        /// min-entropy in at least 32 bytes; a null <paramref name="nonce"/> requires at least 48 bytes of entropy
        /// input, otherwise the nonce must be at least 16 bytes. Re-instantiating replaces the whole state.
        /// </summary>
        public void Instantiate(byte[] entropyInput, byte[] nonce, byte[] personalizationString)
        {
            RequireSelfTest();
            if (entropyInput == null)
            {
                throw new ArgumentNullException("entropyInput");
            }

            if (nonce == null)
            {
                if (entropyInput.Length < MinEntropyWithoutNonce)
                {
                    throw new DrbgException(DrbgError.EntropyTooShort, "without a nonce the entropy input must be at least 48 bytes");
                }
            }
            else
            {
                if (entropyInput.Length < MinEntropyLength)
                {
                    throw new DrbgException(DrbgError.EntropyTooShort, "entropy input must be at least 32 bytes (256 bits)");
                }

                if (nonce.Length < MinNonceLength)
                {
                    throw new DrbgException(DrbgError.NonceTooShort, "nonce must be at least 16 bytes (128 bits)");
                }
            }

            // seed = Hash_df(entropy_input || nonce || personalization_string, seedlen).
            HashDf(-1, entropyInput, nonce, personalizationString, _seed);
            NewSeed();
        }

        /// <summary>Reseed (SP 800-90A §10.1.1.3) with at least 32 bytes of entropy input holding 256 bits of min-entropy.</summary>
        public void Reseed(byte[] entropyInput, byte[] additionalInput)
        {
            RequireSelfTest();
            RequireInstantiated();
            if (entropyInput == null)
            {
                throw new ArgumentNullException("entropyInput");
            }

            if (entropyInput.Length < MinEntropyLength)
            {
                throw new DrbgException(DrbgError.EntropyTooShort, "entropy input must be at least 32 bytes (256 bits)");
            }

            // seed = Hash_df(0x01 || V || entropy_input || additional_input, seedlen).
            HashDf(0x01, _v, entropyInput, additionalInput, _seed);
            NewSeed();
        }

        /// <summary>
        /// Generate (SP 800-90A §10.1.1.4): writes <paramref name="count"/> (0 .. 65536) pseudorandom bytes to
        /// <paramref name="output"/> at <paramref name="offset"/>. Refused, with nothing written, when
        /// uninstantiated, when a reseed is required or when the self-tests failed.
        /// </summary>
        public void Generate(byte[] output, int offset, int count, byte[] additionalInput)
        {
            RequireSelfTest();
            RequireInstantiated();
            if (output == null)
            {
                throw new ArgumentNullException("output");
            }

            if (count > MaxRequestLength)
            {
                throw new DrbgException(DrbgError.RequestTooLarge, "at most 65536 bytes (2^19 bits) per request");
            }

            if (offset < 0 || count < 0 || offset > output.Length - count)
            {
                throw new ArgumentOutOfRangeException("count", "offset/count outside the output array");
            }

            // Step 1.
            if (_reseedCounter > _reseedInterval)
            {
                throw new DrbgException(DrbgError.ReseedRequired, "reseed required: the reseed interval is exhausted");
            }

            byte[] v = _v;
            byte[] digest = _digest;
            Sha256 sha = _sha;

            if (_native)
            {
                GenerateNative(output, offset, count, additionalInput);
                return;
            }

            // Step 2: w = Hash(0x02 || V || additional_input); V = (V + w) mod 2^seedlen.
            if (additionalInput != null && additionalInput.Length > 0)
            {
                sha.Update(0x02);
                sha.Update(v, 0, SeedLength);
                sha.Update(additionalInput, 0, additionalInput.Length);
                sha.Final(digest, 0);
                AddInto(v, digest, null, 0);
            }

            // Step 3: Hashgen (§10.1.1.4): data = V; W = Hash(data) || Hash(data + 1) || ..., on a pre-padded block.
            byte[] block = _block;
            Array.Copy(v, block, SeedLength);
            sha.Hashgen(block, output, offset, count);

            // Step 4: H = Hash(0x03 || V).
            sha.Update(0x03);
            sha.Update(v, 0, SeedLength);
            sha.Final(digest, 0);

            // Steps 5-6: V = (V + H + C + reseed_counter) mod 2^seedlen; reseed_counter += 1.
            AddInto(v, digest, _c, _reseedCounter);
            _reseedCounter++;
            ClearWorking();
        }

        // Generate steps 2-6 with the native SHA-256: one call per hash, the whole Hashgen in one.
        private void GenerateNative(byte[] output, int offset, int count, byte[] additionalInput)
        {
            byte[] v = _v;
            byte[] digest = _digest;

            // Step 2: w = Hash(0x02 || V || additional_input); V = (V + w) mod 2^seedlen.
            if (additionalInput != null && additionalInput.Length > 0)
            {
                Sha256Native.Hash(0x02, v, SeedLength, additionalInput, additionalInput.Length, digest, 0);
                AddInto(v, digest, null, 0);
            }

            // Step 3: Hashgen (§10.1.1.4).
            Sha256Native.Hashgen(v, output, offset, count);

            // Step 4: H = Hash(0x03 || V).
            Sha256Native.Hash(0x03, v, SeedLength, Empty, 0, digest, 0);

            // Steps 5-6: V = (V + H + C + reseed_counter) mod 2^seedlen; reseed_counter += 1.
            AddInto(v, digest, _c, _reseedCounter);
            _reseedCounter++;
            ClearWorking();
        }

        /// <summary>
        /// SP 800-90A §8.8 (backtracking resistance): after a request nothing derived from the V that produced its output
        /// stays behind: not the Hashgen block (V + i), not H = Hash(0x03 || V) (with V and C it gives the old V back),
        /// not the SHA-256 context's message bytes. The block's padding (bytes 55..63) stays: it is constant.
        /// </summary>
        private void ClearWorking()
        {
            Array.Clear(_block, 0, SeedLength);
            Array.Clear(_digest, 0, _digest.Length);
            _sha.Clear();
        }

        /// <summary>
        /// Diagnostics (tests): true when no working buffer holds anything derived from the state that produced earlier
        /// output: the Hashgen block's data (V + i), H = Hash(0x03 || V), the seed, the SHA-256 context's message bytes
        /// and intermediate values. With any of them, V and C after a Generate give back the V that made its output
        /// (V_old = V - H - C - reseed_counter), which SP 800-90A's backtracking resistance (§8.8) rules out.
        /// </summary>
        public bool WorkingBuffersClear()
        {
            for (int i = 0; i < SeedLength; i++)
            {
                if (_block[i] != 0 || _seed[i] != 0)
                {
                    return false;
                }
            }

            for (int i = 0; i < _digest.Length; i++)
            {
                if (_digest[i] != 0)
                {
                    return false;
                }
            }

            return _sha.IsClear();
        }

        /// <summary>Uninstantiate (SP 800-90A §9.4): zeroises V, C and every working buffer.</summary>
        public void Uninstantiate()
        {
            Array.Clear(_v, 0, SeedLength);
            Array.Clear(_c, 0, SeedLength);
            Array.Clear(_seed, 0, SeedLength);
            Array.Clear(_block, 0, SeedLength);
            Array.Clear(_digest, 0, _digest.Length);
            _sha.Clear();
            _reseedCounter = 0;
            _instantiated = false;
        }

        // Copies V and C out: for the self-test's zeroisation check and Host.Tests only.
        internal void CopyState(byte[] v, byte[] c)
        {
            Array.Copy(_v, v, SeedLength);
            Array.Copy(_c, c, SeedLength);
        }

        // V = seed; C = Hash_df(0x00 || V, seedlen); reseed_counter = 1 (§10.1.1.2 steps 3-5, §10.1.1.3 steps 3-5).
        private void NewSeed()
        {
            Array.Copy(_seed, _v, SeedLength);
            HashDf(0x00, _v, null, null, _c);
            Array.Clear(_seed, 0, SeedLength);
            ClearWorking();
            _reseedCounter = 1;
            _instantiated = true;
        }

        // Hash_df (SP 800-90A §10.3.1) over [prefix byte (if >= 0)] || a || b || c, returning seedlen bits:
        // Hash(0x01 || 440 as 32 bits || input) || Hash(0x02 || ...), truncated to 55 bytes.
        private void HashDf(int prefix, byte[] a, byte[] b, byte[] c, byte[] result)
        {
            if (_native)
            {
                Sha256Native.HashDf(prefix, Or(a), Length(a), Or(b), Length(b), Or(c), Length(c), result);
                return;
            }

            Sha256 sha = _sha;
            byte[] head = _prefix;
            for (int counter = 1; counter <= 2; counter++)
            {
                head[0] = (byte)counter;
                sha.Update(head, 0, 5);
                if (prefix >= 0)
                {
                    sha.Update((byte)prefix);
                }

                if (a != null)
                {
                    sha.Update(a, 0, a.Length);
                }

                if (b != null)
                {
                    sha.Update(b, 0, b.Length);
                }

                if (c != null)
                {
                    sha.Update(c, 0, c.Length);
                }

                sha.Final(_digest, (counter - 1) * OutLength);
            }

            Array.Copy(_digest, result, SeedLength);
        }

        private static byte[] Or(byte[] a)
        {
            return a == null ? Empty : a;
        }

        private static int Length(byte[] a)
        {
            return a == null ? 0 : a.Length;
        }

        private static bool Available(bool nativeSha256)
        {
            if (nativeSha256 && !Sha256Selection.Native)
            {
                throw new NotSupportedException("this image has no native SHA-256 (interop assembly Qrng.Sha256.Native)");
            }

            return nativeSha256;
        }

        // v = (v + h + c + counter) mod 2^440, big-endian; h is a 32-byte digest aligned right; c and counter optional.
        private static void AddInto(byte[] v, byte[] h, byte[] c, long counter)
        {
            const int hStart = SeedLength - OutLength;
            ulong n = (ulong)counter;
            uint carry = 0;
            for (int i = SeedLength - 1; i >= 0; i--)
            {
                uint sum = carry + v[i] + (uint)(n & 0xFF);
                n >>= 8;
                if (i >= hStart)
                {
                    sum += h[i - hStart];
                }

                if (c != null)
                {
                    sum += c[i];
                }

                v[i] = (byte)sum;
                carry = sum >> 8;
            }
        }

        private void RequireSelfTest()
        {
            if (!_selfTestInstance && !DrbgSelfTest.EnsurePassed())
            {
                throw new DrbgException(DrbgError.SelfTestFailed, "power-up self-tests failed: the DRBG is disabled");
            }
        }

        private void RequireInstantiated()
        {
            if (!_instantiated)
            {
                throw new DrbgException(DrbgError.NotInstantiated, "the DRBG is not instantiated");
            }
        }
    }
}
