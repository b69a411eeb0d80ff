using Qrng.Firmware.Health;

namespace Qrng.Firmware.Pipeline
{
    /// <summary>
    /// Does the sensor still obey the model the entropy claim rests on? Shot noise (paper Eq. 1-4) gives every pixel
    /// var Z = K·(E[Z] − μr) + σr² (+ q²/12 for a sensor that delivers codes in steps of q). The check compares the
    /// frame-to-frame differences d_i = Z_i(t) − Z_i(t−1) of consecutive healthy frames (fixed-pattern efficiency
    /// cancels; the common light change is removed by centring) with that prediction, summed over blocks of
    /// health.noise_block pixel pairs: under the model, Σ(d − d̄)² / Σ 2 var Z_i has mean 1 and the variance of
    /// χ²_ν/ν with ν = 2/3 of the pairs less one per frame (consecutive differences share a frame: d_t and d_t+1 have
    /// covariance −var Z, which makes the sum of squares 1.5 times as variable as for independent pairs; measured
    /// on the virtual board: 1.17² ≈ 1.4), and the block fails outside bounds that a healthy sensor leaves with
    /// probability 2^-alpha on each side (the 90B tests' false-alarm rate). Pixels averaged by the sensor's DSP halve
    /// the ratio; a digital gain of 2 doubles it. The sums are gathered in the frame scan (no pass of its own).
    /// </summary>
    public sealed class NoiseCheck
    {
        private readonly int _block, _verify;
        private readonly double _k, _muR, _floor, _z;
        private double _observed, _predicted, _pooledObserved, _pooledPredicted;
        private long _dof, _pooledDof;

        public NoiseCheck(FirmwareConfig config)
        {
            _block = config.NoiseBlock;
            _verify = config.NoiseVerify;
            _k = config.NoiseGainMilli / 1000.0;
            _muR = config.NoiseOffsetMilli / 1000.0;
            double sigma = config.NoiseSigmaMilli / 1000.0;
            _floor = (sigma * sigma) + (config.NoiseQuantum * config.NoiseQuantum / 12.0);
            _z = _block > 0 ? HealthMath.NormalTailZ(config.AlphaExponent + 1) : 0.0;
        }

        public bool Enabled
        {
            get { return _block > 0; }
        }

        /// <summary>z of the per-side false-alarm rate (2^-(alpha+1)).</summary>
        public double Z
        {
            get { return _z; }
        }

        /// <summary>
        /// Adds one pair of consecutive healthy frames: n pixels, Σd, Σd² and Σ(Z(t) + Z(t−1)). Returns −1 while the
        /// block is open, else the observed/predicted variance in percent of the block (of the pool when it was judged);
        /// <see cref="Failed"/> says whether it left its bounds, <see cref="Verified"/> whether output may flow.
        /// </summary>
        public int AddPair(int n, long sumD, long sumD2, long sumZ)
        {
            Failed = false;
            if (n < 2)
            {
                return -1;
            }

            // centring on the frame's mean difference leaves n - 1 of the n squares' worth: E = (n - 1) / n of 2 Σ var Z_i
            _observed += sumD2 - ((double)sumD * sumD / n);
            _predicted += ((_k * (sumZ - (2.0 * n * _muR))) + (2.0 * n * _floor)) * (n - 1) / n;
            _dof += n - 1;
            if (_dof < _block)
            {
                return -1;
            }

            int ratio = Judge(_observed, _predicted, _dof);
            if (!Failed && !Verified)
            {
                // not yet verified: the block joins the pool, and only the pool's verdict can verify
                _pooledObserved += _observed;
                _pooledPredicted += _predicted;
                _pooledDof += _dof;
                if (_pooledDof >= _verify)
                {
                    ratio = Judge(_pooledObserved, _pooledPredicted, _pooledDof);
                    Verified = !Failed;
                    ResetPool();
                }
            }

            if (Failed)
            {
                Verified = false;
                ResetPool();
            }

            Reset();
            return ratio;
        }

        /// <summary>Sets <see cref="Failed"/> for observed/predicted over dof pairs; the ratio in percent.</summary>
        private int Judge(double observed, double predicted, long dof)
        {
            double ratio = predicted > 0.0 ? observed / predicted : 0.0;
            double lower, upper;
            HealthMath.ChiSquareRatioBounds((2 * dof) / 3, _z, out lower, out upper);
            Failed = ratio < lower || ratio > upper;
            return (int)((ratio * 100.0) + 0.5);
        }

        /// <summary>True when the block (or the pool) just closed outside its bounds.</summary>
        public bool Failed { get; private set; }

        /// <summary>
        /// Since the sensor was started and since the last failure, health.noise_verify pairs of passing blocks have
        /// passed pooled (at least one block): output may flow. A sensor that does not obey the model never streams,
        /// even between its failed blocks.
        /// </summary>
        public bool Verified { get; private set; }

        /// <summary>Drops the open block.</summary>
        public void Reset()
        {
            _observed = 0.0;
            _predicted = 0.0;
            _dof = 0;
        }

        /// <summary>A new sensor (or the same, started again): nothing verified yet.</summary>
        public void Restart()
        {
            Reset();
            ResetPool();
            Verified = false;
        }

        private void ResetPool()
        {
            _pooledObserved = 0.0;
            _pooledPredicted = 0.0;
            _pooledDof = 0;
        }
    }
}
