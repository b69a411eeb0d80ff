using System;
using Qrng.Crypto;
using Qrng.Drivers;
using Qrng.Firmware;
using Qrng.Firmware.Pipeline;
using Qrng.Firmware.Protocol;

namespace Qrng.Emulator
{
    /// <summary>
    /// What the firmware costs per frame and per KiB of output, measured by the same code on nanoCLR, on a board and
    /// on .NET (Host/Benchmarks --device runs it on both and prints them side by side). Times are DateTime ticks
    /// (100 ns) per operation, taken after a warm-up; allocation-free between the marks.
    /// </summary>
    public static class DeviceBench
    {
        /// <summary>
        /// Ticks per frame of the device loop (App.Tick) on the emulated board while streaming 4 KiB per frame, and of
        /// the capture alone (emulated module + driver, the part of a frame that is not the firmware's on a board).
        /// </summary>
        public static long FrameTicks(int width, int height, int frames, out long captureTicks)
        {
            EmulatedBoard board = Streaming(width, height, 0x51A2F0u);
            long start = DateTime.UtcNow.Ticks;
            for (int i = 0; i < frames; i++)
            {
                board.Step();
            }

            long loop = (DateTime.UtcNow.Ticks - start) / frames;
            if (board.Status.State != EngineState.Streaming)
            {
                throw new InvalidOperationException("the emulated board stopped streaming during the benchmark: " + board.Status.LastFaultText());
            }

            ushort[] pixels = new ushort[board.Config.PixelCount];
            start = DateTime.UtcNow.Ticks;
            for (int i = 0; i < frames; i++)
            {
                board.Driver.Capture(pixels);
            }

            captureTicks = (DateTime.UtcNow.Ticks - start) / frames;
            return loop;
        }

        /// <summary>
        /// Ticks per frame of the frame kernel alone (issue 22): <see cref="FrameChecks.Scan"/> and
        /// <see cref="SymbolTests.Run"/> (continuous tests, staging) on one path, over two alternating frames of noise
        /// around mid-scale; no capture, no DRBG. <paramref name="native"/> must be available (FrameKernel.Native).
        /// </summary>
        public static long KernelTicks(int width, int height, int frames, bool native)
        {
            FirmwareConfig c = FirmwareConfig.EmulatorTest();
            c.Width = width;
            c.Height = height;
            var watch = new PixelWatch(c.PixelCount, c.PixelRepeatCutoff);
            var checks = new FrameChecks(c, watch, native);
            var pool = new EntropyPool((c.PixelCount / 4) + 1, c.AptWindow);
            var symbols = new SymbolTests(c, watch, pool, native);
            ushort[] a = new ushort[c.PixelCount], b = new ushort[c.PixelCount];
            var rng = new XorShift(0x4B45524Eu);
            for (int i = 0; i < a.Length; i++)
            {
                a[i] = (ushort)(412 + (rng.Next() % 200));
                int step = 1 + (int)(rng.Next() % 199);
                b[i] = (ushort)(412 + ((a[i] - 412 + step) % 200));    // never a's value: no stuck pixel
            }

            long start = DateTime.UtcNow.Ticks;
            for (int f = 0; f < frames; f++)
            {
                ushort[] frame = (f & 1) == 0 ? a : b, previous = (f & 1) == 0 ? b : a;
                checks.Scan(frame, previous, true);
                Fault fault = symbols.Run(frame, false);
                if (fault != Fault.None)
                {
                    throw new InvalidOperationException("the kernel benchmark's frames failed the health tests: fault " + (int)fault);
                }

                pool.Clear();
            }

            return frames == 0 ? 0 : (DateTime.UtcNow.Ticks - start) / frames;
        }

        /// <summary>Ticks per KiB of Hash_DRBG output in 4 KiB requests (the firmware's request size), on the SHA-256 path in use.</summary>
        public static long DrbgTicksPerKiB(int kib)
        {
            return DrbgTicksPerKiB(kib, HashDrbg.Sha256Path == "native");
        }

        /// <summary>
        /// Ticks per KiB of Hash_DRBG output in 4 KiB requests on a chosen SHA-256 path (native needs an image with
        /// Qrng.Sha256.Native).
        /// </summary>
        public static long DrbgTicksPerKiB(int kib, bool nativeSha256)
        {
            var drbg = new HashDrbg(HashDrbg.MaxReseedInterval, nativeSha256);
            byte[] seed = new byte[48];
            for (int i = 0; i < seed.Length; i++)
            {
                seed[i] = (byte)(i * 7);
            }

            drbg.Instantiate(seed, new byte[16], null);
            byte[] block = new byte[4096];
            drbg.Generate(block, 0, block.Length, null);
            int requests = kib / 4;
            long start = DateTime.UtcNow.Ticks;
            for (int i = 0; i < requests; i++)
            {
                drbg.Generate(block, 0, block.Length, null);
            }

            return (DateTime.UtcNow.Ticks - start) / (requests * 4);
        }

        /// <summary>
        /// Ticks per KiB of DRBG output framed as DATA replies (docs/protocol.md), what ReadOperation does for a READ:
        /// the bytes copied into the frame, the DATA header, FrameWriter's header and CRC-32, the frame written (to a
        /// counting sink) and cleared; no HMAC. 4 KiB blocks, as the engine makes them: 5 frames each.
        /// </summary>
        public static long DataFramingTicksPerKiB(int kib)
        {
            return DataFramingTicksPerKiB(kib, false);
        }

        /// <summary>The same; with <paramref name="auth"/>, each frame also carries a counter and its HMAC-SHA256 (a 32-byte key).</summary>
        public static long DataFramingTicksPerKiB(int kib, bool auth)
        {
            HmacSha256 mac = auth ? new HmacSha256(new byte[32]) : null;
            byte[] nonce = new byte[Wire.NonceLength];
            var writer = new FrameWriter(Wire.ReplyMagic, Wire.MaxReplyPayload);
            var sink = new CountingSink();
            byte[] block = new byte[4096];
            for (int i = 0; i < block.Length; i++)
            {
                block[i] = (byte)(i * 13);
            }

            FrameBlock(writer, sink, block, 0, mac, nonce);
            int blocks = kib / 4;
            long start = DateTime.UtcNow.Ticks;
            for (int i = 0; i < blocks; i++)
            {
                FrameBlock(writer, sink, block, i, mac, nonce);
            }

            return (DateTime.UtcNow.Ticks - start) / (blocks * 4);
        }

        private static void FrameBlock(FrameWriter writer, IByteSink sink, byte[] block, int seq, HmacSha256 mac, byte[] nonce)
        {
            const int P = FrameWriter.PayloadOffset, H = ReadOperation.DataHeader, Max = Wire.MaxReplyPayload - ReadOperation.DataHeader;
            byte[] f = writer.Buffer;
            int part = 0;
            for (int at = 0; at < block.Length; at += Max)
            {
                int n = block.Length - at < Max ? block.Length - at : Max;
                Array.Copy(block, at, f, P + H, n);
                Wire.Put32(f, P, part++);
                f[P + 4] = (byte)EngineState.Streaming;
                f[P + 5] = 0;
                Wire.Put32(f, P + 6, 1);
                writer.Send(sink, Wire.Read | Wire.ReplyBit, at + n < block.Length ? Wire.FlagMore : 0, seq, H + n, mac, nonce, (uint)(part + 1));
            }
        }

        /// <summary>Ticks per 1000 blocks of the managed SHA-256 compression (Sha256.Update over whole 64-byte blocks).</summary>
        public static long Sha256TicksPer1000Blocks(int blocks)
        {
            var sha = new Sha256();
            byte[] data = new byte[64 * 16];
            sha.Update(data, 0, data.Length);
            int rounds = blocks / 16;
            long start = DateTime.UtcNow.Ticks;
            for (int i = 0; i < rounds; i++)
            {
                sha.Update(data, 0, data.Length);
            }

            return (DateTime.UtcNow.Ticks - start) * 1000 / (rounds * 16);
        }

        /// <summary>
        /// Ticks (100 ns) per 1000 iterations of a loop that makes one native call per iteration (Array.Clear of one
        /// byte): the shape of the one published ESP32 timing of nanoFramework code, a GpioPin.Toggle() loop.
        /// </summary>
        public static long NativeCallLoopTicksPer1000(int iterations)
        {
            byte[] one = new byte[1];
            long start = DateTime.UtcNow.Ticks;
            for (int i = 0; i < iterations; i++)
            {
                Array.Clear(one, 0, 1);
            }

            return (DateTime.UtcNow.Ticks - start) * 1000 / iterations;
        }

        /// <summary>
        /// An emulated board of <paramref name="width"/> x <paramref name="height"/> pixels that has reached Streaming,
        /// configured with a PSRAM board's heap so that the firmware's heap check lets the largest frames start; the
        /// benchmarks measure time, and the heap a frame really needs is measured on nanoCLR by bisection. A size below
        /// the OV2640's minimum runs as the emulator's test size.
        /// </summary>
        public static EmulatedBoard Streaming(int width, int height, uint seed)
        {
            return Streaming(width, height, seed, "");
        }

        /// <summary>As <see cref="Streaming(int, int, uint)"/> with more configuration lines (<paramref name="extra"/>).</summary>
        public static EmulatedBoard Streaming(int width, int height, uint seed, string extra)
        {
            var config = new FirmwareConfig();
            config.EmulatorTestSize = ArduCamOv2640.SizeProblem(width, height, false) != null;
            config.Apply("sensor.width = " + width + "\nsensor.height = " + height + "\ndevice.heap_bytes = 4000000\noutput.bytes_per_frame = 4096\n" + extra);
            EmulatedBoard board = EmulatedBoard.WithShotNoise(config, seed, new CountingSink(), null);
            for (int i = 0; i < 5000 && board.Status.State != EngineState.Streaming; i++)
            {
                board.Step();
            }

            if (board.Status.State != EngineState.Streaming)
            {
                throw new InvalidOperationException("the emulated board did not reach Streaming: " + board.Status.LastFaultText());
            }

            return board;
        }
    }
}
