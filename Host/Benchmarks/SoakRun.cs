using System.Globalization;
using Qrng.Emulator;
using Qrng.NanoClr;

namespace Qrng.Benchmarks
{
    /// <summary>
    /// `dotnet run -c Release --project Host/Benchmarks -- --soak [FRAMES] [--seed N]` (default 200,000 frames): the
    /// soak of Emulator/Soak.cs (the firmware at 16x16 with every fault knob switched on and off at random, judged by
    /// its oracle after every frame) on the .NET twin, printing the managed heap after a full GC at 20 points, then the
    /// same seed on nanoCLR (in a 256 KiB heap: the 1.x API the firmware may use has no free-memory query, so the heap
    /// series is the twin's). The twin and nanoCLR must agree on every count.
    /// </summary>
    public static class SoakRun
    {
        private const int Width = 16, Height = 16, Segments = 20, Heap = 256 * 1024;

        public static int Run(string[] args)
        {
            int frames = 200_000;
            uint seed = 20261208;
            if (!RunArgs.FramesAndSeed(args, "--soak", "soak", Segments, ref frames, ref seed))
            {
                return 2;
            }

            Paths paths = Paths.Find();
            if (paths.Missing is { } missing)
            {
                Console.Error.WriteLine("soak: " + missing);
                return 2;
            }

            int segment = frames / Segments;
            Console.WriteLine($"soak: {Segments * segment:N0} frames at {Width}x{Height}, seed {seed}");
            Console.WriteLine();
            Console.WriteLine("| frames | managed heap after a full GC (.NET twin) |");
            Console.WriteLine("|---|---|");
            var soak = new Soak(seed, Width, Height, null, null);
            var started = System.Diagnostics.Stopwatch.StartNew();
            for (int i = 0; i < Segments; i++)
            {
                if (!soak.Advance(segment))
                {
                    Console.WriteLine("soak (.NET twin): oracle refused: " + soak.Violation);
                    return 1;
                }

                Console.WriteLine($"| {soak.Frames:N0} | {GC.GetTotalMemory(true):N0} B |");
            }

            string twin = soak.Summary();
            Console.WriteLine();
            Console.Write(twin);
            Console.WriteLine($"(.NET twin: {started.Elapsed.TotalSeconds:F0} s)");

            NanoClrBinary clr = NativeBuild.Ensure(paths, NativeBuild.DefaultFlavor, Console.Error.WriteLine);
            var build = new DeviceBuild(paths, Console.Error.WriteLine);
            DeviceAssembly Program(int segments) => DeviceProgram.Build(paths, build, "Soak", DeviceProgram.WithMain("using Qrng.Emulator;", $$"""
                            var soak = new Soak({{seed}}u, {{Width}}, {{Height}}, null, null);
                            for (int i = 0; i < {{segments}}; i++)
                            {
                                if (!soak.Advance({{segment}}))
                                {
                                    throw new InvalidOperationException("oracle refused: " + soak.Violation);
                                }

                                Console.WriteLine("soak segment " + soak.Frames);
                            }

                            Console.Write(soak.Summary());
                """), HeapFit.FirmwareProjects);

            Console.Error.WriteLine($"soak: nanoCLR, {Segments * segment:N0} frames in {Heap:N0} bytes of heap ...");
            started.Restart();
            DeviceAssembly whole = Program(Segments);
            NanoClrRun run = Runner.Run(clr, whole.LoadOrder(DeviceBuild.MscorlibPe), TimeSpan.FromMinutes(120), Heap,
                line => { if (line.StartsWith("soak segment ", StringComparison.Ordinal)) Console.Error.WriteLine("soak: nanoCLR at " + line[13..] + " frames"); });
            if (Runner.MarkedProblem(run) is { } problem)
            {
                Console.WriteLine($"soak (nanoCLR, heap {Heap:N0} B): " + problem);
                return 1;
            }

            string device = string.Concat(run.ProgramOutput.Where(l => l.StartsWith("soak:", StringComparison.Ordinal) || l.StartsWith("soak knob", StringComparison.Ordinal)).Select(l => l + "\n"));
            Console.WriteLine();
            Console.WriteLine($"nanoCLR: the whole run in {Heap:N0} bytes of managed heap, {started.Elapsed.TotalSeconds:F0} s");
            Console.Write(device);
            if (device != twin)
            {
                Console.WriteLine("soak: nanoCLR and the .NET twin disagree");
                return 1;
            }

            Console.WriteLine("soak: nanoCLR and the .NET twin agree on every count");
            return 0;
        }
    }
}
