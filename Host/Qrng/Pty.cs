using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Qrng.Model;

namespace Qrng.Cli;

/// <summary>
/// A Linux pseudo-terminal in raw mode: a virtual board works the master, users open the slave (<see cref="Path"/>)
/// like /dev/ttyUSB0. <see cref="Master"/> is a blocking stream over the master; a board served on the terminal uses
/// the non-blocking <see cref="TryRead"/> and <see cref="TryWrite"/> instead (after <see cref="MakeNonBlocking"/>).
/// </summary>
public sealed class Pty : IDisposable
{
    private const int O_RDWR = 2, O_NOCTTY = 0x100, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000, F_GETFL = 3, F_SETFL = 4;
    private const int EINTR = 4, EAGAIN = 11, EIO = 5;
    private const short POLLIN = 1, POLLERR = 8, POLLHUP = 16;

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [DllImport("libc", SetLastError = true)] private static extern int posix_openpt(int flags);
    [DllImport("libc", SetLastError = true)] private static extern int grantpt(int fd);
    [DllImport("libc", SetLastError = true)] private static extern int unlockpt(int fd);
    [DllImport("libc", SetLastError = true)] private static extern int ptsname_r(int fd, byte[] buf, nint len);
    [DllImport("libc", SetLastError = true)] private static extern int tcgetattr(int fd, byte[] termios);
    [DllImport("libc", SetLastError = true)] private static extern void cfmakeraw(byte[] termios);
    [DllImport("libc", SetLastError = true)] private static extern int tcsetattr(int fd, int when, byte[] termios);
    [DllImport("libc", SetLastError = true)] private static extern int close(int fd);
    [DllImport("libc", EntryPoint = "open", SetLastError = true)] private static extern int OpenPath(string path, int flags);
    [DllImport("libc", SetLastError = true)] private static extern int tcflush(int fd, int queue);
    [DllImport("libc", SetLastError = true)] private static extern int fcntl(SafeFileHandle fd, int cmd, int arg);
    [DllImport("libc", SetLastError = true)] private static extern int poll(ref PollFd fds, nuint nfds, int timeout);
    [DllImport("libc", EntryPoint = "read", SetLastError = true)] private static extern nint ReadFd(SafeFileHandle fd, byte[] buf, nint count);
    [DllImport("libc", EntryPoint = "write", SetLastError = true)] private static extern nint WriteFd(SafeFileHandle fd, ref byte buf, nint count);

    private readonly SafeFileHandle _fd;
    private Stream _master;

    public string Path { get; }

    /// <summary>A blocking stream over the master (do not mix with <see cref="MakeNonBlocking"/>).</summary>
    public Stream Master => _master ??= new FileStream(_fd, FileAccess.ReadWrite, 0);

    public Pty()
    {
        if (!OperatingSystem.IsLinux()) throw new ModelException("--pty needs Linux (posix_openpt)");
        int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);   // not inherited: a child holding it would keep the terminal open
        if (fd < 0) throw new ModelException($"cannot create a pseudo-terminal (errno {Marshal.GetLastWin32Error()})");
        var name = new byte[256];
        if (grantpt(fd) != 0 || unlockpt(fd) != 0 || ptsname_r(fd, name, name.Length) != 0)
        {
            int errno = Marshal.GetLastWin32Error();
            close(fd);
            throw new ModelException($"cannot set up the pseudo-terminal (errno {errno})");
        }
        Path = System.Text.Encoding.ASCII.GetString(name, 0, Array.IndexOf(name, (byte)0));
        var termios = new byte[256];                 // struct termios is 60 bytes on Linux; the rest is slack
        if (tcgetattr(fd, termios) == 0)
        {
            cfmakeraw(termios);                      // no echo, no line editing, no CR/LF translation: bytes pass unchanged
            tcsetattr(fd, 0, termios);
        }
        _fd = new SafeFileHandle(fd, true);
    }

    /// <summary>Reads and writes on the master return at once from now on (<see cref="TryRead"/>, <see cref="TryWrite"/>).</summary>
    public void MakeNonBlocking()
    {
        int flags = fcntl(_fd, F_GETFL, 0);
        if (flags < 0 || fcntl(_fd, F_SETFL, flags | O_NONBLOCK) != 0)
            throw new ModelException($"cannot make {Path}'s master non-blocking (errno {Marshal.GetLastWin32Error()})");
    }

    /// <summary>
    /// What the slave's user wrote, waiting at most <paramref name="timeoutMs"/>: a count, 0 when nothing came, or -1
    /// when nobody has the slave open (the master reads EIO then; the caller should not spin).
    /// </summary>
    public int TryRead(byte[] buffer, int count, int timeoutMs)
    {
        var p = new PollFd { Fd = (int)_fd.DangerousGetHandle(), Events = POLLIN };
        int ready = poll(ref p, 1, timeoutMs);
        if (ready <= 0)
        {
            return 0;
        }

        if ((p.Revents & POLLIN) == 0)
        {
            return (p.Revents & (POLLHUP | POLLERR)) != 0 ? -1 : 0;
        }

        nint r = ReadFd(_fd, buffer, count);
        if (r > 0)
        {
            return (int)r;
        }

        int e = r < 0 ? Marshal.GetLastPInvokeError() : EIO;
        return e is EAGAIN or EINTR ? 0 : -1;
    }

    /// <summary>Writes what the terminal's buffer takes now (possibly 0: it is full until the slave's user reads).</summary>
    public int TryWrite(byte[] buffer, int offset, int count)
    {
        if (count == 0)
        {
            return 0;
        }

        nint w = WriteFd(_fd, ref buffer[offset], count);
        if (w >= 0)
        {
            return (int)w;
        }

        int e = Marshal.GetLastPInvokeError();
        return e is EAGAIN or EINTR ? 0 : throw new IOException($"cannot write {Path}'s master (errno {e})");
    }

    /// <summary>
    /// Drops what the terminal holds for the slave's next user, as a tty does at its last close (what the board sent
    /// before a user hung up must not reach the next one); best effort.
    /// </summary>
    public void FlushSlaveInput()
    {
        int fd = OpenPath(Path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) return;
        tcflush(fd, 0);                                         // TCIFLUSH
        close(fd);
    }

    public void Dispose()
    {
        if (_master != null) _master.Dispose();
        else _fd.Dispose();
    }
}
