using Qrng.Drivers;
using Qrng.Firmware;
using Qrng.Model;

namespace Qrng.VirtualBoard;

/// <summary>The LED's PWM input: the duty goes straight to the emulated module's light level.</summary>
public sealed class VirtualLed(VirtualArduCam camera) : IPwmOutput
{
    public int Duty => camera.Duty;

    public void SetDuty(int duty) => camera.Duty = duty;
}

/// <summary>No waiting on the virtual board; counts what the firmware would have slept.</summary>
public sealed class NoDelay : IDelay
{
    public long Milliseconds { get; private set; }

    void IDelay.Milliseconds(int ms) => Milliseconds += ms;
}

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
/// An ESP32 with the ArduCAM module, the LED and the UART, all virtual, running the firmware's application loop
/// (Firmware/App.cs and QrngEngine.cs, the files the device runs) through the real driver (Drivers/ArduCamOv2640.cs).
/// Only Program.Main's pin wiring (Esp32Board.cs) is not run here.
/// </summary>
public sealed class Board
{
    /// <param name="log">where the device's status lines go; null = nowhere (no allocation per report)</param>
    public Board(FirmwareConfig config, IByteSink uart, int seed, NoiseParams noise = null, double efficiencySpread = 0.05, ILog log = null)
    {
        Config = config;
        Camera = new VirtualArduCam(seed, SensorParams.Paper, noise ?? NoiseParams.TableI(1), efficiencySpread);
        Led = new VirtualLed(Camera);
        Delay = new NoDelay();
        Driver = new ArduCamOv2640(Camera, Camera, Delay, config.Width, config.Height) { Exposure = config.Exposure };
        App = new App(Driver, Led, uart, Delay, log, config);
        Engine = App.Engine;
    }

    public App App { get; }

    public FirmwareConfig Config { get; }
    public VirtualArduCam Camera { get; }
    public VirtualLed Led { get; }
    public NoDelay Delay { get; }
    public ArduCamOv2640 Driver { get; }
    public QrngEngine Engine { get; }
    public EngineStatus Status => Engine.Status;

    /// <summary>One iteration of the firmware's loop (App.Tick).</summary>
    public void Step() => App.Tick();

    /// <summary>Steps until the sink is full or maxFrames frames were attempted; reports progress every frame.</summary>
    public bool RunUntil(StreamSink sink, long maxFrames, Action<Board> progress = null)
    {
        for (long f = 0; f < maxFrames && !sink.Full; f++)
        {
            App.Tick();
            progress?.Invoke(this);
        }
        return sink.Full;
    }
}
