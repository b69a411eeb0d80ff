using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Qrng.Model;

namespace Qrng.Cli;

/// <summary>A Linux pseudo-terminal in raw mode: the virtual board writes the master, users open the slave like /dev/ttyUSB0.</summary>
public sealed class Pty : IDisposable
{
    private const int O_RDWR = 2, O_NOCTTY = 0x100, O_CLOEXEC = 0x80000;

    [DllImport("libc", SetLastError = true)] private static extern int posix_openpt(int flags);
    [DllImport("libc", SetLastError = true)] private static extern int grantpt(int fd);
    [DllImport("libc", SetLastError = true)] private static extern int unlockpt(int fd);
    [DllImport("libc", SetLastError = true)] private static extern int ptsname_r(int fd, byte[] buf, nint len);
    [DllImport("libc", SetLastError = true)] private static extern int tcgetattr(int fd, byte[] termios);
    [DllImport("libc", SetLastError = true)] private static extern void cfmakeraw(byte[] termios);
    [DllImport("libc", SetLastError = true)] private static extern int tcsetattr(int fd, int when, byte[] termios);
    [DllImport("libc", SetLastError = true)] private static extern int close(int fd);

    public string Path { get; }
    public Stream Master { get; }

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
        Master = new FileStream(new SafeFileHandle(fd, true), FileAccess.ReadWrite, 0);
    }

    public void Dispose() => Master.Dispose();
}
