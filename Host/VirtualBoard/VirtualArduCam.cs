using Qrng.Drivers;
using Qrng.Model;

namespace Qrng.VirtualBoard;

/// <summary>Fault knobs of the virtual board (docs/virtual-board.md).</summary>
public enum SpiFault { None, Garbage, Unplugged }

/// <summary>
/// An ArduCAM Mini 2MP Plus at the byte level: the ArduChip's SPI registers, capture and FIFO burst reads, and the
/// OV2640's SCCB registers (banks, id, RAW mode, output size). Frames come from the paper's pixel model with
/// μe = η_i · duty · FullScaleMuE · drift: Z = clamp(floor(K·(Ne + Nd) + R)), and the FIFO holds Z >> 2 (Y[9:2]).
/// </summary>
public sealed class VirtualArduCam : ISpiBus, II2cBus
{
    private readonly FastSampler _rng;
    private readonly PixelSampler _pixel;
    private readonly byte[] _chip = new byte[128];       // ArduChip registers
    private readonly byte[][] _banks = [new byte[256], new byte[256]];
    private byte[] _fifo = [];
    private int _fifoLength, _readPointer, _capturePolls, _sccbAddress;
    private double[] _efficiency = [];
    private bool _frozenValid;

    public VirtualArduCam(int seed, SensorParams sensor, NoiseParams noise, double efficiencySpread = 0.05)
    {
        _rng = new FastSampler(seed);
        _pixel = new PixelSampler(sensor, noise, _rng);
        Sensor = sensor;
        Noise = noise;
        EfficiencySpread = efficiencySpread;
        PowerOn();
    }

    public SensorParams Sensor { get; }
    public NoiseParams Noise { get; }
    public double EfficiencySpread { get; }

    /// <summary>μe of a pixel of efficiency 1 at 100 % duty (the LED at full current).</summary>
    public double FullScaleMuE { get; set; } = 1250;
    /// <summary>The LED's PWM duty, 0..10000, as the firmware set it.</summary>
    public int Duty { get; set; }
    /// <summary>Status polls a capture takes before CAP_DONE.</summary>
    public int CapturePolls { get; set; } = 2;

    // fault knobs
    public bool LedDead { get; set; }
    public bool LedSaturated { get; set; }
    public bool FrozenFrame { get; set; }
    public int DeadPixel { get; set; } = -1;
    public int HotPixel { get; set; } = -1;
    public SpiFault SpiFault { get; set; }
    public bool CaptureHangs { get; set; }
    /// <summary>FIFO data bits forced to 0 (a data line shorted to ground): 0x03 = Y3 and Y2 (ADC bits 3-2, the RCT's
    /// case), 0x02 = Y3 only (bits 2-3 take two values: the APT's case).</summary>
    public int StuckBitsMask { get; set; }
    /// <summary>Probability that a pixel's bits 2-3 read 00 regardless of the light (a biased ADC; the APT's case).</summary>
    public double SymbolBias { get; set; }
    /// <summary>What the sensor's PID register (0x0A) answers: 0x26 for an OV2640.</summary>
    public byte SensorId { get; set; } = 0x26;
    /// <summary>Relative LED output lost per frame (slow aging), compounded.</summary>
    public double DriftPerFrame { get; set; }
    public double Brightness { get; private set; } = 1;

    /// <summary>The fault knobs by name (what `qrng stream --fault` takes and the tests switch).</summary>
    public static readonly string[] Knobs =
        ["led-dead", "led-saturated", "frozen", "dead-pixel", "hot-pixel", "spi-garbage", "unplugged", "capture-hangs", "stuck-bits", "bit3-stuck", "drift"];

    /// <summary>Switches a named fault knob on or off.</summary>
    public void SetFault(string knob, bool on)
    {
        switch (knob)
        {
            case "led-dead": LedDead = on; break;
            case "led-saturated": LedSaturated = on; break;
            case "frozen": FrozenFrame = on; break;
            case "dead-pixel": DeadPixel = on ? 5 : -1; break;
            case "hot-pixel": HotPixel = on ? 9 : -1; break;
            case "spi-garbage": SpiFault = on ? SpiFault.Garbage : SpiFault.None; break;
            case "unplugged": SpiFault = on ? SpiFault.Unplugged : SpiFault.None; break;
            case "capture-hangs": CaptureHangs = on; break;
            case "stuck-bits": StuckBitsMask = on ? 0x03 : 0; break;
            case "bit3-stuck": StuckBitsMask = on ? 0x02 : 0; break;
            case "drift": DriftPerFrame = on ? 0.002 : 0; break;
            default: throw new ArgumentException($"unknown knob '{knob}'; known: {string.Join(", ", Knobs)}");
        }
    }

    // what the driver configured
    public bool RawMode => _banks[0][0xDA] == 0x04;
    public int Width => _banks[0][0x5A] * 4;
    public int Height => _banks[0][0x5B] * 4;
    public int Exposure => (_banks[1][0x45] & 0x3F) << 10 | _banks[1][0x10] << 2 | (_banks[1][0x04] & 3);
    public bool ManualExposure => (_banks[1][0x13] & 0x05) == 0;
    public long Frames { get; private set; }
    public long SpiTransfers { get; private set; }

    private void PowerOn()
    {
        Array.Clear(_chip);
        Array.Clear(_banks[0]);
        Array.Clear(_banks[1]);
        _banks[1][0x0A] = SensorId;              // PID
        _banks[1][0x0B] = 0x42;                  // VER
        _banks[1][0x04] = 0x28;                  // REG04 default (HREF enable)
        _banks[1][0x13] = 0xC7;                  // COM8: AEC/AGC on after reset
        _banks[0][0xDA] = 0x10;                  // IMAGE_MODE: JPEG until told otherwise
        _banks[0][0x87] = 0xD0;
        _chip[0x40] = 0x73;                      // ArduChip version
    }

    public void TransferFullDuplex(byte[] write, byte[] read, int count)
    {
        SpiTransfers++;
        if (SpiFault == SpiFault.Unplugged) { Array.Fill(read, (byte)0xFF, 0, count); return; }
        if (SpiFault == SpiFault.Garbage) { for (int i = 0; i < count; i++) read[i] = (byte)_rng.NextByte(); return; }
        read[0] = 0;
        byte cmd = write[0];
        if (cmd == 0x3C)                          // burst FIFO read
        {
            for (int i = 1; i < count; i++) read[i] = _readPointer < _fifoLength ? _fifo[_readPointer++] : (byte)0;
            return;
        }
        if (cmd == 0x3D)                          // single FIFO read
        {
            if (count > 1) read[1] = _readPointer < _fifoLength ? _fifo[_readPointer++] : (byte)0;
            return;
        }
        if (count < 2) return;
        int reg = cmd & 0x7F;
        if ((cmd & 0x80) != 0) { WriteChip(reg, write[1]); read[1] = 0; }
        else read[1] = ReadChip(reg);
    }

    private void WriteChip(int reg, byte value)
    {
        switch (reg)
        {
            case 0x04:
                if ((value & 0x01) != 0) _chip[0x41] &= 0xF7 & 0xFF;             // clear CAP_DONE
                if ((value & 0x10) != 0) _readPointer = 0;
                if ((value & 0x02) != 0) StartCapture();
                return;
            case 0x07:
                if ((value & 0x80) != 0) { _fifoLength = 0; _readPointer = 0; _chip[0x41] = 0; }
                return;
            default:
                _chip[reg] = value;
                return;
        }
    }

    private byte ReadChip(int reg)
    {
        if (reg == 0x41 && _capturePolls > 0 && !CaptureHangs && --_capturePolls == 0) _chip[0x41] |= 0x08;
        return reg switch
        {
            0x42 => (byte)(_fifoLength & 0xFF),
            0x43 => (byte)((_fifoLength >> 8) & 0xFF),
            0x44 => (byte)((_fifoLength >> 16) & 0x7F),
            _ => _chip[reg],
        };
    }

    public bool Write(byte[] buffer, int count)
    {
        if (SpiFault == SpiFault.Unplugged) return false;   // the whole module is gone: no ACK either
        if (count == 1) { _sccbAddress = buffer[0]; return true; }
        if (count != 2) return false;
        byte reg = buffer[0], value = buffer[1];
        if (reg == 0xFF) { _banks[0][0xFF] = _banks[1][0xFF] = value; return true; }
        int bank = _banks[0][0xFF] & 1;
        if (bank == 1 && reg == 0x12 && (value & 0x80) != 0) { PowerOn(); _banks[0][0xFF] = _banks[1][0xFF] = 1; return true; }
        if (bank == 1 && (reg == 0x0A || reg == 0x0B)) return true;     // read-only id
        _banks[bank][reg] = value;
        return true;
    }

    public bool Read(byte[] buffer, int count)
    {
        if (SpiFault == SpiFault.Unplugged) return false;
        int bank = _banks[0][0xFF] & 1;
        for (int i = 0; i < count; i++) buffer[i] = _banks[bank][(_sccbAddress + i) & 0xFF];
        return true;
    }

    private void StartCapture()
    {
        _capturePolls = CapturePolls;
        _readPointer = 0;
        int n = Width * Height;
        if (_fifo.Length < n) _fifo = new byte[n];
        if (_efficiency.Length != n)
        {
            _efficiency = new double[n];
            for (int i = 0; i < n; i++) _efficiency[i] = Math.Max(0.05, 1 + EfficiencySpread * _rng.Gaussian());
            _frozenValid = false;
        }
        _fifoLength = n;
        Frames++;
        Brightness *= 1 - DriftPerFrame;
        if (FrozenFrame && _frozenValid) return;              // the FIFO still holds the last frame
        _frozenValid = FrozenFrame;
        if (!RawMode)
        {
            Array.Fill(_fifo, (byte)0x55, 0, n);               // not the RAW path: a fixed pattern, nothing physical
            return;
        }
        double exposureScale = Exposure / 256.0;
        double light = LedDead ? 0 : LedSaturated ? 4 : Duty / 10000.0 * Brightness;
        for (int i = 0; i < n; i++)
        {
            int z = _pixel.Sample(_efficiency[i] * light * FullScaleMuE * exposureScale);
            if (i == DeadPixel) z = 0;
            if (i == HotPixel) z = Sensor.AdcMax;
            byte b = (byte)(z >> 2);                           // the FIFO sees Y[9:2]
            if (SymbolBias > 0 && _rng.NextDouble() < SymbolBias) b &= 0xFC;
            b &= (byte)~StuckBitsMask;
            _fifo[i] = b;
        }
    }
}
