using System.Diagnostics;
using System.Security.Cryptography;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>
    /// The interop assembly's two SHA-256 backends, compiled here with the host's C compiler and checked against .NET's
    /// SHA-256 on the same messages: the portable C one (what the Linux nanoCLR runs) and the mbedTLS one (what the ESP32
    /// image runs, there on the SHA accelerator; here on the host's software mbedTLS, libmbedtls-dev).
    /// </summary>
    public class Sha256BackendTests : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("qrng-sha-backend").FullName;

        public void Dispose() => Directory.Delete(_dir, true);

        private static string Native => Path.Combine(RepoPaths.Root, "Sha256Native", "native");

        private static (int Code, string Out, string Err) Run(string file, string args, byte[] input = null)
        {
            var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            var output = p.StandardOutput.ReadToEndAsync();
            if (input != null) p.StandardInput.BaseStream.Write(input);
            p.StandardInput.Close();
            p.WaitForExit();
            return (p.ExitCode, output.Result, err.Result);
        }

        /// <summary>Builds the check driver with one backend; null (and why) when this machine cannot.</summary>
        private string Build(string backend, string libraries, out string why)
        {
            why = null;
            string exe = Path.Combine(_dir, Path.GetFileNameWithoutExtension(backend));
            string cc = backend.EndsWith(".cpp", StringComparison.Ordinal) ? "g++" : "gcc";
            foreach (string step in new[]
            {
                $"-O2 -c \"{Native}/check/backend_check.c\" -o \"{_dir}/check.o\"",
                $"-O2 -I\"{Native}\" -c \"{Native}/{backend}\" -o \"{exe}.o\"",
            })
            {
                var r = Run(step.Contains("backend_check") ? "gcc" : cc, step);
                if (r.Code != 0)
                {
                    why = $"{backend} does not compile here: {r.Err.Trim()}";
                    return null;
                }
            }

            var link = Run(cc, $"\"{_dir}/check.o\" \"{exe}.o\" {libraries} -o \"{exe}\"");
            if (link.Code != 0)
            {
                why = $"{backend} does not link here: {link.Err.Trim()}";
                return null;
            }

            return exe;
        }

        private static void NeedOrSkip(string why)
        {
            if (why == null) return;
            // CI installs the compilers and libmbedtls-dev (.ci/prerequisites): there a missing one fails
            Assert.True(Environment.GetEnvironmentVariable("QRNG_REQUIRE_NANOCLR") != "1", why);
            Assert.Skip(why + " (install gcc, g++ and libmbedtls-dev, or run .ci/prerequisites as root)");
        }

        [Theory]
        [InlineData("qrng_sha256_portable.c", "", "portable C")]
        [InlineData("qrng_sha256_mbedtls.cpp", "-lmbedcrypto", "mbedTLS")]
        public void The_backend_gives_the_same_digests_as_dotnet(string backend, string libraries, string name)
        {
            if (!OperatingSystem.IsLinux()) Assert.Skip("built with the host's gcc on Linux");
            if (backend.Contains("mbedtls") && !File.Exists("/usr/include/mbedtls/sha256.h"))
                NeedOrSkip("no mbedTLS headers (/usr/include/mbedtls/sha256.h)");
            string exe = Build(backend, libraries, out string why);
            NeedOrSkip(why);

            // every padding case (0..200 bytes), Hashgen-sized messages, a 1 MiB one, each split into random pieces
            var rng = new Random(20261127);
            var messages = new List<byte[][]>();
            var lengths = Enumerable.Range(0, 201).Concat([55, 56, 63, 64, 65, 119, 120, 4096, 65_536, 1 << 20]);
            foreach (int length in lengths)
            {
                byte[] m = new byte[length];
                rng.NextBytes(m);
                int pieces = rng.Next(1, 5);
                var cuts = Enumerable.Range(0, pieces - 1).Select(_ => rng.Next(0, length + 1)).Order().Prepend(0).Append(length).ToArray();
                messages.Add(Enumerable.Range(0, pieces).Select(i => m[cuts[i]..cuts[i + 1]]).ToArray());
            }

            using var input = new MemoryStream();
            using (var w = new BinaryWriter(input, System.Text.Encoding.ASCII, leaveOpen: true))
            {
                w.Write(messages.Count);
                foreach (byte[][] m in messages)
                {
                    w.Write(m.Length);
                    foreach (byte[] piece in m)
                    {
                        w.Write(piece.Length);
                        w.Write(piece);
                    }
                }
            }

            var (code, stdout, stderr) = Run(exe, "", input.ToArray());
            Assert.True(code == 0, stderr);
            string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("backend " + name, lines[0]);
            Assert.Equal(messages.Select(m => Convert.ToHexStringLower(SHA256.HashData(m.SelectMany(x => x).ToArray()))), lines.Skip(1));
        }
    }
}
