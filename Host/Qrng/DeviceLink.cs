using System.Diagnostics;
using Qrng.Drivers;
using Qrng.Emulator;
using Qrng.Firmware;
using Qrng.VirtualBoard;

namespace Qrng.Cli;

/// <summary>
/// The host's end of the line to a device: bytes out, bytes in with a time-out, a clock the time-outs run on, and a
/// hang-up that ends everything (<see cref="DeviceGoneException"/>). A serial port runs on the wall clock; the
/// in-process virtual board on its own emulated clock (time passes as it steps).
/// </summary>
public interface IDeviceLink : IDisposable
{
    /// <summary>What the user knows the device by: the port's path, or "virtual board".</summary>
    string Name { get; }

    /// <summary>True for the in-process virtual board (a seeded simulation).</summary>
    bool IsVirtual { get; }

    /// <summary>Milliseconds on the link's clock.</summary>
    long NowMs { get; }

    void Write(byte[] buffer, int offset, int count);

    /// <summary>Up to <paramref name="count"/> bytes into buffer[0..]; 0 when none came within <paramref name="timeoutMs"/> of the link's clock.</summary>
    int Read(byte[] buffer, int count, int timeoutMs);

    /// <summary>The device switched its UART to another rate (CONFIG SET uart.baud): follow it.</summary>
    void SetBaud(int baud);
}

/// <summary>The wall clock, for a virtual board served to programs that run on it (<see cref="PtyBoard"/>).</summary>
public sealed class WallClock : IClock
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public long ElapsedMilliseconds => _clock.ElapsedMilliseconds;
}

/// <summary>A serial port (or the slave of a pseudo-terminal) as a device link, on the wall clock.</summary>
public sealed class SerialLink(SerialDevice port, string path) : IDeviceLink
{
    /// <summary>How long a write may wait for room in the port's buffer.</summary>
    public const int WriteTimeoutMs = 5000;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public string Name => path;

    public bool IsVirtual => false;

    public long NowMs => _clock.ElapsedMilliseconds;

    public static SerialLink Open(string path, int baud) => new(SerialDevice.Open(path, baud), path);

    public void Write(byte[] buffer, int offset, int count)
    {
        try
        {
            port.Write(buffer, offset, count, WriteTimeoutMs);
        }
        catch (TimeoutException e)
        {
            throw new DeviceException(QrngCli.Timeout, $"{path}: {e.Message} (hardware flow control, or the adapter hangs)");
        }
    }

    public int Read(byte[] buffer, int count, int timeoutMs) => port.Read(buffer, count, Math.Max(0, timeoutMs));

    public void SetBaud(int baud) => port.SetBaud(baud);

    public void Dispose() => port.Dispose();
}

/// <summary>
/// The virtual board in this process, reached through an in-process line (<see cref="LoopbackLink"/>): reading steps
/// the board's loop until it has sent something or the time-out has passed on its emulated clock
/// (its uptime: what the firmware slept, which includes waiting for each capture's frame time, and one second per idle tick).
/// </summary>
public sealed class VirtualLink : IDeviceLink
{
    private readonly LoopbackLink _line;
    private readonly IClock _clock;

    public VirtualLink(Board board, LoopbackLink line)
    {
        Board = board;
        _line = line;
        _clock = board.Delay;
    }

    public Board Board { get; }

    public string Name => "virtual board";

    public bool IsVirtual => true;

    public long NowMs => _clock.ElapsedMilliseconds;

    /// <summary>Board loops stepped so far by reads.</summary>
    public long Steps { get; private set; }

    /// <summary>
    /// A virtual board powered up and left to boot: stepped until it streams, reaches its persistent error state, or
    /// as many loops have passed as `stream` waits for a byte (<see cref="StreamCommand.GiveUpFrames"/>) (what a user plugging in a board and waiting a moment sees). The
    /// plain stream it made meanwhile is dropped.
    /// </summary>
    public static VirtualLink Boot(FirmwareConfig config, int seed, string[] faults, SensorDescription sensor = null)
    {
        var line = new LoopbackLink(null);
        Board board;
        try { board = new Board(config, line, seed, sensor: sensor); }
        catch (ArgumentException e) { throw new Model.ModelException($"configuration: {e.Message}"); }
        foreach (string f in faults) StreamCommand.Apply(board.Camera, f);
        PowerUp(board, line);
        return new VirtualLink(board, line);
    }

    /// <summary>
    /// Steps a new board until it streams, fails for good, or `stream` would give up on a recovery (one noise block, not
    /// the start's verification: 1 016 loops at 40x32, as before the verification existed); its output is dropped. The
    /// bound fixes every later draw of a seeded board: with the start's 1 220 loops, two of CalibrateTests' six sensors
    /// miss their σr bound (docs/calibration.md, "Measured on virtual boards").
    /// </summary>
    internal static void PowerUp(Board board, LoopbackLink line)
    {
        long maxSteps = StreamCommand.GiveUpFrames(board.Config, board.Engine, verification: false);
        for (long i = 0; i < maxSteps && board.Status.State != EngineState.Streaming && board.Status.State != EngineState.Error; i++)
        {
            board.Step();
            line.FromDevice.Clear();
        }

        line.FromDevice.Clear();
    }

    public void Write(byte[] buffer, int offset, int count) => _line.ToDevice.Write(buffer, offset, count);

    public int Read(byte[] buffer, int count, int timeoutMs)
    {
        if (_line.FromDevice.Count == 0)
        {
            long start = NowMs;
            // a loop that does not advance the clock (it should not happen) still ends: every loop waits a frame period
            // (or an idle tick) at the least, 4 times over
            long guard = 4L * ((Math.Max(timeoutMs, 0) / Math.Max(1, Board.FramePeriodMicros / 1000)) + 1);
            do
            {
                Board.Step();
                Steps++;
            }
            while (_line.FromDevice.Count == 0 && NowMs - start < timeoutMs && --guard > 0);
        }

        return _line.FromDevice.Read(buffer, 0, count);
    }

    public void SetBaud(int baud)
    {
        // the in-process line has no rate; the board's link records it
    }

    public void Dispose()
    {
    }
}
