namespace Qrng.Emulator
{
    /// <summary>Marsaglia's xorshift32 (J. Stat. Softw. 8(14), 2003): deterministic, allocation-free, the same on nanoCLR and .NET.</summary>
    public sealed class XorShift
    {
        private uint _state;

        public XorShift(uint seed)
        {
            _state = seed == 0 ? 0x9E3779B9u : seed;
        }

        public uint Next()
        {
            uint x = _state;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            _state = x;
            return x;
        }
    }
}
