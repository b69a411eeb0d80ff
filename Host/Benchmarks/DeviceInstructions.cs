using System.Globalization;
using System.Text.RegularExpressions;
using Qrng.NanoClr;

namespace Qrng.Benchmarks
{
    /// <summary>
    /// `dotnet run -c Release --project Host/Benchmarks -- --device --instructions`: the same firmware costs as host CPU
    /// instructions executed by the Linux nanoCLR, counted by valgrind (callgrind), so that they do not depend on what
    /// else the machine runs. Each measure is the difference between a program that does the work N times and one that
    /// does it 0 times (start-up, assembly loading and set-up cancel out), divided by N.
    /// </summary>
    public static class DeviceInstructions
    {
        private const int Requests = 8, Frames = 10;

        public static int Run()
        {
            Paths paths = Paths.Find();
            if (paths.Missing is { } missing)
            {
                Console.Error.WriteLine("device instructions: " + missing);
                return 2;
            }

            if (!Proc.OnPath("valgrind"))
            {
                Console.Error.WriteLine("device instructions: valgrind not found (apt-get install valgrind)");
                return 2;
            }

            NanoClrBinary clr = NativeBuild.Ensure(paths, NativeBuild.DefaultFlavor, Console.Error.WriteLine);
            if (clr.Emulator != null)
            {
                // valgrind runs the guest's system calls on this kernel, which cannot run i386 code
                Console.Error.WriteLine($"device instructions: the 32-bit interpreter runs here only under {clr.Emulator}; valgrind cannot count it (needs a kernel with IA-32 emulation)");
                return 2;
            }

            var build = new DeviceBuild(paths, Console.Error.WriteLine);
            string[] omit = [Runner.Sha256NativeAssembly];

            // Hash_DRBG: 4 KiB requests on an explicit path
            double DrbgPerKiB(bool native)
            {
                long Count(int n) => Instructions(clr, Program(paths, build, $"Count{(native ? "Native" : "Managed")}Drbg{n}", $$"""
                                var drbg = new HashDrbg(HashDrbg.MaxReseedInterval, {{(native ? "true" : "false")}});
                                drbg.Instantiate(new byte[48], null, null);
                                byte[] block = new byte[4096];
                                for (int i = 0; i < {{n}}; i++)
                                {
                                    drbg.Generate(block, 0, 4096, null);
                                }
                    """), null);
                return (Count(Requests) - Count(0)) / (4.0 * Requests);
            }

            // one frame of the device loop on the emulated 40x32 board (the default; 4 KiB out), and its capture alone
            double PerFrame(string[] omitNative, bool captureOnly, string extra = "")
            {
                string kind = (captureOnly ? "Capture" : "Frame") + (omitNative == null ? "Native" : "Managed") + (extra.Length > 0 ? "Extra" : "");
                long Count(int n) => Instructions(clr, Program(paths, build, $"Count{kind}{n}", $$"""
                                EmulatedBoard board = DeviceBench.Streaming(40, 32, 0x51A2F0u, "{{extra.Replace("\n", "\\n")}}");
                                ushort[] pixels = new ushort[board.Config.PixelCount];
                                for (int i = 0; i < {{n}}; i++)
                                {
                                    {{(captureOnly ? "board.Driver.Capture(pixels);" : "board.Step();")}}
                                }

                                if (HashDrbg.Sha256Path != "{{(omitNative == null ? "native" : "managed")}}")
                                {
                                    throw new InvalidOperationException("wrong SHA-256 path: " + HashDrbg.Sha256Path);
                                }
                    """), omitNative);
                return (Count(Frames) - Count(0)) / (double)Frames;
            }

            Console.Error.WriteLine("device instructions: counting with valgrind --tool=callgrind (a few minutes) ...");
            double nativeKiB = DrbgPerKiB(true), managedKiB = DrbgPerKiB(false);
            double nativeFrame = PerFrame(null, false), managedFrame = PerFrame(omit, false), capture = PerFrame(null, true);
            // the LED dither's own work per frame: a challenge byte, a fingerprint into its chain, a frame into the check
            long DitherCount(int n) => Instructions(clr, Program(paths, build, $"CountDither{n}", $$"""
                            var config = new Qrng.Firmware.FirmwareConfig();
                            var check = new Qrng.Firmware.Pipeline.DitherCheck(config);
                            var challenge = new Qrng.Firmware.Pipeline.LightChallenge(new byte[16]);
                            long[] sums = new long[config.EffectiveDitherParts];
                            int[] pixels = new int[sums.Length];
                            for (int i = 0; i < {{n}}; i++)
                            {
                                challenge.Absorb((uint)i, (uint)(i * 7));
                                int duty = 4500 + (4 * challenge.Next());
                                for (int p = 0; p < sums.Length; p++)
                                {
                                    pixels[p] = 160;
                                    sums[p] = (long)duty * 16 + p;
                                }

                                check.Add(duty, sums, pixels);
                            }
                """), null);
            double dither = (DitherCount(8 * Frames) - DitherCount(0)) / (8.0 * Frames);
            // the frame kernel alone (issue 22): Scan + Symbols per pixel, each path explicitly, in the native image
            double KernelPerPixel(int width, int height, int frames, bool native)
            {
                long Count(int n) => Instructions(clr, Program(paths, build, $"CountKernel{(native ? "Native" : "Managed")}{width}x{height}n{n}", $$"""
                                if (!Qrng.Firmware.Pipeline.FrameKernel.Native)
                                {
                                    throw new InvalidOperationException("no native frame kernel in this interpreter");
                                }

                                DeviceBench.KernelTicks({{width}}, {{height}}, {{n}}, {{(native ? "true" : "false")}});
                    """), null);
                return (Count(frames) - Count(0)) / ((double)frames * width * height);
            }

            var kernel = new List<(string Size, double Native, double Managed)>();
            foreach ((int w, int h, int n) in new[] { (8, 8, 200), (64, 44, 10), (128, 100, 4) })
            {
                kernel.Add(($"{w}×{h}", KernelPerPixel(w, h, n, true), KernelPerPixel(w, h, n, false)));
            }

            // the firmware alone per frame (App.Tick on a ThinSensor: no emulated module; its own draws subtracted), 4 KiB out
            double Firmware(int width, int height, int frames, string[] omitNative)
            {
                long Count(int n, bool captureOnly) => Instructions(clr, Program(paths, build, $"CountFirmware{(omitNative == null ? "Native" : "Managed")}{width}x{height}n{n}{(captureOnly ? "c" : "")}", $$"""
                                var config = new Qrng.Firmware.FirmwareConfig();
                                config.EmulatorTestSize = true;
                                config.Apply("sensor.width = {{width}}\nsensor.height = {{height}}\ndevice.heap_bytes = 4000000\n");
                                var sensor = new ThinSensor(7, config.PixelCount);
                                var app = new Qrng.Firmware.App(sensor, sensor, new CountingSink(), new CountingDelay(), null, config);
                                app.SimulatedSource = true;
                                for (int i = 0; i < 3000 && app.Engine.Status.State != Qrng.Firmware.EngineState.Streaming; i++)
                                {
                                    app.Tick();
                                }

                                if (app.Engine.Status.State != Qrng.Firmware.EngineState.Streaming)
                                {
                                    throw new InvalidOperationException("did not stream: " + app.Engine.Status.Summary());
                                }

                                ushort[] pixels = new ushort[config.PixelCount];
                                for (int i = 0; i < {{n}}; i++)
                                {
                                    {{(captureOnly ? "sensor.Capture(pixels);" : "app.Tick();")}}
                                }
                    """), omitNative);
                return ((Count(frames, false) - Count(0, false)) - (Count(frames, true) - Count(0, true))) / (double)frames;
            }

            var firmware = new List<(string Size, double Native, double Managed)>();
            foreach ((int w, int h, int n) in new[] { (40, 32, 10), (64, 44, 6), (128, 100, 2) })
            {
                firmware.Add(($"{w}×{h}", Firmware(w, h, n, null), Firmware(w, h, n, omit)));
            }

            string M(double v) => (v / 1e6).ToString("F2", CultureInfo.InvariantCulture) + " M";
            string flavor = clr.Flavor == Flavor.X86 ? "x86" : "x64";
            Console.WriteLine($"| host instructions on nanoCLR ({flavor}, -O3) | native SHA-256 | managed SHA-256 | managed / native |");
            Console.WriteLine("|---|---|---|---|");
            Console.WriteLine($"| Hash_DRBG, per KiB (4 KiB requests) | {M(nativeKiB)} | {M(managedKiB)} | {(managedKiB / nativeKiB).ToString("F1", CultureInfo.InvariantCulture)}× |");
            Console.WriteLine($"| frame 40×32, whole loop (4 KiB out) | {M(nativeFrame)} | {M(managedFrame)} | {(managedFrame / nativeFrame).ToString("F1", CultureInfo.InvariantCulture)}× |");
            Console.WriteLine($"| frame 40×32 without the emulated capture ({M(capture)}) | {M(nativeFrame - capture)} | {M(managedFrame - capture)} | {((managedFrame - capture) / (nativeFrame - capture)).ToString("F1", CultureInfo.InvariantCulture)}× |");
            Console.WriteLine($"| the LED dither's own work per frame (challenge byte, fingerprint into its chain, DitherCheck.Add) | {M(dither)} | {M(dither)} (managed SHA-256 either way) | {(100 * dither / (nativeFrame - capture)).ToString("F1", CultureInfo.InvariantCulture)} % of a native frame's firmware work |");
            Console.WriteLine();
            Console.WriteLine($"| the firmware alone per frame (App.Tick on a ThinSensor, its draws subtracted; 4 KiB out), host instructions on nanoCLR ({flavor}, -O3) | with the interop (native SHA-256, CRC-32, frame kernel) | stock image (all managed) | stock / interop |");
            Console.WriteLine("|---|---|---|---|");
            foreach (var f in firmware)
            {
                Console.WriteLine($"| {f.Size} | {M(f.Native)} | {M(f.Managed)} | {(f.Managed / f.Native).ToString("F1", CultureInfo.InvariantCulture)}× |");
            }

            Console.WriteLine();
            Console.WriteLine($"| frame kernel alone (FrameChecks.Scan + SymbolTests.Run), host instructions per pixel on nanoCLR ({flavor}, -O3) | native kernel | managed loops | managed / native |");
            Console.WriteLine("|---|---|---|---|");
            foreach (var k in kernel)
            {
                string P(double v) => v.ToString(v < 100 ? "F1" : "F0", CultureInfo.InvariantCulture);
                Console.WriteLine($"| {k.Size} | {P(k.Native)} | {P(k.Managed)} | {(k.Managed / k.Native).ToString("F0", CultureInfo.InvariantCulture)}× |");
            }

            return 0;
        }

        private static DeviceAssembly Program(Paths paths, DeviceBuild build, string name, string body) =>
            DeviceProgram.Build(paths, build, name, DeviceProgram.WithMain("using Qrng.Crypto;\nusing Qrng.Emulator;", body), HeapFit.FirmwareProjects);

        private static long Instructions(NanoClrBinary clr, DeviceAssembly program, string[] omitNative)
        {
            var args = new List<string> { "--tool=callgrind", "--callgrind-out-file=/dev/null", clr.Harness };
            args.AddRange(program.LoadOrder(DeviceBuild.MscorlibPe));
            var env = new Dictionary<string, string> { [Runner.OmitNativeVariable] = omitNative == null ? "" : string.Join(",", omitNative) };
            ProcResult r = Proc.Run("valgrind", args, Path.GetDirectoryName(clr.Harness), TimeSpan.FromMinutes(30), env);
            if (!r.Stdout.Contains(Runner.ResultMarker + "ok", StringComparison.Ordinal))
            {
                throw new BuildException($"{program.Name} did not run to its end under valgrind:\n{r.Tail(20)}");
            }

            Match m = Regex.Match(r.Stderr, @"Collected : (\d+)");
            return m.Success ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : throw new BuildException("no instruction count from callgrind:\n" + r.Tail(10));
        }
    }
}
