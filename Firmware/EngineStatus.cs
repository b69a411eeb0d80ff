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
        /// <summary>Healthy: DRBG output goes out, one block per healthy frame.</summary>
        Streaming = 4,
    }

    /// <summary>Why the last fault happened.</summary>
    public enum Fault
    {
        None = 0,
        SensorError = 1,
        /// <summary>More than N− pixels below T− (Detail = n−).</summary>
        FrameLow = 2,
        /// <summary>More than N+ pixels above T+ (Detail = n+).</summary>
        FrameHigh = 3,
        /// <summary>The frame equals the previous one, pixel for pixel.</summary>
        FrameRepeated = 4,
        /// <summary>A pixel kept one raw value for health.pixel_repeat_cutoff frames (Detail = pixel index); it is masked.</summary>
        PixelStuck = 5,
        /// <summary>SP 800-90B §4.4.1 (Detail = run length).</summary>
        RepetitionCount = 6,
        /// <summary>SP 800-90B §4.4.2 (Detail = count in the window).</summary>
        AdaptiveProportion = 7,
        /// <summary>The frame mean left the LED window where the model gives full entropy (Detail = mean code).</summary>
        LightOutOfWindow = 8,
        /// <summary>More than a quarter of the pixels are masked: the sensor is not usable.</summary>
        TooManyStuckPixels = 9,
        /// <summary>The DRBG's power-up self-test failed.</summary>
        DrbgSelfTest = 10,
        /// <summary>An exception from a driver (UART, PWM) escaped a step; the engine restarted (SensorMessage says which).</summary>
        Unexpected = 11,
    }

    /// <summary>Counters and the last fault. Plain fields, updated without allocation on the healthy path.</summary>
    public sealed class EngineStatus
    {
        public EngineState State;
        public Fault LastFault;
        public int FaultDetail;
        public string SensorMessage = "";
        public long Frames;
        public long FramesPassed;
        public long FramesFailedLow;
        public long FramesFailedHigh;
        public long FramesRepeated;
        public long FramesOutOfWindow;
        public long SensorErrors;
        public long RctFailures;
        public long AptFailures;
        public long StuckPixels;
        public long StartupTestsPassed;
        public long Instantiations;
        public long Reseeds;
        public long CreditedMilliBits;
        public long BytesOut;
        public int LedDuty;
        public bool LedAtLimit;
        public int LastMean;
        public int LastLow;
        public int LastHigh;

        public static string Describe(Fault fault, int detail)
        {
            switch (fault)
            {
                case Fault.None: return "none";
                case Fault.SensorError: return "sensor error";
                case Fault.FrameLow: return "T- test: " + detail + " pixels below T-";
                case Fault.FrameHigh: return "T+ test: " + detail + " pixels above T+";
                case Fault.FrameRepeated: return "frame identical to the previous one (frozen sensor)";
                case Fault.PixelStuck: return "pixel " + detail + " stuck at one value (masked)";
                case Fault.RepetitionCount: return "SP 800-90B repetition count test: run of " + detail;
                case Fault.AdaptiveProportion: return "SP 800-90B adaptive proportion test: " + detail + " in the window";
                case Fault.LightOutOfWindow: return "frame mean " + detail + " outside the LED window";
                case Fault.TooManyStuckPixels: return "more than a quarter of the pixels are stuck";
                case Fault.DrbgSelfTest: return "DRBG self-test failed";
                case Fault.Unexpected: return "unexpected error";
                default: return "fault " + (int)fault;
            }
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

        /// <summary>One line for the debug console.</summary>
        public string Summary()
        {
            return "state " + (int)State + " frames " + Frames + " passed " + FramesPassed + " out " + BytesOut + " B reseeds " + Reseeds
                + " duty " + LedDuty + (LedAtLimit ? " (LED AT LIMIT)" : "") + " mean " + LastMean + " last fault: " + LastFaultText();
        }
    }
}
