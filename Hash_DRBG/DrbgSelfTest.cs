// Power-up self-tests, SP 800-90A Rev. 1 §11.3: known-answer tests of SHA-256 and of Hash_DRBG's instantiate,
// generate, reseed and uninstantiate functions, plus the error paths, on the SHA-256 path the DRBGs use (native when
// the image has Qrng.Sha256.Native, managed otherwise). A failure disables every HashDrbg.
namespace Qrng.Crypto
{
    /// <summary>Outcome of the power-up self-tests.</summary>
    public enum SelfTestState
    {
        /// <summary>Not run yet: the first HashDrbg call runs them.</summary>
        NotRun = 0,

        /// <summary>All known answers matched.</summary>
        Passed = 1,

        /// <summary>A known answer did not match: HashDrbg refuses every operation.</summary>
        Failed = 2,
    }

    /// <summary>Power-up known-answer tests (SP 800-90A §11.3). Firmware calls <see cref="Run"/> at boot.</summary>
    public static class DrbgSelfTest
    {
        // FIPS 180-4 examples (NIST CSRC "SHA256.pdf"): SHA-256("abc") and the 448-bit two-block message.
        private static readonly byte[] AbcDigest =
        {
            0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
            0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
        };

        private const string TwoBlockMessage = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

        private static readonly byte[] TwoBlockDigest =
        {
            0x24, 0x8d, 0x6a, 0x61, 0xd2, 0x06, 0x38, 0xb8, 0xe5, 0xc0, 0x26, 0x93, 0x0c, 0x3e, 0x60, 0x39,
            0xa3, 0x3c, 0xe4, 0x59, 0x64, 0xff, 0x21, 0x67, 0xf6, 0xec, 0xed, 0xd4, 0x19, 0xdb, 0x06, 0xc1,
        };

        // Hash_DRBG known answer computed with BouncyCastle 2.7.0 HashSP800Drbg (SHA-256, strength 256) for the
        // sequence in RunDrbgKat; Host/Tests recomputes it with BouncyCastle so this table cannot drift.
        private static readonly byte[] DrbgKnownAnswer =
        {
            0xaa, 0xa9, 0xb3, 0xfb, 0x5b, 0xc5, 0x11, 0x95, 0xb6, 0x0f, 0xe1, 0xc2, 0x4f, 0x61, 0x74, 0x0b,
            0xa9, 0xcb, 0x9b, 0x0b, 0x56, 0x04, 0xf0, 0x2b, 0x3e, 0x5a, 0x29, 0xb2, 0x9a, 0x80, 0xf3, 0x50,
            0xc5, 0xee, 0x69, 0xb4, 0x4e, 0x41, 0x88, 0xc8, 0xde, 0xfc, 0x7e, 0xa2, 0x78, 0xaa, 0x7a, 0xb6,
            0xda, 0x92, 0xdc, 0xd9, 0x2a, 0x4a, 0x05, 0xa9, 0x32, 0xe6, 0x38, 0x43, 0xe9, 0x62, 0x87, 0xfe,
        };

        private static SelfTestState _state = SelfTestState.NotRun;
        private static string _testedPath = "";

        /// <summary>Result of the last run.</summary>
        public static SelfTestState State
        {
            get { return _state; }
        }

        /// <summary>The SHA-256 path ("native" or "managed", <see cref="HashDrbg.Sha256Path"/>) the last run tested; "" before.</summary>
        public static string TestedPath
        {
            get { return _testedPath; }
        }

        /// <summary>
        /// Test hook (FIPS 140-style fault injection): while true, <see cref="Run"/> corrupts one bit of its
        /// inputs, so the known answers must fail and the DRBG must refuse to work.
        /// </summary>
        public static bool InjectFault { get; set; }

        /// <summary>
        /// Test hook: while true, the SHA-256 known-answer test throws instead of returning, as a native path's failing
        /// interop call (CLR_E_FAIL) does; <see cref="Run"/> must then record a failure, never keep an earlier pass.
        /// </summary>
        public static bool InjectThrow { get; set; }

        /// <summary>
        /// Runs every known-answer test and records the result. Returns true when all passed. Fails closed: the state
        /// becomes Passed only when every test returned its known answer; a test that throws (a native call failing) is
        /// a failure, never an exception out of here and never an earlier pass kept. (The state is written once, at the
        /// end: several emulated boards in one host process share it, and a transient Failed would stop the others.)
        /// </summary>
        public static bool Run()
        {
            bool native = HashDrbg.Sha256Path == Sha256Selection.NativeName;
            bool ok;
            try
            {
                ok = RunSha256Kat(native) && RunDrbgKat(native);
            }
            catch (System.Exception)
            {
                ok = false;
            }

            _testedPath = HashDrbg.Sha256Path;
            _state = ok ? SelfTestState.Passed : SelfTestState.Failed;
            return ok;
        }

        /// <summary>Runs the tests if they have not run yet; true when they passed.</summary>
        public static bool EnsurePassed()
        {
            if (_state == SelfTestState.NotRun)
            {
                Run();
            }

            return _state == SelfTestState.Passed;
        }

        /// <summary>The inputs of the Hash_DRBG known-answer test, as patterns: byte i of a pattern is start + i.</summary>
        public static byte[] Pattern(int start, int length)
        {
            byte[] p = new byte[length];
            for (int i = 0; i < length; i++)
            {
                p[i] = (byte)(start + i);
            }

            return p;
        }

        /// <summary>
        /// The known-answer sequence: Instantiate(P(0x00,32), P(0x20,16), P(0x40,32)); Generate(64, P(0x60,32));
        /// Reseed(P(0x80,32), P(0xA0,32)); Generate(64, null) into <paramref name="output"/> (64 bytes).
        /// Also used by the host tests to compare against BouncyCastle.
        /// </summary>
        public static void RunKatSequence(HashDrbg drbg, byte[] entropy, byte[] output)
        {
            drbg.Instantiate(entropy, Pattern(0x20, 16), Pattern(0x40, 32));
            drbg.Generate(output, 0, 64, Pattern(0x60, 32));
            drbg.Reseed(Pattern(0x80, 32), Pattern(0xA0, 32));
            drbg.Generate(output, 0, 64, null);
        }

        private static bool RunSha256Kat(bool native)
        {
            if (InjectThrow)
            {
                throw new System.InvalidOperationException("injected: a known-answer test threw");
            }

            byte[] digest = new byte[Sha256.DigestLength];
            byte[] abc = { 0x61, 0x62, 0x63 };
            if (InjectFault)
            {
                abc[0] ^= 0x01;
            }

            Digest(native, abc, digest);
            if (!Same(digest, AbcDigest))
            {
                return false;
            }

            byte[] two = new byte[TwoBlockMessage.Length];
            for (int i = 0; i < two.Length; i++)
            {
                two[i] = (byte)TwoBlockMessage[i];
            }

            Digest(native, two, digest);
            return Same(digest, TwoBlockDigest);
        }

        private static void Digest(bool native, byte[] message, byte[] digest)
        {
            if (native)
            {
                Sha256Native.Hash(-1, message, message.Length, digest, 0, digest, 0);
                return;
            }

            Sha256 sha = new Sha256();
            sha.Update(message, 0, message.Length);
            sha.Final(digest, 0);
        }

        private static bool RunDrbgKat(bool native)
        {
            HashDrbg drbg = new HashDrbg(HashDrbg.MaxReseedInterval, true, native);
            byte[] output = new byte[64];

            // Error path (§11.3.3): generate before instantiate must be refused.
            try
            {
                drbg.Generate(output, 0, 1, null);
                return false;
            }
            catch (DrbgException e)
            {
                if (e.Error != DrbgError.NotInstantiated)
                {
                    return false;
                }
            }

            byte[] entropy = Pattern(0x00, 32);
            if (InjectFault)
            {
                entropy[0] ^= 0x01;
            }

            RunKatSequence(drbg, entropy, output);
            if (!Same(output, DrbgKnownAnswer))
            {
                return false;
            }

            // Uninstantiate (§11.3.5): V and C must be zero afterwards.
            drbg.Uninstantiate();
            byte[] v = new byte[HashDrbg.SeedLength];
            byte[] c = new byte[HashDrbg.SeedLength];
            drbg.CopyState(v, c);
            for (int i = 0; i < v.Length; i++)
            {
                if (v[i] != 0 || c[i] != 0)
                {
                    return false;
                }
            }

            return !drbg.IsInstantiated;
        }

        private static bool Same(byte[] a, byte[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            int diff = 0;
            for (int i = 0; i < a.Length; i++)
            {
                diff |= a[i] ^ b[i];
            }

            return diff == 0;
        }
    }
}
