using System.Globalization;
using Qrng.NanoClr;

namespace Qrng.Benchmarks
{
    /// <summary>
    /// `dotnet run -c Release --project Host/Benchmarks -- --kernel-diff [FRAMES] [--seed N]` (default 100,000): the
    /// frame kernel's differential test (Emulator/KernelDiff.cs) on nanoCLR with the native kernel: FRAMES frames through
    /// two engines (native and managed kernel, same emulated board, fault knobs switched at random) and FRAMES
    /// adversarial frames through the two kernels' passes alone, compared after every frame. The device tests run
    /// 2,500 of each in CI (FrameKernelTests).
    /// </summary>
    public static class KernelDiffRun
    {
        private const int Width = 16, Height = 16, Segments = 20;

        public static int Run(string[] args)
        {
            int frames = 100_000;
            uint seed = 20261209;
            if (!RunArgs.FramesAndSeed(args, "--kernel-diff", "kernel diff", Segments, ref frames, ref seed))
            {
                return 2;
            }

            Paths paths = Paths.Find();
            if (paths.Missing is { } missing)
            {
                Console.Error.WriteLine("kernel diff: " + missing);
                return 2;
            }

            int segment = frames / Segments;
            NanoClrBinary clr = NativeBuild.Ensure(paths, NativeBuild.DefaultFlavor, Console.Error.WriteLine);
            var build = new DeviceBuild(paths, Console.Error.WriteLine);
            DeviceAssembly program = DeviceProgram.Build(paths, build, "KernelDiff", DeviceProgram.WithMain("using Qrng.Emulator;", $$"""
                            var diff = new KernelDiff({{seed}}u, {{Width}}, {{Height}});
                            if (!diff.NativeCompared)
                            {
                                throw new InvalidOperationException("no native frame kernel in this interpreter");
                            }

                            for (int i = 0; i < {{Segments}}; i++)
                            {
                                if (!diff.Advance({{segment}}))
                                {
                                    Console.Write(diff.Summary());
                                    throw new InvalidOperationException("the paths differ: " + diff.Violation);
                                }

                                Console.WriteLine("kernel diff segment " + diff.EngineFrames);
                            }

                            Console.Write(diff.Summary());
                """), HeapFit.FirmwareProjects);

            Console.WriteLine($"kernel diff: {Segments * segment:N0} frames per pair, seed {seed}, nanoCLR ({NativeBuild.Describe(clr.Flavor)})");
            var started = System.Diagnostics.Stopwatch.StartNew();
            NanoClrRun run = Runner.Run(clr, program.LoadOrder(DeviceBuild.MscorlibPe), TimeSpan.FromMinutes(180), null,
                line => { if (line.StartsWith("kernel diff segment ", StringComparison.Ordinal)) Console.Error.WriteLine("kernel diff: at " + line[20..] + " frames"); });
            foreach (string line in run.ProgramOutput.Where(l => l.StartsWith("kernel diff:", StringComparison.Ordinal)))
            {
                Console.WriteLine(line);
            }

            if (Runner.MarkedProblem(run) is { } problem)
            {
                Console.WriteLine("kernel diff: " + problem);
                return 1;
            }

            Console.WriteLine($"kernel diff: native and managed agree on every frame ({started.Elapsed.TotalSeconds:F0} s)");
            return 0;
        }
    }
}
