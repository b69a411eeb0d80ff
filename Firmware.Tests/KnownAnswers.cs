namespace Qrng.Firmware.Tests
{
    /// <summary>
    /// Known answers for the device tests, computed with an independent implementation (BouncyCastle 2.7.0
    /// HashSP800Drbg, SHA-256, strength 256). Host.Tests recomputes each one with BouncyCastle.
    /// P(s, n) is <c>DrbgSelfTest.Pattern(s, n)</c>: n bytes s, s+1, ...
    /// </summary>
    public static class KnownAnswers
    {
        /// <summary>Instantiate(P(0x10,32), P(0x30,16), null); Generate(64 bytes, null).</summary>
        public const string SeededGenerate64 =
            "b83e23ad34b61ec70fa64a451266fd4d97b23db3dacced502ee051381d0f8135" +
            "42d91155d7da3e91290c7403836894343528cacfe66df74912fa99b600474555";

        /// <summary>Same instantiation; Generate(16, P(0x50,32)); Reseed(P(0x70,32), null); Generate(48 bytes, P(0x90,5)).</summary>
        public const string ReseedSequence48 =
            "3a8a66c83a3958e65e42c9b3016172c7e86498d3ca59785ad88c78ca09cb07c0" +
            "738d0538b93caa1ba021f60e87f9e4ba";
    }
}
