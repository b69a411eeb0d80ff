using System;
using Qrng.Crypto;
using Qrng.Drivers;
using Qrng.Firmware.Health;
using Qrng.Firmware.Pipeline;

namespace Qrng.Firmware
{
    /// <summary>
    /// The entropy pipeline, one frame per <see cref="Step"/>, in the order a frame flows (Firmware/Pipeline/):
    /// capture → the frame checks' pass (<see cref="FrameChecks"/>) → the LED loop (<see cref="LightControl"/>) →
    /// light, staleness, shot-noise and dither verdicts, bad pixels (<see cref="PixelWatch"/>, <see cref="NoiseCheck"/>,
    /// <see cref="DitherCheck"/>) → the symbols' pass through the SP 800-90B tests (<see cref="SymbolTests"/>) into the
    /// pool (<see cref="EntropyPool"/>) → seeding and output (<see cref="DrbgOutput"/>). Any fault stops output until a fresh start-up test has passed
    /// and the DRBG has been reseeded with entropy committed after it; entropy and raw pixel buffers are cleared on
    /// every fault. Faults that keep coming are persistent (<see cref="EngineState.Error"/>): the engine pauses, then
    /// starts over from the sensor. Buffers are allocated here, once; a healthy frame allocates nothing.
    /// </summary>
    public sealed class QrngEngine
    {
        private const int FirstPauseSeconds = 10, LongestPauseShift = 5;    // 10 s, doubling to 320 s
        private readonly IImageSensor _sensor;
        private readonly IByteSink _out;
        private readonly FirmwareConfig _cfg;
        private readonly PixelWatch _watch;
        private readonly FrameChecks _checks;
        private readonly LightControl _light;
        private readonly NoiseCheck _noise;
        private readonly LightChallenge _challenge;
        private readonly DitherCheck _dither;
        private readonly byte[] _rekey = new byte[32];
        private readonly EntropyPool _pool;
        private readonly SymbolTests _symbols;
        private readonly DrbgOutput _drbg;
        private ushort[] _frame;
        private ushort[] _previous;
        private IRawSink _raw;
        private ICharacterizeSink _characterize;
        private bool _characterizeFromError;
        private bool _sensorReady, _havePrevious, _noiseBlockPassed, _ditherBlockPassed;
        private int _startupFailures, _faultRun, _errorsInARow, _pauseTicks, _ditherRun;
        private readonly long[] _failureAt;                 // symbol positions of the last continuous-test failures (a ring)
        private readonly long _failureSpan;
        private int _failureNext, _failureCount;
        private long _symbolsTested;
        private Fault _runFault;

        public QrngEngine(IImageSensor sensor, IPwmOutput led, IByteSink output, FirmwareConfig config, byte[] personalization)
            : this(sensor, led, output, config, personalization, FrameKernel.Chosen)
        {
        }

        /// <param name="kernel"><see cref="FrameKernel.Chosen"/> (the image's path), or ManagedPath / NativePath (tests)</param>
        public QrngEngine(IImageSensor sensor, IPwmOutput led, IByteSink output, FirmwareConfig config, byte[] personalization, int kernel)
        {
            config.Validate();
            if (sensor.PixelCount != config.PixelCount)
            {
                throw new ArgumentException("sensor has " + sensor.PixelCount + " pixels, configuration " + config.PixelCount);
            }

            // the frame kernel's known answers first: their frames are garbage before this engine's buffers are allocated
            bool native = kernel == FrameKernel.NativePath || (kernel == FrameKernel.Chosen && FrameKernel.Native);
            bool kernelPassed = FrameKernel.EnsurePassed(native);
            _sensor = sensor;
            _out = output;
            Demand = int.MaxValue;
            _cfg = config;
            _frame = new ushort[config.PixelCount];
            _previous = new ushort[config.PixelCount];
            _watch = new PixelWatch(config.PixelCount, config.PixelRepeatCutoff);
            _checks = new FrameChecks(config, _watch, native);
            Status = new EngineStatus();
            Status.KernelNative = native;
            Status.Uncalibrated = config.CalibrationDate == 0;
            _challenge = new LightChallenge(personalization);
            _light = new LightControl(led, config, _challenge);
            _dither = new DitherCheck(config);
            Status.LedDuty = _light.Duty;
            Status.DitherPermille = _light.DitherPermille;
            _noise = new NoiseCheck(config);
            _drbg = new DrbgOutput(config, personalization);
            // full-entropy mode turns every committed symbol into output: the pool holds a dither block's frames (they
            // wait for its verdict), not one seed's
            int frames = config.HeldFrames * (config.PixelCount / 4);
            int committed = config.Mode == OutputMode.FullEntropy && frames > _drbg.MaxTakeBytes ? frames : _drbg.MaxTakeBytes;
            _pool = new EntropyPool(committed, config.AptWindow);
            _symbols = new SymbolTests(config, _watch, _pool, native);
            FailureRateCutoff = HealthMath.FailureRateCutoff(config.AlphaExponent, config.AptWindow);
            _failureAt = new long[FailureRateCutoff];
            _failureSpan = 1L << config.AlphaExponent;
            if (!DrbgSelfTest.EnsurePassed())
            {
                Status.State = EngineState.SelfTestFailed;
                Status.LastFault = Fault.DrbgSelfTest;
            }
            else if (!kernelPassed)
            {
                Status.State = EngineState.SelfTestFailed;
                Status.LastFault = Fault.FrameKernel;
                Status.FaultDetail = native ? 1 : 0;
            }
            else
            {
                Status.State = EngineState.SensorDown;
            }
        }

        public EngineStatus Status { get; private set; }

        /// <summary>
        /// The most output bytes the next <see cref="Step"/> may make: unlimited in the plain stream, the bytes a READ
        /// still wants in the serial protocol's command mode (0: none are made; reseeding goes on).
        /// </summary>
        public int Demand { get; set; }

        /// <summary>True while raw symbols go to a sink (<see cref="StartRaw"/>); a fault that is not one frame's ends it.</summary>
        public bool RawActive
        {
            get { return _raw != null; }
        }

        /// <summary>True while the sensor is measured (<see cref="StartCharacterize"/>).</summary>
        public bool CharacterizeActive
        {
            get { return _characterize != null; }
        }

        /// <summary>Continuous-test failures within 2^alpha symbols that make a persistent error (HealthMath.FailureRateCutoff).</summary>
        public int FailureRateCutoff { get; private set; }

        public int RctCutoff
        {
            get { return _symbols.RctCutoff; }
        }

        public int AptCutoff
        {
            get { return _symbols.AptCutoff; }
        }

        /// <summary>Bytes of entropy input per reseed (health.seed_margin_percent of SP 800-90A's 256 bits).</summary>
        public int ReseedBytes
        {
            get { return _drbg.EntropyBytes; }
        }

        /// <summary>Committed symbols an instantiation takes (entropy input and nonce, margin included).</summary>
        public int InstantiationSymbols
        {
            get { return 4 * (_drbg.EntropyBytes + _drbg.NonceBytes); }
        }

        /// <summary>Committed symbols in the pool: what the DRBG may take (diagnostics).</summary>
        public int CommittedSymbols
        {
            get { return _pool.Committed; }
        }

        /// <summary>Symbols in the pool, staged and committed (diagnostics).</summary>
        public int PooledSymbols
        {
            get { return _pool.Committed + _pool.Staged; }
        }

        /// <summary>The false-alarm z of the shot-noise check (per side), for reports.</summary>
        public double NoiseZ
        {
            get { return _noise.Z; }
        }

        /// <summary>
        /// Diagnostics (tests): true when no buffer holds entropy: the pool is empty and the raw frames and the
        /// stuck-pixel values are all zero. Every fault must leave the engine so.
        /// </summary>
        public bool EntropyCleared()
        {
            if (_pool.Committed != 0 || _pool.Staged != 0)
            {
                return false;
            }

            for (int i = 0; i < _frame.Length; i++)
            {
                if (_frame[i] != 0 || _previous[i] != 0 || _watch.LastGood[i] != 0)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// Diagnostics (tests): true between steps when no output byte already served and no raw frame older than the
        /// noise partner is left in the engine's buffers (backtracking: what was served, and the pixels behind seeds
        /// already used, are gone; the partner frame stays for the shot-noise and stuck-pixel checks).
        /// </summary>
        public bool OutputAndStaleFrameCleared()
        {
            for (int i = 0; i < _frame.Length; i++)
            {
                if (_frame[i] != 0)
                {
                    return false;
                }
            }

            return _drbg.BuffersClear();
        }

        /// <summary>One frame through the pipeline.</summary>
        public void Step()
        {
            EngineStatus s = Status;
            if (s.State == EngineState.SelfTestFailed)
            {
                return;
            }

            if (_characterize != null)
            {
                CharacterizeStep();
                return;
            }

            if (s.State == EngineState.Error && !PauseOver())
            {
                return;
            }

            if (!_sensorReady && !StartSensor())
            {
                return;
            }

            try
            {
                _sensor.Capture(_frame);
            }
            catch (SensorException e)
            {
                _sensorReady = false;
                s.CaptureMs = _sensor.CaptureMilliseconds;
                s.FrameBytes = _sensor.FrameBytes;
                SensorFault(e);
                return;
            }

            s.CaptureMs = _sensor.CaptureMilliseconds;
            s.FrameBytes = _sensor.FrameBytes;

            s.Frames++;
            int duty = _light.Applied;                            // the duty this frame was captured at
            try
            {
                _checks.Scan(_frame, _previous, _havePrevious);
            }
            catch (Exception)
            {
                KernelFailed();                                   // never replaced by the other path mid-stream
                return;
            }

            _challenge.Absorb(_checks.H1, _checks.H2);
            s.LastLow = _checks.Low;
            s.LastHigh = _checks.High;
            s.LastMean = _checks.Mean;
            Fault led = _light.Update(_checks.Mean);
            s.LedDuty = _light.Duty;
            s.LedAtLimit = _light.AtLimit;
            if (led != Fault.None)
            {
                EnterError(led, _checks.Mean);
                return;
            }

            if (!FrameHealthy(duty))
            {
                return;
            }

            s.FramesPassed++;
            _faultRun = 0;
            if (s.State == EngineState.RawExport)
            {
                ExportRaw();
                return;
            }

            Fault symbols;
            try
            {
                symbols = _symbols.Run(_frame, s.State == EngineState.StartupTest);
            }
            catch (Exception)
            {
                KernelFailed();
                return;
            }

            _symbolsTested += _frame.Length;
            if (symbols != Fault.None)
            {
                SymbolFault(symbols);
                return;
            }

            // the block judged in this frame covered it and every frame staged before it: their symbols may be credited
            // (with the check off, at once); otherwise they wait for the next block (docs/pipeline.md, step 5)
            if (_noiseBlockPassed || !_noise.Enabled)
            {
                _pool.NoiseBlockPassed();
                _noiseBlockPassed = false;
            }

            if (_ditherBlockPassed || !_dither.Enabled)
            {
                _pool.DitherBlockPassed();
                _ditherBlockPassed = false;
            }

            if (_symbols.StartupJustPassed)
            {
                s.StartupTestsPassed++;
                s.State = EngineState.Seeding;
            }

            Output();
            if (s.State != EngineState.SelfTestFailed)
            {
                // this healthy frame is the next one's noise partner: swap buffers, no copy; the old partner's pixels
                // (behind seeds already used) are cleared rather than left until the next capture overwrites them
                ushort[] t = _previous;
                _previous = _frame;
                _frame = t;
                Array.Clear(_frame, 0, _frame.Length);
                _havePrevious = true;
            }
        }

        /// <summary>Light, staleness and noise verdicts in the order that names a fault's real cause. False: discarded.</summary>
        private bool FrameHealthy(int duty)
        {
            EngineStatus s = Status;
            FrameChecks c = _checks;
            if (!c.PassesTPlusMinus)
            {
                if (c.LightInWindow)
                {
                    // good light, yet the frame fails: bad pixels that have stayed dark or saturated are masked
                    int first;
                    Fault kind;
                    int masked = _watch.MaskPersistentOutliers(_frame, _cfg.TMinus, _cfg.TPlus, c.Low, c.High, c.NMinus, c.NPlus, out first, out kind);
                    if (masked > 0)
                    {
                        s.BadPixels += masked;
                        s.MaskedPixels = _watch.MaskedCount;
                        return _watch.TooMany ? EnterError(Fault.TooManyBadPixels, _watch.MaskedCount) : Restart(kind, first);
                    }
                }

                if (c.Low > c.NMinus)
                {
                    s.FramesFailedLow++;
                    return FrameFault(Fault.FrameLow, c.Low);
                }

                s.FramesFailedHigh++;
                return FrameFault(Fault.FrameHigh, c.High);
            }

            if (!c.LightInWindow)
            {
                s.FramesOutOfWindow++;
                return FrameFault(Fault.LightOutOfWindow, c.Mean);
            }

            if (c.ReplayDistance > 0)
            {
                s.FramesReplayed++;
                return FrameFault(Fault.FrameReplayed, c.ReplayDistance);
            }

            if (_havePrevious && _noise.Enabled)
            {
                int ratio = _noise.AddPair(c.PairPixels, c.SumD, c.SumD2, c.SumZ);
                if (ratio >= 0)
                {
                    s.NoiseBlocks++;
                    s.NoiseRatioPercent = ratio;
                    if (_noise.Failed)
                    {
                        s.NoiseFailures++;
                        return FrameFault(Fault.ShotNoise, ratio);
                    }

                    _noiseBlockPassed = true;
                }
            }

            if (_dither.Enabled)
            {
                int ratio = _dither.Add(duty, c.PartSums, c.PartPixels);
                if (ratio >= 0)
                {
                    s.DitherBlocks++;
                    s.DitherRatioPercent = ratio;
                    if (_dither.Failed)
                    {
                        s.DitherFailures++;
                        // blocks, not frames, in a row: the frames between two failed blocks pass the other checks
                        if (++_ditherRun >= _cfg.PersistentFrames)
                        {
                            return EnterError(Fault.LightNotFollowed, _dither.FailedPart);
                        }

                        return Restart(Fault.LightNotFollowed, _dither.FailedPart);
                    }

                    _ditherRun = 0;
                    _ditherBlockPassed = true;
                }
            }

            return true;
        }

        /// <summary>The pipeline's output step: seeding until instantiated or reseeded, then one frame's output.</summary>
        private void Output()
        {
            EngineStatus s = Status;
            try
            {
                // output waits for the shot-noise check to have verified the sensor (a failed block undoes it)
                if (s.State == EngineState.Seeding && (_noise.Verified || !_noise.Enabled))
                {
                    if (RequireCalibration && s.Uncalibrated)
                    {
                        EnterError(Fault.Uncalibrated, 0);
                        return;
                    }

                    if (_drbg.Seed(_pool, s))
                    {
                        // the dither's key chain takes DRBG output: from now on the sequence is secret too
                        _drbg.Nonce(_rekey, 0, _rekey.Length);
                        _challenge.Rekey(_rekey, _rekey.Length);
                        Array.Clear(_rekey, 0, _rekey.Length);
                        s.State = EngineState.Streaming;
                        _startupFailures = 0;
                        _errorsInARow = 0;
                        s.Persistent = Fault.None;
                    }
                }

                if (s.State == EngineState.Streaming)
                {
                    _drbg.Serve(_pool, _out, s, Demand);
                }
            }
            catch (DrbgException)
            {
                // a failed self-test or a DRBG error state (SP 800-90A §11.3): zeroised; a failed self-test is permanent
                _drbg.Zeroise();
                if (DrbgSelfTest.State != Qrng.Crypto.SelfTestState.Passed)
                {
                    s.State = EngineState.SelfTestFailed;
                    s.LastFault = Fault.DrbgSelfTest;
                    ClearEntropy();
                    return;
                }

                Restart(Fault.DrbgError, 0);
            }
        }

        /// <summary>
        /// True on a board's own sensor (App sets it): on the paper default (no calibration.date) the engine verifies the
        /// sensor as always, then stops in Error with <see cref="Fault.Uncalibrated"/> instead of seeding.
        /// </summary>
        public bool RequireCalibration { get; set; }

        private bool StartSensor()
        {
            try
            {
                _sensor.Initialize();
                _sensorReady = true;
                _light.Resume();                                  // after a restart of the noise source the LED was off
                _noise.Restart();
                Restart(Fault.None, 0);
                return true;
            }
            catch (SensorException e)
            {
                SensorFault(e);
                return false;
            }
        }

        /// <summary>
        /// A frame failed a frame check: discarded. A stale or noisy frame for health.persistent_frames frames in a row
        /// is persistent; light faults are not counted here: the LED loop fixes them, or reports its limit by direction.
        /// </summary>
        private bool FrameFault(Fault fault, int detail)
        {
            if (fault != Fault.FrameLow && fault != Fault.FrameHigh && fault != Fault.LightOutOfWindow)
            {
                _faultRun = fault == _runFault ? _faultRun + 1 : 1;
                _runFault = fault;
                if (_faultRun >= _cfg.PersistentFrames)
                {
                    return EnterError(fault, detail);
                }
            }

            return Restart(fault, detail);
        }

        private void SymbolFault(Fault fault)
        {
            EngineStatus s = Status;
            if (fault == Fault.PixelStuck)
            {
                s.StuckPixels++;
                s.MaskedPixels = _watch.MaskedCount;
                if (_watch.TooMany)
                {
                    EnterError(Fault.TooManyBadPixels, _watch.MaskedCount);
                    return;
                }
            }
            else
            {
                if (fault == Fault.RepetitionCount)
                {
                    s.RctFailures++;
                }
                else
                {
                    s.AptFailures++;
                }

                if (FailureRateTooHigh())
                {
                    s.LastFault = fault;
                    s.FaultDetail = _symbols.Detail;
                    EnterError(Fault.HealthTestRate, FailureRateCutoff);
                    return;
                }
            }

            if (s.State == EngineState.StartupTest && fault != Fault.PixelStuck)
            {
                s.StartupFailures++;
                if (++_startupFailures >= _cfg.StartupRetries)
                {
                    s.LastFault = fault;
                    s.FaultDetail = _symbols.Detail;
                    EnterError(Fault.StartupRetries, _startupFailures);
                    return;
                }
            }

            Restart(fault, _symbols.Detail);
        }

        /// <summary>
        /// Records a continuous-test failure (RCT or APT, in a start-up test or while streaming) at the current symbol
        /// position; true when the last <see cref="FailureRateCutoff"/> of them fell within 2^alpha symbols, more than
        /// the claimed entropy allows: each failure alone only restarts, and a biased source passes the next start-up
        /// test and streams again (SP 800-90B §4.4 leaves the response to persistent failures to the designer).
        /// </summary>
        private bool FailureRateTooHigh()
        {
            long[] ring = _failureAt;
            ring[_failureNext] = _symbolsTested;
            _failureNext = (_failureNext + 1) % ring.Length;
            if (_failureCount < ring.Length)
            {
                _failureCount++;
            }

            // the ring holds the last cutoff failures, this one included; the oldest is where the next one will go
            return _failureCount == ring.Length && _symbolsTested - ring[_failureNext] < _failureSpan;
        }

        /// <summary>Stops output: pooled symbols and raw pixels are dropped, a fresh start-up test is required. Returns false.</summary>
        private bool Restart(Fault fault, int detail)
        {
            EngineStatus s = Status;
            if (fault != Fault.None)
            {
                s.LastFault = fault;
                s.FaultDetail = detail;
            }

            ClearEntropy();
            s.State = _raw != null ? EngineState.RawExport : EngineState.StartupTest;
            return false;
        }

        /// <summary>Every buffer that held entropy: the pool, the test state, the raw frames and the stuck-pixel values.</summary>
        private void ClearEntropy()
        {
            _symbols.Reset();
            _pool.Clear();
            _noiseBlockPassed = false;
            _ditherBlockPassed = false;                           // the open block goes on: its verdict covers the frames after the restart
            Array.Clear(_frame, 0, _frame.Length);
            Array.Clear(_previous, 0, _previous.Length);
            _watch.ClearRuns();
            _havePrevious = false;
        }

        /// <summary>
        /// A persistent failure: the DRBG is zeroised and the engine waits (10 s, doubling to 320 s while it recurs),
        /// then starts over from the sensor. Returns false.
        /// </summary>
        private bool EnterError(Fault persistent, int detail)
        {
            EngineStatus s = Status;
            if (persistent != Fault.StartupRetries && persistent != Fault.TooManyBadPixels && persistent != Fault.HealthTestRate)
            {
                s.LastFault = persistent;
                s.FaultDetail = detail;
            }

            s.Persistent = persistent;
            s.PersistentDetail = detail;
            s.ErrorEntries++;
            _raw = null;                                          // a raw export ends with the source's failure
            ClearEntropy();
            _drbg.Zeroise();
            int shift = _errorsInARow < LongestPauseShift ? _errorsInARow : LongestPauseShift;
            _pauseTicks = FirstPauseSeconds << shift;
            s.PauseSeconds = _pauseTicks;
            _errorsInARow++;
            s.State = EngineState.Error;
            return false;
        }

        /// <summary>One tick of the pause (the loop waits a second per tick); when it is over the sensor is started again.</summary>
        private bool PauseOver()
        {
            if (--_pauseTicks > 0)
            {
                Status.PauseSeconds = _pauseTicks;
                return false;
            }

            Status.PauseSeconds = 0;
            _sensorReady = false;
            _startupFailures = 0;
            _faultRun = 0;
            _ditherRun = 0;
            _dither.Reset();
            _failureCount = 0;                                    // after the pause the source is judged afresh
            _watch.Reset();
            _noise.Restart();
            _light.Reset();
            Status.MaskedPixels = 0;
            Status.LedDuty = _light.Duty;
            Status.State = EngineState.SensorDown;
            return true;
        }

        /// <summary>
        /// Starts a raw export on the host's explicit request (RAW, RESTART-RAW): the pool is emptied and the DRBG
        /// zeroised first, and the symbols of every frame that passes the frame checks go to <paramref name="sink"/>
        /// instead of the pool, so that no exported symbol is ever credited. False when the source is failed.
        /// </summary>
        public bool StartRaw(IRawSink sink)
        {
            EngineStatus s = Status;
            if (s.State == EngineState.SelfTestFailed || s.State == EngineState.Error)
            {
                return false;
            }

            _raw = sink;
            _drbg.Zeroise();
            if (s.State == EngineState.SensorDown)
            {
                ClearEntropy();                                   // the export starts once the sensor answers
            }
            else
            {
                Restart(Fault.None, 0);
            }

            return true;
        }

        /// <summary>
        /// Starts measuring the sensor on the host's request (CHARACTERIZE): the DRBG is zeroised and the pool emptied, then
        /// every frame goes, unchecked, to <paramref name="sink"/> with the LED at the duty it asks for; nothing is credited.
        /// Allowed in a persistent error too (a sensor the configuration does not fit is why one calibrates); its pause
        /// and reason are back afterwards. False when the DRBG's self-test failed.
        /// </summary>
        public bool StartCharacterize(ICharacterizeSink sink)
        {
            EngineStatus s = Status;
            if (s.State == EngineState.SelfTestFailed || _raw != null)
            {
                return false;
            }

            _characterizeFromError = s.State == EngineState.Error;
            _characterize = sink;
            _drbg.Zeroise();
            ClearEntropy();
            s.State = EngineState.Characterize;
            return true;
        }

        /// <summary>Ends the measurement (done, cancelled or failed): the LED back under its loop, a fresh start-up test (or the pause it interrupted).</summary>
        public void StopCharacterize()
        {
            if (_characterize == null)
            {
                return;
            }

            _characterize = null;
            _drbg.Zeroise();
            ClearEntropy();
            _light.Resume();
            if (_characterizeFromError)
            {
                Status.State = EngineState.Error;
            }
            else if (Status.State == EngineState.Characterize)
            {
                Restart(Fault.None, 0);
            }
        }

        private void CharacterizeStep()
        {
            EngineStatus s = Status;
            _light.Hold(_characterize.Duty);
            try
            {
                if (!_sensorReady)
                {
                    _sensor.Initialize();
                    _sensorReady = true;
                }

                _sensor.Capture(_frame);
            }
            catch (SensorException e)
            {
                _sensorReady = false;
                _characterizeFromError = false;
                StopCharacterize();
                SensorFault(e);
                return;
            }

            s.CaptureMs = _sensor.CaptureMilliseconds;
            s.FrameBytes = _sensor.FrameBytes;
            s.Frames++;
            if (_characterize.Take(_frame, _previous))
            {
                StopCharacterize();
            }
        }

        /// <summary>Ends a raw export (done or cancelled): a fresh start-up test and a fresh instantiation follow.</summary>
        public void StopRaw()
        {
            if (_raw == null)
            {
                return;
            }

            _raw = null;
            _drbg.Zeroise();
            if (Status.State == EngineState.RawExport)
            {
                Restart(Fault.None, 0);
            }
        }

        private void ExportRaw()
        {
            RawNext next = _raw.Take(_frame, _watch.Masked);
            ushort[] t = _previous;                              // the next frame's noise partner, as in Step
            _previous = _frame;
            _frame = t;
            _havePrevious = true;
            if (next == RawNext.Done)
            {
                StopRaw();
            }
            else if (next == RawNext.Restart)
            {
                // SP 800-90B §3.1.4 restart: the LED goes off, the sensor is reset and configured again (StartSensor)
                _light.Off();
                _sensorReady = false;
                ClearEntropy();
            }
        }

        /// <summary>
        /// The power-up self-tests again (the serial protocol's SELFTEST): the DRBG's known-answer tests now, then the
        /// sensor's start (its ID check) and a fresh SP 800-90B start-up test on the next frames. False when the
        /// known-answer tests failed (permanent, as at power-up).
        /// </summary>
        /// <param name="endPause">
        /// false (an unauthenticated request): a persistent failure's pause and its reason stay; only the known-answer
        /// tests run. True: the pause ends, its back-off too, and the sensor is started again.
        /// </param>
        public bool RunSelfTest(bool endPause)
        {
            EngineStatus s = Status;
            if (s.State == EngineState.SelfTestFailed)
            {
                return false;
            }

            if (s.State == EngineState.Error && !endPause)
            {
                return KnownAnswersPass();
            }

            if (s.State == EngineState.Error)
            {
                _errorsInARow = 0;
                _pauseTicks = 0;
                s.PauseSeconds = 0;
            }

            StopRaw();
            _drbg.Zeroise();
            ClearEntropy();
            if (!KnownAnswersPass())
            {
                return false;
            }

            _sensorReady = false;
            _startupFailures = 0;
            s.State = EngineState.SensorDown;
            return true;
        }

        /// <summary>The DRBG's and the frame kernel's known answers, now; a failure is the terminal SelfTestFailed.</summary>
        private bool KnownAnswersPass()
        {
            EngineStatus s = Status;
            if (!DrbgSelfTest.Run())
            {
                s.State = EngineState.SelfTestFailed;
                s.LastFault = Fault.DrbgSelfTest;
                return false;
            }

            if (!FrameKernel.RunSelfTest(s.KernelNative))
            {
                KernelFailed();
                return false;
            }

            return true;
        }

        /// <summary>The frame kernel failed (its known answers, or a throw): terminal, with nothing left behind to output.</summary>
        private void KernelFailed()
        {
            EngineStatus s = Status;
            StopRaw();
            _drbg.Zeroise();
            ClearEntropy();
            s.State = EngineState.SelfTestFailed;
            s.LastFault = Fault.FrameKernel;
            s.FaultDetail = s.KernelNative ? 1 : 0;
        }

        /// <summary>A protocol nonce from the instantiated DRBG (<see cref="DrbgOutput.Nonce"/>); false when there is none.</summary>
        public bool DrawNonce(byte[] output, int offset, int count)
        {
            return _drbg.Nonce(output, offset, count);
        }

        /// <summary>The fingerprints of the last raw frames (raw sensor noise, whatever the frames' verdicts).</summary>
        public ReplayDetector Fingerprints
        {
            get { return _checks.Replay; }
        }

        /// <summary>What the engine that replaces this one (CONFIG SET) takes over (<see cref="EngineCarry"/>).</summary>
        public EngineCarry Carry()
        {
            EngineStatus s = Status;
            var c = new EngineCarry();
            c.Replay = _checks.Replay;
            c.ErrorsInARow = _errorsInARow;
            c.Paused = s.State == EngineState.Error;
            c.PauseTicks = _pauseTicks;
            c.Persistent = s.Persistent;
            c.PersistentDetail = s.PersistentDetail;
            c.LastFault = s.LastFault;
            c.FaultDetail = s.FaultDetail;
            c.SensorMessage = s.SensorMessage;
            return c;
        }

        /// <summary>
        /// Goes on where the replaced engine stopped: its stale-frame fingerprints always; its back-off and, while it
        /// paused after a persistent failure, the pause and its reason, unless <paramref name="endPause"/> (an
        /// authenticated CONFIG SET): an unauthenticated request must not cut a pause short.
        /// </summary>
        public void Continue(EngineCarry c, bool endPause)
        {
            if (c == null)
            {
                return;
            }

            _checks.UseReplay(c.Replay);
            EngineStatus s = Status;
            if (endPause || s.State == EngineState.SelfTestFailed)
            {
                return;
            }

            _errorsInARow = c.ErrorsInARow;
            if (c.Paused)
            {
                _pauseTicks = c.PauseTicks;
                s.PauseSeconds = c.PauseTicks;
                s.Persistent = c.Persistent;
                s.PersistentDetail = c.PersistentDetail;
                s.LastFault = c.LastFault;
                s.FaultDetail = c.FaultDetail;
                s.SensorMessage = c.SensorMessage;
                s.State = EngineState.Error;
            }
        }

        /// <summary>The engine is being replaced (CONFIG SET): pooled entropy, raw frames and the DRBG state are zeroised.</summary>
        public void Shutdown()
        {
            _raw = null;
            ClearEntropy();
            _drbg.Zeroise();
        }

        /// <summary>
        /// After an unexpected error escaped <see cref="Step"/> (a UART or PWM driver exception): the sensor is treated
        /// as down, pooled entropy is dropped and the DRBG zeroised (its hash may have been half-fed); a fresh start-up
        /// test and instantiation follow.
        /// </summary>
        public void RecoverFromUnexpectedError(string message)
        {
            if (Status.State == EngineState.SelfTestFailed)
            {
                return;
            }

            _sensorReady = false;
            Down(Fault.Unexpected, 0, message);
            _drbg.Zeroise();
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
            _raw = null;                                          // raw symbols across a sensor re-initialisation are not one run
            s.LastFault = fault;
            s.FaultDetail = detail;
            s.SensorMessage = message;
            s.State = EngineState.SensorDown;
            ClearEntropy();
        }
    }

    /// <summary>
    /// What outlives an engine replaced by CONFIG SET (<see cref="QrngEngine.Carry"/>): the stale-frame fingerprints,
    /// the back-off of persistent failures and, while one pauses the engine, the pause and its reason. Scalars and the
    /// fingerprint ring only: the old engine's buffers go before the new ones are allocated.
    /// </summary>
    public sealed class EngineCarry
    {
        public ReplayDetector Replay;
        public int ErrorsInARow;
        public bool Paused;
        public int PauseTicks;
        public Fault Persistent;
        public int PersistentDetail;
        public Fault LastFault;
        public int FaultDetail;
        public string SensorMessage;
    }
}
