namespace Qrng.Drivers
{
    /// <summary>
    /// ArduCAM Mini 2MP Plus: an OV2640 behind the ArduChip SPI frame FIFO, configured over SCCB (I2C 0x30).
    /// The OV2640 runs in RAW10 mode; the FIFO is 8 bits wide and carries the sensor's Y[9:2], so each FIFO byte is
    /// ADC bits 9..2 of one pixel and the driver returns <c>byte &lt;&lt; 2</c> (ADC bits 2-3 = byte bits 0-1).
    /// Register facts and their sources: docs/hardware.md.
    /// </summary>
    public sealed class ArduCamOv2640 : IImageSensor
    {
        public const int SccbAddress = 0x30;          // OV2640 0x60/0x61 in 8-bit form (ArduCAM.cpp)
        public const int MaxPixels = 128 * 100;       // the paper's chip; more would slow the frame rate, not the entropy
        public const int MaxBurst = 4096;             // nanoFramework ESP32 SPI: <= 16 KiB per transaction (cpu_spi.cpp)

        // ArduChip registers (ArduCAM.h); write = address | 0x80
        internal const byte RegTest = 0x00, RegFrames = 0x01, RegFifo = 0x04, RegCpldReset = 0x07;
        internal const byte RegStatus = 0x41, RegSize1 = 0x42, RegSize2 = 0x43, RegSize3 = 0x44;
        internal const byte CmdBurstRead = 0x3C, WriteFlag = 0x80;
        internal const byte FifoClearDone = 0x01, FifoStart = 0x02, StatusCaptureDone = 0x08;

        // OV2640 SCCB registers (bank select 0xFF: 0 = DSP, 1 = sensor)
        internal const byte BankSelect = 0xFF, BankDsp = 0x00, BankSensor = 0x01;
        internal const byte SensGain = 0x00, SensReg04 = 0x04, SensPid = 0x0A, SensVer = 0x0B, SensAec = 0x10;
        internal const byte SensCom7 = 0x12, SensCom8 = 0x13, SensReg45 = 0x45;
        internal const byte DspBypass = 0x05, DspImageMode = 0xDA, DspD7 = 0xD7, DspCtrl3 = 0x87;
        internal const byte DspZmow = 0x5A, DspZmoh = 0x5B, DspZmhh = 0x5C, DspReset = 0xE0;
        internal const byte ImageModeRaw10 = 0x04;

        private readonly ISpiBus _spi;
        private readonly II2cBus _sccb;
        private readonly IDelay _delay;
        private readonly int _width, _height;
        private readonly byte[] _regTx = new byte[2];
        private readonly byte[] _regRx = new byte[2];
        private readonly byte[] _sccbBuf = new byte[2];
        private readonly byte[] _burstTx;
        private readonly byte[] _burstRx;

        public ArduCamOv2640(ISpiBus spi, II2cBus sccb, IDelay delay, int width, int height)
        {
            // ZMOW/ZMOH hold size / 4 in one byte: each side <= 1020 (checked before the product, which could overflow)
            if (width < 4 || height < 4 || width > 1020 || height > 1020 || (width & 3) != 0 || (height & 3) != 0 || width * height > MaxPixels)
            {
                throw new System.ArgumentOutOfRangeException("width", "frame must be W x H with W, H multiples of 4 and W*H <= 12800");
            }

            _spi = spi;
            _sccb = sccb;
            _delay = delay;
            _width = width;
            _height = height;
            MaxPolls = 200;
            Exposure = 0x0100;
            // a burst is at most MaxBurst bytes and never more than a frame: small frames need small buffers (heap)
            int burst = width * height < MaxBurst ? width * height : MaxBurst;
            _burstTx = new byte[burst + 1];
            _burstRx = new byte[burst + 1];
            _burstTx[0] = CmdBurstRead;                // the rest stays 0: dummy bytes clocked out during the burst
        }

        public int PixelCount
        {
            get { return _width * _height; }
        }

        /// <summary>Capture-done polls (1 ms apart) before a capture counts as timed out.</summary>
        public int MaxPolls { get; set; }

        /// <summary>Exposure in line periods (OV2640 AEC[15:0]), fixed: the LED's PWM duty sets the light level.</summary>
        public int Exposure { get; set; }

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

            SccbWrite(SensCom8, 0xC0);                // COM8: AEC and AGC off (manual)
            SccbWrite(SensGain, 0x00);                // analog gain 1x
            SccbWrite(SensAec, (byte)((Exposure >> 2) & 0xFF));          // AEC[9:2]
            // REG04 and REG45 share their bytes with other controls (REG04 bit 3 = HREF enable): read-modify-write
            SccbWrite(SensReg04, (byte)((SccbRead(SensReg04) & 0xFC) | (Exposure & 0x03)));          // AEC[1:0]
            SccbWrite(SensReg45, (byte)((SccbRead(SensReg45) & 0xC0) | ((Exposure >> 10) & 0x3F)));  // AEC[15:10]

            SccbWrite(BankSelect, BankDsp);
            SccbWrite(DspBypass, 0x00);               // DSP in the path (its RAW10 output mode)
            SccbWrite(DspImageMode, ImageModeRaw10);  // IMAGE_MODE: RAW10 on the DVP port
            SccbWrite(DspD7, 0x03);
            SccbWrite(DspCtrl3, 0x10);                // CTRL3: defect-pixel correction (BPC/WPC, bits 7/6) off
            SccbWrite(DspZmow, (byte)(_width / 4));   // output width / 4
            SccbWrite(DspZmoh, (byte)(_height / 4));  // output height / 4
            SccbWrite(DspZmhh, 0x00);
            SccbWrite(DspReset, 0x00);                // release the DSP
        }

        public void Capture(ushort[] pixels)
        {
            int n = _width * _height;
            WriteReg(RegFrames, 0x00);                // one frame per capture
            WriteReg(RegFifo, FifoClearDone);
            WriteReg(RegFifo, FifoStart);
            int polls = 0;
            while ((ReadReg(RegStatus) & StatusCaptureDone) == 0)
            {
                if (++polls >= MaxPolls)
                {
                    throw new SensorException(SensorError.CaptureTimeout, "no capture-done flag after " + MaxPolls + " polls");
                }

                _delay.Milliseconds(1);
            }

            int length = ((ReadReg(RegSize3) & 0x7F) << 16) | (ReadReg(RegSize2) << 8) | ReadReg(RegSize1);
            if (length != n)
            {
                throw new SensorException(SensorError.BadFrame, "FIFO holds " + length + " bytes, expected " + n);
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
    }
}
