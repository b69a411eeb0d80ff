using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Qrng.Model;

namespace Qrng.Cli;

/// <summary>Where `qrng feed` puts bytes: the kernel's input pool, with an entropy credit in bits.</summary>
public interface IEntropySink
{
    /// <summary>True when credited bits count in a real entropy pool (the kernel's), so a simulated source must credit none.</summary>
    bool CreditsAPool { get; }

    void Add(byte[] data, int count, int creditBits);
}

/// <summary>
/// The Linux kernel's random device (/dev/random): bytes go to its input pool through the RNDADDENTROPY ioctl, which
/// mixes them in and credits the entropy count given (it needs CAP_SYS_ADMIN). Opening checks up front, so that
/// nothing is read from a board in vain: RNDGETENTCNT (allowed to anyone) proves it is a random device, a zero-length
/// RNDADDENTROPY (no bytes, no credit) proves the process may credit.
/// </summary>
public sealed class KernelRandom : IEntropySink, IDisposable
{
    public bool CreditsAPool => true;

    private const int O_WRONLY = 1, O_CLOEXEC = 0x80000;
    private const int EPERM = 1, ENOENT = 2, EACCES = 13, ENOTTY = 25, EINVAL = 22;

    // linux/random.h: RNDGETENTCNT = _IOR('R', 0x00, int), RNDADDENTROPY = _IOW('R', 0x03, int[2])
    private const nuint RNDGETENTCNT = 0x80045200, RNDADDENTROPY = 0x40085203;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)] private static extern int OpenFd(string path, int flags);
    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)] private static extern int Ioctl(SafeFileHandle fd, nuint request, ref int value);
    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)] private static extern int Ioctl(SafeFileHandle fd, nuint request, byte[] value);
    [DllImport("libc", EntryPoint = "strerror")] private static extern nint StrError(int errno);

    private readonly SafeFileHandle _fd;
    private byte[] _request = new byte[8];

    public string Path { get; }

    public KernelRandom(string path)
    {
        if (!OperatingSystem.IsLinux()) throw new ModelException("feed needs Linux (the RNDADDENTROPY ioctl of /dev/random)");
        if (string.IsNullOrEmpty(path)) throw new ModelException("--random-device: empty path");
        Path = path;
        int fd = OpenFd(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
        {
            int e = Marshal.GetLastPInvokeError();
            throw new ModelException($"cannot open {path}: {(e == ENOENT ? "no such file" : e is EACCES or EPERM ? "permission denied" : Describe(e))}");
        }

        _fd = new SafeFileHandle(fd, true);
        int count = 0;
        if (Ioctl(_fd, RNDGETENTCNT, ref count) != 0)
        {
            int e = Marshal.GetLastPInvokeError();
            _fd.Dispose();
            throw new ModelException(e is ENOTTY or EINVAL
                ? $"{path} is not a random device (RNDGETENTCNT: {Describe(e)}): feed writes to /dev/random"
                : $"{path}: RNDGETENTCNT failed: {Describe(e)}");
        }

        if (Ioctl(_fd, RNDADDENTROPY, _request) != 0)
        {
            int e = Marshal.GetLastPInvokeError();
            _fd.Dispose();
            throw new ModelException(e == EPERM
                ? $"crediting entropy to {path} is not permitted: RNDADDENTROPY needs CAP_SYS_ADMIN (run as root, or as the systemd unit linux/qrng-feed@.service does: AmbientCapabilities=CAP_SYS_ADMIN)"
                : $"{path}: RNDADDENTROPY failed: {Describe(e)}");
        }
    }

    /// <summary>The kernel's entropy estimate of its input pool, in bits (RNDGETENTCNT).</summary>
    public int EntropyCount
    {
        get
        {
            int count = 0;
            return Ioctl(_fd, RNDGETENTCNT, ref count) == 0 ? count : -1;
        }
    }

    public void Add(byte[] data, int count, int creditBits)
    {
        if (_request.Length < 8 + count) _request = new byte[8 + count];
        BitConverter.TryWriteBytes(_request.AsSpan(0, 4), creditBits);      // struct rand_pool_info: entropy_count,
        BitConverter.TryWriteBytes(_request.AsSpan(4, 4), count);           // buf_size, buf[]
        Array.Copy(data, 0, _request, 8, count);
        int r = Ioctl(_fd, RNDADDENTROPY, _request);
        Array.Clear(_request, 8, count);
        if (r != 0)
        {
            int e = Marshal.GetLastPInvokeError();
            throw new ModelException(e == EPERM
                ? $"crediting entropy to {Path} is not permitted: RNDADDENTROPY needs CAP_SYS_ADMIN"
                : $"{Path}: RNDADDENTROPY failed: {Describe(e)}");
        }
    }

    private static string Describe(int errno) => Marshal.PtrToStringUTF8(StrError(errno)) ?? "errno " + errno;

    public void Dispose() => _fd.Dispose();
}
