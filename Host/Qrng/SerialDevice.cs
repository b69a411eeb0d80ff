using System.IO.Ports;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Qrng.Model;

namespace Qrng.Cli;

/// <summary>The board's serial port went away while it was read (an unplugged adapter, a closed pseudo-terminal).</summary>
public sealed class DeviceGoneException(string reason) : Exception(reason);

/// <summary>A failure that talking to a device ends with: one line on stderr and its own exit code (<see cref="QrngCli.ExitCodes"/>).</summary>
public sealed class DeviceException(int code, string message) : Exception(message)
{
    public int Code { get; } = code;
}

/// <summary>
/// A serial port: raw 8N1 at a standard baud rate, read and written. On Linux through its file descriptor, with
/// poll(2): an open failure names its errno's cause (no such device, permission denied, busy, not a serial port);
/// the port is held exclusively (flock, and TIOCEXCL against other openers), so a second qrng on the same port is
/// told it is busy; a hang-up — POLLHUP/POLLERR, EIO, end of file, as an unplugged USB adapter or a closed
/// pseudo-terminal gives — ends a read or a write at once. Elsewhere through System.IO.Ports.
/// </summary>
public abstract class SerialDevice : IDisposable
{
    /// <summary>Linux's Bnnn speed constants (termbits.h) for the rates a USB-UART adapter takes.</summary>
    private static readonly Dictionary<int, uint> Speeds = new()
    {
        [9600] = 0xD, [19200] = 0xE, [38400] = 0xF, [57600] = 0x1001, [115200] = 0x1002, [230400] = 0x1003, [460800] = 0x1004,
        [500000] = 0x1005, [576000] = 0x1006, [921600] = 0x1007, [1000000] = 0x1008, [1152000] = 0x1009, [1500000] = 0x100A,
        [2000000] = 0x100B, [2500000] = 0x100C, [3000000] = 0x100D, [3500000] = 0x100E, [4000000] = 0x100F,
    };

    public static void CheckBaud(int baud)
    {
        if (!Speeds.ContainsKey(baud))
        {
            throw new ModelException($"--baud {baud}: not a standard rate; one of {string.Join(", ", Speeds.Keys)}");
        }
    }

    public static SerialDevice Open(string path, int baud)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new ModelException("--port: empty device name");
        }

        CheckBaud(baud);
        return OperatingSystem.IsLinux() ? new Fd(path, Speeds[baud]) : new Ports(path, baud);
    }

    /// <summary>Up to <paramref name="count"/> bytes; 0 when none came within <paramref name="timeoutMs"/>.</summary>
    /// <exception cref="DeviceGoneException">the device hung up or failed</exception>
    public abstract int Read(byte[] buffer, int count, int timeoutMs);

    /// <summary>Writes all of the bytes, waiting at most <paramref name="timeoutMs"/> for room in the port's buffer.</summary>
    /// <exception cref="DeviceGoneException">the device hung up or failed</exception>
    /// <exception cref="TimeoutException">the port took nothing for <paramref name="timeoutMs"/> (flow control holds it)</exception>
    public abstract void Write(byte[] buffer, int offset, int count, int timeoutMs);

    /// <summary>Switches to another standard baud rate (after a CONFIG SET of uart.baud).</summary>
    public abstract void SetBaud(int baud);

    /// <summary>The Linux speed constant of a standard rate (checked with <see cref="CheckBaud"/>).</summary>
    private static uint Speed(int baud)
    {
        CheckBaud(baud);
        return Speeds[baud];
    }

    public abstract void Dispose();

    private static DeviceException CannotOpen(string path, string why) =>
        new(QrngCli.NoDevice, $"cannot open {path}: {why}");

    private sealed class Fd : SerialDevice
    {
        private const int O_RDWR = 2, O_NOCTTY = 0x100, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
        private const int EPERM = 1, ENOENT = 2, EINTR = 4, ENXIO = 6, EAGAIN = 11, EACCES = 13, EBUSY = 16, ENODEV = 19, EISDIR = 21, ENOTTY = 25;
        private const short POLLIN = 1, POLLOUT = 4, POLLERR = 8, POLLHUP = 16, POLLNVAL = 32;
        private const uint CBAUD = 0x100F, CREAD = 0x80, CLOCAL = 0x800;
        private const int LOCK_EX = 2, LOCK_NB = 4, EWOULDBLOCK = EAGAIN;
        private const nuint TIOCEXCL = 0x540C, TIOCNXCL = 0x540D;
        private readonly SafeFileHandle _fd;
        private readonly string _path;

        [StructLayout(LayoutKind.Sequential)]
        private struct PollFd
        {
            public int Fd;
            public short Events;
            public short Revents;
        }

        [DllImport("libc", EntryPoint = "open", SetLastError = true)] private static extern int OpenFd(string path, int flags);
        [DllImport("libc", EntryPoint = "read", SetLastError = true)] private static extern nint ReadFd(SafeFileHandle fd, byte[] buf, nint count);
        [DllImport("libc", EntryPoint = "write", SetLastError = true)] private static extern nint WriteFd(SafeFileHandle fd, ref byte buf, nint count);
        [DllImport("libc", EntryPoint = "flock", SetLastError = true)] private static extern int Flock(SafeFileHandle fd, int operation);
        [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)] private static extern int Ioctl(SafeFileHandle fd, nuint request, nint arg);
        [DllImport("libc", EntryPoint = "poll", SetLastError = true)] private static extern int Poll(ref PollFd fds, nuint nfds, int timeout);
        [DllImport("libc", EntryPoint = "tcgetattr", SetLastError = true)] private static extern int TcGetAttr(SafeFileHandle fd, byte[] termios);
        [DllImport("libc", EntryPoint = "tcsetattr", SetLastError = true)] private static extern int TcSetAttr(SafeFileHandle fd, int when, byte[] termios);
        [DllImport("libc", EntryPoint = "cfmakeraw")] private static extern void CfMakeRaw(byte[] termios);
        [DllImport("libc", EntryPoint = "cfsetispeed", SetLastError = true)] private static extern int CfSetISpeed(byte[] termios, uint speed);
        [DllImport("libc", EntryPoint = "cfsetospeed", SetLastError = true)] private static extern int CfSetOSpeed(byte[] termios, uint speed);
        [DllImport("libc", EntryPoint = "strerror")] private static extern nint StrError(int errno);

        private static string Describe(int errno) => Marshal.PtrToStringUTF8(StrError(errno)) ?? "errno " + errno;

        public Fd(string path, uint speed)
        {
            int fd = OpenFd(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
            if (fd < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw CannotOpen(path, errno switch
                {
                    ENOENT or ENXIO or ENODEV => "no such device (is the board plugged in? ls /dev/ttyUSB* /dev/ttyACM*)",
                    EACCES or EPERM => "permission denied (add yourself to the dialout group: sudo usermod -aG dialout $USER, then log in again)",
                    EBUSY => "the device is busy (another program has it open)",
                    EISDIR => "it is a directory, not a serial port",
                    _ => Describe(errno),
                });
            }

            _fd = new SafeFileHandle(fd, true);
            _path = path;
            if (Flock(_fd, LOCK_EX | LOCK_NB) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                _fd.Dispose();
                throw CannotOpen(path, errno == EWOULDBLOCK ? "the device is busy (another qrng has it open)" : Describe(errno));
            }

            // struct termios on Linux: c_iflag, c_oflag, c_cflag, c_lflag (4 bytes each), c_line, c_cc[32], speeds
            var termios = new byte[256];
            if (TcGetAttr(_fd, termios) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                _fd.Dispose();
                throw CannotOpen(path, errno == ENOTTY ? "not a serial port (not a terminal device)" : Describe(errno));
            }

            CfMakeRaw(termios);                              // 8 bits, no parity, no echo, no translation
            uint cflag = BitConverter.ToUInt32(termios, 8);
            BitConverter.GetBytes((cflag & ~CBAUD) | CREAD | CLOCAL).CopyTo(termios, 8);
            if (CfSetISpeed(termios, speed) != 0 || CfSetOSpeed(termios, speed) != 0 || TcSetAttr(_fd, 0, termios) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                _fd.Dispose();
                throw CannotOpen(path, "cannot set raw mode at this baud rate: " + Describe(errno));
            }

            Ioctl(_fd, TIOCEXCL, 0);                         // other openers get EBUSY (root excepted); best effort
        }

        public override void SetBaud(int baud)
        {
            uint speed = Speed(baud);
            var termios = new byte[256];
            if (TcGetAttr(_fd, termios) != 0 || CfSetISpeed(termios, speed) != 0 || CfSetOSpeed(termios, speed) != 0 || TcSetAttr(_fd, 1, termios) != 0)
            {
                throw new ModelException($"{_path}: cannot switch to {baud} baud: {Describe(Marshal.GetLastPInvokeError())}");
            }
        }

        public override void Write(byte[] buffer, int offset, int count, int timeoutMs)
        {
            long deadline = Environment.TickCount64 + timeoutMs;
            while (count > 0)
            {
                nint w = WriteFd(_fd, ref buffer[offset], count);
                if (w > 0)
                {
                    offset += (int)w;
                    count -= (int)w;
                    continue;
                }

                int e = w < 0 ? Marshal.GetLastPInvokeError() : EAGAIN;
                if (e == EINTR)
                {
                    continue;
                }

                if (e != EAGAIN)
                {
                    throw new DeviceGoneException(Describe(e));
                }

                long left = deadline - Environment.TickCount64;
                if (left <= 0)
                {
                    throw new TimeoutException($"{_path} took no byte for {timeoutMs} ms");
                }

                var p = new PollFd { Fd = (int)_fd.DangerousGetHandle(), Events = POLLOUT };
                if (Poll(ref p, 1, (int)Math.Min(left, 100)) > 0 && (p.Revents & (POLLERR | POLLHUP | POLLNVAL)) != 0)
                {
                    throw new DeviceGoneException("hung up");
                }
            }
        }

        public override int Read(byte[] buffer, int count, int timeoutMs)
        {
            var p = new PollFd { Fd = (int)_fd.DangerousGetHandle(), Events = POLLIN };
            int ready = Poll(ref p, 1, timeoutMs);
            if (ready < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                return errno == EINTR ? 0 : throw new DeviceGoneException(Describe(errno));
            }

            if (ready == 0)
            {
                return 0;
            }

            if ((p.Revents & POLLIN) == 0 && (p.Revents & (POLLERR | POLLHUP | POLLNVAL)) != 0)
            {
                throw new DeviceGoneException("hung up");
            }

            nint r = ReadFd(_fd, buffer, count);
            if (r > 0)
            {
                return (int)r;
            }

            if (r == 0)
            {
                throw new DeviceGoneException("hung up");
            }

            int e = Marshal.GetLastPInvokeError();
            return e is EAGAIN or EINTR ? 0 : throw new DeviceGoneException(Describe(e));
        }

        public override void Dispose()
        {
            if (!_fd.IsClosed)
            {
                Ioctl(_fd, TIOCNXCL, 0);                     // the flag belongs to the terminal, not to this descriptor
            }

            _fd.Dispose();
        }
    }

    private sealed class Ports : SerialDevice
    {
        private readonly SerialPort _port;

        public Ports(string path, int baud)
        {
            try
            {
                _port = new SerialPort(path, baud);
                _port.Open();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                throw CannotOpen(path, e.Message);
            }
        }

        public override int Read(byte[] buffer, int count, int timeoutMs)
        {
            try
            {
                _port.ReadTimeout = timeoutMs;
                return _port.Read(buffer, 0, count);
            }
            catch (TimeoutException)
            {
                return 0;
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or UnauthorizedAccessException)
            {
                throw new DeviceGoneException(e.Message);
            }
        }

        public override void Write(byte[] buffer, int offset, int count, int timeoutMs)
        {
            try
            {
                _port.WriteTimeout = timeoutMs;
                _port.Write(buffer, offset, count);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or UnauthorizedAccessException)
            {
                throw new DeviceGoneException(e.Message);
            }
        }

        public override void SetBaud(int baud)
        {
            CheckBaud(baud);
            _port.BaudRate = baud;
        }

        public override void Dispose() => _port.Dispose();
    }
}
