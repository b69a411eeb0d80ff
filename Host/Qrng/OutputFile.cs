using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Qrng.Model;

namespace Qrng.Cli;

/// <summary>The reader of stdout, a FIFO or a terminal went away (EPIPE): the command stops quietly with 141.</summary>
public sealed class PipeClosedException() : Exception("the reader closed the pipe");

/// <summary>
/// Where a command writes a file. '-' is stdout. A regular file, or a new one, is written to a temporary file of its
/// own beside it — a fresh random name FILE.XXXXXXXX.partial, created with O_CREAT|O_EXCL (an existing file or a
/// symlink planted at that name is never opened or followed: another name is drawn), mode 0600 while it is written —
/// and renamed over FILE when complete: rename(2) is atomic, so readers see the old file or the new one, never a mix,
/// and of two runs to one FILE the last to finish wins with its own complete output. The new FILE keeps the
/// permission bits of the file it replaces, or gets 0666 &amp; ~umask when it is new (as a shell's '&gt;' would).
/// A symlink FILE is written through, as a shell's '&gt;' does: the file it points to (resolved when the command
/// starts) is replaced and the link stays. Pipes, FIFOs and devices are written in place. As a shell user expects:
/// /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N are the descriptor itself (so `--out /dev/stdout &gt;&gt; f`
/// appends to f, and a pipe works); an existing file this user may not write is refused, as '&gt;' refuses it; a
/// terminal is refused (random bytes would garble it).
/// </summary>
public sealed class OutputFile : IDisposable
{
    private const int EPIPE = 32, EEXIST = 17, S_IFMT = 0xF000, S_IFREG = 0x8000, W_OK = 2;

    [DllImport("libc", EntryPoint = "isatty")] private static extern int IsATty(int fd);
    [DllImport("libc", EntryPoint = "access", SetLastError = true)] private static extern int Access(string path, int mode);
    private static readonly object Gate = new();
    private static readonly HashSet<OutputFile> Pending = [];
    private static string _stdoutOption;

    private readonly string _final, _temp;
    private bool _done;

    private OutputFile(Stream stream, string path, string final, string temp)
    {
        Stream = stream;
        Path = path;
        _final = final;
        _temp = temp;
    }

    public Stream Stream { get; }

    /// <summary>The name the user gave ('-' for stdout).</summary>
    public string Path { get; }

    public bool IsStdout => Path == "-";

    /// <summary>True while the bytes go to a temporary file that becomes <see cref="Path"/> on <see cref="Commit"/>.</summary>
    public bool IsTemporary => _temp != null;

    /// <summary>True once some output of this process goes to stdout: prose then goes to stderr.</summary>
    public static bool StdoutTaken => _stdoutOption != null;

    public static OutputFile Open(string path, string option = "--out") => Open(path, option, null);

    /// <summary>For tests: the temporary names to try, in order.</summary>
    internal static OutputFile Open(string path, Func<string> tempNames) => Open(path, "--out", tempNames);

    private static OutputFile Open(string path, string option, Func<string> tempNames)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new ModelException($"{option}: empty file name (use '-' for stdout)");
        }

        int descriptor = Descriptor(path);
        if (path == "-" || descriptor == 1)
        {
            if (!OperatingSystem.IsWindows() && IsATty(1) == 1)
            {
                throw new ModelException($"{option} {path}: stdout is a terminal, and random bytes would garble it: redirect it (> FILE, | xxd)");
            }

            if (_stdoutOption != null)
            {
                throw new ModelException($"{option} -: {_stdoutOption} already writes to stdout; only one output can");
            }

            _stdoutOption = option;
            return new OutputFile(new FileStream(new SafeFileHandle(1, false), FileAccess.Write, 1 << 16), "-", null, null);
        }

        if (descriptor >= 0)
        {
            // another open descriptor (/dev/stderr, /dev/fd/3): written as it is, like a shell's '>&N'
            if (IsATty(descriptor) == 1)
            {
                throw new ModelException($"{option} {path}: a terminal, and random bytes would garble it");
            }

            try
            {
                return new OutputFile(new FileStream(new SafeFileHandle(descriptor, false), FileAccess.Write, 1 << 16), path, null, null);
            }
            catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
            {
                throw new ModelException($"{option} {path}: descriptor {descriptor} cannot be written: {e.Message}");
            }
        }

        string target = ThroughLinks(path, option);
        if (Directory.Exists(target))
        {
            throw new ModelException($"{option} {path} is a directory");
        }

        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(target));
        if (!Directory.Exists(folder))
        {
            throw new ModelException($"{option} {path}: no such directory: {folder}");
        }

        try
        {
            int mode = Mode(target);
            if (mode >= 0 && (mode & S_IFMT) != S_IFREG)
            {
                // opening a FIFO blocks until a reader comes: a signal meanwhile ends the command at once, not after the grace
                bool cooperative = Signals.Cooperative;
                Signals.Cooperative = false;
                FileStream device;
                try { device = new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1 << 16); }
                finally { Signals.Cooperative = cooperative; }
                if (!OperatingSystem.IsWindows() && IsATty((int)device.SafeFileHandle.DangerousGetHandle()) == 1)
                {
                    device.Dispose();
                    throw new ModelException($"{option} {path}: a terminal, and random bytes would garble it: use a file or a pipe");
                }

                return new OutputFile(device, path, null, null);
            }

            if (mode >= 0 && !OperatingSystem.IsWindows() && Access(target, W_OK) != 0)
            {
                // the rename would replace it anyway; a shell's '>' refuses, and so does this
                throw new ModelException($"cannot write {path}: permission denied (the file is not writable for this user; remove it or change its mode first)");
            }

            tempNames ??= () => $"{target}.{RandomNumberGenerator.GetHexString(8, true)}.partial";
            for (int attempt = 0; ; attempt++)
            {
                string temp = tempNames();
                FileStream fs;
                try
                {
                    fs = new FileStream(temp, Exclusive());
                }
                catch (IOException e) when (e.HResult == EEXIST && attempt < 100)
                {
                    continue;                                         // taken (a file, or a link someone planted)
                }

                var f = new OutputFile(fs, path, target, temp);
                lock (Gate)
                {
                    Pending.Add(f);
                }

                return f;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new ModelException($"cannot write {path}: {e.Message}");
        }
    }

    /// <summary>O_CREAT|O_EXCL (FileMode.CreateNew), O_CLOEXEC (always, in .NET), mode 0600.</summary>
    private static FileStreamOptions Exclusive()
    {
        var o = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.Read, BufferSize = 1 << 16 };
        if (!OperatingSystem.IsWindows())
        {
            o.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return o;
    }

    /// <summary>The descriptor a name stands for (/dev/stdout 1, /dev/stderr 2, /dev/fd/N and /proc/self/fd/N: N), else -1.</summary>
    private static int Descriptor(string path)
    {
        if (OperatingSystem.IsWindows()) return -1;
        if (path == "/dev/stdout") return 1;
        if (path == "/dev/stderr") return 2;
        foreach (string prefix in new[] { "/dev/fd/", "/proc/self/fd/", $"/proc/{Environment.ProcessId}/fd/" })
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(path.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, null, out int fd))
                return fd;
        }

        return -1;
    }

    /// <summary>Links followed at most, as Linux's path resolution allows (ELOOP beyond 40).</summary>
    private const int MaxLinks = 40;

    /// <summary>
    /// The file a symlink finally points to (the path itself, made absolute, when it is not a link), one link at a time:
    /// a relative target is taken from the folder the link is in. (.NET's ResolveLinkTarget took a bare name's relative
    /// target from '/': `--out lnk.bin` wrote /tgt.bin.) A loop is refused as the kernel refuses it.
    /// </summary>
    private static string ThroughLinks(string path, string option)
    {
        try
        {
            string current = System.IO.Path.GetFullPath(path);
            for (int links = 0; ; links++)
            {
                string target = new FileInfo(current).LinkTarget;
                if (target == null)
                {
                    return current;
                }

                if (links == MaxLinks)
                {
                    throw new ModelException($"{option} {path}: too many levels of symbolic links (a loop?)");
                }

                current = System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(current)!, target));
            }
        }
        catch (IOException e)
        {
            throw new ModelException($"{option} {path}: {e.Message}");
        }
    }

    /// <summary>Writes all of <paramref name="bytes"/>; a failure names the output, a closed pipe ends quietly.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        try
        {
            Stream.Write(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure(e);
        }
    }

    /// <summary>What a write failure means for the user: <see cref="PipeClosedException"/> or one line naming the output.</summary>
    public Exception Failure(Exception e) => e is IOException io && IsBrokenPipe(io)
        ? new PipeClosedException()
        : new ModelException($"cannot write {(IsStdout ? "stdout" : Path)}: {e.Message}");

    public static bool IsBrokenPipe(IOException e) => e.HResult == EPIPE;

    /// <summary>All bytes are there: flush them to disk and give the file its name.</summary>
    public void Commit()
    {
        try
        {
            if (_temp == null)
            {
                Stream.Flush();
                if (!IsStdout)
                {
                    Stream.Dispose();
                }

                _done = true;
                return;
            }

            var fs = (FileStream)Stream;
            fs.Flush(true);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(fs.SafeFileHandle, FinalMode());
            }

            fs.Dispose();
            lock (Gate)
            {
                File.Move(_temp, _final, true);
                Pending.Remove(this);
                _done = true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure(e);
        }
    }

    /// <summary>Not committed: drop the temporary file (an earlier FILE stays as it was).</summary>
    public void Dispose()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        try
        {
            if (!IsStdout)
            {
                Stream.Dispose();
            }
        }
        catch (IOException)
        {
            // the bytes are being thrown away; a failing flush does not matter
        }

        lock (Gate)
        {
            Pending.Remove(this);
            if (_temp != null)
            {
                File.Delete(_temp);
            }
        }
    }

    /// <summary>For a process ended by a signal: deletes every temporary file; says what that left.</summary>
    public static string DeletePending()
    {
        lock (Gate)
        {
            foreach (var f in Pending)
            {
                try
                {
                    File.Delete(f._temp);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // nothing more can be done on the way out
                }
            }

            string note = Pending.Count == 0 ? "" : "; not written: " + string.Join(", ", Pending.Select(f => f.Path)) + " (any earlier file is unchanged)";
            Pending.Clear();
            return note;
        }
    }

    /// <summary>The permission bits of the file being replaced, or 0666 &amp; ~umask for a new one.</summary>
    private UnixFileMode FinalMode()
    {
        int mode = Mode(_final);
        return (UnixFileMode)(mode >= 0 && (mode & S_IFMT) == S_IFREG ? mode & 0x1FF : 0x1B6 & ~Umask.Value);
    }

    private static readonly Lazy<int> Umask = new(() =>
    {
        // Linux ≥ 4.7 shows it without changing it (umask(2) would have to set it to read it)
        foreach (string line in File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status") : [])
        {
            if (line.StartsWith("Umask:", StringComparison.Ordinal))
            {
                return Convert.ToInt32(line[6..].Trim(), 8);
            }
        }

        return 0x12;                                                 // 022
    });

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int Stat(string path, byte[] buf);

    /// <summary>st_mode of <paramref name="path"/> (links followed); -1 when it does not exist or stat is unavailable.</summary>
    private static int Mode(string path)
    {
        // struct stat's st_mode: offset 24 on x86-64, 16 on arm64 (glibc)
        int offset = RuntimeInformation.ProcessArchitecture switch { Architecture.X64 => 24, Architecture.Arm64 => 16, _ => -1 };
        if (!OperatingSystem.IsLinux() || offset < 0)
        {
            return File.Exists(path) ? S_IFREG | 0x1B6 : -1;
        }

        var buf = new byte[256];
        try
        {
            return Stat(path, buf) == 0 ? (int)BitConverter.ToUInt32(buf, offset) : -1;
        }
        catch (EntryPointNotFoundException)
        {
            return File.Exists(path) ? S_IFREG | 0x1B6 : -1;
        }
    }
}
