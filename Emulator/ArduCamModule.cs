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
    /// registers, capture and FIFO burst reads, and the OV2640's SCCB register banks (id, RAW mode, output size,
    /// exposure), exactly as Drivers/ArduCamOv2640.cs talks to them. Pixels come from an <see cref="IPixelSource"/>:
    /// the paper's physics on the host (VirtualBoard), a portable shot-noise model on nanoCLR. The FIFO holds each
    /// pixel's Y[9:2]. Fault knobs act where the fault would: on the light, the pixels, the FIFO, the SPI lines.
    /// </summary>
    public class ArduCamModule : ISpiBus, II2cBus
    {
        private readonly IPixelSource _pixels;
        private readonly XorShift _rng;
        private readonly byte[] _chip = new byte[128];         // ArduChip registers
        private readonly byte[] _dsp = new byte[256];          // OV2640 bank 0 (DSP)
        private readonly byte[] _sensor = new byte[256];       // OV2640 bank 1 (sensor)
        private ushort[] _z = new ushort[0];
        private byte[] _fifo = new byte[0];
        private byte[][] _replay = new byte[0][];
        private int _replayFilled, _replayNext;
        private int _fifoLength, _readPointer, _capturePolls, _sccbAddress;
        private bool _frozenValid;

        public ArduCamModule(IPixelSource pixels, uint seed)
        {
            _pixels = pixels;
            _rng = new XorShift(seed);
            CapturePolls = 2;
            SensorId = 0x26;
            DeadPixel = -1;
            HotPixel = -1;
            DeadPixelCount = 1;
            HotPixelCount = 1;
            DigitalGain = 1;
            BrightnessPpm = 1000000;
            PowerOn();
        }

        /// <summary>The LED's PWM duty, 0..10000, as the firmware set it.</summary>
        public int Duty { get; set; }

        /// <summary>Status polls a capture takes before CAP_DONE.</summary>
        public int CapturePolls { get; set; }

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
            get { return _replay.Length; }
            set
            {
                _replay = new byte[value < 0 ? 0 : value][];
                _replayFilled = 0;
                _replayNext = 0;
            }
        }

        /// <summary>The OV2640's DSP scaler averages each pixel with its neighbour (the noise halves; docs/hardware.md).</summary>
        public bool DspAveraging { get; set; }

        /// <summary>The DSP's digital gain: 1 = none, 2 doubles every code (the noise grows twice as fast as the mean).</summary>
        public int DigitalGain { get; set; }

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

        // what the driver configured
        public bool RawMode
        {
            get { return _dsp[0xDA] == 0x04; }
        }

        public int Width
        {
            get { return _dsp[0x5A] * 4; }
        }

        public int Height
        {
            get { return _dsp[0x5B] * 4; }
        }

        public int Exposure
        {
            get { return ((_sensor[0x45] & 0x3F) << 10) | (_sensor[0x10] << 2) | (_sensor[0x04] & 3); }
        }

        public bool ManualExposure
        {
            get { return (_sensor[0x13] & 0x05) == 0; }
        }

        public long Frames { get; private set; }

        /// <summary>Software resets of the sensor (COM7 bit 7): the driver's Initialize.</summary>
        public long Resets { get; private set; }

        public long SpiTransfers { get; private set; }

        private void PowerOn()
        {
            Array.Clear(_chip, 0, _chip.Length);
            Array.Clear(_dsp, 0, _dsp.Length);
            Array.Clear(_sensor, 0, _sensor.Length);
            _sensor[0x0A] = SensorId;      // PID
            _sensor[0x0B] = 0x42;          // VER
            _sensor[0x04] = 0x28;          // REG04 default (HREF enable)
            _sensor[0x13] = 0xC7;          // COM8: AEC/AGC on after reset
            _dsp[0xDA] = 0x10;             // IMAGE_MODE: JPEG until told otherwise
            _dsp[0x87] = 0xD0;
            _chip[0x40] = 0x73;            // ArduChip version
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
                    read[i] = _readPointer < _fifoLength ? _fifo[_readPointer++] : (byte)0;
                }

                return;
            }

            if (cmd == 0x3D)               // single FIFO read
            {
                if (count > 1)
                {
                    read[1] = _readPointer < _fifoLength ? _fifo[_readPointer++] : (byte)0;
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
                }
            }
            else
            {
                _chip[reg] = value;
            }
        }

        private byte ReadChip(int reg)
        {
            if (reg == 0x41 && _capturePolls > 0 && !CaptureHangs && --_capturePolls == 0)
            {
                _chip[0x41] |= 0x08;
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
                _dsp[0xFF] = value;
                _sensor[0xFF] = value;
                return true;
            }

            bool sensorBank = (_dsp[0xFF] & 1) == 1;
            if (sensorBank && reg == 0x12 && (value & 0x80) != 0)
            {
                Resets++;
                PowerOn();
                _dsp[0xFF] = 1;
                _sensor[0xFF] = 1;
                return true;
            }

            if (sensorBank && (reg == 0x0A || reg == 0x0B))
            {
                return true;               // read-only id
            }

            (sensorBank ? _sensor : _dsp)[reg] = value;
            return true;
        }

        public bool Read(byte[] buffer, int count)
        {
            if (SpiFault == SpiFault.Unplugged)
            {
                return false;
            }

            byte[] bank = (_dsp[0xFF] & 1) == 1 ? _sensor : _dsp;
            for (int i = 0; i < count; i++)
            {
                buffer[i] = bank[(_sccbAddress + i) & 0xFF];
            }

            return true;
        }

        private void StartCapture()
        {
            _capturePolls = CapturePolls;
            _readPointer = 0;
            int n = Width * Height;
            if (_fifo.Length < n)
            {
                _fifo = new byte[n];
                _z = new ushort[n];
                _frozenValid = false;
            }

            _fifoLength = n;
            Frames++;
            BrightnessPpm = (int)(BrightnessPpm - ((long)BrightnessPpm * DriftPpmPerFrame / 1000000));
            if (FrozenFrame && _frozenValid)
            {
                return;                    // the FIFO still holds the last frame
            }

            _frozenValid = FrozenFrame;
            if (_replay.Length > 0 && _replayFilled == _replay.Length)
            {
                Array.Copy(_replay[_replayNext], 0, _fifo, 0, n);     // an old frame again
                _replayNext = (_replayNext + 1) % _replay.Length;
                return;
            }

            Fill(n);
            if (_replay.Length > 0)
            {
                byte[] copy = new byte[n];
                Array.Copy(_fifo, 0, copy, 0, n);
                _replay[_replayFilled++] = copy;
            }
        }

        private void Fill(int n)
        {
            if (!RawMode)
            {
                for (int i = 0; i < n; i++)
                {
                    _fifo[i] = 0x55;       // not the RAW path: a fixed pattern, nothing physical
                }

                return;
            }

            int light = LedDead ? 0 : LedSaturated ? 4000000 : (int)((long)Duty * 100 * BrightnessPpm / 1000000);
            _pixels.Draw(_z, n, light, Exposure);
            if (DspAveraging)
            {
                for (int i = 0; i + 1 < n; i++)
                {
                    _z[i] = (ushort)((_z[i] + _z[i + 1]) >> 1);       // each pixel with its right-hand neighbour
                }
            }

            int stuck = ~StuckBitsMask & 0xFF, gain = DigitalGain;
            for (int i = 0; i < n; i++)
            {
                int z = _z[i] * gain;
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

                int b = z >> 2;                                  // the FIFO sees Y[9:2]
                if (SymbolBiasPpm > 0 && (int)(_rng.Next() % 1000000) < SymbolBiasPpm)
                {
                    b &= 0xFC;
                }

                _fifo[i] = (byte)(b & stuck);
            }
        }

        private static bool IsOneOf(int pixel, int first, int count)
        {
            return first >= 0 && pixel >= first && (pixel - first) % 7 == 0 && (pixel - first) / 7 < count;
        }
    }
}
