using System.Runtime.InteropServices;
using Qrng.Model;

namespace Qrng.Cli;

/// <summary>
/// Where `qrng stream` writes. A regular file (or a new one) is written as FILE.partial and renamed when complete,
/// so a failed run leaves no file and keeps an earlier one; stdout ('-'), pipes, FIFOs and devices are written in place.
/// </summary>
public sealed class OutputFile : IDisposable
{
    private readonly string _final, _partial;
    private bool _done;

    public Stream Stream { get; }

    private OutputFile(Stream stream, string final, string partial)
    {
        Stream = stream; _final = final; _partial = partial;
    }

    public static OutputFile Open(string path)
    {
        if (path == "-") return new OutputFile(Console.OpenStandardOutput(), null, null);
        bool viaTemp = IsRegularOrNew(path);
        string target = viaTemp ? path + ".partial" : path;
        try
        {
            var fs = new FileStream(target, viaTemp ? FileMode.Create : FileMode.Open, FileAccess.Write, FileShare.Read, 1 << 16);
            return new OutputFile(fs, viaTemp ? path : null, viaTemp ? target : null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ModelException($"cannot write {path}: {e.Message}");
        }
    }

    /// <summary>All bytes are there: flush and give the file its name.</summary>
    public void Commit()
    {
        Stream.Flush();
        Stream.Dispose();
        if (_partial != null) File.Move(_partial, _final, overwrite: true);
        _done = true;
    }

    /// <summary>Failed: drop the partial file (an earlier FILE stays as it was).</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        try { Stream.Dispose(); } catch (IOException) { }
        if (_partial != null && File.Exists(_partial)) File.Delete(_partial);
    }

    public bool IsTemporary => _partial != null;

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)] private static extern int Stat(string path, byte[] buf);

    private static bool IsRegularOrNew(string path)
    {
        if (Directory.Exists(path)) throw new ModelException($"cannot write {path}: it is a directory");
        if (!File.Exists(path)) return true;
        if (!OperatingSystem.IsLinux()) return true;
        // struct stat's st_mode: offset 24 on x86-64, 16 on arm64 (glibc); S_IFMT 0xF000, S_IFREG 0x8000
        int offset = RuntimeInformation.ProcessArchitecture switch { Architecture.X64 => 24, Architecture.Arm64 => 16, _ => -1 };
        if (offset < 0) return false;
        var buf = new byte[256];
        try
        {
            if (Stat(path, buf) != 0) return false;
        }
        catch (EntryPointNotFoundException) { return false; }
        return (BitConverter.ToUInt32(buf, offset) & 0xF000) == 0x8000;
    }
}
