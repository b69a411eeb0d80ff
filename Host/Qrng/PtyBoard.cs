using Qrng.Emulator;
using Qrng.Firmware;
using Qrng.VirtualBoard;

namespace Qrng.Cli;

/// <summary>
/// A protocol-capable virtual board served on a pseudo-terminal by a background thread: the board's loop reads what
/// the slave's user wrote from the master (its UART's RX) and writes what the firmware sent to the master (TX), so any
/// program, `qrng --port` included, talks to it like a board on /dev/ttyUSB1. Like a real board it boots into the
/// plain stream. Until the first user opens the slave the terminal drops no byte: its buffer (about 12 KiB) fills and
/// the board waits, still taking the bytes the user writes, so the first reader gets the stream from its first byte.
/// After a user hung up (the last one closed the slave), the terminal forgets what it held and, while nobody has it
/// open, what the board sends is lost, as on a UART nobody listens to. The serial protocol's time-outs run on the wall
/// clock (the board's emulated time runs far ahead of it), as the programs on the other end do. While the board has
/// nothing to send (command mode, no request running) its loop waits up to 2 ms for input per iteration instead of spinning.
/// </summary>
public sealed class PtyBoard : IDisposable
{
    private readonly Pty _pty;
    private readonly LoopbackLink _line;
    private readonly Thread _thread;
    private readonly byte[] _rx = new byte[4096], _tx = new byte[1 << 16];
    private volatile bool _stop;
    private int _disposed;
    private bool _open, _hungUp;

    public PtyBoard(Board board, LoopbackLink line)
    {
        Board = board;
        _line = line;
        _pty = new Pty();
        _pty.MakeNonBlocking();
        _thread = new Thread(Serve) { IsBackground = true, Name = "virtual board on " + _pty.Path };
    }

    /// <summary>
    /// A new virtual board (seeded physics, firmware configuration, fault knobs) with its UART on a pseudo-terminal.
    /// <paramref name="booted"/>: stepped first until it streams, as a board plugged in a moment ago (the device
    /// commands' --pty, like their in-process board); else it powers up when served, its plain stream from the first byte.
    /// </summary>
    public static PtyBoard Create(FirmwareConfig config, int seed, string[] faults, bool booted = false, SensorDescription sensor = null)
    {
        var line = new LoopbackLink(null);
        Board board;
        try { board = new Board(config, line, seed, protocolClock: new WallClock(), sensor: sensor); }
        catch (ArgumentException e) { throw new Model.ModelException($"configuration: {e.Message}"); }
        foreach (string f in faults) StreamCommand.Apply(board.Camera, f);
        if (booted) VirtualLink.PowerUp(board, line);
        return new PtyBoard(board, line);
    }

    /// <summary>The slave's path: what a user opens (`qrng info --port PATH`).</summary>
    public string Path => _pty.Path;

    /// <summary>The board; touch it only from <see cref="BeforeStep"/> (the serving thread) while it runs.</summary>
    public Board Board { get; }

    /// <summary>Runs on the serving thread before every loop iteration (tests switch fault knobs here).</summary>
    public Action<Board> BeforeStep { get; set; }

    /// <summary>
    /// Sees every chunk of bytes the board sends before it reaches the terminal; may change it in place or drop bytes
    /// (moving the rest forward) and returns the new count (tests: line noise).
    /// </summary>
    public Func<Board, byte[], int, int> LineNoise { get; set; }

    /// <summary>Loop iterations so far.</summary>
    public long Steps => Interlocked.Read(ref _steps);

    private long _steps;

    /// <summary>Bytes the board sent to the terminal.</summary>
    public long BytesSent => Interlocked.Read(ref _sent);

    private long _sent;

    /// <summary>Bytes the board sent while nobody had the terminal open after a hang-up (lost, as on a UART).</summary>
    public long BytesLost => Interlocked.Read(ref _lost);

    private long _lost;

    /// <summary>Tracks whether a user has the slave open (<paramref name="read"/>: TryRead's result, -1 when nobody has).</summary>
    private void Listening(int read)
    {
        if (read >= 0)
        {
            _open = true;
        }
        else if (_open)
        {
            _open = false;                                        // the last user hung up: the terminal forgets what it held
            _hungUp = true;
            _pty.FlushSlaveInput();
        }
    }

    /// <summary>What ended the serving thread when it was not asked to stop (an error writing the master).</summary>
    public Exception Failure { get; private set; }

    public bool Running => _thread.IsAlive;

    public void Start() => _thread.Start();

    /// <summary>Stops the board's loop (its thread ends within a few milliseconds); the terminal stays open.</summary>
    public void Stop()
    {
        _stop = true;
        if (_thread.IsAlive && Thread.CurrentThread != _thread) _thread.Join();
    }

    /// <summary>The cable is pulled: the loop stops and the master closes, so the slave's user reads a hang-up.</summary>
    public void Unplug() => Dispose();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Stop();
        _pty.Dispose();
    }

    private void Serve()
    {
        try
        {
            bool idle = false;
            while (!_stop)
            {
                int n = _pty.TryRead(_rx, _rx.Length, idle ? 2 : 0);
                Listening(n);
                if (n > 0) _line.ToDevice.Write(_rx, 0, n);
                else if (n < 0 && idle) Thread.Sleep(2);             // nobody has the slave open: poll returns at once
                BeforeStep?.Invoke(Board);
                Board.Step();
                Interlocked.Increment(ref _steps);
                bool sent = Send();
                idle = n <= 0 && !sent;
            }
        }
        catch (Exception e)
        {
            if (!_stop) Failure = e;                                  // an unhandled exception would end the process
        }
    }

    /// <summary>Writes what the board sent; while the terminal is full, keeps taking the user's bytes. False: nothing to send.</summary>
    private bool Send()
    {
        bool any = false;
        while (!_stop)
        {
            int count = _line.FromDevice.Read(_tx, 0, _tx.Length);
            if (count == 0) return any;
            any = true;
            if (LineNoise != null) count = LineNoise(Board, _tx, count);
            int at = 0;
            while (at < count && !_stop && !(_hungUp && !_open))
            {
                int w = _pty.TryWrite(_tx, at, count - at);
                at += w;
                if (w == 0)
                {
                    int n = _pty.TryRead(_rx, _rx.Length, 1);       // the buffer is full: wait for the reader, keep listening
                    Listening(n);
                    if (n > 0) _line.ToDevice.Write(_rx, 0, n);
                    else if (n < 0) Thread.Sleep(1);
                }
            }

            Interlocked.Add(ref _sent, at);
            Interlocked.Add(ref _lost, count - at);
        }

        return any;
    }
}
