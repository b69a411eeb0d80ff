using System;
using Qrng.Crypto;
using Qrng.Drivers;
using Qrng.Firmware.Health;

namespace Qrng.Firmware
{
    /// <summary>
    /// The entropy pipeline, one frame per <see cref="Step"/>: capture → LED loop → T±/N± test (paper Sec. IV) →
    /// repeat tests → bits 2-3 → SP 800-90B start-up / continuous tests → credited entropy → Hash_DRBG → UART.
    /// Any fault stops output until a fresh start-up test has passed and the DRBG has been reseeded with entropy
    /// gathered after it. Buffers are allocated here, once; <see cref="Step"/> allocates nothing on a healthy frame.
    /// </summary>
    public sealed class QrngEngine
    {
        private readonly IImageSensor _sensor;
        private readonly IPwmOutput _led;
        private readonly IByteSink _out;
        private readonly FirmwareConfig _cfg;
        private readonly byte[] _personalization;
        private readonly int _pixels;
        private readonly ushort[] _frame;
        private readonly ushort[] _previous;
        private readonly ushort[] _lastGood;
        private readonly byte[] _repeat;
        private readonly bool[] _masked;
        private readonly RepetitionCountTest _rct;
        private readonly AdaptiveProportionTest _apt;
        private readonly StartupTest _startup;
        private readonly HashDrbg _drbg = new HashDrbg();
        private readonly byte[] _pool;               // 2-bit symbols, 4 per byte, first symbol in the high bits
        private readonly byte[] _entropy;            // >= 256 credited bits (SP 800-90A §10.1.1.2 / .3 with strength 256)
        private readonly byte[] _nonce;              // >= 128 credited bits (SP 800-90A §8.6.7)
        private readonly byte[] _output;
        private readonly int _nMinus, _nPlus;
        private int _poolSymbols;
        private int _maskedCount;
        private bool _sensorReady;
        private bool _havePrevious;

        public QrngEngine(IImageSensor sensor, IPwmOutput led, IByteSink output, FirmwareConfig config, byte[] personalization)
        {
            config.Validate();
            if (sensor.PixelCount != config.PixelCount)
            {
                throw new ArgumentException("sensor has " + sensor.PixelCount + " pixels, configuration " + config.PixelCount);
            }

            _sensor = sensor;
            _led = led;
            _out = output;
            _cfg = config;
            _personalization = personalization;
            _pixels = config.PixelCount;
            _frame = new ushort[_pixels];
            _previous = new ushort[_pixels];
            _lastGood = new ushort[_pixels];
            _repeat = new byte[_pixels];
            _masked = new bool[_pixels];
            _nMinus = config.EffectiveNMinus;
            _nPlus = config.EffectiveNPlus;

            int rctCutoff = HealthMath.RepetitionCountCutoff(config.ClaimedMilliBitsPerSymbol, config.AlphaExponent);
            int aptCutoff = HealthMath.AdaptiveProportionCutoff(config.ClaimedMilliBitsPerSymbol, config.AlphaExponent, config.AptWindow);
            _rct = new RepetitionCountTest(rctCutoff);
            _apt = new AdaptiveProportionTest(config.AptWindow, aptCutoff);
            _startup = new StartupTest(rctCutoff, config.AptWindow, aptCutoff, config.StartupSymbols);

            _entropy = new byte[BytesFor(256)];
            _nonce = new byte[BytesFor(128)];
            if (_entropy.Length < HashDrbg.MinEntropyLength)
            {
                _entropy = new byte[HashDrbg.MinEntropyLength];
            }

            if (_nonce.Length < HashDrbg.MinNonceLength)
            {
                _nonce = new byte[HashDrbg.MinNonceLength];
            }

            _pool = new byte[_entropy.Length + _nonce.Length];
            _output = new byte[config.OutputBytesPerFrame];
            Status = new EngineStatus();
            Status.LedDuty = config.LedInitialDuty;
            _led.SetDuty(config.LedInitialDuty);
            RctCutoff = rctCutoff;
            AptCutoff = aptCutoff;

            if (!DrbgSelfTest.EnsurePassed())
            {
                Status.State = EngineState.SelfTestFailed;
                Status.LastFault = Fault.DrbgSelfTest;
            }
            else
            {
                Status.State = EngineState.SensorDown;
            }
        }

        public EngineStatus Status { get; private set; }

        public int RctCutoff { get; private set; }

        public int AptCutoff { get; private set; }

        /// <summary>Bytes of packed symbols that carry at least <paramref name="bits"/> credited bits.</summary>
        public int BytesFor(int bits)
        {
            int perByte = 4 * _cfg.ClaimedMilliBitsPerSymbol;     // millibits
            return ((bits * 1000) + perByte - 1) / perByte;
        }

        /// <summary>One frame through the pipeline.</summary>
        public void Step()
        {
            EngineStatus s = Status;
            if (s.State == EngineState.SelfTestFailed)
            {
                return;
            }

            if (!_sensorReady)
            {
                try
                {
                    _sensor.Initialize();
                    _sensorReady = true;
                    _havePrevious = false;
                    Array.Clear(_repeat, 0, _pixels);
                    Array.Clear(_lastGood, 0, _pixels);
                    Restart(Fault.None, 0);
                }
                catch (SensorException e)
                {
                    SensorFault(e);
                    return;
                }
            }

            try
            {
                _sensor.Capture(_frame);
            }
            catch (SensorException e)
            {
                _sensorReady = false;
                SensorFault(e);
                return;
            }

            s.Frames++;
            if (!CheckFrame())
            {
                return;
            }

            s.FramesPassed++;
            if (!ConsumeSymbols())
            {
                return;
            }

            try
            {
                if (s.State == EngineState.Seeding)
                {
                    Seed();
                }
                else if (s.State == EngineState.Streaming && _poolSymbols >= 4 * _entropy.Length)
                {
                    TakePool(_entropy);
                    _drbg.Reseed(_entropy, null);      // SP 800-90A §9.2: fresh credited entropy as soon as it is pooled
                    Array.Clear(_entropy, 0, _entropy.Length);
                    s.Reseeds++;
                }

                if (s.State == EngineState.Streaming)
                {
                    _drbg.Generate(_output, 0, _output.Length, null);
                    _out.Write(_output, 0, _output.Length);
                    s.BytesOut += _output.Length;
                }
            }
            catch (DrbgException)
            {
                // a failed self-test or a DRBG error state (SP 800-90A §11.3): stop; nothing more leaves the device
                s.State = EngineState.SelfTestFailed;
                s.LastFault = Fault.DrbgSelfTest;
                ClearPool();
            }
        }

        /// <summary>LED loop, frozen-frame, T±/N± and LED-window tests. False: the frame is discarded.</summary>
        private bool CheckFrame()
        {
            EngineStatus s = Status;
            int low = 0, high = 0, used = 0, tMinus = _cfg.TMinus, tPlus = _cfg.TPlus;   // locals: the loop runs per pixel
            long sum = 0;
            bool same = _havePrevious;
            for (int i = 0; i < _pixels; i++)
            {
                int z = _frame[i];
                if (z != _previous[i])
                {
                    same = false;
                }

                if (_masked[i])
                {
                    continue;
                }

                used++;
                sum += z;
                if (z < tMinus)
                {
                    low++;
                }
                else if (z > tPlus)
                {
                    high++;
                }
            }

            Array.Copy(_frame, _previous, _pixels);
            _havePrevious = true;
            s.LastLow = low;
            s.LastHigh = high;
            int mean = used == 0 ? 0 : (int)(sum / used);
            s.LastMean = mean;
            UpdateLed(mean);

            if (same)
            {
                s.FramesRepeated++;
                return Restart(Fault.FrameRepeated, 0);
            }

            if (low > _nMinus)
            {
                s.FramesFailedLow++;
                return Restart(Fault.FrameLow, low);
            }

            if (high > _nPlus)
            {
                s.FramesFailedHigh++;
                return Restart(Fault.FrameHigh, high);
            }

            if (mean < _cfg.LedMinMean || mean > _cfg.LedMaxMean)
            {
                s.FramesOutOfWindow++;
                return Restart(Fault.LightOutOfWindow, mean);
            }

            if (_maskedCount * 4 > _pixels)
            {
                return Restart(Fault.TooManyStuckPixels, _maskedCount);
            }

            return true;
        }

        /// <summary>Closed loop on the frame mean (integral control, integer arithmetic).</summary>
        private void UpdateLed(int mean)
        {
            int duty = Status.LedDuty + ((_cfg.LedTargetMean - mean) * _cfg.LedGain);
            bool limit = false;
            if (duty < 0)
            {
                duty = 0;
                limit = true;
            }
            else if (duty > 10000)
            {
                duty = 10000;
                limit = true;
            }

            Status.LedAtLimit = limit && (mean < _cfg.LedMinMean || mean > _cfg.LedMaxMean);
            if (duty != Status.LedDuty)
            {
                Status.LedDuty = duty;
                _led.SetDuty(duty);
            }
        }

        /// <summary>
        /// One pass over the usable pixels of a frame that passed <see cref="CheckFrame"/>: stuck-pixel runs, bits 2-3
        /// through the 90B tests, credited symbols into the pool. False: a test failed.
        /// </summary>
        private bool ConsumeSymbols()
        {
            EngineStatus s = Status;
            // configuration in locals: the loop runs per pixel on an interpreter
            int repeatLimit = _cfg.PixelRepeatCutoff - 1, tMinus = _cfg.TMinus, tPlus = _cfg.TPlus;
            int credit = _cfg.ClaimedMilliBitsPerSymbol, capacity = 4 * _pool.Length;
            for (int i = 0; i < _pixels; i++)
            {
                if (_masked[i])
                {
                    continue;
                }

                // stuck pixels: runs of one raw value over consecutive frames that passed the frame checks (dark or
                // frozen frames would make healthy pixels repeat, so they neither extend nor reset a run)
                int z = _frame[i];
                if (z == _lastGood[i])
                {
                    if (_repeat[i] < 255)
                    {
                        _repeat[i]++;
                    }
                }
                else
                {
                    _repeat[i] = 0;
                    _lastGood[i] = (ushort)z;
                }

                if (_repeat[i] >= repeatLimit)
                {
                    _masked[i] = true;
                    _maskedCount++;
                    s.StuckPixels++;
                    return Restart(_maskedCount * 4 > _pixels ? Fault.TooManyStuckPixels : Fault.PixelStuck, i);
                }

                int symbol = (z >> 2) & 3;
                if (s.State == EngineState.StartupTest)
                {
                    if (!_startup.Feed(symbol))
                    {
                        if (_startup.RepetitionCount.Failures > 0)
                        {
                            s.RctFailures++;
                            return Restart(Fault.RepetitionCount, _startup.RepetitionCount.LongestRun);
                        }

                        s.AptFailures++;
                        return Restart(Fault.AdaptiveProportion, _startup.AdaptiveProportion.MaxCount);
                    }

                    if (_startup.Passed)
                    {
                        // SP 800-90B §4.3 done; the continuous tests start afresh on the next symbol
                        s.StartupTestsPassed++;
                        s.State = EngineState.Seeding;
                        _rct.Reset();
                        _apt.Reset();
                    }

                    continue;
                }

                if (!_rct.Feed(symbol))
                {
                    s.RctFailures++;
                    return Restart(Fault.RepetitionCount, _rct.Cutoff);
                }

                if (!_apt.Feed(symbol))
                {
                    s.AptFailures++;
                    return Restart(Fault.AdaptiveProportion, _apt.Cutoff);
                }

                // a pixel outside [T-, T+] (up to N± per frame pass) may sit at a clamp: tested, never credited
                if (z >= tMinus && z <= tPlus && _poolSymbols < capacity)
                {
                    int index = _poolSymbols >> 2, shift = 6 - (2 * (_poolSymbols & 3));
                    _pool[index] = (byte)(_pool[index] | (symbol << shift));
                    _poolSymbols++;
                    s.CreditedMilliBits += credit;
                }
            }

            return s.State != EngineState.StartupTest;
        }

        /// <summary>Instantiate (entropy + nonce, ≥ 384 credited bits) or, after a fault, reseed (≥ 256 bits).</summary>
        private void Seed()
        {
            EngineStatus s = Status;
            if (!_drbg.IsInstantiated)
            {
                if (_poolSymbols < 4 * (_entropy.Length + _nonce.Length))
                {
                    return;
                }

                Array.Copy(_pool, 0, _entropy, 0, _entropy.Length);
                Array.Copy(_pool, _entropy.Length, _nonce, 0, _nonce.Length);
                ClearPool();
                _drbg.Instantiate(_entropy, _nonce, _personalization);
                s.Instantiations++;
            }
            else
            {
                if (_poolSymbols < 4 * _entropy.Length)
                {
                    return;
                }

                TakePool(_entropy);
                _drbg.Reseed(_entropy, null);
                s.Reseeds++;
            }

            Array.Clear(_entropy, 0, _entropy.Length);
            Array.Clear(_nonce, 0, _nonce.Length);
            s.State = EngineState.Streaming;
        }

        private void TakePool(byte[] into)
        {
            Array.Copy(_pool, 0, into, 0, into.Length);
            int rest = _poolSymbols - (4 * into.Length);
            Array.Copy(_pool, into.Length, _pool, 0, _pool.Length - into.Length);
            Array.Clear(_pool, _pool.Length - into.Length, into.Length);
            _poolSymbols = rest;
        }

        private void ClearPool()
        {
            Array.Clear(_pool, 0, _pool.Length);
            _poolSymbols = 0;
        }

        /// <summary>Stops output: pooled symbols are dropped and a fresh start-up test is required. Returns false.</summary>
        private bool Restart(Fault fault, int detail)
        {
            EngineStatus s = Status;
            if (fault != Fault.None)
            {
                s.LastFault = fault;
                s.FaultDetail = detail;
            }

            _startup.Reset();
            ClearPool();
            s.State = EngineState.StartupTest;
            return false;
        }

        /// <summary>
        /// After an unexpected error escaped <see cref="Step"/> (a UART or PWM driver exception): treat the sensor as
        /// down, drop pooled entropy and require a fresh start-up test, exactly as after a sensor fault.
        /// </summary>
        public void RecoverFromUnexpectedError(string message)
        {
            if (Status.State == EngineState.SelfTestFailed)
            {
                return;
            }

            _sensorReady = false;
            Down(Fault.Unexpected, 0, message);
            // the exception may have come from inside the DRBG (its hash half-fed): zeroise it, instantiate afresh
            _drbg.Uninstantiate();
        }

        private void SensorFault(SensorException e)
        {
            Status.SensorErrors++;
            Down(Fault.SensorError, (int)e.Error, e.Message);
        }

        /// <summary>No sensor (or no working driver): drop pooled entropy, a fresh start-up test once it is back.</summary>
        private void Down(Fault fault, int detail, string message)
        {
            EngineStatus s = Status;
            s.LastFault = fault;
            s.FaultDetail = detail;
            s.SensorMessage = message;
            s.State = EngineState.SensorDown;
            _startup.Reset();
            ClearPool();
        }
    }
}
