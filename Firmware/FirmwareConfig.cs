using System;

namespace Qrng.Firmware
{
    /// <summary>A configuration line the firmware cannot use.</summary>
    public class ConfigException : Exception
    {
        public ConfigException(string message)
            : base(message)
        {
        }
    }

    /// <summary>
    /// Everything tunable, with the defaults of the issue and the paper. Text form: one <c>key = value</c> per line,
    /// '#' starts a comment (the format <c>qrng model thresholds</c> prints; docs/entropy-model.md).
    /// </summary>
    public sealed class FirmwareConfig
    {
        // T±/N± frame test (paper Sec. IV) in 10-bit ADC codes; N < 0 = scaled: 1 per 64 pixels, at least 1
        public int TMinus = 64;
        public int TPlus = 940;
        public int NMinus = -1;
        public int NPlus = -1;

        // SP 800-90B: claimed min-entropy per 2-bit symbol in millibits (2 x 0.98, paper Fig. 7), alpha = 2^-AlphaExponent
        public int ClaimedMilliBitsPerSymbol = 1960;
        public int AlphaExponent = 20;
        public int AptWindow = 512;                // SP 800-90B §4.4.2: 512 for non-binary symbols
        public int StartupSymbols = 1024;          // SP 800-90B §4.3: at least 1024 samples
        public int PixelRepeatCutoff = 10;         // a pixel repeating its raw value (or outside T±) this many frames is masked
        public int ReplayFrames = 64;              // a frame equal to one of the last N is stale (a frozen or replaying FIFO)
        public int SeedMarginPercent = 200;        // entropy gathered per instantiate/reseed, % of what SP 800-90A requires
        public int StartupRetries = 8;             // start-up test failures in a row before the persistent error state
        public int PersistentFrames = 20;          // one frame fault (or the LED at a limit, light wrong) this many frames in a row: persistent (3-5 s of 133-267 ms captures)

        // shot-noise signature (paper Eq. 1-4): var Z = K (E[Z] - mu_r) + sigma_r^2 + q^2/12, checked over blocks of
        // NoiseBlock pixel pairs of consecutive healthy frames (0 = off); K, mu_r, sigma_r as the noise fit gives them
        public int NoiseBlock = 1024;
        // pairs of passing blocks pooled before the first output after a start or a failed block (0: one block)
        public int NoiseVerify = 65536;
        public int DitherPermille = 100;           // LED duty dithered by up to ±10 % a frame from a secret sequence (0: no dither check)
        public int DitherFrames = 8;               // frames per dither block: the frame and its row bands must follow the dither
        public int DitherParts = 8;                // row bands judged besides the whole frame (at most the frame's rows)
        public int DitherJitterPpm = 1000;         // light jitter per frame beyond shot noise (PWM periods cut by the exposure, LED drift)
        public int NoiseGainMilli = 819;           // K = 0.8192 ADC codes per electron (paper Fig. 2)
        public int NoiseOffsetMilli = -13600;      // mu_r (paper Table I, pixel 1)
        public int NoiseSigmaMilli = 210;          // sigma_r (paper Table I, pixel 1)
        public int NoiseQuantum = 4;               // the ArduCAM delivers ADC bits 9..2: codes in steps of 4

        // sensor: the raw window (docs/hardware.md §4); 40x32 is the smallest size the OV2640 documents (40x30) in its 4-pixel steps
        public int Width = 40;
        public int Height = 32;
        public int Exposure = 0x0100;

        /// <summary>
        /// Allows frames below the OV2640's 40x30 minimum (down to 4x4): sizes no sensor delivers, which only the emulated
        /// module accepts, for fast device tests. Not a configuration key: no text, CONFIG SET or board can set it.
        /// </summary>
        public bool EmulatorTestSize;

        // LED loop: frame mean in 10-bit codes; the paper's plateau is mu_e ~ 250..1150, mean Z ~ 0.82 mu_e
        public int LedTargetMean = 512;
        public int LedMinMean = 246;
        public int LedMaxMean = 820;
        public int LedGain = 50;                   // % of the estimated correction applied per frame (any sensitivity)
        public int LedInitialDuty = 5000;
        public int LedPwmHz = 20000;

        /// <summary>
        /// The date (yyyymmdd) of the calibration this configuration is, or 0: the paper's defaults. A calibration must be
        /// complete and consistent (<see cref="CalibrationProblem"/>); docs/calibration.md.
        /// </summary>
        public int CalibrationDate;

        // output
        // DRBG mode, per healthy frame, generated and written in 4 KiB requests (one 4 KiB buffer whatever the value):
        // 262144 keeps a 921,600-baud line 80-90 % busy on a board with the interop; the default stays 4 KiB because a
        // host feeding a kernel credits per byte what the board credits per frame / this (docs/frame-kernel.md, line rate)
        public int OutputBytesPerFrame = 4096;
        public OutputMode Mode = OutputMode.Drbg;
        public int UartBaud = 921600;
        public string DeviceSerial = "unprovisioned";

        /// <summary>The key of the serial protocol's authenticated frames (device.hmac_key, 16..64 bytes), or null: no authentication.</summary>
        public byte[] HmacKey;

        /// <summary>The managed heap the firmware may use, in bytes: Validate() refuses what would not fit (DeviceBudget).</summary>
        public int HeapBytes = DeviceBudget.Esp32HeapBytes;

        /// <summary>
        /// The defaults at the emulator's 8x8 test size (not a real sensor size: see <see cref="EmulatorTestSize"/>), for
        /// device tests where the frame size does not matter and the interpreter's time does.
        /// </summary>
        public static FirmwareConfig EmulatorTest()
        {
            var config = new FirmwareConfig();
            config.Width = 8;
            config.Height = 8;
            config.NoiseVerify = 4096;                        // 65 frames at 8x8 (the default's 65,536 pairs: 1,040), ±13.5 %
            config.EmulatorTestSize = true;
            return config;
        }

        public int PixelCount
        {
            get { return Width * Height; }
        }

        public int EffectiveNMinus
        {
            get { return NMinus >= 0 ? NMinus : Scaled(); }
        }

        public int EffectiveNPlus
        {
            get { return NPlus >= 0 ? NPlus : Scaled(); }
        }

        /// <summary>Row bands the dither check judges: health.dither_parts, at most one per row.</summary>
        public int EffectiveDitherParts
        {
            get { return DitherParts < Height ? DitherParts : (Height > 0 ? Height : 1); }
        }

        /// <summary>Frames whose symbols wait for the dither check: its block and the next (2 with the check off: one noise block and the next at most).</summary>
        public int HeldFrames
        {
            get { return DitherPermille > 0 ? 2 * DitherFrames : 2; }
        }

        private int Scaled()
        {
            int n = PixelCount / 64;
            return n < 1 ? 1 : n;
        }

        /// <summary>Applies <c>key = value</c> lines on top of the current values.</summary>
        public void Apply(string text)
        {
            string[] lines = text.Split('\n');
            string[] keys = new string[lines.Length];            // a key twice is a mistake, not "the last one wins"
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i];
                int hash = line.IndexOf('#');
                if (hash >= 0)
                {
                    line = line.Substring(0, hash);
                }

                line = line.Trim();
                if (line.Length == 0)
                {
                    continue;
                }

                int eq = line.IndexOf('=');
                if (eq <= 0)
                {
                    throw new ConfigException("line " + (i + 1) + ": expected 'key = value', got '" + line + "'");
                }

                string key = line.Substring(0, eq).Trim();
                for (int j = 0; j < i; j++)
                {
                    // null first: on nanoCLR an unassigned string[] element compared with == crashed the interpreter (docs/nanoclr.md)
                    if (keys[j] != null && keys[j] == key)
                    {
                        throw new ConfigException("line " + (i + 1) + ": " + key + " is set twice (also on line " + (j + 1) + ")");
                    }
                }

                keys[i] = key;
                Set(key, line.Substring(eq + 1).Trim(), i + 1);
            }

            Validate();
        }

        /// <summary>A copy to change without touching this one (the key bytes are shared: never changed in place).</summary>
        public FirmwareConfig Copy()
        {
            return (FirmwareConfig)MemberwiseClone();
        }

        /// <summary>Every key with its value, one <c>key = value</c> per line; <see cref="Apply"/> reads it back. The HMAC key is not shown.</summary>
        public string ToText()
        {
            return "health.t_minus = " + TMinus + "\n" + "health.t_plus = " + TPlus + "\n" + "health.n_minus = " + NMinus + "\n"
                + "health.n_plus = " + NPlus + "\n" + "health.claimed_millibits_per_symbol = " + ClaimedMilliBitsPerSymbol + "\n"
                + "health.alpha_exponent = " + AlphaExponent + "\n" + "health.apt_window = " + AptWindow + "\n"
                + "health.startup_symbols = " + StartupSymbols + "\n" + "health.pixel_repeat_cutoff = " + PixelRepeatCutoff + "\n"
                + "health.replay_frames = " + ReplayFrames + "\n" + "health.seed_margin_percent = " + SeedMarginPercent + "\n"
                + "health.startup_retries = " + StartupRetries + "\n" + "health.persistent_frames = " + PersistentFrames + "\n"
                + "health.noise_block = " + NoiseBlock + "\n" + "health.noise_verify = " + NoiseVerify + "\n"
                + "health.dither_permille = " + DitherPermille + "\n" + "health.dither_frames = " + DitherFrames + "\n"
                + "health.dither_parts = " + DitherParts + "\n" + "health.dither_jitter_ppm = " + DitherJitterPpm + "\n" + "noise.k_milli = " + NoiseGainMilli + "\n" + "noise.mu_r_milli = " + NoiseOffsetMilli + "\n"
                + "noise.sigma_r_milli = " + NoiseSigmaMilli + "\n" + "noise.quantum = " + NoiseQuantum + "\n"
                + "sensor.width = " + Width + "\n" + "sensor.height = " + Height + "\n" + "sensor.exposure = " + Exposure + "\n"
                + "led.target_mean = " + LedTargetMean + "\n" + "led.min_mean = " + LedMinMean + "\n" + "led.max_mean = " + LedMaxMean + "\n"
                + "led.gain = " + LedGain + "\n" + "led.initial_duty = " + LedInitialDuty + "\n" + "led.pwm_hz = " + LedPwmHz + "\n"
                + "output.bytes_per_frame = " + OutputBytesPerFrame + "\n" + "output.mode = " + (Mode == OutputMode.FullEntropy ? "full-entropy" : "drbg") + "\n"
                + "calibration.date = " + CalibrationDate + "\n"
                + "uart.baud = " + UartBaud + "\n" + "device.serial = " + DeviceSerial + "\n" + "device.heap_bytes = " + HeapBytes + "\n"
                + (HmacKey == null ? "# device.hmac_key: none (frames are not authenticated)\n" : "# device.hmac_key: set (not shown)\n");
        }

        private void Set(string key, string value, int line)
        {
            if (key == "device.serial")
            {
                Check(value.Length >= 1 && value.Length <= 32 && Printable(value), "line " + line + ": device.serial: 1..32 printable ASCII characters without spaces");
                DeviceSerial = value;
                return;
            }

            if (key == "device.hmac_key")
            {
                HmacKey = value.Length == 0 ? null : Hex(value, line);
                return;
            }

            if (key == "output.mode")
            {
                if (value == "drbg")
                {
                    Mode = OutputMode.Drbg;
                }
                else if (value == "full-entropy")
                {
                    Mode = OutputMode.FullEntropy;
                }
                else
                {
                    throw new ConfigException("line " + line + ": output.mode is drbg or full-entropy, got '" + value + "'");
                }

                return;
            }

            int v = ParseInt(value, key, line);
            switch (key)
            {
                case "health.t_minus": TMinus = v; break;
                case "health.t_plus": TPlus = v; break;
                case "health.n_minus": NMinus = v; break;
                case "health.n_plus": NPlus = v; break;
                case "health.claimed_millibits_per_symbol": ClaimedMilliBitsPerSymbol = v; break;
                case "health.alpha_exponent": AlphaExponent = v; break;
                case "health.apt_window": AptWindow = v; break;
                case "health.startup_symbols": StartupSymbols = v; break;
                case "health.pixel_repeat_cutoff": PixelRepeatCutoff = v; break;
                case "health.replay_frames": ReplayFrames = v; break;
                case "health.seed_margin_percent": SeedMarginPercent = v; break;
                case "health.startup_retries": StartupRetries = v; break;
                case "health.persistent_frames": PersistentFrames = v; break;
                case "health.noise_block": NoiseBlock = v; break;
                case "health.noise_verify": NoiseVerify = v; break;
                case "health.dither_permille": DitherPermille = v; break;
                case "health.dither_frames": DitherFrames = v; break;
                case "health.dither_parts": DitherParts = v; break;
                case "health.dither_jitter_ppm": DitherJitterPpm = v; break;
                case "noise.k_milli": NoiseGainMilli = v; break;
                case "noise.mu_r_milli": NoiseOffsetMilli = v; break;
                case "noise.sigma_r_milli": NoiseSigmaMilli = v; break;
                case "noise.quantum": NoiseQuantum = v; break;
                case "device.heap_bytes": HeapBytes = v; break;
                case "sensor.width": Width = v; break;
                case "sensor.height": Height = v; break;
                case "sensor.exposure": Exposure = v; break;
                case "led.target_mean": LedTargetMean = v; break;
                case "led.min_mean": LedMinMean = v; break;
                case "led.max_mean": LedMaxMean = v; break;
                case "led.gain": LedGain = v; break;
                case "led.initial_duty": LedInitialDuty = v; break;
                case "led.pwm_hz": LedPwmHz = v; break;
                case "output.bytes_per_frame": OutputBytesPerFrame = v; break;
                case "uart.baud": UartBaud = v; break;
                case "calibration.date": CalibrationDate = v; break;
                default: throw new ConfigException("line " + line + ": unknown key '" + key + "'");
            }
        }

        private static bool Printable(string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] <= ' ' || text[i] > '~')
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>A key in hex: 32..128 digits (16..64 bytes).</summary>
        private static byte[] Hex(string value, int line)
        {
            Check(value.Length >= 32 && value.Length <= 128 && value.Length % 2 == 0, "line " + line + ": device.hmac_key: 32..128 hex digits (16..64 bytes), or empty for none");
            var key = new byte[value.Length / 2];
            for (int i = 0; i < value.Length; i++)
            {
                int c = value[i], d;
                if (c >= '0' && c <= '9')
                {
                    d = c & 0x0F;
                }
                else if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
                {
                    d = (c & 0x07) + 9;                            // 'a'/'A' = 0x61/0x41: low bits 1..6
                }
                else
                {
                    throw new ConfigException("line " + line + ": device.hmac_key: '" + value[i] + "' is not a hex digit");
                }

                key[i / 2] = (byte)(key[i / 2] | (d << ((i & 1) == 0 ? 4 : 0)));
            }

            return key;
        }

        private static int ParseInt(string value, string key, int line)
        {
            if (value.Length == 0 || value.Length > 10)
            {
                throw new ConfigException("line " + line + ": " + key + " needs an integer, got '" + value + "'");
            }

            int sign = 1, i = 0;
            long v = 0;
            if (value[0] == '-')
            {
                sign = -1;
                i = 1;
            }

            if (i == value.Length)
            {
                throw new ConfigException("line " + line + ": " + key + " needs an integer, got '" + value + "'");
            }

            for (; i < value.Length; i++)
            {
                char c = value[i];
                if (c < '0' || c > '9')
                {
                    throw new ConfigException("line " + line + ": " + key + " needs an integer, got '" + value + "'");
                }

                v = (v * 10) + (c & 0x0F);    // '0'..'9' are 0x30..0x39; a mask, not c - '0', which nanoCLR carries as unsigned (NF017)
            }

            if (v > int.MaxValue)
            {
                throw new ConfigException("line " + line + ": " + key + " is out of range: '" + value + "'");
            }

            return (int)(sign * v);
        }

        /// <summary>Refuses combinations the pipeline cannot run with, and what would not fit the device's heap.</summary>
        public void Validate()
        {
            string size = Qrng.Drivers.ArduCamOv2640.SizeProblem(Width, Height, EmulatorTestSize);
            Check(size == null, size);
            Check(TMinus >= 0 && TPlus <= 1023 && TMinus <= TPlus, "health.t_minus <= health.t_plus within 0..1023");
            Check(EffectiveNMinus < PixelCount && EffectiveNPlus < PixelCount, "health.n_minus/n_plus must be below the pixel count");
            Check(ClaimedMilliBitsPerSymbol > 0 && ClaimedMilliBitsPerSymbol <= 2000, "health.claimed_millibits_per_symbol in 1..2000 (2 bits per symbol at most)");
            Check(AlphaExponent >= 10 && AlphaExponent <= 40, "health.alpha_exponent in 10..40");
            Check(AptWindow >= 64 && AptWindow <= 65536, "health.apt_window in 64..65536");
            Check(StartupSymbols >= 1024 && StartupSymbols >= 2 * AptWindow && StartupSymbols <= 1048576, "health.startup_symbols >= 1024 and >= 2 x health.apt_window (SP 800-90B §4.3)");
            Check(PixelRepeatCutoff >= 3 && PixelRepeatCutoff <= 255, "health.pixel_repeat_cutoff in 3..255");
            Check(ReplayFrames >= 1 && ReplayFrames <= 1024, "health.replay_frames in 1..1024");
            Check(SeedMarginPercent >= 100 && SeedMarginPercent <= 1000, "health.seed_margin_percent in 100..1000 (SP 800-90A's minimum is 100)");
            Check(StartupRetries >= 1 && StartupRetries <= 1000, "health.startup_retries in 1..1000");
            Check(PersistentFrames >= 10 && PersistentFrames <= 100000, "health.persistent_frames in 10..100000");
            Check(NoiseBlock == 0 || (NoiseBlock >= 256 && NoiseBlock <= 1048576), "health.noise_block: 0 (off) or 256..1048576 pixel pairs");
            Check(NoiseVerify >= 0 && NoiseVerify <= 16777216, "health.noise_verify in 0..16777216 pixel pairs");
            Check(DitherPermille >= 0 && DitherPermille <= 200, "health.dither_permille in 0..200 (0: no dither check)");
            Check(DitherFrames >= 4 && DitherFrames <= 64, "health.dither_frames in 4..64");
            Check(DitherParts >= 1 && DitherParts <= 32, "health.dither_parts in 1..32");
            Check(DitherJitterPpm >= 0 && DitherJitterPpm <= 100000, "health.dither_jitter_ppm in 0..100000");
            Check(NoiseGainMilli >= 10 && NoiseGainMilli <= 100000, "noise.k_milli in 10..100000 (K from 0.01 to 100 codes per electron)");
            Check(NoiseOffsetMilli >= -1023000 && NoiseOffsetMilli <= 1023000, "noise.mu_r_milli within +-1023000");
            Check(NoiseSigmaMilli >= 0 && NoiseSigmaMilli <= 100000, "noise.sigma_r_milli in 0..100000");
            Check(NoiseQuantum >= 1 && NoiseQuantum <= 64, "noise.quantum in 1..64");
            Check(LedMinMean < LedTargetMean && LedTargetMean < LedMaxMean, "led.min_mean < led.target_mean < led.max_mean");
            Check(LedGain > 0 && LedGain <= 100 && LedInitialDuty >= 0 && LedInitialDuty <= 10000, "led.gain in 1..100 (%), led.initial_duty in 0..10000");
            Check(LedPwmHz >= 100 && LedPwmHz <= 1000000, "led.pwm_hz in 100..1000000");
            Check(LedMinMean >= 0 && LedMaxMean <= 1023, "led.min_mean and led.max_mean within 0..1023");
            Check(OutputBytesPerFrame >= 1 && OutputBytesPerFrame <= 1048576, "output.bytes_per_frame in 1..1048576");
            Check(UartBaud >= 9600, "uart.baud >= 9600");
            Check(Exposure >= 1 && Exposure <= Qrng.Drivers.ArduCamOv2640.FrameLines, "sensor.exposure in 1..1248 line periods (one UXGA frame: a longer exposure is cut to a frame)");
            Check(HeapBytes >= 16384, "device.heap_bytes >= 16384");
            Check(CalibrationDate == 0 || (CalibrationDate >= 20000101 && CalibrationDate <= 99991231), "calibration.date: 0 (the paper's defaults) or yyyymmdd");
            if (CalibrationDate != 0)
            {
                string problem = CalibrationProblem();
                Check(problem == null, problem);
            }

            int need = DeviceBudget.Estimate(this);
            Check(need <= HeapBytes, "needs about " + need + " bytes of managed heap, more than device.heap_bytes = " + HeapBytes
                + " (" + DeviceBudget.Describe(HeapBytes) + "): fewer pixels or a smaller output.bytes_per_frame");
        }

        /// <summary>
        /// Null when a calibration's numbers support its claim, else why not. The host derives the claim from the paper's
        /// exact model (qrng calibrate); this is the device's own cheap bound on it: at the LED window's low end the
        /// record's K and mu_r give mu_e = (led.min_mean - mu_r) / K electrons (dark electrons counted as light: in the
        /// claim's favour), and bits 2-3 of a Gaussian of variance K^2 mu_e have at most the min-entropy
        /// -log2(1/4 + (2 sin(pi/4) / pi) e^(-2 pi^2 K^2 mu_e / 16^2)) (the first term of the symbol's Fourier series;
        /// the lattice of K and the Poisson shape only lower it). The frame test must pass the window's own frames
        /// (T- below led.min_mean, T+ above led.max_mean) and the shot-noise check must run (it catches a wrong K).
        /// </summary>
        public string CalibrationProblem()
        {
            if (NoiseBlock == 0)
            {
                return "a calibration needs the shot-noise check (health.noise_block > 0): it is what catches a K that is not the sensor's";
            }

            if (TMinus >= LedMinMean || TPlus <= LedMaxMean)
            {
                return "a calibration's T- must lie below led.min_mean and its T+ above led.max_mean (frames in the LED window must pass)";
            }

            double k = NoiseGainMilli / 1000.0;
            double mue = (LedMinMean - (NoiseOffsetMilli / 1000.0)) / k;
            double spread = k * k * (mue > 0 ? mue : 0);
            // e^(-2 pi^2 spread / 256) as 2^(-2 pi^2 spread / (256 ln 2)); 2 sin(pi/4) / pi = 0.450158
            double p = 0.25 + (0.450158 * Qrng.Firmware.Health.HealthMath.Exp2(-19.7392088 * spread / (256.0 * 0.6931472)));
            int most = (int)(-1000.0 * Qrng.Firmware.Health.HealthMath.Log2(p));
            if (ClaimedMilliBitsPerSymbol > most)
            {
                return "health.claimed_millibits_per_symbol " + ClaimedMilliBitsPerSymbol + " is more than the calibration's own K and led.min_mean allow (at most "
                    + most + " at " + (int)mue + " electrons): a window of more light, or a lower claim";
            }

            return null;
        }

        private static void Check(bool ok, string what)
        {
            if (!ok)
            {
                throw new ConfigException(what);
            }
        }
    }
}
