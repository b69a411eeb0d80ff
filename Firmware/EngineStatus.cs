namespace Qrng.Firmware
{
    /// <summary>Where the pipeline is. Bytes leave the device only in <see cref="Streaming"/>.</summary>
    public enum EngineState
    {
        /// <summary>The DRBG's power-up self-test failed: nothing will ever be output.</summary>
        SelfTestFailed = 0,
        /// <summary>The sensor does not answer; retried every step.</summary>
        SensorDown = 1,
        /// <summary>SP 800-90B §4.3 start-up test running on fresh symbols.</summary>
        StartupTest = 2,
        /// <summary>Collecting credited entropy to instantiate or reseed the DRBG.</summary>
        Seeding = 3,
        /// <summary>Healthy: DRBG output goes out.</summary>
        Streaming = 4,
        /// <summary>
        /// A persistent failure (SP 800-90B §4.3/§4.4: the source needs attention, not another try): the start-up test
        /// kept failing, the LED loop is at its limit with the light still wrong, or too many pixels are bad. The reason
        /// is in <see cref="EngineStatus.Persistent"/>; the engine waits, then starts over from the sensor.
        /// </summary>
        Error = 5,
        /// <summary>
        /// Exporting raw symbols on the host's explicit request (the serial protocol's RAW and RESTART-RAW): the pool is
        /// empty and the DRBG zeroised; nothing is credited or output. Afterwards a fresh start-up test and instantiation.
        /// </summary>
        RawExport = 6,
        /// <summary>
        /// Measuring the sensor on the host's request (CHARACTERIZE, docs/calibration.md): the LED is held at the duties the
        /// host asked for and frames go to the request's statistics; the pool is empty, the DRBG zeroised, nothing is
        /// credited or output. Afterwards the state it interrupted: a fresh start-up test, or the same persistent error.
        /// </summary>
        Characterize = 7,
    }

    /// <summary>Where frames go while the sensor is measured (<see cref="QrngEngine.StartCharacterize"/>).</summary>
    public interface ICharacterizeSink
    {
        /// <summary>The LED duty (0..10000) for the next frame.</summary>
        int Duty { get; }

        /// <summary>One frame, unchecked; <paramref name="scratch"/> is a frame-sized buffer the sink may use until it is done. True: done.</summary>
        bool Take(ushort[] frame, ushort[] scratch);
    }

    /// <summary>What a raw export wants after a frame (<see cref="IRawSink.Take"/>).</summary>
    public enum RawNext
    {
        More = 0,
        /// <summary>Restart the noise source (sensor reset, LED off and on), then more (SP 800-90B §3.1.4).</summary>
        Restart = 1,
        Done = 2,
    }

    /// <summary>Where raw symbols go on request: the pixels of a frame that passed the frame checks.</summary>
    public interface IRawSink
    {
        /// <param name="frame">10-bit pixel values; a symbol is bits 2-3</param>
        /// <param name="masked">pixels masked as stuck, dead or hot: not part of the noise source's output</param>
        RawNext Take(ushort[] frame, byte[] masked);
    }

    /// <summary>What the device serves (docs/pipeline.md, output modes).</summary>
    public enum OutputMode
    {
        /// <summary>Hash_DRBG output, reseeded with fresh credited entropy as soon as it is pooled.</summary>
        Drbg = 0,
        /// <summary>SP 800-90C RBG3(RS): every 32-byte block is preceded by a reseed with at least 256 + 64 bits of fresh credited entropy.</summary>
        FullEntropy = 1,
    }

    /// <summary>Why the last fault happened.</summary>
    public enum Fault
    {
        None = 0,
        /// <summary>The driver could not initialise or capture (SensorMessage says why).</summary>
        SensorError = 1,
        /// <summary>More than N− pixels below T− (Detail = n−).</summary>
        FrameLow = 2,
        /// <summary>More than N+ pixels above T+ (Detail = n+).</summary>
        FrameHigh = 3,
        /// <summary>The frame equals one of the last health.replay_frames frames (Detail = how many frames back).</summary>
        FrameReplayed = 4,
        /// <summary>A pixel kept one raw value for health.pixel_repeat_cutoff frames (Detail = pixel index); it is masked.</summary>
        PixelStuck = 5,
        /// <summary>SP 800-90B §4.4.1 (Detail = run length).</summary>
        RepetitionCount = 6,
        /// <summary>SP 800-90B §4.4.2 (Detail = count in the window).</summary>
        AdaptiveProportion = 7,
        /// <summary>The frame mean left the LED window where the model gives full entropy (Detail = mean code).</summary>
        LightOutOfWindow = 8,
        /// <summary>More than a quarter of the pixels are masked: the sensor is not usable (Detail = masked pixels).</summary>
        TooManyBadPixels = 9,
        /// <summary>The DRBG's power-up self-test failed.</summary>
        DrbgSelfTest = 10,
        /// <summary>An exception from a driver (UART, PWM) escaped a step; the engine restarted (SensorMessage says which).</summary>
        Unexpected = 11,
        /// <summary>The pixels' noise is not shot noise: observed/predicted variance (Detail = ratio in percent).</summary>
        ShotNoise = 12,
        /// <summary>The LED is at full duty and the frame is still too dark (Detail = mean code).</summary>
        LedTooDark = 13,
        /// <summary>The LED is off and the frame is still too bright (Detail = mean code).</summary>
        LedTooBright = 14,
        /// <summary>A pixel stayed below T− for health.pixel_repeat_cutoff frames in good light (Detail = pixel); masked.</summary>
        PixelDead = 15,
        /// <summary>A pixel stayed above T+ for health.pixel_repeat_cutoff frames in good light (Detail = pixel); masked.</summary>
        PixelHot = 16,
        /// <summary>The start-up test failed health.startup_retries times in a row (Detail = failures).</summary>
        StartupRetries = 17,
        /// <summary>The DRBG refused a request while streaming (SP 800-90A §11.3 error state); it is zeroised.</summary>
        DrbgError = 18,
        /// <summary>
        /// The SP 800-90B continuous tests (RCT, APT) failed more often within 2^alpha symbols than the claimed entropy
        /// allows (Detail = failures); persistent: a biased or failing source (HealthMath.FailureRateCutoff).
        /// </summary>
        HealthTestRate = 19,
        /// <summary>A real sensor on the paper's default configuration: it streams only with a calibration record of its own.</summary>
        Uncalibrated = 20,
        /// <summary>
        /// The frame's light did not follow the LED's secret dither over a block (Detail = 0 the whole frame, k the k-th
        /// row band from the top): old data, whole or in part, from the sensor path (DitherCheck).
        /// </summary>
        LightNotFollowed = 21,
        /// <summary>
        /// The frame kernel failed its known-answer frame set, or threw while streaming (Detail = 0 managed, 1 native):
        /// a failing native kernel is never replaced by the managed loops behind the user's back (FrameKernel).
        /// </summary>
        FrameKernel = 22,
    }

    /// <summary>Counters and the last fault. Plain fields, updated without allocation on the healthy path.</summary>
    public sealed class EngineStatus
    {
        public EngineState State;
        /// <summary>The per-pixel passes run in the native frame kernel (else the managed loops): fixed for the engine.</summary>
        public bool KernelNative;
        public Fault LastFault;
        public int FaultDetail;

        /// <summary>The configuration is the paper's default, no calibration (calibration.date = 0): a shot-noise failure says so.</summary>
        public bool Uncalibrated;
        public string SensorMessage = "";
        /// <summary>The persistent failure behind <see cref="EngineState.Error"/>, or None.</summary>
        public Fault Persistent;
        public int PersistentDetail;
        public long Frames;
        public long FramesPassed;
        public long FramesFailedLow;
        public long FramesFailedHigh;
        public long FramesReplayed;
        public long FramesOutOfWindow;
        public long NoiseFailures;
        public long NoiseBlocks;
        /// <summary>The last completed shot-noise block's observed/predicted variance, percent.</summary>
        public int NoiseRatioPercent;
        /// <summary>The LED dither applied, ‰ (health.dither_permille, or less where the LED window is narrower).</summary>
        public int DitherPermille;
        public long DitherBlocks;
        public long DitherFailures;
        /// <summary>The last completed dither block's worst part: its residuals' χ²/ν in percent of the bound (a pass is at most 100).</summary>
        public int DitherRatioPercent;
        public long SensorErrors;
        public long RctFailures;
        public long AptFailures;
        public long StartupFailures;
        public long StuckPixels;
        public long BadPixels;
        public int MaskedPixels;
        public long StartupTestsPassed;
        public long Instantiations;
        public long Reseeds;
        /// <summary>Min-entropy credited to the DRBG (millibits): only what was fed to Instantiate/Reseed.</summary>
        public long CreditedMilliBits;
        public long BytesOut;
        public long ErrorEntries;
        public int LedDuty;
        public bool LedAtLimit;
        public int LastMean;
        public int LastLow;
        public int LastHigh;
        /// <summary>The last capture's time from start to frame, ms, and the bytes the sensor delivered (its FIFO length).</summary>
        public int CaptureMs;
        public int FrameBytes;
        /// <summary>Seconds left of a persistent failure's pause (state Error), 0 otherwise.</summary>
        public int PauseSeconds;
        /// <summary>"none", or the authenticated request that last ended a pause early (STATUS pause_ended_by).</summary>
        public string PauseEndedBy = "none";

        /// <summary>Takes over the counters of an engine being replaced (CONFIG SET): they count since boot.</summary>
        public void CountersFrom(EngineStatus old)
        {
            Frames = old.Frames;
            FramesPassed = old.FramesPassed;
            FramesFailedLow = old.FramesFailedLow;
            FramesFailedHigh = old.FramesFailedHigh;
            FramesReplayed = old.FramesReplayed;
            FramesOutOfWindow = old.FramesOutOfWindow;
            NoiseFailures = old.NoiseFailures;
            NoiseBlocks = old.NoiseBlocks;
            DitherBlocks = old.DitherBlocks;
            DitherFailures = old.DitherFailures;
            SensorErrors = old.SensorErrors;
            RctFailures = old.RctFailures;
            AptFailures = old.AptFailures;
            StartupFailures = old.StartupFailures;
            StuckPixels = old.StuckPixels;
            BadPixels = old.BadPixels;
            StartupTestsPassed = old.StartupTestsPassed;
            Instantiations = old.Instantiations;
            Reseeds = old.Reseeds;
            CreditedMilliBits = old.CreditedMilliBits;
            BytesOut = old.BytesOut;
            ErrorEntries = old.ErrorEntries;
            PauseEndedBy = old.PauseEndedBy;
        }

        public static string Describe(Fault fault, int detail)
        {
            switch (fault)
            {
                case Fault.None: return "none";
                case Fault.SensorError: return "sensor error";
                case Fault.FrameLow: return "T- test: " + detail + " pixels below T- (too little light, or dead pixels)";
                case Fault.FrameHigh: return "T+ test: " + detail + " pixels above T+ (too much light, or hot pixels)";
                case Fault.FrameReplayed:
                    return detail == 1 ? "frame identical to the previous one (the sensor's FIFO is frozen)"
                        : "frame identical to the one " + detail + " frames before (the sensor's FIFO replays old frames)";
                case Fault.PixelStuck: return "pixel " + detail + " stuck at one value (masked)";
                case Fault.PixelDead: return "pixel " + detail + " dark in every frame (dead, masked)";
                case Fault.PixelHot: return "pixel " + detail + " saturated in every frame (hot, masked)";
                case Fault.RepetitionCount: return "SP 800-90B repetition count test: run of " + detail + " (stuck ADC bits?)";
                case Fault.AdaptiveProportion: return "SP 800-90B adaptive proportion test: " + detail + " in the window (biased ADC bits?)";
                case Fault.LightOutOfWindow: return "frame mean " + detail + " outside the LED window (the LED loop is settling)";
                case Fault.TooManyBadPixels: return detail + " pixels masked as stuck, dead or hot: more than a quarter of the sensor";
                case Fault.DrbgSelfTest: return "DRBG self-test failed";
                case Fault.DrbgError: return "the DRBG refused a request (SP 800-90A error state); it was zeroised";
                case Fault.Unexpected: return "unexpected error";
                case Fault.ShotNoise:
                    return "pixel noise " + Percent(detail) + " of the shot-noise model"
                        + (detail < 100 ? " (too little: pixels averaged or smoothed by the sensor's DSP?)" : " (too much: digital gain, or a noisy readout?)");
                case Fault.LedTooDark: return "LED at full duty and the frame still too dark (mean " + detail + "): dead LED, open wire or blocked light";
                case Fault.LedTooBright: return "LED off and the frame still too bright (mean " + detail + "): light leak, LED stuck on, or a saturated sensor";
                case Fault.StartupRetries: return "the start-up test failed " + detail + " times in a row";
                case Fault.Uncalibrated: return "uncalibrated sensor: run qrng calibrate (docs/calibration.md); the paper default describes the paper's chip, not this board's sensor";
                case Fault.LightNotFollowed:
                    return "light in " + (detail == 0 ? "the whole frame" : "row band " + detail) + " did not follow the LED's dither: "
                        + "old data from the sensor path (its FIFO serving old frames, whole or in part)";
                case Fault.HealthTestRate:
                    return "SP 800-90B continuous tests failed " + detail + " times within 2^alpha symbols: more than the claimed "
                        + "entropy explains (a biased or failing source?)";
                default: return "fault " + (int)fault;
            }
        }

        private static string Percent(int percent)
        {
            return (percent / 100) + "." + ((percent % 100) < 10 ? "0" : "") + (percent % 100) + "x";
        }

        /// <summary>The last fault in words, with the driver's message where there is one.</summary>
        public string LastFaultText()
        {
            if (LastFault == Fault.SensorError)
            {
                return "sensor: " + SensorMessage;
            }

            return LastFault == Fault.Unexpected ? "unexpected: " + SensorMessage : Describe(LastFault, FaultDetail);
        }

        /// <summary>What is wrong, in words: the persistent failure when there is one, else the last fault.</summary>
        public string Reason()
        {
            if (Persistent == Fault.None)
            {
                return LastFault == Fault.ShotNoise && Uncalibrated ? UncalibratedText + LastFaultText() : LastFaultText();
            }

            string reason = (Persistent == Fault.ShotNoise && Uncalibrated ? UncalibratedText : "") + Describe(Persistent, PersistentDetail);
            return Persistent == Fault.StartupRetries || Persistent == Fault.TooManyBadPixels || Persistent == Fault.HealthTestRate
                ? reason + " (last: " + LastFaultText() + ")" : reason;
        }

        /// <summary>What a shot-noise failure on the paper's default configuration starts with.</summary>
        public const string UncalibratedText = "uncalibrated sensor: run qrng calibrate (docs/calibration.md); ";

        /// <summary>One line for the debug console.</summary>
        public string Summary()
        {
            return (State == EngineState.Error ? "ERROR " : "") + "state " + (int)State + " frames " + Frames + " passed " + FramesPassed
                + " out " + BytesOut + " B reseeds " + Reseeds + " masked " + MaskedPixels + " duty " + LedDuty
                + (LedAtLimit ? " (LED AT LIMIT)" : "") + " mean " + LastMean + " capture " + CaptureMs + " ms " + FrameBytes + " B" + (State == EngineState.Error ? " error: " : " last fault: ") + Reason();
        }
    }
}
