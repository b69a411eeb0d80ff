using Qrng.Firmware.Health;

namespace Qrng.Firmware.Pipeline
{
    /// <summary>
    /// Does the light in the frame follow the LED? The LED loop dithers its duty each frame by up to
    /// ±health.dither_permille with a byte the sensor path cannot know in advance (<see cref="LightChallenge"/>). Over
    /// a block of health.dither_frames frames the mean of the whole frame and of each of health.dither_parts row bands
    /// must be a straight line of the applied duty (a local fit: offset and slope, so the sensor's non-linearity and the
    /// LED's efficiency drop out) within the noise the model gives a part mean: var = (K·(m − μr) + σr² + q²/12) / n
    /// + (j·(m − μr))², shot and read noise of its n pixels plus a light jitter j (health.dither_jitter_ppm: PWM periods
    /// cut by the exposure, LED drift). Under the model the residual sum of squares over that variance is χ² with J − 2
    /// degrees of freedom; a part fails above the bound a healthy one exceeds with probability 2^-(alpha + b), b =
    /// ⌈log2(parts + 1)⌉ (Bonferroni: the block's false alarm is at most 2^-alpha; Wilson–Hilferty, conservative here).
    /// A frame or part served from old data carries the dither of an old frame, uncorrelated with the current one: its
    /// residuals are of the size of the dither, many times the noise. No history is kept: it catches a replay of any
    /// length, whole or partial. The part sums come from the frame scan.
    /// </summary>
    public sealed class DitherCheck
    {
        private readonly int _frames, _parts;
        private readonly double _k, _muR, _floor, _jitter2, _upperFit, _upperFlat;
        private readonly double[] _sy, _syy, _sxy, _y0;
        private double _sx, _sxx, _x0;
        private int _count;

        public DitherCheck(FirmwareConfig config)
        {
            _frames = config.DitherPermille > 0 ? config.DitherFrames : 0;
            _parts = config.EffectiveDitherParts;
            _k = config.NoiseGainMilli / 1000.0;
            _muR = config.NoiseOffsetMilli / 1000.0;
            double sigma = config.NoiseSigmaMilli / 1000.0;
            _floor = (sigma * sigma) + (config.NoiseQuantum * config.NoiseQuantum / 12.0);
            double j = config.DitherJitterPpm / 1000000.0;
            _jitter2 = j * j;
            int b = 0;
            while ((1 << b) < _parts + 1)
            {
                b++;
            }

            double lower;
            double z = _frames > 0 ? HealthMath.NormalTailZ(config.AlphaExponent + b) : 0.0;
            HealthMath.ChiSquareRatioBounds(_frames > 2 ? _frames - 2 : 1, z, out lower, out _upperFit);
            HealthMath.ChiSquareRatioBounds(_frames > 1 ? _frames - 1 : 1, z, out lower, out _upperFlat);
            _sy = new double[_parts + 1];
            _syy = new double[_parts + 1];
            _sxy = new double[_parts + 1];
            _y0 = new double[_parts + 1];
        }

        public bool Enabled
        {
            get { return _frames > 0; }
        }

        /// <summary>Row bands judged besides the whole frame.</summary>
        public int Parts
        {
            get { return _parts; }
        }

        /// <summary>The upper bound on χ²/ν for a block with a fitted slope (reports).</summary>
        public double UpperBound
        {
            get { return _upperFit; }
        }

        /// <summary>True when the block just closed outside its bound.</summary>
        public bool Failed { get; private set; }

        /// <summary>The part that failed: 0 the whole frame, 1..parts a row band (top first).</summary>
        public int FailedPart { get; private set; }

        /// <summary>
        /// Adds a frame captured at <paramref name="duty"/> with the part sums and pixel counts of the frame scan. Returns
        /// −1 while the block is open, else the largest χ²/ν of its parts relative to the bound, in percent (a pass is at
        /// most 100); <see cref="Failed"/> says whether a part exceeded it.
        /// </summary>
        public int Add(int duty, long[] partSums, int[] partPixels)
        {
            Failed = false;
            long total = 0;
            int pixels = 0;
            if (_count == 0)
            {
                _x0 = duty;
            }

            double x = duty - _x0;                                // centred on the block's first frame: no cancellation
            _sx += x;
            _sxx += x * x;
            for (int p = 0; p <= _parts; p++)
            {
                long s;
                int n;
                if (p < _parts)
                {
                    s = partSums[p];
                    n = partPixels[p];
                    total += s;
                    pixels += n;
                }
                else
                {
                    s = total;
                    n = pixels;
                }

                double y = n > 0 ? (double)s / n : 0.0;
                if (_count == 0)
                {
                    _y0[p] = y;
                }

                y -= _y0[p];
                _sy[p] += y;
                _syy[p] += y * y;
                _sxy[p] += x * y;
            }

            _count++;
            if (_count < _frames)
            {
                return -1;
            }

            return Judge(partPixels, pixels);
        }

        private int Judge(int[] partPixels, int pixels)
        {
            double j = _count;
            double sxx = _sxx - (_sx * _sx / j);
            bool fit = sxx > 1e-6;
            double worst = 0.0;
            for (int p = 0; p <= _parts; p++)
            {
                int n = p < _parts ? partPixels[p] : pixels;
                double syy = _syy[p] - (_sy[p] * _sy[p] / j);
                double sxy = _sxy[p] - (_sx * _sy[p] / j);
                double ssr = fit ? syy - (sxy * sxy / sxx) : syy;
                double light = _y0[p] + (_sy[p] / j) - _muR;
                light = light > 0.0 ? light : 0.0;
                double variance = (n > 0 ? ((_k * light) + _floor) / n : 0.0) + (_jitter2 * light * light);
                double nu = fit ? j - 2.0 : j - 1.0;
                double ratio = variance > 0.0 ? ssr / (nu * variance) / (fit ? _upperFit : _upperFlat) : 0.0;
                if (ratio > worst)
                {
                    worst = ratio;
                    FailedPart = p < _parts ? p + 1 : 0;
                }
            }

            Failed = worst > 1.0;
            Reset();
            return (int)((worst * 100.0) + 0.5);
        }

        /// <summary>Drops the open block (a restart: the frames after it form a new one).</summary>
        public void Reset()
        {
            _count = 0;
            _sx = 0.0;
            _sxx = 0.0;
            for (int p = 0; p <= _parts; p++)
            {
                _sy[p] = 0.0;
                _syy[p] = 0.0;
                _sxy[p] = 0.0;
            }
        }
    }
}
