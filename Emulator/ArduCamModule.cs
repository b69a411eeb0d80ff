using System;
using Qrng.Drivers;

namespace Qrng.Emulator
{
    /// <summary>What the emulated SPI side does instead of answering (fault knobs).</summary>
    public enum SpiFault
    {
        None = 0,
        Garbage = 1,
        Unplugged = 2,
    }

    /// <summary>
    /// Draws one frame of 10-bit ADC codes (0..1023) for the emulated module: pixel i lit by the LED at
    /// <paramref name="lightPpm"/> (parts per million of full LED output; above 1,000,000 = overdriven) and the
    /// sensor's exposure (line periods; 256 = the firmware's default).
    /// </summary>
    public interface IPixelSource
    {
        void Draw(ushort[] z, int count, int lightPpm, int exposure);
    }

    /// <summary>
    /// An ArduCAM Mini 2MP Plus at the byte level, portable (mscorlib only, integer arithmetic): the ArduChip's SPI
    /// registers, capture and FIFO burst reads, and the OV2640's SCCB register banks. It does what the chip does with
    /// its registers, not what a driver hopes: the frame comes from the sensor-bank window in UXGA readout; with the
    /// DSP bypassed (bank 0 0x05 = 1) the FIFO holds each pixel's Y[9:2]; otherwise the DSP processes the frame (its
    /// stages as CTRL1/CTRL3 enable them, plus de-noise and the 10-to-8-bit transfer, which no register turns off) and
    /// outputs RAW10, YUV422, RGB565 or JPEG at its own output size. A window below the datasheet's 40x30 minimum, or
    /// outside the array, gives no pixels. A capture waits for the next frame start and then one frame, on the emulated
    /// clock, at the frame period the clock registers give. Power-on values are the emulator's assumption
    /// (docs/pipeline.md, the virtual board: UXGA window, YUV422 through the DSP with its stages on, automatic exposure); pixels come
    /// from an <see cref="IPixelSource"/>. Fault knobs act where the fault would: on the light, the pixels, the FIFO,
    /// the SPI lines, the registers.
    /// </summary>
    public class ArduCamModule : ISpiBus, II2cBus
    {
        /// <summary>The datasheet's smallest output size (Features: "scaling down from SXGA to 40x30").</summary>
        public const int MinWidth = 40, MinHeight = 30;

        /// <summary>Frames larger than this many pixels are not drawn: their FIFO holds a fixed pattern (nothing reads them).</summary>
        public const int MaxDrawnPixels = 16384;

        /// <summary>The emulated oscillator (XVCLK), kHz: the frame period follows it. The ArduCAM module's own is a bench check.</summary>
        public const int DefaultXvclkKhz = 24000;

        private const int HStartUxga = 142, HEndUxga = 942, VStartUxga = 7, VEndUxga = 607;
        private const long LinePclks = 1922, FrameLines = 1248;

        private readonly IPixelSource _pixels;
        private readonly XorShift _rng;
        private readonly byte[] _chip = new byte[128];         // ArduChip registers
        private readonly byte[] _dsp = new byte[256];          // OV2640 bank 0 (DSP)
        private readonly byte[] _sensor = new byte[256];       // OV2640 bank 1 (sensor)
        private ushort[] _z = new ushort[0];
        private ushort[] _y = new ushort[0];
        private byte[] _fifo = new byte[0];
        private CaptureRing _replay = new CaptureRing(0), _partial = new CaptureRing(0);
        private int _partialPercent = 50;
        private byte[] _log = new byte[3 * 1024];
        private int _fifoLength, _fifoStored, _readPointer, _sccbAddress, _bank;
        private long _doneAtUs = -1;
        private bool _frozenValid;

        public ArduCamModule(IPixelSource pixels, uint seed)
        {
            _pixels = pixels;
            _rng = new XorShift(seed);
            SensorId = 0x26;
            DeadPixel = -1;
            HotPixel = -1;
            DeadPixelCount = 1;
            HotPixelCount = 1;
            DigitalGain = 1;
            BrightnessPpm = 1000000;
            XvclkKhz = DefaultXvclkKhz;
            PowerOn();
        }

        /// <summary>The LED's PWM duty, 0..10000, as the firmware set it.</summary>
        public int Duty { get; set; }

        /// <summary>The emulated clock captures run on (the board's uptime); null: a capture is done at once.</summary>
        public IClock Clock { get; set; }

        /// <summary>The sensor's input clock, kHz (<see cref="DefaultXvclkKhz"/>).</summary>
        public int XvclkKhz { get; set; }

        /// <summary>Windows below the OV2640's 40x30 (down to 4x4) deliver pixels: the emulator's fast test sizes, not a chip's.</summary>
        public bool AcceptsTestSizes { get; set; }

        // fault knobs
        public bool LedDead { get; set; }

        public bool LedSaturated { get; set; }

        /// <summary>The FIFO keeps serving the first frame captured after this was set.</summary>
        public bool FrozenFrame { get; set; }

        /// <summary>The first dead pixel (reads 0), or -1; <see cref="DeadPixelCount"/> of them, 7 pixels apart.</summary>
        public int DeadPixel { get; set; }

        public int DeadPixelCount { get; set; }

        /// <summary>The first hot pixel (reads 1023), or -1; <see cref="HotPixelCount"/> of them, 7 pixels apart.</summary>
        public int HotPixel { get; set; }

        public int HotPixelCount { get; set; }

        /// <summary>
        /// The FIFO serves a cycle of the last K frames it captured instead of new ones (a read-pointer or capture
        /// fault; the ArduChip's FIFO holds several frames): 0 = off, K >= 1 (1 is a frozen FIFO).
        /// </summary>
        public int ReplayCycle
        {
            get { return _replay.Cycle; }
            set { _replay = new CaptureRing(value); }
        }

        /// <summary>The fault knobs by name (`qrng stream --fault`, the virtual board's tests, the soak).</summary>
        public static readonly string[] KnobNames = new string[]
        {
            "led-dead", "led-saturated", "frozen", "replay", "dead-pixel", "hot-pixel", "spi-garbage", "unplugged", "capture-hangs",
            "stuck-bits", "bit3-stuck", "drift", "averaging", "gain", "no-init", "dsp-on", "bias", "partial-replay",
        };

        /// <summary>
        /// Switches the knob <paramref name="name"/> on or off; <paramref name="count"/> (or −1 for its default): replay's
        /// cycle (2), dead-pixel's and hot-pixel's pixels (1), gain's factor (2), bias's and partial-replay's percent (11,
        /// 50); <paramref name="cycle"/>: partial-replay's cycle (8). False for an unknown name. "drift" takes 1 % of the
        /// light a frame; switched off it stops, and the light lost stays lost.
        /// </summary>
        public bool SetKnob(string name, int count, int cycle, bool on)
        {
            switch (name)
            {
                case "led-dead": LedDead = on; break;
                case "led-saturated": LedSaturated = on; break;
                case "frozen": FrozenFrame = on; break;
                case "replay": ReplayCycle = on ? (count > 0 ? count : 2) : 0; break;
                case "dead-pixel": DeadPixel = on ? 5 : -1; DeadPixelCount = count > 0 ? count : 1; break;
                case "hot-pixel": HotPixel = on ? 9 : -1; HotPixelCount = count > 0 ? count : 1; break;
                case "spi-garbage": SpiFault = on ? SpiFault.Garbage : SpiFault.None; break;
                case "unplugged": SpiFault = on ? SpiFault.Unplugged : SpiFault.None; break;
                case "capture-hangs": CaptureHangs = on; break;
                case "stuck-bits": StuckBitsMask = on ? 0x03 : 0; break;
                case "bit3-stuck": StuckBitsMask = on ? 0x02 : 0; break;
                case "drift": DriftPpmPerFrame = on ? 10000 : 0; break;
                case "averaging": DspAveraging = on; break;
                case "gain": DigitalGain = on ? (count > 0 ? count : 2) : 1; break;
                case "no-init": NoInit = on; break;
                case "dsp-on": DspStaysOn = on; break;
                case "bias": SymbolBiasPpm = on ? (count > 0 ? count : 11) * 10000 : 0; break;
                case "partial-replay":
                    PartialReplayPercent = count > 0 ? count : 50;
                    PartialReplayCycle = on ? (cycle > 0 ? cycle : 8) : 0;
                    break;
                default: return false;
            }

            return true;
        }

        /// <summary>
        /// The first <see cref="PartialReplayPercent"/> % of every frame's FIFO bytes (its top rows) come from a cycle of
        /// the last K captures of that part (a FIFO whose write pointer wraps inside the frame); the rest is fresh.
        /// </summary>
        public int PartialReplayCycle
        {
            get { return _partial.Cycle; }
            set { _partial = new CaptureRing(value); }
        }

        /// <summary>The share of each frame, in percent, that <see cref="PartialReplayCycle"/> replays (default 50).</summary>
        public int PartialReplayPercent
        {
            get { return _partialPercent; }
            set { _partialPercent = value < 1 ? 1 : value > 100 ? 100 : value; }
        }

        /// <summary>Each pixel averaged with its neighbour after the ADC (the noise halves; a scaler that averages).</summary>
        public bool DspAveraging { get; set; }

        /// <summary>A digital gain after the ADC: 1 = none, 2 doubles every code (the noise grows twice as fast as the mean).</summary>
        public int DigitalGain { get; set; }

        /// <summary>
        /// The sensor acknowledges every configuration write but keeps its power-on values (held in reset, or a chip
        /// that did not take its set-up): only the bank select and the soft reset act.
        /// </summary>
        public bool NoInit { get; set; }

        /// <summary>The DSP stays in the data path whatever R_BYPASS says (which still reads back as written).</summary>
        public bool DspStaysOn { get; set; }

        /// <summary>Extra bytes the FIFO length reports after a raw frame (padding).</summary>
        public int FifoPadding { get; set; }

        public SpiFault SpiFault { get; set; }

        public bool CaptureHangs { get; set; }

        /// <summary>FIFO data bits forced to 0 (a data line shorted to ground): 0x03 = Y3 and Y2 (ADC bits 3-2, the
        /// RCT's case), 0x02 = Y3 only (bits 2-3 take two values: the APT's case).</summary>
        public int StuckBitsMask { get; set; }

        /// <summary>Parts per million of pixels whose bits 2-3 read 00 regardless of the light (a biased ADC).</summary>
        public int SymbolBiasPpm { get; set; }

        /// <summary>What the sensor's PID register (0x0A) answers: 0x26 for an OV2640.</summary>
        public byte SensorId { get; set; }

        /// <summary>LED output lost per frame (slow aging), parts per million, compounded.</summary>
        public int DriftPpmPerFrame { get; set; }

        /// <summary>The LED's output relative to new, parts per million.</summary>
        public int BrightnessPpm { get; set; }

        // what the registers say
        /// <summary>True when the DSP is bypassed (and really is: not <see cref="DspStaysOn"/>).</summary>
        public bool DspBypassed
        {
            get { return (_dsp[0x05] & 1) == 1 && !DspStaysOn; }
        }

        /// <summary>True when the FIFO gets raw pixels: the DSP bypassed, or its output format RAW10.</summary>
        public bool RawMode
        {
            get { return DspBypassed || ((_dsp[0xDA] & 0x10) == 0 && ((_dsp[0xDA] >> 2) & 3) == 1); }
        }

        /// <summary>The sensor window's width in pixels (HREFST..HREFEND, units of 2 pixels).</summary>
        public int WindowWidth
        {
            get { return 2 * (HEnd - HStart); }
        }

        /// <summary>The sensor window's height in lines (VSTRT..VEND, units of 2 lines).</summary>
        public int WindowHeight
        {
            get { return 2 * (VEnd - VStart); }
        }

        /// <summary>The window's left edge in the UXGA array, pixels.</summary>
        public int WindowX
        {
            get { return 2 * (HStart - HStartUxga); }
        }

        /// <summary>The window's top edge in the UXGA array, lines.</summary>
        public int WindowY
        {
            get { return 2 * (VStart - VStartUxga); }
        }

        /// <summary>The frame's width as delivered: the window when bypassed, the DSP's output size otherwise.</summary>
        public int Width
        {
            get { return DspBypassed ? WindowWidth : 4 * (_dsp[0x5A] | ((_dsp[0x5C] & 3) << 8)); }
        }

        public int Height
        {
            get { return DspBypassed ? WindowHeight : 4 * (_dsp[0x5B] | (((_dsp[0x5C] >> 2) & 1) << 8)); }
        }

        public int Exposure
        {
            get { return ((_sensor[0x45] & 0x3F) << 10) | (_sensor[0x10] << 2) | (_sensor[0x04] & 3); }
        }

        public bool ManualExposure
        {
            get { return (_sensor[0x13] & 0x05) == 0; }
        }

        /// <summary>UXGA readout (COM7[6:4] = 0): every pixel. SVGA and CIF sub-sample; the emulator does not model them.</summary>
        public bool UxgaReadout
        {
            get { return (_sensor[0x12] & 0x70) == 0; }
        }

        /// <summary>The frame period at the configured clock, microseconds: 1922 x 1248 PCLK plus dummy pixels and lines.</summary>
        public long FramePeriodMicros
        {
            get
            {
                long line = LinePclks + (((_sensor[0x2A] >> 4) & 0x0F) << 8) + _sensor[0x2B];
                long lines = FrameLines + ((_sensor[0x47] << 8) | _sensor[0x46]) + ((_sensor[0x2E] << 8) | _sensor[0x2D]);
                long divider = (_sensor[0x11] & 0x3F) + 1, doubler = (_sensor[0x11] & 0x80) != 0 ? 2 : 1;
                // PCLK = 36 MHz x (XVCLK / 24 MHz) x doubler / divider: 15 fps in UXGA at CLKRC 0 (datasheet v1.6 Table 1)
                return (line * lines * divider * 2000) / (3L * XvclkKhz * doubler);
            }
        }

        public long Frames { get; private set; }

        /// <summary>Software resets of the sensor (COM7 bit 7): the driver's Initialize.</summary>
        public long Resets { get; private set; }

        public long SpiTransfers { get; private set; }

        /// <summary>The most SCCB writes <see cref="SccbWrites"/> keeps (a driver's set-up is about 200).</summary>
        public const int MaxLoggedWrites = 2048;

        /// <summary>
        /// Register writes over SCCB since power-on: (bank, register, value) triples, the first <see cref="SccbWriteCount"/>
        /// of them up to <see cref="MaxLoggedWrites"/>.
        /// </summary>
        public byte[] SccbWrites
        {
            get { return _log; }
        }

        public int SccbWriteCount { get; private set; }

        /// <summary>A register's value as the chip holds it (bank 0 = DSP, 1 = sensor).</summary>
        public int Register(int bank, int register)
        {
            return (bank == 1 ? _sensor : _dsp)[register & 0xFF];
        }

        /// <summary>The chip loses power and comes back at its power-on values (a brown-out).</summary>
        public void PowerCycle()
        {
            PowerOn();
            _bank = 0;
        }

        private int HStart
        {
            get { return (_sensor[0x17] << 3) | (_sensor[0x32] & 7); }
        }

        private int HEnd
        {
            get { return (_sensor[0x18] << 3) | ((_sensor[0x32] >> 3) & 7); }
        }

        private int VStart
        {
            get { return (_sensor[0x19] << 2) | (_sensor[0x03] & 3); }
        }

        private int VEnd
        {
            get { return (_sensor[0x1A] << 2) | ((_sensor[0x03] >> 2) & 3); }
        }

        /// <summary>The emulator's power-on values: no source gives the chip's; the driver depends on none of them.</summary>
        private void PowerOn()
        {
            Array.Clear(_chip, 0, _chip.Length);
            Array.Clear(_dsp, 0, _dsp.Length);
            Array.Clear(_sensor, 0, _sensor.Length);
            _sensor[0x0A] = SensorId;      // PID
            _sensor[0x0B] = 0x42;          // VER
            _sensor[0x04] = 0x28;          // REG04: HREF_EN
            _sensor[0x13] = 0xC7;          // COM8: AEC, AGC and banding filter automatic
            _sensor[0x10] = 0x40;          // AEC: 256 lines
            _sensor[0x17] = 0x11;          // the UXGA window (ArduCAM's OV2640_QVGA table relies on it and writes none)
            _sensor[0x18] = 0x75;
            _sensor[0x32] = 0x36;
            _sensor[0x19] = 0x01;
            _sensor[0x1A] = 0x97;
            _sensor[0x03] = 0x0F;
            _dsp[0x05] = 0x00;             // R_BYPASS: the DSP in the path
            _dsp[0xDA] = 0x00;             // IMAGE_MODE: YUV422
            _dsp[0xC3] = 0xFF;             // CTRL1: every stage on
            _dsp[0x87] = 0xD0;             // CTRL3: BPC and WPC on
            _dsp[0x86] = 0x3D;
            _dsp[0xC0] = 0xC8;             // DSP input and output size: 1600x1200
            _dsp[0xC1] = 0x96;
            _dsp[0x51] = 0x90;
            _dsp[0x52] = 0x2C;
            _dsp[0x55] = 0x88;
            _dsp[0x5A] = 0x90;
            _dsp[0x5B] = 0x2C;
            _dsp[0x5C] = 0x05;
            _dsp[0xD3] = 0x82;
            _chip[0x40] = 0x73;            // ArduChip version
            _doneAtUs = -1;
        }

        public void TransferFullDuplex(byte[] write, byte[] read, int count)
        {
            SpiTransfers++;
            if (SpiFault == SpiFault.Unplugged)
            {
                for (int i = 0; i < count; i++)
                {
                    read[i] = 0xFF;
                }

                return;
            }

            if (SpiFault == SpiFault.Garbage)
            {
                for (int i = 0; i < count; i++)
                {
                    read[i] = (byte)_rng.Next();
                }

                return;
            }

            read[0] = 0;
            byte cmd = write[0];
            if (cmd == 0x3C)               // burst FIFO read
            {
                for (int i = 1; i < count; i++)
                {
                    read[i] = NextFifoByte();
                }

                return;
            }

            if (cmd == 0x3D)               // single FIFO read
            {
                if (count > 1)
                {
                    read[1] = NextFifoByte();
                }

                return;
            }

            if (count < 2)
            {
                return;
            }

            int reg = cmd & 0x7F;
            if ((cmd & 0x80) != 0)
            {
                WriteChip(reg, write[1]);
                read[1] = 0;
            }
            else
            {
                read[1] = ReadChip(reg);
            }
        }

        /// <summary>The byte at the read pointer; beyond what was stored, a frame too large to draw: a fixed pattern.</summary>
        private byte NextFifoByte()
        {
            if (_readPointer >= _fifoLength)
            {
                return 0;
            }

            int i = _readPointer++;
            return i < _fifoStored ? _fifo[i] : (byte)((i & 1) == 0 ? 0x10 : 0x80);
        }

        private void WriteChip(int reg, byte value)
        {
            if (reg == 0x04)
            {
                if ((value & 0x01) != 0)
                {
                    _chip[0x41] &= 0xF7;                         // clear CAP_DONE
                }

                if ((value & 0x10) != 0)
                {
                    _readPointer = 0;
                }

                if ((value & 0x02) != 0)
                {
                    StartCapture();
                }
            }
            else if (reg == 0x07)
            {
                if ((value & 0x80) != 0)
                {
                    _fifoLength = 0;
                    _readPointer = 0;
                    _chip[0x41] = 0;
                    _doneAtUs = -1;
                }
            }
            else
            {
                _chip[reg] = value;
            }
        }

        private long NowMicros
        {
            get { return Clock == null ? 0 : Clock.ElapsedMilliseconds * 1000; }
        }

        private byte ReadChip(int reg)
        {
            if (reg == 0x41 && _doneAtUs >= 0 && !CaptureHangs && NowMicros >= _doneAtUs)
            {
                _chip[0x41] |= 0x08;
                _doneAtUs = -1;
            }

            if (reg == 0x42)
            {
                return (byte)(_fifoLength & 0xFF);
            }

            if (reg == 0x43)
            {
                return (byte)((_fifoLength >> 8) & 0xFF);
            }

            if (reg == 0x44)
            {
                return (byte)((_fifoLength >> 16) & 0x7F);
            }

            return _chip[reg];
        }

        public bool Write(byte[] buffer, int count)
        {
            if (SpiFault == SpiFault.Unplugged)
            {
                return false;              // the whole module is gone: no ACK either
            }

            if (count == 1)
            {
                _sccbAddress = buffer[0];
                return true;
            }

            if (count != 2)
            {
                return false;
            }

            byte reg = buffer[0], value = buffer[1];
            if (reg == 0xFF)
            {
                _bank = value & 1;
                _dsp[0xFF] = value;
                _sensor[0xFF] = value;
                return true;
            }

            Log(_bank, reg, value);
            if (_bank == 1 && reg == 0x12 && (value & 0x80) != 0)
            {
                Resets++;
                PowerOn();
                _dsp[0xFF] = 1;
                _sensor[0xFF] = 1;
                return true;
            }

            if ((_bank == 1 && (reg == 0x0A || reg == 0x0B)) || NoInit)
            {
                return true;               // read-only id; or a chip that keeps its power-on values
            }

            (_bank == 1 ? _sensor : _dsp)[reg] = value;
            return true;
        }

        private void Log(int bank, int reg, int value)
        {
            if (SccbWriteCount >= MaxLoggedWrites)
            {
                SccbWriteCount++;          // counted, not kept: a long run re-initialises the sensor hundreds of times
                return;
            }

            if (3 * (SccbWriteCount + 1) > _log.Length)
            {
                byte[] bigger = new byte[2 * _log.Length];
                Array.Copy(_log, bigger, _log.Length);
                _log = bigger;
            }

            int at = 3 * SccbWriteCount++;
            _log[at] = (byte)bank;
            _log[at + 1] = (byte)reg;
            _log[at + 2] = (byte)value;
        }

        public bool Read(byte[] buffer, int count)
        {
            if (SpiFault == SpiFault.Unplugged)
            {
                return false;
            }

            byte[] bank = _bank == 1 ? _sensor : _dsp;
            for (int i = 0; i < count; i++)
            {
                buffer[i] = bank[(_sccbAddress + i) & 0xFF];
            }

            return true;
        }

        /// <summary>Capture: the frame starting after this moment, done one frame period later.</summary>
        private void StartCapture()
        {
            _readPointer = 0;
            long period = FramePeriodMicros;
            long now = NowMicros;
            _doneAtUs = Clock == null ? 0 : (((now / period) + 2) * period);
            Frames++;
            BrightnessPpm = (int)(BrightnessPpm - ((long)BrightnessPpm * DriftPpmPerFrame / 1000000));
            if (FrozenFrame && _frozenValid)
            {
                _readPointer = 0;
                return;                    // the FIFO still holds the last frame
            }

            _frozenValid = FrozenFrame;
            if (_replay.Full && _replay.Serve(_fifo, _fifoStored))
            {
                _fifoLength = _fifoStored;                          // an old frame again
                return;
            }

            Render();
            int part = (int)((long)_fifoStored * _partialPercent / 100);
            if (_partial.Full)
            {
                _partial.Serve(_fifo, part);                        // the top of the frame from an old capture
            }
            else
            {
                _partial.Keep(_fifo, part);
            }

            _replay.Keep(_fifo, _fifoStored);
        }

        /// <summary>The first K captures (or their first bytes) kept fresh, then served again in a cycle (replay knobs).</summary>
        private sealed class CaptureRing
        {
            private readonly byte[][] _old;
            private int _filled, _next;

            public CaptureRing(int cycle)
            {
                _old = new byte[cycle < 0 ? 0 : cycle][];
            }

            public int Cycle
            {
                get { return _old.Length; }
            }

            public bool Full
            {
                get { return _old.Length > 0 && _filled == _old.Length; }
            }

            /// <summary>Keeps the first <paramref name="count"/> bytes of a fresh capture while the ring is not full.</summary>
            public void Keep(byte[] fifo, int count)
            {
                if (_filled < _old.Length && count > 0)
                {
                    byte[] copy = new byte[count];
                    Array.Copy(fifo, 0, copy, 0, count);
                    _old[_filled++] = copy;
                }
            }

            /// <summary>Writes the next old capture over the first <paramref name="count"/> bytes; false when its size differs (another frame size).</summary>
            public bool Serve(byte[] fifo, int count)
            {
                byte[] old = _old[_next];
                if (old.Length != count)
                {
                    return false;
                }

                Array.Copy(old, 0, fifo, 0, count);
                _next = (_next + 1) % _old.Length;
                return true;
            }
        }

        /// <summary>What the chip sends to the FIFO for its current registers.</summary>
        private void Render()
        {
            _fifoLength = 0;
            _fifoStored = 0;
            int w = WindowWidth, h = WindowHeight;
            int minW = AcceptsTestSizes ? 2 : MinWidth, minH = AcceptsTestSizes ? 2 : MinHeight;
            bool windowOk = UxgaReadout && HStart >= HStartUxga && HEnd <= HEndUxga && VStart >= VStartUxga && VEnd <= VEndUxga
                && w >= minW && h >= minH;
            if (!windowOk || (_dsp[0xE0] & 0x04) != 0)
            {
                return;                    // no HREF in the window (or the DVP held in reset): the FIFO stays empty
            }

            bool bypass = DspBypassed;
            int ow = bypass ? w : Width, oh = bypass ? h : Height;
            bool scaledOk = bypass || (ow >= minW && oh >= minH && ow <= w && oh <= h);
            if (!scaledOk)
            {
                return;                    // the DSP scales down only, and not below 40x30
            }

            int mode = (_dsp[0xDA] & 0x10) != 0 ? 3 : (_dsp[0xDA] >> 2) & 3;      // 0 YUV422, 1 RAW10, 2 RGB565, 3 JPEG
            int bytesPerPixel = bypass || mode == 1 ? 1 : 2;
            long total = mode == 3 && !bypass ? 1024L * (((long)ow * oh / 8192) + 1) : (long)ow * oh * bytesPerPixel;
            if ((long)w * h > MaxDrawnPixels || (long)ow * oh > MaxDrawnPixels)
            {
                _fifoLength = (int)total;  // too large to draw (the power-on UXGA frame): only its length and a pattern
                return;
            }

            EnsureBuffers(w * h, (int)total + FifoPadding);
            int light = LedDead ? 0 : LedSaturated ? 4000000 : (int)((long)Duty * 100 * BrightnessPpm / 1000000);
            if (!ManualExposure)
            {
                light = 500000;            // automatic exposure: the chip sets the light level, not the LED
            }

            _pixels.Draw(_z, w * h, light, Exposure);
            int n = ow * oh;
            ushort[] z = _z;
            if (!bypass)
            {
                Dsp(w, h, ow, oh);
                z = _y;
            }

            if (mode == 3 && !bypass)
            {
                for (int i = 0; i < total; i++)
                {
                    _fifo[i] = (byte)(i == 0 ? 0xFF : i == 1 ? 0xD8 : i == total - 2 ? 0xFF : i == total - 1 ? 0xD9 : 0x00);
                }

                _fifoLength = _fifoStored = (int)total;
                return;
            }

            if (bytesPerPixel == 2)
            {
                for (int i = 0; i < n; i++)
                {
                    _fifo[2 * i] = (byte)(z[i] >> 2);                 // YUV422 / RGB565: two bytes a pixel, colour made up
                    _fifo[(2 * i) + 1] = 0x80;
                }

                _fifoLength = _fifoStored = 2 * n;
                return;
            }

            Pixels(z, n, bypass);
            for (int i = n; i < n + FifoPadding; i++)
            {
                _fifo[i] = 0;
            }

            _fifoLength = _fifoStored = n + FifoPadding;
        }

        private void EnsureBuffers(int pixels, int bytes)
        {
            if (_z.Length < pixels)
            {
                _z = new ushort[pixels];
                _y = new ushort[pixels];
            }

            if (_fifo.Length < bytes)
            {
                _fifo = new byte[bytes];
                _frozenValid = false;
            }
        }

        /// <summary>The raw path's faults, then the FIFO byte: Y[9:2] when bypassed, the 10-to-8 transfer (rounding) through the DSP.</summary>
        private void Pixels(ushort[] source, int n, bool bypass)
        {
            if (DspAveraging)
            {
                for (int i = 0; i + 1 < n; i++)
                {
                    source[i] = (ushort)((source[i] + source[i + 1]) >> 1);       // each pixel with its right-hand neighbour
                }
            }

            int stuck = ~StuckBitsMask & 0xFF, gain = DigitalGain;
            for (int i = 0; i < n; i++)
            {
                int z = source[i] * gain;
                if (z > 1023)
                {
                    z = 1023;
                }

                if (IsOneOf(i, DeadPixel, DeadPixelCount))
                {
                    z = 0;
                }
                else if (IsOneOf(i, HotPixel, HotPixelCount))
                {
                    z = 1023;
                }

                int b = bypass ? z >> 2 : (z + 2) >> 2;           // the FIFO is wired to Y[9:2]; the DSP rounds
                if (b > 255)
                {
                    b = 255;
                }

                if (SymbolBiasPpm > 0 && (int)(_rng.Next() % 1000000) < SymbolBiasPpm)
                {
                    b &= 0xFC;
                }

                _fifo[i] = (byte)(b & stuck);
            }
        }

        /// <summary>
        /// The DSP's stages on a w x h raw frame into an ow x oh one in <c>_y</c>: white/black pixel cancelling (CTRL3
        /// bits 6/7), lens correction, AWB gain, digital gain, raw gamma (CTRL1 bits 1, 2, 4, 5), scaling to the output
        /// size (averaging), and de-noise (the average with the next pixel of the same colour), which no register turns
        /// off. A model of what such stages do, not OmniVision's algorithms.
        /// </summary>
        private void Dsp(int w, int h, int ow, int oh)
        {
            ushort[] z = _z;
            int ctrl1 = _dsp[0xC3], ctrl3 = _dsp[0x87];
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    int i = (y * w) + x;
                    int v = z[i];
                    if ((ctrl3 & 0xC0) != 0 && x >= 2 && x + 2 < w)
                    {
                        int a = z[i - 2], b = z[i + 2];
                        int hi = a > b ? a : b, lo = a < b ? a : b;
                        if ((ctrl3 & 0x40) != 0 && v > hi + 64)
                        {
                            v = hi;                              // WPC: a white pixel takes its neighbours' level
                        }
                        else if ((ctrl3 & 0x80) != 0 && v < lo - 64)
                        {
                            v = lo;                              // BPC
                        }
                    }

                    if ((ctrl1 & 0x02) != 0)
                    {
                        int dx = (2 * x) - w, dy = (2 * y) - h;
                        long r2 = ((long)dx * dx) + ((long)dy * dy), max = ((long)w * w) + ((long)h * h);
                        v = (int)(v * (1024 + (256 * r2 / max)) / 1024);     // LENC: up to +25 % at the corners
                    }

                    if ((ctrl1 & 0x04) != 0)
                    {
                        bool evenRow = (y & 1) == 0, evenCol = (x & 1) == 0;
                        v = evenRow && evenCol ? v * 3 / 2 : !evenRow && !evenCol ? v * 5 / 4 : v;   // AWB gain: B, R (BGGR)
                    }

                    if ((ctrl1 & 0x10) != 0)
                    {
                        v *= 2;                                  // DG
                    }

                    v = v > 1023 ? 1023 : v;
                    if ((ctrl1 & 0x20) != 0)
                    {
                        v = (int)ShotNoiseSource.Sqrt((uint)(v * 1023));    // raw gamma 1/2
                    }

                    z[i] = (ushort)v;
                }
            }

            for (int y = 0; y < oh; y++)
            {
                int y0 = y * h / oh, y1 = ((y + 1) * h / oh) - 1;
                for (int x = 0; x < ow; x++)
                {
                    int x0 = x * w / ow, x1 = ((x + 1) * w / ow) - 1, sum = 0, count = 0;
                    for (int yy = y0; yy <= y1; yy++)
                    {
                        for (int xx = x0; xx <= x1; xx++)
                        {
                            sum += z[(yy * w) + xx];
                            count++;
                        }
                    }

                    _y[(y * ow) + x] = (ushort)(sum / count);
                }
            }

            for (int y = 0; y < oh; y++)
            {
                for (int x = 0; x + 2 < ow; x++)
                {
                    int i = (y * ow) + x;
                    _y[i] = (ushort)((_y[i] + _y[i + 2]) >> 1);     // de-noise
                }
            }
        }

        private static bool IsOneOf(int pixel, int first, int count)
        {
            return first >= 0 && pixel >= first && (pixel - first) % 7 == 0 && (pixel - first) / 7 < count;
        }
    }
}
