using Qrng.Drivers;
using Qrng.Emulator;
using Qrng.Firmware;
using Qrng.Model;

namespace Qrng.VirtualBoard;

/// <summary>
/// The UART: bytes go to a stream (file, stdout, pseudo-terminal), at most Limit of them. A failure of the host's
/// stream (disk full, reader gone) is the host's problem, not the firmware's: it is kept in Error, the sink stops
/// taking bytes and <see cref="Board.RunUntil"/> ends.
/// </summary>
public sealed class StreamSink(Stream target, long limit) : IByteSink
{
    public long Written { get; private set; }
    public long Limit { get; } = limit;
    public Exception Error { get; private set; }
    public bool Full => Written >= Limit || Error != null;

    public void Write(byte[] buffer, int offset, int count)
    {
        int n = (int)Math.Min(count, Limit - Written);
        if (n <= 0 || Error != null) return;
        try
        {
            target.Write(buffer, offset, n);
            Written += n;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            Error = e;
        }
    }
}

/// <summary>The device's status lines, kept (the board prints them on its debug channel).</summary>
public sealed class LineLog : ILog
{
    public List<string> Lines { get; } = [];

    public void Line(string text) => Lines.Add(text);
}

/// <summary>
/// An ESP32 with the ArduCAM module, the LED and the UART, all virtual (Emulator/EmulatedBoard.cs) with the paper's
/// pixel physics: the firmware's application loop (Firmware/App.cs and QrngEngine.cs, the files the device runs)
/// through the real driver (Drivers/ArduCamOv2640.cs). Only Esp32/ (pin wiring, adapters) is not run here.
/// </summary>
public sealed class Board
{
    private readonly EmulatedBoard _board;

    /// <param name="log">where the device's status lines go; null = nowhere (no allocation per report)</param>
    /// <param name="protocolClock">the serial protocol's clock (EmulatedBoard); null = the board's emulated clock</param>
    /// <param name="sensor">
    /// the sensor's physics (`--sensor FILE`); null = the paper's chip with <paramref name="noise"/> and
    /// <paramref name="efficiencySpread"/>. A 10-bit sensor is read without the ArduCAM module (<see cref="TenBitSensor"/>:
    /// no <see cref="Camera"/>, no fault knobs), and a configuration that keeps the ArduCAM's noise.quantum = 4 runs with 1.
    /// </param>
    public Board(FirmwareConfig config, IByteSink uart, int seed, NoiseParams noise = null, double efficiencySpread = 0.05, ILog log = null, IClock protocolClock = null, SensorDescription sensor = null)
    {
        if (sensor is { AdcBitsOut: 10 })
        {
            if (config.NoiseQuantum == 4)
            {
                config = config.Copy();
                config.NoiseQuantum = 1;
            }

            var delay = new CountingDelay();
            TenBit = new TenBitSensor(new PhysicsPixelSource(seed, sensor), config.PixelCount, config.Exposure, delay);
            _board = new EmulatedBoard(config, TenBit, TenBit, delay, uart, log, protocolClock);
            return;
        }

        Camera = sensor != null ? new VirtualArduCam(seed, sensor) : new VirtualArduCam(seed, SensorParams.Paper, noise ?? NoiseParams.TableI(1), efficiencySpread);
        _board = new EmulatedBoard(config, Camera, uart, log, protocolClock);
    }

    /// <summary>The 10-bit sensor of a board described with adc_bits_out = 10, else null (the board has <see cref="Camera"/>).</summary>
    public TenBitSensor TenBit { get; }

    /// <summary>Microseconds a frame takes on the board's clock.</summary>
    public long FramePeriodMicros => Camera != null ? Camera.FramePeriodMicros : TenBitSensor.FrameMs * 1000L;

    public App App => _board.App;
    public FirmwareConfig Config => _board.Config;
    public VirtualArduCam Camera { get; }
    public ModuleLed Led => _board.Led;
    public CountingDelay Delay => _board.Delay;
    public ArduCamOv2640 Driver => _board.Driver;
    public QrngEngine Engine => _board.Engine;
    public EngineStatus Status => Engine.Status;

    /// <summary>One iteration of the firmware's loop (App.Tick).</summary>
    public void Step() => _board.Step();

    /// <summary>Steps until the sink is full or maxFrames frames were attempted; reports progress every frame.</summary>
    public bool RunUntil(StreamSink sink, long maxFrames, Action<Board> progress = null)
    {
        for (long f = 0; f < maxFrames && !sink.Full; f++)
        {
            _board.Step();
            progress?.Invoke(this);
        }
        return sink.Full;
    }
}
