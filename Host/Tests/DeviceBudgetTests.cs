using Qrng.Firmware;
using Qrng.NanoClr;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>
    /// The memory budget Validate() enforces (Firmware/DeviceBudget.cs) against the firmware on the 32-bit Linux nanoCLR
    /// (12-byte heap blocks, as on an ESP32): the estimate covers the smallest heap the firmware streams in, and the
    /// largest frame an ESP32 without PSRAM accepts does stream in the heap that budget leaves it.
    /// </summary>
    public class DeviceBudgetTests
    {
        private static (Paths Paths, NanoClrBinary Clr, DeviceBuild Build) Ready()
        {
            Paths paths = Paths.Find(AppContext.BaseDirectory);
            string missing = paths.Missing ?? NativeBuild.MissingTools();
            if (missing != null)
            {
                Assert.True(Environment.GetEnvironmentVariable("QRNG_REQUIRE_NANOCLR") != "1", missing);
                Assert.Skip(missing);
            }

            if (NativeBuild.DefaultFlavor != Flavor.X86)
            {
                Assert.Skip("no 32-bit nanoCLR here (g++-multilib): a 64-bit interpreter's 24-byte heap blocks do not measure an ESP32's heap");
            }

            return (paths, NativeBuild.Ensure(paths, Flavor.X86), new DeviceBuild(paths));
        }

        [Theory]
        [InlineData(8, 8, 512)]
        [InlineData(40, 32, 4096)]
        [InlineData(64, 64, 16384)]
        public void The_estimate_covers_the_heap_the_firmware_streams_in_on_nanoclr(int width, int height, int output)
        {
            var (paths, clr, build) = Ready();
            string lines = $"sensor.width = {width}\nsensor.height = {height}\noutput.bytes_per_frame = {output}\ndevice.heap_bytes = 4000000\n";
            DeviceAssembly program = HeapFit.FirmwareProgram(paths, build, $"Fit{width}x{height}o{output}", lines);
            int measured = HeapFit.Smallest(clr, program, high: 256 * 1024, step: 512);
            var config = new FirmwareConfig { EmulatorTestSize = true };     // as the program has it (a thin sensor)
            config.Apply(lines);
            int portable = DeviceBudget.Portable(config);
            Assert.True(measured <= portable, $"measured {measured} B, the estimate's portable part {portable} B");
            Assert.True(portable <= measured * 13 / 10, $"measured {measured} B, estimated {portable} B: the estimate is loose");
        }

        [Fact]
        public void The_largest_frame_an_esp32_accepts_streams_in_the_heap_the_budget_leaves_it()
        {
            var (paths, clr, build) = Ready();
            int height = 32;
            while (Accepts(64, height + 4))
            {
                height += 4;
            }

            Assert.True(Accepts(64, height), "64x32 must fit an ESP32");
            Assert.Equal(36, height);                                    // docs/hardware.md §4, docs/pipeline.md
            Assert.True(height < 200, "the budget accepted everything");
            string lines = $"sensor.width = 64\nsensor.height = {height}\n";
            DeviceAssembly program = HeapFit.FirmwareProgram(paths, build, "FitLargest", lines);
            int heap = DeviceBudget.Esp32HeapBytes - DeviceBudget.DeviceExtraBytes;
            NanoClrRun run = Runner.Run(clr, program.LoadOrder(DeviceBuild.MscorlibPe), TimeSpan.FromMinutes(2), heap);
            Assert.True(Runner.MarkedProblem(run) == null, $"64x{height} (accepted) does not stream in {heap} bytes on nanoCLR: {Runner.MarkedProblem(run)}");
        }

        /// <summary>The figure docs/hardware.md §4 and docs/pipeline.md give for the default 40x32 frame.</summary>
        [Fact]
        public void The_default_frame_is_estimated_at_67199_bytes() => Assert.Equal(67_199, DeviceBudget.Estimate(new FirmwareConfig()));

        private static bool Accepts(int width, int height)
        {
            try
            {
                new FirmwareConfig().Apply($"sensor.width = {width}\nsensor.height = {height}\n");
                return true;
            }
            catch (ConfigException)
            {
                return false;
            }
        }
    }
}
