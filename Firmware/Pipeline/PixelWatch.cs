namespace Qrng.Firmware.Pipeline
{
    /// <summary>
    /// Bad pixels (frame steps 3 and 5): a pixel stuck at one raw value over consecutive healthy frames, or outside
    /// [T−, T+] in health.pixel_repeat_cutoff consecutive frames while the light is right (dead or hot), is masked:
    /// no longer counted by the frame test, the light mean, the noise check or the symbol tests, and never credited.
    /// More than N± bad pixels are bad pixels, not bad light: they are masked, so the frame test can pass again. More
    /// than a quarter of the sensor masked is a persistent failure. The runs live in arrays the fused per-pixel loops
    /// update directly (FrameChecks, SymbolTests): a pass of their own would cost the interpreter a pass per pixel.
    /// </summary>
    public sealed class PixelWatch
    {
        internal readonly byte[] Masked;        // 1: masked (bytes: the native frame kernel reads them)
        internal readonly byte[] Repeat;          // frames the pixel has kept its raw value, over healthy frames
        internal readonly ushort[] LastGood;      // its value in the last healthy frame
        internal readonly byte[] OutOfRange;      // frames in a row the pixel was outside [T-, T+]
        private readonly int _pixels, _cutoff;

        public PixelWatch(int pixels, int cutoff)
        {
            _pixels = pixels;
            _cutoff = cutoff;
            Masked = new byte[pixels];
            Repeat = new byte[pixels];
            LastGood = new ushort[pixels];
            OutOfRange = new byte[pixels];
        }

        public int MaskedCount { get; private set; }

        /// <summary>Frames a pixel must keep one value, or stay out of range, before it is masked.</summary>
        public int Cutoff
        {
            get { return _cutoff; }
        }

        /// <summary>More than a quarter of the pixels masked: the sensor is not usable.</summary>
        public bool TooMany
        {
            get { return MaskedCount * 4 > _pixels; }
        }

        public void Mask(int pixel)
        {
            if (Masked[pixel] == 0)
            {
                Masked[pixel] = 1;
                MaskedCount++;
            }
        }

        /// <summary>An FNV-1a digest of every per-pixel array (the differential tests of the two frame kernels compare it).</summary>
        public uint Digest()
        {
            uint h = 2166136261u;
            for (int i = 0; i < _pixels; i++)
            {
                h = (h ^ Masked[i]) * 16777619u;
                h = (h ^ Repeat[i]) * 16777619u;
                h = (h ^ LastGood[i]) * 16777619u;
                h = (h ^ OutOfRange[i]) * 16777619u;
            }

            return h;
        }

        /// <summary>Forgets the raw values (they are entropy: cleared on every fault) and with them the stuck runs.</summary>
        public void ClearRuns()
        {
            System.Array.Clear(Repeat, 0, _pixels);
            System.Array.Clear(LastGood, 0, _pixels);
        }

        /// <summary>Everything, masks included: the sensor is about to be initialised again.</summary>
        public void Reset()
        {
            ClearRuns();
            System.Array.Clear(Masked, 0, _pixels);
            System.Array.Clear(OutOfRange, 0, _pixels);
            MaskedCount = 0;
        }

        /// <summary>
        /// After a frame failed T±/N± in good light: masks the pixels that have been outside [T−, T+] for Cutoff frames,
        /// if they alone explain the failure (the rest of the frame passes). Returns how many were masked; the first
        /// one and whether it was dark or saturated come back in <paramref name="first"/> and <paramref name="kind"/>.
        /// </summary>
        public int MaskPersistentOutliers(ushort[] frame, int tMinus, int tPlus, int low, int high, int nMinus, int nPlus, out int first, out Fault kind)
        {
            first = -1;
            kind = Fault.None;
            int candidatesLow = 0, candidatesHigh = 0;
            for (int i = 0; i < _pixels; i++)
            {
                if (Masked[i] == 0 && OutOfRange[i] >= _cutoff)
                {
                    if (frame[i] < tMinus)
                    {
                        candidatesLow++;
                    }
                    else if (frame[i] > tPlus)
                    {
                        candidatesHigh++;
                    }
                }
            }

            if (candidatesLow + candidatesHigh == 0 || low - candidatesLow > nMinus || high - candidatesHigh > nPlus)
            {
                return 0;
            }

            for (int i = 0; i < _pixels; i++)
            {
                if (Masked[i] == 0 && OutOfRange[i] >= _cutoff && (frame[i] < tMinus || frame[i] > tPlus))
                {
                    if (first < 0)
                    {
                        first = i;
                        kind = frame[i] < tMinus ? Fault.PixelDead : Fault.PixelHot;
                    }

                    Mask(i);
                }
            }

            return candidatesLow + candidatesHigh;
        }
    }
}
