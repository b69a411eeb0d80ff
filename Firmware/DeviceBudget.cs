namespace Qrng.Firmware
{
    /// <summary>
    /// What the firmware needs of the managed heap, so that Validate() refuses a configuration that would fail at
    /// boot. Measured where it can be: the smallest heap the firmware streams in on the 32-bit Linux nanoCLR (12-byte
    /// heap blocks, as on an ESP32) for frames of 64 to 4096 pixels and output blocks of 512 to 16384 bytes is a fixed
    /// part plus 9 bytes per pixel plus the output buffer (at most 4 KiB: DrbgOutput.Chunk; DeviceBudgetTests re-measure it); the driver's burst buffers,
    /// the ESP32 application's objects and a fragmentation margin are added (docs/pipeline.md, memory budget).
    /// </summary>
    public static class DeviceBudget
    {
        /// <summary>
        /// ESP32-DevKitC (ESP32_REV0 firmware, no PSRAM): about 79 KB of managed heap free after boot, measured with
        /// GC.Run by nanoFramework's maintainers (nf-interpreter PR #2168); boards with PSRAM have more: set
        /// device.heap_bytes.
        /// </summary>
        public const int Esp32HeapBytes = 79 * 1024;

        /// <summary>
        /// The fixed part the Linux nanoCLR measures: mscorlib's and the firmware's runtime data, the DRBG, the tests'
        /// objects, the serial protocol's frame buffers and CRC table, strings and stacks (8x8 with a 512-byte output
        /// block streams in 33 280 B there, 2026-12-08, with the frame kernel's path choice and known answers; 31 744 B
        /// before it, with the LED dither's challenge and check; 28 672 B before them, 2026-12-07, with CHARACTERIZE, the
        /// calibration rules and the uncalibrated state; 19.2 KB before the serial protocol).
        /// </summary>
        public const int FixedBytes = 30 * 1024;

        /// <summary>
        /// What the ESP32 application adds and the Linux nanoCLR cannot run: the Esp32 assembly, the hardware
        /// libraries' runtime data, the SPI/I2C/PWM/UART objects. Not measured (no board here): an allowance.
        /// </summary>
        public const int DeviceExtraBytes = 8 * 1024;

        /// <summary>Per pixel: two frame buffers (2 + 2), the pixel watch (1 + 1 + 2 + 1), the driver's burst buffers (1 + 1).</summary>
        public const int BytesPerPixel = 11;

        /// <summary>Fragmentation margin on top of the estimate, percent.</summary>
        public const int MarginPercent = 15;

        /// <summary>Managed heap the configuration needs on the device, in bytes, margin included.</summary>
        public static int Estimate(FirmwareConfig config)
        {
            return WithMargin(Portable(config) + DeviceExtraBytes);
        }

        /// <summary>
        /// The part of <see cref="Estimate"/> that the Linux nanoCLR runs (everything but the ESP32 application's own
        /// objects), without the margin: what the memory-fit test checks against a measurement.
        /// </summary>
        public static int Portable(FirmwareConfig config)
        {
            long pixels = config.PixelCount;
            long burst = pixels < 4096 ? pixels : 4096;
            long bytes = FixedBytes
                + (pixels * (BytesPerPixel - 2)) + (2 * (burst + 1))           // the burst buffers cap at 4 KiB
                + (config.Mode == OutputMode.Drbg ? OutputBuffer(config.OutputBytesPerFrame) : 32 + (config.HeldFrames * (pixels / 4)))   // full entropy: two dither blocks of symbols
                + (config.AptWindow / 4) + (8L * config.ReplayFrames) + 512   // pool staging, fingerprints, seed buffers
                + (2 * Qrng.Firmware.Protocol.CharacterizeOperation.Bins) + 64;             // CHARACTERIZE's histogram, while it runs
            return bytes > int.MaxValue / 2 ? int.MaxValue / 2 : (int)bytes;
        }

        // DRBG mode's one output buffer: a request of at most DrbgOutput.Chunk bytes at a time
        private static int OutputBuffer(int bytesPerFrame)
        {
            return bytesPerFrame < Qrng.Firmware.Pipeline.DrbgOutput.Chunk ? bytesPerFrame : Qrng.Firmware.Pipeline.DrbgOutput.Chunk;
        }

        private static int WithMargin(long bytes)
        {
            long total = bytes * (100 + MarginPercent) / 100;
            return total > int.MaxValue ? int.MaxValue : (int)total;
        }

        /// <summary>The budget in words, for error messages.</summary>
        public static string Describe(int heapBytes)
        {
            return heapBytes == Esp32HeapBytes ? "an ESP32 without PSRAM" : "the configured heap";
        }
    }
}
