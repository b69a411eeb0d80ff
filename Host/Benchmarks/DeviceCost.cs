using System.Globalization;
using Qrng.Emulator;
using Qrng.NanoClr;

namespace Qrng.Benchmarks
{
    /// <summary>
    /// `dotnet run -c Release --project Host/Benchmarks -- --device`: the firmware's cost per frame (the default 40x32,
    /// 64x44 and the largest, 128x100) and per KiB of Hash_DRBG output, measured by the same code (Emulator/DeviceBench.cs) on the
    /// Linux nanoCLR with the native SHA-256 (interop Qrng.Sha256.Native), on the same nanoCLR without it (the managed
    /// path stock firmware runs) and on .NET in one run, plus the smallest managed heap the firmware streams in on nanoCLR
    /// (on a ThinSensor, so without the emulator's own memory). The native runs have the native frame kernel too (issue 22),
/// the managed runs the managed loops, as stock firmware.
    /// </summary>
    public static class DeviceCost
    {
        private const int SmallFrames = 200, LargeFrames = 10, DrbgKiB = 256, FramingKiB = 256, LoopIterations = 200_000, ShaBlocks = 4096, Repeats = 3,
            KernelSmall = 2000, KernelLarge = 40;

        public static int Run()
        {
            Paths paths = Paths.Find();
            if (paths.Missing is { } missing)
            {
                Console.Error.WriteLine("device benchmark: " + missing);
                return 2;
            }

            Console.Error.WriteLine("device benchmark: .NET twin ...");
            DeviceBench.FrameTicks(40, 32, SmallFrames, out _);                 // warm-up (JIT)
            long netSmall = DeviceBench.FrameTicks(40, 32, SmallFrames, out long netSmallCapture);
            DeviceBench.FrameTicks(64, 44, LargeFrames, out _);
            long netEsp = DeviceBench.FrameTicks(64, 44, LargeFrames, out long netEspCapture);
            DeviceBench.FrameTicks(128, 100, LargeFrames, out _);
            long netLarge = DeviceBench.FrameTicks(128, 100, LargeFrames, out long netLargeCapture);
            DeviceBench.DrbgTicksPerKiB(DrbgKiB, false);
            long netDrbg = DeviceBench.DrbgTicksPerKiB(DrbgKiB, false);
            DeviceBench.Sha256TicksPer1000Blocks(ShaBlocks);
            long netSha = DeviceBench.Sha256TicksPer1000Blocks(ShaBlocks);
            DeviceBench.NativeCallLoopTicksPer1000(LoopIterations);
            long netLoop = DeviceBench.NativeCallLoopTicksPer1000(LoopIterations);
            DeviceBench.DataFramingTicksPerKiB(FramingKiB);
            long netFraming = DeviceBench.DataFramingTicksPerKiB(FramingKiB);
            DeviceBench.DataFramingTicksPerKiB(FramingKiB, true);
            long netAuthFraming = DeviceBench.DataFramingTicksPerKiB(FramingKiB, true);
            DeviceBench.KernelTicks(8, 8, KernelSmall, false);
            long[] netKernel = [DeviceBench.KernelTicks(8, 8, KernelSmall, false), DeviceBench.KernelTicks(64, 44, KernelLarge, false), DeviceBench.KernelTicks(128, 100, KernelLarge / 4, false)];

            NanoClrBinary clr = NativeBuild.Ensure(paths, NativeBuild.DefaultFlavor, Console.Error.WriteLine);
            var build = new DeviceBuild(paths, Console.Error.WriteLine);
            DeviceAssembly bench = DeviceProgram.Build(paths, build, "DeviceBench", DeviceProgram.WithMain("using Qrng.Crypto;\nusing Qrng.Emulator;", $$"""
                            Console.WriteLine("bench path " + HashDrbg.Sha256Path + " crc32 " + Crc32.Path + " kernel " + Qrng.Firmware.Pipeline.FrameKernel.Path);
                            long capture;
                            long loop = DeviceBench.FrameTicks(40, 32, {{SmallFrames}}, out capture);
                            Console.WriteLine("bench small " + loop + " " + capture);
                            loop = DeviceBench.FrameTicks(64, 44, {{LargeFrames}}, out capture);
                            Console.WriteLine("bench esp " + loop + " " + capture);
                            loop = DeviceBench.FrameTicks(128, 100, {{LargeFrames}}, out capture);
                            Console.WriteLine("bench large " + loop + " " + capture);
                            Console.WriteLine("bench drbg " + DeviceBench.DrbgTicksPerKiB({{DrbgKiB}}));
                            Console.WriteLine("bench drbg-managed " + DeviceBench.DrbgTicksPerKiB({{DrbgKiB}}, false));
                            Console.WriteLine("bench sha256 " + DeviceBench.Sha256TicksPer1000Blocks({{ShaBlocks}}));
                            Console.WriteLine("bench loop " + DeviceBench.NativeCallLoopTicksPer1000({{LoopIterations}}));
                            Console.WriteLine("bench framing " + DeviceBench.DataFramingTicksPerKiB({{FramingKiB}}));
                            Console.WriteLine("bench framing-auth " + DeviceBench.DataFramingTicksPerKiB({{FramingKiB / 4}}, true));
                            bool nativeKernel = Qrng.Firmware.Pipeline.FrameKernel.Native;
                            Console.WriteLine("bench kernel-8x8 " + DeviceBench.KernelTicks(8, 8, {{KernelSmall}}, nativeKernel));
                            Console.WriteLine("bench kernel-64x44 " + DeviceBench.KernelTicks(64, 44, {{KernelLarge}}, nativeKernel));
                            Console.WriteLine("bench kernel-128x100 " + DeviceBench.KernelTicks(128, 100, {{KernelLarge / 4}}, nativeKernel));
                """), HeapFit.FirmwareProjects);

            // the same interpreter as built (native SHA-256) and with Qrng.Sha256.Native left out of its native table,
            // which is what an image without the interop (stock firmware) gives the firmware; Repeats runs of each,
            // interleaved, and the fastest of each measure kept (this machine is shared: interference only adds time)
            Dictionary<string, long[]> native = null, managed = null;
            for (int i = 0; i < Repeats; i++)
            {
                native = Fastest(native, RunBench(clr, bench, null, "native"));
                managed = Fastest(managed, RunBench(clr, bench, [Runner.Sha256NativeAssembly], "managed"));
                if (native == null || managed == null)
                {
                    return 1;
                }
            }

            Console.Error.WriteLine("device benchmark: smallest heap the firmware streams in on nanoCLR (bisection) ...");
            int heapSmall = Heap(paths, build, clr, 40, 32);
            int heapEsp = Heap(paths, build, clr, 64, 44);
            int heapLarge = Heap(paths, build, clr, 128, 100);

            string Us(long ticks) => (ticks / 10.0).ToString(ticks < 10_000 ? "F1" : "F0", CultureInfo.InvariantCulture) + " µs";
            string MBps(long ticksPerKiB) => (1024.0 / (ticksPerKiB / 10.0)).ToString("F2", CultureInfo.InvariantCulture) + " MB/s";
            string flavor = (clr.Flavor == Flavor.X86 ? "x86" : "x64") + (clr.Emulator != null ? " under " + clr.Emulator : "");
            Console.WriteLine($"| measure | nanoCLR ({flavor}, -O3), native SHA-256 and CRC-32 | nanoCLR ({flavor}, -O3), managed (stock image) | .NET 10 twin |");
            Console.WriteLine("|---|---|---|---|");
            void Row(string name, string a, string b, string c) => Console.WriteLine($"| {name} | {a} | {b} | {c} |");
            void Frame(string name, string key, int part, long net) => Row(name, Us(native[key][part]), Us(managed[key][part]), Us(net));
            Frame("frame 40×32 (the default), whole loop (capture, tests, 4 KiB out)", "small", 0, netSmall);
            Frame("frame 40×32, capture only (emulated module + driver)", "small", 1, netSmallCapture);
            Frame("frame 64×44 (without PSRAM, the budget now accepts 64×36), whole loop", "esp", 0, netEsp);
            Frame("frame 64×44, capture only", "esp", 1, netEspCapture);
            Frame("frame 128×100 (needs a board with PSRAM), whole loop", "large", 0, netLarge);
            Frame("frame 128×100, capture only", "large", 1, netLargeCapture);
            Row("Hash_DRBG, per KiB (4 KiB requests)", Us(native["drbg"][0]), Us(managed["drbg"][0]), Us(netDrbg));
            Row("Hash_DRBG throughput (4 KiB requests)", MBps(native["drbg"][0]), MBps(managed["drbg"][0]), MBps(netDrbg));
            Row("Hash_DRBG, per 4 KiB request", Us(4 * native["drbg"][0]), Us(4 * managed["drbg"][0]), Us(4 * netDrbg));
            Row("managed SHA-256, per 64-byte block", "-", Us(managed["sha256"][0] / 1000), Us(netSha / 1000));
            Row("1000 loop iterations with one native call", Us(native["loop"][0]), Us(managed["loop"][0]), Us(netLoop));
            Row("DATA framing (FrameWriter + CRC-32, no HMAC), per KiB", Us(native["framing"][0]), Us(managed["framing"][0]), Us(netFraming));
            Row("DATA framing throughput", MBps(native["framing"][0]), MBps(managed["framing"][0]), MBps(netFraming));
            Row("DATA framing with AUTH (+ counter, HMAC-SHA256 on the managed SHA-256), per KiB", Us(native["framing-auth"][0]), Us(managed["framing-auth"][0]), Us(netAuthFraming));
            string[] kernelKeys = ["kernel-8x8", "kernel-64x44", "kernel-128x100"];
            string[] kernelNames = ["8×8", "64×44", "128×100"];
            for (int k = 0; k < kernelKeys.Length; k++)
            {
                Row($"frame kernel alone (scan + symbols, no capture, no DRBG), {kernelNames[k]}: native kernel / managed loops", Us(native[kernelKeys[k]][0]), Us(managed[kernelKeys[k]][0]), Us(netKernel[k]));
            }

            Console.WriteLine($"| managed heap the firmware streams in, 40×32 | {heapSmall / 1024.0:F1} KiB | - | - |");
            Console.WriteLine($"| managed heap the firmware streams in, 64×44 | {heapEsp / 1024.0:F1} KiB | - | - |");
            Console.WriteLine($"| managed heap the firmware streams in, 128×100 | {heapLarge / 1024.0:F1} KiB | - | - |");
            Console.WriteLine();
            Console.WriteLine($"fastest of {Repeats} interleaved runs each; in the native runs a DRBG built on the managed path explicitly takes {Us(native["drbg-managed"][0])} per KiB");
            return 0;
        }

        private static Dictionary<string, long[]> Fastest(Dictionary<string, long[]> a, Dictionary<string, long[]> b)
        {
            if (a == null || b == null)
            {
                return b;
            }

            return a.ToDictionary(kv => kv.Key, kv => kv.Value.Zip(b[kv.Key], Math.Min).ToArray());
        }

        private static Dictionary<string, long[]> RunBench(NanoClrBinary clr, DeviceAssembly bench, string[] omitNative, string expectedPath)
        {
            Console.Error.WriteLine($"device benchmark: nanoCLR ({NativeBuild.Describe(clr.Flavor)}), {expectedPath} SHA-256 ...");
            NanoClrRun run = Runner.Run(clr, bench.LoadOrder(DeviceBuild.MscorlibPe), TimeSpan.FromMinutes(20), omitNative: omitNative);
            if (Runner.MarkedProblem(run) is { } problem)
            {
                Console.Error.WriteLine("device benchmark: " + problem);
                return null;
            }

            if (!run.ProgramOutput.Contains("bench path " + expectedPath + " crc32 " + expectedPath + " kernel " + expectedPath))
            {
                Console.Error.WriteLine($"device benchmark: expected the {expectedPath} SHA-256 path, the program says: " + run.ProgramOutput.FirstOrDefault(l => l.StartsWith("bench path", StringComparison.Ordinal)));
                return null;
            }

            return run.ProgramOutput.Where(l => l.StartsWith("bench ", StringComparison.Ordinal) && !l.StartsWith("bench path", StringComparison.Ordinal))
                .Select(l => l.Split(' ')).ToDictionary(p => p[1], p => p.Skip(2).Select(long.Parse).ToArray());
        }

        /// <summary>The smallest heap the firmware (on a ThinSensor: no emulator memory) streams in, in bytes.</summary>
        private static int Heap(Paths paths, DeviceBuild build, NanoClrBinary clr, int width, int height)
        {
            DeviceAssembly fit = HeapFit.FirmwareProgram(paths, build, $"HeapFit{width}x{height}",
                $"sensor.width = {width}\nsensor.height = {height}\ndevice.heap_bytes = 4000000\n");
            return HeapFit.Smallest(clr, fit, step: 512);
        }
    }
}
