using System.Security;

namespace Qrng.NanoClr
{
    /// <summary>
    /// A small device program written by the host (benchmarks, memory-fit runs): its Main and an .nfproj that references
    /// projects of nf.sln, under build/nf/programs/NAME, built like any device project. Not part of nf.sln: it is a
    /// harness, generated with its parameters in the source because nanoCLR programs take no arguments.
    /// </summary>
    public static class DeviceProgram
    {
        public static DeviceAssembly Build(Paths paths, DeviceBuild build, string name, string source, params string[] projects)
        {
            string dir = Path.Combine(paths.Build, "nf", "programs", name);
            Directory.CreateDirectory(dir);
            WriteIfChanged(Path.Combine(dir, "Program.cs"), source);
            string references = string.Concat(projects.Select(p => $"    <ProjectReference Include=\"{SecurityElement.Escape(Path.Combine(paths.Repo, p))}\" />\n"));
            WriteIfChanged(Path.Combine(dir, name + ".nfproj"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <Project ToolsVersion="Current" DefaultTargets="Build" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <AssemblyName>{name}</AssemblyName>
                  </PropertyGroup>
                  <ItemGroup>
                    <Compile Include="Program.cs" />
                  </ItemGroup>
                  <ItemGroup>
                    <Reference Include="mscorlib, Version={Paths.MscorlibVersion}.0" />
                  </ItemGroup>
                  <ItemGroup>
                {references}  </ItemGroup>
                </Project>
                """);
            return build.Build(Path.Combine(dir, name + ".nfproj"));
        }

        /// <summary>
        /// A Main that runs <paramref name="body"/> and ends with the runner's result line; an exception becomes
        /// "qrng-run: failed: Type: message" (nanoCLR prints nothing for an unhandled one).
        /// </summary>
        public static string WithMain(string usings, string body) => $$"""
            using System;
            {{usings}}

            public static class Program
            {
                public static void Main()
                {
                    try
                    {
            {{body}}
                        Console.WriteLine("{{Runner.ResultMarker}}ok");
                    }
                    catch (Exception e)
                    {
                        Console.WriteLine("{{Runner.ResultMarker}}failed: " + e.GetType().FullName + ": " + e.Message);
                    }
                }
            }
            """;

        private static void WriteIfChanged(string path, string text)
        {
            if (!File.Exists(path) || File.ReadAllText(path) != text)
            {
                File.WriteAllText(path, text);
            }
        }
    }

    /// <summary>The smallest managed heap a device program runs to its end in, found by bisection on nanoCLR.</summary>
    public static class HeapFit
    {
        /// <summary>The device projects a firmware program needs.</summary>
        public static readonly string[] FirmwareProjects = ["Emulator/Emulator.nfproj", "Firmware/Firmware.nfproj", "Drivers/Drivers.nfproj", "Hash_DRBG/Hash_DRBG.nfproj"];

        /// <summary>
        /// A program that builds the firmware's App for a configuration (the lines of <paramref name="config"/>) on a
        /// ThinSensor (no per-pixel memory of its own) and runs it until it has streamed 5 frames. The thin sensor is a
        /// simulation, so frames below the OV2640's 40x30 are allowed (FirmwareConfig.EmulatorTestSize): what is measured
        /// is the firmware's heap per pixel, not a sensor.
        /// </summary>
        public static DeviceAssembly FirmwareProgram(Paths paths, DeviceBuild build, string name, string config) =>
            DeviceProgram.Build(paths, build, name, DeviceProgram.WithMain("using Qrng.Emulator;\nusing Qrng.Firmware;", $$"""
                            var config = new FirmwareConfig();
                            config.EmulatorTestSize = true;
                            config.Apply("{{config.Replace("\n", "\\n")}}");
                            var sensor = new ThinSensor(7, config.PixelCount);
                            var sink = new CountingSink();
                            var app = new App(sensor, sensor, sink, new CountingDelay(), null, config);
                            app.SimulatedSource = true;                  // a simulation: streams on the paper default
                            int streamed = 0;
                            for (int i = 0; i < 3000 && streamed < 5; i++)
                            {
                                app.Tick();
                                if (app.Engine.Status.State == EngineState.Streaming)
                                {
                                    streamed++;
                                }
                            }

                            if (streamed < 5)
                            {
                                throw new InvalidOperationException("did not stream: " + app.Engine.Status.Summary());
                            }
                """), FirmwareProjects);

        public static int Smallest(NanoClrBinary clr, DeviceAssembly program, int low = 16 * 1024, int high = 4 * 1024 * 1024, int step = 1024, TimeSpan? timeout = null)
        {
            List<string> order = program.LoadOrder(DeviceBuild.MscorlibPe);
            bool Fits(int bytes) => Runner.MarkedProblem(Runner.Run(clr, order, timeout ?? TimeSpan.FromMinutes(2), bytes)) == null;
            if (!Fits(high))
            {
                throw new BuildException($"{program.Name} does not run in {high} bytes of heap either");
            }

            while (high - low > step)
            {
                int mid = low + ((high - low) / 2 / step * step);
                if (Fits(mid))
                {
                    high = mid;
                }
                else
                {
                    low = mid;
                }
            }

            return high;
        }
    }
}
