namespace Qrng.Emulator
{
    /// <summary>
    /// Pixels with the paper's shot-noise signature, in integer arithmetic so that nanoCLR and .NET draw the same
    /// values: Z = floor(K·N + μr), N ≈ μ + √μ·G with μ = η_i·light·FullScale + μdark (paper Eq. 1-4 with the
    /// Poisson law replaced by a Gaussian of the same mean and variance, so var Z = K²·μ: the signature the health
    /// tests look for). G is the sum of the four bytes of one xorshift word, centred and scaled (Irwin-Hall, n = 4).
    /// Defaults: K = 0.8192, μr = -13.6 ADC, μdark = 17.2 e- (paper Table I, pixel 1), 1250 e- at full light.
    /// The host's VirtualBoard draws exact Poisson values instead; this source exists to run everywhere.
    /// </summary>
    public sealed class ShotNoiseSource : IPixelSource
    {
        private const int MuRQ8 = -3482;                 // -13.6 · 2^8
        private const int DarkQ8 = 4403;                 // 17.2 e- · 2^8
        private readonly XorShift _rng;
        private readonly int[] _efficiencyPpm;
        private int[] _meanQ8 = new int[0];
        private int[] _rootQ8 = new int[0];
        private int _cachedLight = -1, _cachedExposure = -1;

        /// <param name="spreadPpm">standard deviation of the pixels' relative efficiency, parts per million (50,000 = 5 %)</param>
        public ShotNoiseSource(uint seed, int pixels, int spreadPpm)
        {
            _rng = new XorShift(seed);
            FullScaleElectrons = 1250;
            GainQ16 = 53687;                             // 0.8192 · 2^16
            _efficiencyPpm = new int[pixels];
            for (int i = 0; i < pixels; i++)
            {
                int e = 1000000 + (int)((long)spreadPpm * Gaussian() >> 8);
                _efficiencyPpm[i] = e < 50000 ? 50000 : e;
            }
        }

        /// <summary>Photoelectrons of a pixel of efficiency 1 at full light and exposure 256.</summary>
        public int FullScaleElectrons { get; set; }

        /// <summary>Conversion gain K in ADC codes per electron, Q16 (a sensor that is not the paper's: another K).</summary>
        public int GainQ16 { get; set; }

        public void Draw(ushort[] z, int count, int lightPpm, int exposure)
        {
            if (count > _efficiencyPpm.Length)
            {
                throw new System.ArgumentOutOfRangeException("count", "the source was made for " + _efficiencyPpm.Length + " pixels");
            }

            if (lightPpm != _cachedLight || exposure != _cachedExposure || _meanQ8.Length < count)
            {
                Prepare(count, lightPpm, exposure);
            }

            int[] mean = _meanQ8, root = _rootQ8;       // locals: the loop runs per pixel on an interpreter
            long gain = GainQ16;
            for (int i = 0; i < count; i++)
            {
                int n = mean[i] + (int)(((long)root[i] * Gaussian()) >> 8);
                int zq8 = (int)((gain * n) >> 16) + MuRQ8;
                int v = zq8 >> 8;                        // floor, also below zero
                z[i] = (ushort)(v < 0 ? 0 : v > 1023 ? 1023 : v);
            }
        }

        /// <summary>Per-pixel mean and √mean (Q8) for one light level: recomputed only when the LED or exposure changes.</summary>
        private void Prepare(int count, int lightPpm, int exposure)
        {
            if (_meanQ8.Length < count)
            {
                _meanQ8 = new int[count];
                _rootQ8 = new int[count];
            }

            for (int i = 0; i < count; i++)
            {
                long relative = (long)_efficiencyPpm[i] * lightPpm / 1000000;                 // ppm of full scale
                long meanQ8 = relative * FullScaleElectrons * exposure / 1000000 + DarkQ8;   // (· 256 / 256 exposure)
                if (meanQ8 > 0x3FFFFF)
                {
                    meanQ8 = 0x3FFFFF;                   // 16383 e-: far beyond the ADC's range anyway
                }

                _meanQ8[i] = (int)meanQ8;
                _rootQ8[i] = (int)Sqrt((uint)meanQ8 << 8);
            }

            _cachedLight = lightPpm;
            _cachedExposure = exposure;
        }

        /// <summary>≈ N(0, 1) in Q8: the four bytes of one word summed (mean 510, σ 147.80), centred, times 256/147.80.</summary>
        private int Gaussian()
        {
            uint w = _rng.Next();
            // nanoCLR types an arithmetic result by its left operand: had the sum started from a uint byte, the int it
            // returns would stay tagged unsigned and a later (long) widening would zero-extend it (seen on nanoCLR:
            // -250000 became 214748364550000). Start from an int so the value is an int on every runtime.
            int s = -510;
            s += (int)(w & 0xFF);
            s += (int)((w >> 8) & 0xFF);
            s += (int)((w >> 16) & 0xFF);
            s += (int)(w >> 24);
            return (s * 1732) / 1000;
        }

        /// <summary>floor(√x), bit by bit.</summary>
        internal static uint Sqrt(uint x)
        {
            uint result = 0, bit = 1u << 30;
            while (bit > x)
            {
                bit >>= 2;
            }

            while (bit != 0)
            {
                if (x >= result + bit)
                {
                    x -= result + bit;
                    result = (result >> 1) + bit;
                }
                else
                {
                    result >>= 1;
                }

                bit >>= 2;
            }

            return result;
        }
    }
}
