using System.Security.Cryptography;
using System.Text;

namespace Qrng.NanoClr
{
    /// <summary>Word size of the nanoCLR build: 32-bit (12-byte heap blocks, as on an ESP32) or 64-bit (24-byte blocks).</summary>
    public enum Flavor
    {
        X86,
        X64,
    }

    /// <summary>
    /// A built interpreter: the upstream test harness (loads .pe files in order and runs the entry point). Emulator: the
    /// program that runs it when this kernel cannot execute 32-bit binaries itself (qemu-i386), else null.
    /// </summary>
    public sealed record NanoClrBinary(string Harness, Flavor Flavor, string Directory, string Emulator = null)
    {
        /// <summary>The program to start and its leading arguments, before the .pe files.</summary>
        public (string File, List<string> Args) Command() =>
            Emulator == null ? (Harness, new List<string>()) : (Emulator, new List<string> { Harness });
    }

    /// <summary>
    /// Builds nanoFramework's Linux nanoCLR (targets/posix of the nf-interpreter snapshot, cmake + ninja + g++, Release =
    /// -O3) with the glue in posix/ and the interop assembly's native code (Sha256Native/native), once per content: the
    /// build lives in the cache folder under a key made of the snapshot's files, the glue's and the interop's files, the
    /// flavor and the compiler, and is reused while they are unchanged. The
    /// 32-bit flavor (default when g++ can target it) builds a patched copy of the snapshot (posix/m32.patch).
    /// </summary>
    public static class NativeBuild
    {
        private static readonly object Gate = new();
        private static readonly Dictionary<Flavor, NanoClrBinary> Built = new();
        private static bool? _canBuild32;
        private static string _emulator32;

        /// <summary>
        /// 32-bit when this machine's g++ can build and link 32-bit C++ (g++-multilib) and the result runs, natively or
        /// under qemu-i386 (a kernel without IA-32 emulation: .ci/prerequisites installs qemu-user), else 64-bit. The
        /// 64-bit build is the fallback only: it crashes in Execute_IL on a few device tests (24-byte heap blocks).
        /// </summary>
        /// <remarks>$QRNG_NANOCLR_FLAVOR (x86 or x64) overrides it: e.g. benchmarks on the 64-bit build where the 32-bit one
        /// runs only under qemu-i386.</remarks>
        public static Flavor DefaultFlavor => Environment.GetEnvironmentVariable("QRNG_NANOCLR_FLAVOR") switch
        {
            "x64" => Flavor.X64,
            "x86" => Flavor.X86,
            _ => CanBuild32() ? Flavor.X86 : Flavor.X64,
        };

        /// <summary>Why a build is impossible here (a missing tool), or null.</summary>
        public static string MissingTools()
        {
            var missing = new[] { "cmake", "g++", "gcc", "git" }.Where(t => !Proc.OnPath(t)).ToList();
            return missing.Count == 0 ? null : "nanoCLR cannot be built here: " + string.Join(", ", missing) + " not found on PATH (README: prerequisites)";
        }

        public static NanoClrBinary Ensure(Paths paths, Flavor flavor, Action<string> log = null)
        {
            lock (Gate)
            {
                if (Built.TryGetValue(flavor, out NanoClrBinary known))
                {
                    return known;
                }

                string glue = Path.Combine(paths.Repo, "Host", "NanoClr", "posix");
                string key = Key([paths.NfInterpreter, glue, InteropNative(paths)], flavor);
                string dir = Path.Combine(Paths.Cache, "nanoclr", flavor.ToString().ToLowerInvariant() + "-" + key);
                string harness = Path.Combine(dir, "build", "bin", "nanoFramework.nanoCLR.test");
                string stamp = Path.Combine(dir, "ok");
                if (!File.Exists(stamp) || !File.Exists(harness))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(dir));
                    using (FileLock.Acquire(dir + ".lock", log, "nanoCLR build"))
                    {
                        if (!File.Exists(stamp) || !File.Exists(harness))
                        {
                            Build(paths, glue, dir, flavor, log);
                            File.WriteAllText(stamp, DateTime.UtcNow.ToString("O") + "\n");
                        }
                    }
                }

                if (!File.Exists(harness))
                {
                    throw new BuildException("nanoCLR build finished without " + harness);
                }

                var binary = new NanoClrBinary(harness, flavor, dir, flavor == Flavor.X86 && CanBuild32() ? _emulator32 : null);
                Built[flavor] = binary;
                return binary;
            }
        }

        private static void Build(Paths paths, string glue, string dir, Flavor flavor, Action<string> log)
        {
            string missing = MissingTools();
            if (missing != null)
            {
                throw new BuildException(missing);
            }

            // an unfinished earlier attempt is continued (cmake and ninja rebuild only what is missing)
            Directory.CreateDirectory(dir);
            string source = paths.NfInterpreter;
            if (flavor == Flavor.X86)
            {
                source = Path.Combine(dir, "nf-interpreter");
                if (!File.Exists(Path.Combine(dir, "patched")))
                {
                    if (Directory.Exists(source))
                    {
                        Directory.Delete(source, recursive: true);
                    }

                    CopyTree(paths.NfInterpreter, source);
                    Proc.Check("applying posix/m32.patch", "git", ["apply", "-p1", "--ignore-whitespace", Path.Combine(glue, "m32.patch")], source);
                    File.WriteAllText(Path.Combine(dir, "patched"), "");
                }
            }

            log?.Invoke($"nanoCLR: building the {Describe(flavor)} interpreter from {paths.NfInterpreter} (once; about 2-4 minutes on 2 cores) into {dir}");
            string build = Path.Combine(dir, "build");
            var configure = new List<string> { "-S", glue, "-B", build, "-DCMAKE_BUILD_TYPE=Release", "-DNF_INTERPRETER=" + source, "-DQRNG_SHA256_NATIVE=" + InteropNative(paths) };
            configure.AddRange(Proc.OnPath("ninja") ? ["-G", "Ninja"] : ["-G", "Unix Makefiles"]);
            if (flavor == Flavor.X86)
            {
                foreach (string v in new[] { "CMAKE_C_FLAGS", "CMAKE_CXX_FLAGS", "CMAKE_EXE_LINKER_FLAGS", "CMAKE_SHARED_LINKER_FLAGS" })
                {
                    configure.Add($"-D{v}=-m32");
                }
            }

            Proc.Check("cmake configure of nanoCLR", "cmake", configure, dir);
            Proc.Check("cmake build of nanoCLR", "cmake", ["--build", build, "--parallel", Environment.ProcessorCount.ToString()], dir, TimeSpan.FromMinutes(40));
        }

        public static string Describe(Flavor flavor) => flavor == Flavor.X86
            ? "32-bit (-m32, 12-byte heap blocks as on an ESP32)" + (CanBuild32() && _emulator32 != null ? " under qemu-i386" : "") + ", -O3"
            : "64-bit (24-byte heap blocks), -O3";

        private static bool CanBuild32()
        {
            lock (Gate)
            {
                if (_canBuild32 == null)
                {
                    string dir = Directory.CreateTempSubdirectory("qrng-m32-").FullName;
                    try
                    {
                        File.WriteAllText(Path.Combine(dir, "t.cpp"), "#include <mutex>\n#include <string>\nint main(){std::mutex m; std::lock_guard<std::mutex> g(m); return (int)std::string(\"x\").size() - 1;}\n");
                        ProcResult r = Proc.Run("g++", ["-m32", "-std=c++20", "-pthread", "t.cpp", "-o", "t"], dir, TimeSpan.FromMinutes(2));
                        _canBuild32 = r.ExitCode == 0 && Runs(null, dir);
                        if (r.ExitCode == 0 && _canBuild32 == false && Proc.OnPath("qemu-i386") && Runs("qemu-i386", dir))
                        {
                            // this kernel cannot exec i386 binaries (no IA32 emulation): the user-mode emulator can
                            _emulator32 = "qemu-i386";
                            _canBuild32 = true;
                        }
                    }
                    catch (System.ComponentModel.Win32Exception)
                    {
                        _canBuild32 = false;
                    }
                    finally
                    {
                        Directory.Delete(dir, recursive: true);
                    }
                }

                return _canBuild32.Value;
            }
        }

        private static bool Runs(string emulator, string dir)
        {
            string t = Path.Combine(dir, "t");
            try
            {
                return (emulator == null
                    ? Proc.Run(t, [], dir, TimeSpan.FromSeconds(30))
                    : Proc.Run(emulator, [t], dir, TimeSpan.FromSeconds(30))).ExitCode == 0;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return false;
            }
        }

        /// <summary>
        /// The native code of the project's interop assembly (Sha256Native/native: its generated skeleton and the
        /// implementation), compiled into the interpreter by the glue.
        /// </summary>
        public static string InteropNative(Paths paths) => Path.Combine(paths.Repo, "Sha256Native", "native");

        /// <summary>
        /// SHA-256 over every file of the snapshot, the glue and the interop's native code (path + content), the flavor
        /// and the compiler's version.
        /// </summary>
        private static string Key(string[] roots, Flavor flavor)
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (string root in roots)
            {
                foreach (string file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    sha.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(root, file) + "\0"));
                    sha.AppendData(File.ReadAllBytes(file));
                }
            }

            string compiler = Proc.OnPath("g++") ? Proc.Run("g++", ["--version"]).Stdout.Split('\n')[0] : "";
            sha.AppendData(Encoding.UTF8.GetBytes(flavor + "\0" + compiler));
            return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
        }

        private static void CopyTree(string from, string to)
        {
            foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            {
                string target = Path.Combine(to, Path.GetRelativePath(from, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target));
                // the snapshot is read-only; the copy must be writable for the patch
                File.WriteAllBytes(target, File.ReadAllBytes(file));
            }
        }
    }

    /// <summary>An exclusive lock on a file (flock through FileShare.None), waited for with a note: parallel test runs share builds.</summary>
    public sealed class FileLock : IDisposable
    {
        private readonly FileStream _stream;

        private FileLock(FileStream stream)
        {
            _stream = stream;
        }

        public static FileLock Acquire(string path, Action<string> log, string what)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path));
            bool told = false;
            DateTime giveUp = DateTime.UtcNow.AddMinutes(45);
            while (true)
            {
                try
                {
                    return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
                }
                catch (IOException) when (DateTime.UtcNow < giveUp)
                {
                    if (!told)
                    {
                        log?.Invoke($"{what}: waiting for another process that holds {path}");
                        told = true;
                    }

                    Thread.Sleep(500);
                }
            }
        }

        public void Dispose() => _stream.Dispose();
    }
}
