namespace Qrng.Drivers
{
    /// <summary>
    /// ArduCAM Mini 2MP Plus: an OV2640 behind the ArduChip SPI frame FIFO, configured over SCCB (I2C 0x30). The sensor
    /// reads out in UXGA mode (every pixel, no sub-sampling) through a small window set in the sensor bank, with the DSP
    /// bypassed: the 8-bit FIFO then carries each pixel's ADC bits 9..2 and the driver returns <c>byte &lt;&lt; 2</c>
    /// (ADC bits 2-3 = byte bits 0-1). Every register the raw path depends on is written and read back; nothing is
    /// left at its power-on value. The register table, with a source per register, is docs/hardware.md §3.
    /// </summary>
    public sealed class ArduCamOv2640 : IImageSensor
    {
        public const int SccbAddress = 0x30;          // OV2640 0x60/0x61 in 8-bit form (ArduCAM.cpp)
        public const int MaxBurst = 4096;             // nanoFramework ESP32 SPI: <= 16 KiB per transaction (cpu_spi.cpp)

        /// <summary>
        /// The smallest window: the datasheet's smallest output is 40x30 ("any size scaling down from SXGA to 40x30",
        /// Features); no smaller size is documented for any path. Sizes step in 4s (the DSP size registers this driver
        /// also programs count in 4s), so the floor is 40x32.
        /// </summary>
        public const int MinWidth = 40, MinHeight = 32;

        /// <summary>A project limit, not the chip's: the per-pixel work is interpreted on nanoCLR (docs/nanoclr.md).</summary>
        public const int MaxPixels = 128 * 100;

        /// <summary>The UXGA readout window: HREFST..HREFEND = 142..942, VSTRT..VEND = 7..607, in units of 2 pixels / 2 lines.</summary>
        public const int ArrayWidth = 1600, ArrayHeight = 1200;
        internal const int HStartUxga = 142, VStartUxga = 7;

        /// <summary>UXGA frame timing: 1922 PCLK per line, 1248 lines per frame (15 fps at PCLK 36 MHz; datasheet v1.6 Table 1).</summary>
        public const int LinePclks = 1922, FrameLines = 1248;

        /// <summary>
        /// The longest a capture may take: it waits for the next frame start and then one frame, at most 2 x 800 ms at the
        /// slowest UXGA rate the datasheet lists (1.25 fps, PCLK 3 MHz; v1.6 Table 1), plus 25 %.
        /// </summary>
        public const int CaptureTimeoutMs = 2000;

        /// <summary>Capture-done polls are this far apart once the shortest capture seen so far has passed.</summary>
        public const int PollMs = 5;

        /// <summary>Frames discarded after a configuration: registers take effect at a frame boundary, so the frame under way and the next are mixed.</summary>
        public const int SettleFrames = 2;

        /// <summary>ArduCAM.h MAX_FIFO_SIZE for the 2MP Plus (8 MB): the length register's 23 bits all set is no frame.</summary>
        public const int FifoMax = 0x7FFFFF;

        // ArduChip registers (ArduCAM.h); write = address | 0x80
        internal const byte RegTest = 0x00, RegFrames = 0x01, RegFifo = 0x04, RegCpldReset = 0x07;
        internal const byte RegStatus = 0x41, RegSize1 = 0x42, RegSize2 = 0x43, RegSize3 = 0x44;
        internal const byte CmdBurstRead = 0x3C, WriteFlag = 0x80;
        internal const byte FifoClearDone = 0x01, FifoStart = 0x02, StatusCaptureDone = 0x08;

        // OV2640 SCCB: 0xFF selects the bank (0 = DSP, 1 = sensor); COM7 (sensor 0x12) bit 7 is the soft reset
        internal const byte BankSelect = 0xFF, BankDsp = 0x00, BankSensor = 0x01;
        internal const byte SensCom7 = 0x12, SensPid = 0x0A, SensVer = 0x0B;

        private readonly ISpiBus _spi;
        private readonly II2cBus _sccb;
        private readonly IDelay _delay;
        private readonly IClock _clock;
        private readonly int _width, _height;
        private readonly bool _testSize;
        private readonly byte[] _regTx = new byte[2];
        private readonly byte[] _regRx = new byte[2];
        private readonly byte[] _sccbBuf = new byte[2];
        private readonly byte[] _burstTx;
        private readonly byte[] _burstRx;
        private readonly byte[] _setup = new byte[3 * SetupEntries];
        private int _settle, _shortestCapture;

        /// <param name="testSize">allow frames below the OV2640's minimum: only for the emulated module's fast tests</param>
        public ArduCamOv2640(ISpiBus spi, II2cBus sccb, IDelay delay, IClock clock, int width, int height, bool testSize)
        {
            string refused = SizeProblem(width, height, testSize);
            if (refused != null)
            {
                throw new System.ArgumentOutOfRangeException("width", refused);
            }

            _spi = spi;
            _sccb = sccb;
            _delay = delay;
            _clock = clock;
            _width = width;
            _height = height;
            _testSize = testSize;
            Exposure = 0x0100;
            TimeoutMs = CaptureTimeoutMs;
            // a burst is at most MaxBurst bytes and never more than a frame: small frames need small buffers (heap)
            int burst = width * height < MaxBurst ? width * height : MaxBurst;
            _burstTx = new byte[burst + 1];
            _burstRx = new byte[burst + 1];
            _burstTx[0] = CmdBurstRead;                // the rest stays 0: dummy bytes clocked out during the burst
        }

        /// <summary>
        /// Why a window of this size cannot be read from the OV2640 this way, or null: multiples of 4, at least
        /// <see cref="MinWidth"/> x <see cref="MinHeight"/> (4 x 4 for the emulator's test sizes), inside the UXGA
        /// array, at most <see cref="MaxPixels"/>.
        /// </summary>
        public static string SizeProblem(int width, int height, bool testSize)
        {
            int minW = testSize ? 4 : MinWidth, minH = testSize ? 4 : MinHeight;
            if (width < minW || height < minH || width > ArrayWidth || height > ArrayHeight || (width & 3) != 0 || (height & 3) != 0)
            {
                return "sensor.width x sensor.height: multiples of 4 from " + minW + "x" + minH
                    + (testSize ? " (emulator test size)" : " (the OV2640's smallest output is 40x30)") + " to " + ArrayWidth + "x" + ArrayHeight;
            }

            return width * height > MaxPixels ? "sensor.width x sensor.height: at most " + MaxPixels + " pixels" : null;
        }

        public int PixelCount
        {
            get { return _width * _height; }
        }

        /// <summary>True for a frame size no OV2640 delivers (the emulated module's test sizes).</summary>
        public bool TestSize
        {
            get { return _testSize; }
        }

        /// <summary>Exposure in line periods (OV2640 AEC[15:0]), fixed: the LED's PWM duty sets the light level. At most one frame (1248 lines).</summary>
        public int Exposure { get; set; }

        /// <summary>A capture that has not finished after this long is a sensor error.</summary>
        public int TimeoutMs { get; set; }

        /// <summary>The last capture's time from start to capture-done, milliseconds.</summary>
        public int CaptureMilliseconds { get; private set; }

        /// <summary>The FIFO length the module reported for the last frame, bytes.</summary>
        public int FrameBytes { get; private set; }

        /// <summary>Frames whose FIFO held more bytes than the window (the first width x height were used).</summary>
        public int OversizeFrames { get; private set; }

        /// <summary>Left edge of the window in the UXGA array, pixels (the window is centred).</summary>
        public int WindowX
        {
            get { return ((ArrayWidth - _width) / 4) * 2; }
        }

        /// <summary>Top edge of the window in the UXGA array, lines.</summary>
        public int WindowY
        {
            get { return ((ArrayHeight - _height) / 4) * 2; }
        }

        /// <summary>One line for INFO: what is read and how.</summary>
        public string Describe()
        {
            return "OV2640 raw, UXGA readout, DSP bypassed, window " + _width + "x" + _height + " at " + WindowX + "," + WindowY
                + (_testSize ? " (emulator test size: below the OV2640's 40x30 minimum)" : "");
        }

        // --- set-up -----------------------------------------------------------------------------------------------

        /// <summary>Entries of the register table (bank, register, value), in write order.</summary>
        public const int SetupEntries = 72;

        /// <summary>
        /// The register table Initialize writes after the soft reset and the ID check, as (bank, register, value)
        /// triples in write order; every value is read back afterwards. docs/hardware.md §3 lists the same rows with
        /// their meaning and sources (a host test compares the two).
        /// </summary>
        public byte[] SetupTable()
        {
            int n = 0;
            int hs = HStartUxga + (WindowX / 2), he = hs + (_width / 2);         // units of 2 pixels (datasheet, HREFST)
            int vs = VStartUxga + (WindowY / 2), ve = vs + (_height / 2);        // units of 2 lines (datasheet, VSTRT)
            int w4 = _width / 4, h4 = _height / 4;
            int exposure = Exposure;

            // DSP bank: the output drivers, the DVP held in reset during the change, the DSP bypassed
            n = Put(n, BankDsp, 0x2C, 0xFF);
            n = Put(n, BankDsp, 0x2E, 0xDF);
            n = Put(n, BankDsp, 0xE0, 0x04);          // RESET: DVP
            n = Put(n, BankDsp, 0x05, 0x01);          // R_BYPASS: sensor out directly

            // sensor bank: clock, output drive, manual exposure and gain, the analog set-up every reference writes
            n = Put(n, BankSensor, 0x3C, 0x32);
            n = Put(n, BankSensor, 0x11, 0x01);       // CLKRC: divide by 2, doubler off
            n = Put(n, BankSensor, 0x09, 0x02);       // COM2: output drive 3x
            n = Put(n, BankSensor, 0x04, 0x28 | (exposure & 0x03));   // REG04: HREF_EN (no mirror, no flip) | AEC[1:0]
            n = Put(n, BankSensor, 0x13, 0xC0);       // COM8: AEC, AGC, banding filter off
            n = Put(n, BankSensor, 0x00, 0x00);       // GAIN: 1x
            n = Put(n, BankSensor, 0x10, (exposure >> 2) & 0xFF);         // AEC[9:2]
            n = Put(n, BankSensor, 0x45, (exposure >> 10) & 0x3F);        // REG45: AGC[9:8] = 0 | AEC[15:10]
            n = Put(n, BankSensor, 0x2C, 0x0C);
            n = Put(n, BankSensor, 0x33, 0x78);
            n = Put(n, BankSensor, 0x3A, 0x33);
            n = Put(n, BankSensor, 0x3B, 0xFB);
            n = Put(n, BankSensor, 0x3E, 0x00);
            n = Put(n, BankSensor, 0x43, 0x11);
            n = Put(n, BankSensor, 0x16, 0x10);
            n = Put(n, BankSensor, 0x21, 0x99);
            n = Put(n, BankSensor, 0x23, 0x00);
            n = Put(n, BankSensor, 0x07, 0xC0);
            n = Put(n, BankSensor, 0x4C, 0x00);
            n = Put(n, BankSensor, 0x4A, 0x81);
            n = Put(n, BankSensor, 0x5C, 0x00);
            n = Put(n, BankSensor, 0x63, 0x00);
            n = Put(n, BankSensor, 0x7C, 0x05);
            n = Put(n, BankSensor, 0x20, 0x80);
            n = Put(n, BankSensor, 0x28, 0x30);
            n = Put(n, BankSensor, 0x6C, 0x00);
            n = Put(n, BankSensor, 0x6D, 0x80);
            n = Put(n, BankSensor, 0x6E, 0x00);
            n = Put(n, BankSensor, 0x70, 0x02);
            n = Put(n, BankSensor, 0x71, 0x94);
            n = Put(n, BankSensor, 0x73, 0xC1);

            // UXGA readout: every pixel, no sub-sampling, and the mode's analog settings
            n = Put(n, BankSensor, 0x12, 0x00);       // COM7: UXGA, zoom off
            n = Put(n, BankSensor, 0x3D, 0x34);
            n = Put(n, BankSensor, 0x5A, 0x57);
            n = Put(n, BankSensor, 0x35, 0x88);
            n = Put(n, BankSensor, 0x22, 0x0A);
            n = Put(n, BankSensor, 0x37, 0x40);
            n = Put(n, BankSensor, 0x34, 0xA0);       // ARCOM2
            n = Put(n, BankSensor, 0x06, 0x02);
            n = Put(n, BankSensor, 0x0D, 0xB7);       // COM4
            n = Put(n, BankSensor, 0x0E, 0x01);
            n = Put(n, BankSensor, 0x39, 0x02);

            // sync polarities as ArduCAM's JPEG set-up leaves them for the ArduChip
            n = Put(n, BankSensor, 0x15, 0x00);       // COM10: VSYNC and HREF positive, data on PCLK's falling edge

            // the window, centred in the UXGA array
            n = Put(n, BankSensor, 0x17, (hs >> 3) & 0xFF);                  // HREFST[10:3]
            n = Put(n, BankSensor, 0x18, (he >> 3) & 0xFF);                  // HREFEND[10:3]
            n = Put(n, BankSensor, 0x32, ((he & 7) << 3) | (hs & 7));        // REG32: HREFEND[2:0], HREFST[2:0]; PCLK not divided
            n = Put(n, BankSensor, 0x19, (vs >> 2) & 0xFF);                  // VSTRT[9:2]
            n = Put(n, BankSensor, 0x1A, (ve >> 2) & 0xFF);                  // VEND[9:2]
            n = Put(n, BankSensor, 0x03, ((ve & 3) << 2) | (vs & 3));        // COM1: VEND[1:0], VSTRT[1:0]

            // DSP bank, in case the bypass were not honoured: RAW10, every processing stage off, no scaling
            n = Put(n, BankDsp, 0xC3, 0x00);          // CTRL1: CIP, DMY, RAW_GMA, DG, AWB, AWB_GAIN, LENC, PRE off
            n = Put(n, BankDsp, 0x87, 0x10);          // CTRL3: BPC, WPC off
            n = Put(n, BankDsp, 0x86, 0x00);          // CTRL2: DCW, SDE, UV_ADJ, UV_AVG, CMX off
            n = Put(n, BankDsp, 0xDA, 0x04);          // IMAGE_MODE: RAW10 (DVP)
            n = Put(n, BankDsp, 0xC0, (_width >> 3) & 0xFF);                 // HSIZE8: input width [10:3]
            n = Put(n, BankDsp, 0xC1, (_height >> 3) & 0xFF);                // VSIZE8: input height [10:3]
            n = Put(n, BankDsp, 0x8C, ((_width & 7) << 3) | (_height & 7));  // SIZEL
            n = Put(n, BankDsp, 0x50, 0x00);          // CTRLI: no dividers
            n = Put(n, BankDsp, 0x51, w4 & 0xFF);     // HSIZE: window width / 4
            n = Put(n, BankDsp, 0x52, h4 & 0xFF);     // VSIZE
            n = Put(n, BankDsp, 0x53, 0x00);          // XOFFL
            n = Put(n, BankDsp, 0x54, 0x00);          // YOFFL
            n = Put(n, BankDsp, 0x55, (((h4 >> 8) & 1) << 7) | (((w4 >> 8) & 1) << 3));   // VHYX: V_SIZE[8], H_SIZE[8]
            n = Put(n, BankDsp, 0x57, ((w4 >> 9) & 1) << 7);                 // TEST: H_SIZE[9]
            n = Put(n, BankDsp, 0x5A, w4 & 0xFF);     // ZMOW: output width / 4
            n = Put(n, BankDsp, 0x5B, h4 & 0xFF);     // ZMOH
            n = Put(n, BankDsp, 0x5C, (((h4 >> 8) & 1) << 2) | ((w4 >> 8) & 3));          // ZMHH
            n = Put(n, BankDsp, 0xD3, 0x82);          // R_DVP_SP: auto
            n = Put(n, BankDsp, 0xE0, 0x00);          // RESET: release
            return _setup;
        }

        private int Put(int n, int bank, int register, int value)
        {
            _setup[n] = (byte)bank;
            _setup[n + 1] = (byte)register;
            _setup[n + 2] = (byte)value;
            return n + 3;
        }

        public void Initialize()
        {
            WriteReg(RegCpldReset, 0x80);             // CPLD reset (ArduCAM examples: 0x07 = 0x80, then 0x00)
            _delay.Milliseconds(100);
            WriteReg(RegCpldReset, 0x00);
            _delay.Milliseconds(100);
            CheckTestRegister(0x55);
            CheckTestRegister(0xAA);

            SccbWrite(BankSelect, BankSensor);
            SccbWrite(SensCom7, 0x80);                // COM7 bit 7: system reset
            _delay.Milliseconds(100);
            SccbWrite(BankSelect, BankSensor);
            int pid = SccbRead(SensPid), ver = SccbRead(SensVer);
            if (pid != 0x26 || (ver != 0x41 && ver != 0x42))
            {
                throw new SensorException(SensorError.WrongSensor, "sensor id " + pid + "/" + ver + ", expected OV2640 38/65 or 38/66");
            }

            byte[] table = SetupTable();
            int bank = BankSensor;
            for (int i = 0; i < table.Length; i += 3)
            {
                bank = SelectBank(bank, table[i]);
                SccbWrite(table[i + 1], table[i + 2]);
            }

            // read back what stays: a register written twice is checked at its last value
            for (int i = 0; i < table.Length; i += 3)
            {
                if (WrittenAgain(table, i))
                {
                    continue;
                }

                bank = SelectBank(bank, table[i]);
                int back = SccbRead(table[i + 1]);
                if (back != table[i + 2])
                {
                    throw new SensorException(
                        SensorError.NotConfigured,
                        "sensor not configured: " + (table[i] == BankDsp ? "DSP" : "sensor") + " bank register 0x" + Hex(table[i + 1]) + " reads 0x" + Hex(back)
                        + " after 0x" + Hex(table[i + 2]) + " was written (power-on defaults?)");
                }
            }

            _settle = SettleFrames;
            _shortestCapture = -1;
            OversizeFrames = 0;
        }

        private static bool WrittenAgain(byte[] table, int i)
        {
            for (int j = i + 3; j < table.Length; j += 3)
            {
                if (table[j] == table[i] && table[j + 1] == table[i + 1])
                {
                    return true;
                }
            }

            return false;
        }

        private int SelectBank(int current, int bank)
        {
            if (current != bank)
            {
                SccbWrite(BankSelect, (byte)bank);
            }

            return bank;
        }

        public void Capture(ushort[] pixels)
        {
            while (_settle > 0)
            {
                TakeFrame();                           // registers took effect at a frame boundary: this one is mixed
                WriteReg(RegFifo, FifoClearDone);
                _settle--;
            }

            int n = _width * _height;
            int length = TakeFrame();
            if (length == 0 || length >= FifoMax)
            {
                throw new SensorException(SensorError.BadFrame, "FIFO length " + length + " after a capture: "
                    + (length == 0 ? "the sensor sent no pixels (window or format not taken?)" : "no frame (SPI garbage?)"));
            }

            if (length < n || length > n + _width)
            {
                throw new SensorException(SensorError.BadFrame, "FIFO holds " + length + " bytes, expected " + n
                    + (length > n ? ": not the configured raw window (power-on defaults, or YUV/JPEG output?)" : ": a short frame"));
            }

            if (length > n)
            {
                OversizeFrames++;                      // up to a line of padding is accepted and counted; the window is read from the start
            }

            int offset = 0;
            while (offset < n)
            {
                int chunk = n - offset;
                if (chunk > _burstRx.Length - 1)
                {
                    chunk = _burstRx.Length - 1;
                }

                // one burst: 0x3C then chunk dummy bytes; read[0] arrives while the command is clocked out
                _spi.TransferFullDuplex(_burstTx, _burstRx, chunk + 1);
                for (int i = 0; i < chunk; i++)
                {
                    pixels[offset + i] = (ushort)(_burstRx[i + 1] << 2);
                }

                offset += chunk;
            }

            WriteReg(RegFifo, FifoClearDone);
        }

        /// <summary>One capture into the FIFO; returns its length. Waits the shortest capture seen so far, then polls.</summary>
        private int TakeFrame()
        {
            WriteReg(RegFrames, 0x00);                // one frame per capture
            WriteReg(RegFifo, FifoClearDone);
            long start = _clock.ElapsedMilliseconds;
            WriteReg(RegFifo, FifoStart);
            if (_shortestCapture > PollMs)
            {
                _delay.Milliseconds(_shortestCapture - PollMs);
            }

            int polls = 0;
            while ((ReadReg(RegStatus) & StatusCaptureDone) == 0)
            {
                // the clock decides; the poll count bounds the wait should the clock stand still
                if (_clock.ElapsedMilliseconds - start >= TimeoutMs || ++polls > TimeoutMs / PollMs)
                {
                    throw new SensorException(SensorError.CaptureTimeout, "no capture-done flag after " + TimeoutMs + " ms");
                }

                _delay.Milliseconds(PollMs);
            }

            int took = (int)(_clock.ElapsedMilliseconds - start);
            if (took < 0)
            {
                took = 0;
            }

            CaptureMilliseconds = took;
            if (_shortestCapture < 0 || took < _shortestCapture)
            {
                _shortestCapture = took;
            }

            int length = ((ReadReg(RegSize3) & 0x7F) << 16) | (ReadReg(RegSize2) << 8) | ReadReg(RegSize1);
            FrameBytes = length;
            return length;
        }

        private void CheckTestRegister(byte value)
        {
            WriteReg(RegTest, value);
            int back = ReadReg(RegTest);
            if (back != value)
            {
                throw new SensorException(SensorError.NotResponding, "SPI test register reads " + back + " after writing " + value + " (unplugged or miswired?)");
            }
        }

        private byte ReadReg(byte address)
        {
            _regTx[0] = (byte)(address & 0x7F);
            _regTx[1] = 0;
            _spi.TransferFullDuplex(_regTx, _regRx, 2);
            return _regRx[1];
        }

        private void WriteReg(byte address, byte value)
        {
            _regTx[0] = (byte)(address | WriteFlag);
            _regTx[1] = value;
            _spi.TransferFullDuplex(_regTx, _regRx, 2);
        }

        private void SccbWrite(byte register, byte value)
        {
            _sccbBuf[0] = register;
            _sccbBuf[1] = value;
            if (!_sccb.Write(_sccbBuf, 2))
            {
                throw new SensorException(SensorError.BusError, "SCCB write to register " + register + " not acknowledged");
            }
        }

        // SCCB read: write the address (stop), then a separate 1-byte read; no repeated start (esp32-camera sccb)
        private int SccbRead(byte register)
        {
            _sccbBuf[0] = register;
            if (!_sccb.Write(_sccbBuf, 1) || !_sccb.Read(_sccbBuf, 1))
            {
                throw new SensorException(SensorError.BusError, "SCCB read of register " + register + " not acknowledged");
            }

            return _sccbBuf[0];
        }

        private static string Hex(int value)
        {
            const string digits = "0123456789ABCDEF";
            return new string(new char[] { digits[(value >> 4) & 15], digits[value & 15] });
        }
    }
}
