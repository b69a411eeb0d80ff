using BenchmarkDotNet.Attributes;
using Qrng.Firmware;
using Qrng.VirtualBoard;

namespace Qrng.Benchmarks
{
    /// <summary>
    /// The whole pipeline on the virtual board, one frame per operation: SPI/SCCB emulation and the paper's pixel
    /// physics, the real driver, T±/N±, 90B tests, entropy pooling, reseeds and 4 KiB of Hash_DRBG output per
    /// healthy frame (output.bytes_per_frame). Frames/s = 1 / Mean; output bytes/s = 4096 / Mean.
    /// Allocated must be 0: nothing is allocated per frame after warm-up.
    /// </summary>
    [MemoryDiagnoser]
    public class PipelineBenchmarks
    {
        private Board _board;

        [Params("40x32", "64x44", "128x100")]
        public string Frame { get; set; }

        [GlobalSetup]
        public void Setup()
        {
            var cfg = new FirmwareConfig();
            string[] wh = Frame.Split('x');
            cfg.Apply($"sensor.width = {wh[0]}\nsensor.height = {wh[1]}\ndevice.heap_bytes = 4000000\n");   // 128x100 needs a board with PSRAM
            _board = new Board(cfg, new StreamSink(Stream.Null, long.MaxValue), 1);
            for (int i = 0; i < 200; i++) _board.Step();
            if (_board.Status.State != EngineState.Streaming) throw new InvalidOperationException(_board.Status.Summary());
        }

        [Benchmark(Description = "one frame, healthy, 4 KiB out")]
        public long Step()
        {
            _board.Step();
            return _board.Status.BytesOut;
        }
    }
}
