using System.Globalization;
using Qrng.Emulator;
using Qrng.NanoClr;

namespace Qrng.Benchmarks
{
    /// <summary>
    /// `dotnet run -c Release --project Host/Benchmarks -- --device`: the firmware's cost per frame (8x8 and the largest
    /// frame, 128x100) and per KiB of Hash_DRBG output, measured by the same code (Emulator/DeviceBench.cs) on the
    /// Linux nanoCLR and on .NET in one run, plus the smallest managed heap the firmware streams in on nanoCLR
    /// (on a ThinSensor, so without the emulator's own memory).
    /// </summary>
    public static class DeviceCost
    {
        private const int SmallFrames = 200, LargeFrames = 10, DrbgKiB = 256, LoopIterations = 200_000;

        public static int Run()
        {
            Paths paths = Paths.Find();
            if (paths.Missing is { } missing)
            {
                Console.Error.WriteLine("device benchmark: " + missing);
                return 2;
            }

            Console.Error.WriteLine("device benchmark: .NET twin ...");
            DeviceBench.FrameTicks(8, 8, SmallFrames, out _);                 // warm-up (JIT)
            long netSmall = DeviceBench.FrameTicks(8, 8, SmallFrames, out long netSmallCapture);
            DeviceBench.FrameTicks(64, 44, LargeFrames, out _);
            long netEsp = DeviceBench.FrameTicks(64, 44, LargeFrames, out long netEspCapture);
            DeviceBench.FrameTicks(128, 100, LargeFrames, out _);
            long netLarge = DeviceBench.FrameTicks(128, 100, LargeFrames, out long netLargeCapture);
            DeviceBench.DrbgTicksPerKiB(DrbgKiB);
            long netDrbg = DeviceBench.DrbgTicksPerKiB(DrbgKiB);
            DeviceBench.NativeCallLoopTicksPer1000(LoopIterations);
            long netLoop = DeviceBench.NativeCallLoopTicksPer1000(LoopIterations);

            NanoClrBinary clr = NativeBuild.Ensure(paths, NativeBuild.DefaultFlavor, Console.Error.WriteLine);
            var build = new DeviceBuild(paths, Console.Error.WriteLine);
            string[] projects = HeapFit.FirmwareProjects;
            DeviceAssembly bench = DeviceProgram.Build(paths, build, "DeviceBench", DeviceProgram.WithMain("using Qrng.Emulator;", $$"""
                            long capture;
                            long loop = DeviceBench.FrameTicks(8, 8, {{SmallFrames}}, out capture);
                            Console.WriteLine("bench small " + loop + " " + capture);
                            loop = DeviceBench.FrameTicks(64, 44, {{LargeFrames}}, out capture);
                            Console.WriteLine("bench esp " + loop + " " + capture);
                            loop = DeviceBench.FrameTicks(128, 100, {{LargeFrames}}, out capture);
                            Console.WriteLine("bench large " + loop + " " + capture);
                            Console.WriteLine("bench drbg " + DeviceBench.DrbgTicksPerKiB({{DrbgKiB}}));
                            Console.WriteLine("bench loop " + DeviceBench.NativeCallLoopTicksPer1000({{LoopIterations}}));
                """), projects);
            Console.Error.WriteLine("device benchmark: nanoCLR (" + NativeBuild.Describe(clr.Flavor) + ") ...");
            NanoClrRun run = Runner.Run(clr, bench.LoadOrder(DeviceBuild.MscorlibPe), TimeSpan.FromMinutes(20));
            if (Runner.MarkedProblem(run) is { } problem)
            {
                Console.Error.WriteLine("device benchmark: " + problem);
                return 1;
            }

            var results = run.ProgramOutput.Where(l => l.StartsWith("bench ", StringComparison.Ordinal))
                .Select(l => l.Split(' ')).ToDictionary(p => p[1], p => p.Skip(2).Select(long.Parse).ToArray());

            Console.Error.WriteLine("device benchmark: smallest heap the firmware streams in on nanoCLR (bisection) ...");
            int heapSmall = Heap(paths, build, clr, 8, 8);
            int heapEsp = Heap(paths, build, clr, 64, 44);
            int heapLarge = Heap(paths, build, clr, 128, 100);

            string Us(long ticks) => (ticks / 10.0).ToString(ticks < 10_000 ? "F1" : "F0", CultureInfo.InvariantCulture) + " µs";
            string Ratio(long a, long b) => b <= 0 ? "-" : ((double)a / b).ToString("F0", CultureInfo.InvariantCulture) + "×";
            Console.WriteLine($"| measure | nanoCLR ({(clr.Flavor == Flavor.X86 ? "x86" : "x64")}, -O3) | .NET 10 twin | nanoCLR / .NET |");
            Console.WriteLine("|---|---|---|---|");
            void Row(string name, long nano, long net) => Console.WriteLine($"| {name} | {Us(nano)} | {Us(net)} | {Ratio(nano, net)} |");
            Row("frame 8×8, whole loop (capture, tests, 4 KiB out)", results["small"][0], netSmall);
            Row("frame 8×8, capture only (emulated module + driver)", results["small"][1], netSmallCapture);
            Row("frame 64×44 (the largest an ESP32 without PSRAM accepts), whole loop", results["esp"][0], netEsp);
            Row("frame 64×44, capture only", results["esp"][1], netEspCapture);
            Row("frame 128×100 (needs a board with PSRAM), whole loop", results["large"][0], netLarge);
            Row("frame 128×100, capture only", results["large"][1], netLargeCapture);
            Row("Hash_DRBG, per KiB (4 KiB requests)", results["drbg"][0], netDrbg);
            Row("1000 loop iterations with one native call", results["loop"][0], netLoop);
            Console.WriteLine($"| managed heap the firmware streams in, 8×8 | {heapSmall / 1024.0:F1} KiB | - | - |");
            Console.WriteLine($"| managed heap the firmware streams in, 64×44 | {heapEsp / 1024.0:F1} KiB | - | - |");
            Console.WriteLine($"| managed heap the firmware streams in, 128×100 | {heapLarge / 1024.0:F1} KiB | - | - |");
            return 0;
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
