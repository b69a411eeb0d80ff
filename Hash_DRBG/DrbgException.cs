using System;

namespace Qrng.Crypto
{
    /// <summary>Why a <see cref="HashDrbg"/> call was refused.</summary>
    public enum DrbgError
    {
        /// <summary>Generate or Reseed before Instantiate, or after Uninstantiate (SP 800-90A §9.3.1, §9.2).</summary>
        NotInstantiated = 1,

        /// <summary>The reseed counter passed the reseed interval (SP 800-90A §10.1.1.4 step 1).</summary>
        ReseedRequired = 2,

        /// <summary>The power-up known-answer tests failed (SP 800-90A §11.3); the DRBG stays unusable.</summary>
        SelfTestFailed = 3,

        /// <summary>Entropy input shorter than the security strength (SP 800-90A §10.1 Table 2).</summary>
        EntropyTooShort = 4,

        /// <summary>Nonce shorter than half the security strength (SP 800-90A §8.6.7).</summary>
        NonceTooShort = 5,

        /// <summary>More than 2^19 bits in one request (SP 800-90A §10.1 Table 2).</summary>
        RequestTooLarge = 6,
    }

    /// <summary>A DRBG operation refused with a reason; no output was produced and the state is unchanged.</summary>
    public class DrbgException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public DrbgException(DrbgError error, string message)
            : base(message)
        {
            Error = error;
        }

        /// <summary>The reason.</summary>
        public DrbgError Error { get; private set; }
    }
}
