using Qrng.Emulator;
using Qrng.Firmware;
using Qrng.Firmware.Protocol;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>
    /// Issue 19 item 3 on the .NET twin, where allocations can be counted: a flood of damaged frames and refused
    /// requests costs the device's protocol no allocation (error texts are written digit by digit), and the device
    /// sends fewer bytes than the flood (the nanoCLR device tests check the byte counts there too).
    /// </summary>
    public class ProtocolFloodTests
    {
        private static byte[] Flood()
        {
            var bytes = new List<byte>();
            for (int i = 0; i < 1024; i++) bytes.AddRange(new byte[] { Wire.Magic, Wire.RequestMagic, 0xFF, 0 });    // the flood
            for (int i = 0; i < 64; i++) bytes.AddRange(Spec.Frame(Wire.RequestMagic, 0x3C, 0, 500 + i, []));        // unknown commands
            for (int i = 0; i < 64; i++) bytes.AddRange(Spec.Frame(Wire.RequestMagic, Wire.Read, 0, 700 + i, [1, 2]));  // wrong sizes
            var busy = Spec.Frame(Wire.RequestMagic, Wire.Info, 0, 900, []);
            busy[^1] ^= 0x40;                                                                                          // a bad CRC
            bytes.AddRange(busy);
            return [.. bytes];
        }

        private static (long Allocated, long In, long Out, long Suppressed) Run(EmulatedBoard board, LoopbackLink link, byte[] flood)
        {
            DeviceProtocol device = board.App.Protocol;
            var sink = new byte[1 << 16];
            long outBefore = device.Writer.BytesSent, suppressed = device.ErrorsSuppressed;
            link.ToDevice.Write(flood, 0, flood.Length);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 2 * flood.Length / DeviceProtocol.MaxBytesPerPoll + 10; i++)
            {
                device.Poll();
                device.AfterStep();
                link.FromDevice.Read(sink, 0, sink.Length);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            board.Delay.Milliseconds(2 * Wire.FrameTimeoutMs);                               // the tail's stalled candidates time out
            device.Poll();
            link.FromDevice.Read(sink, 0, sink.Length);
            return (allocated, flood.Length, device.Writer.BytesSent - outBefore, device.ErrorsSuppressed - suppressed);
        }

        [Fact]
        public void A_flood_of_bad_input_allocates_nothing_and_draws_fewer_bytes_than_it_sends()
        {
            var link = new LoopbackLink(null);
            var board = EmulatedBoard.WithShotNoise(new FirmwareConfig(), 0xF100D, link, null);
            for (int i = 0; i < 400 && board.Status.State != EngineState.Streaming; i++) board.Step();
            link.ToDevice.Write(Wire.Attention, 0, Wire.Attention.Length);
            board.Step();
            link.FromDevice.Clear();

            byte[] flood = Flood();
            Run(board, link, flood);                                                          // warm-up: the line's queues grow once
            var (allocated, sentIn, sentOut, suppressed) = Run(board, link, flood);
            Assert.Equal(0, allocated);
            Assert.True(sentOut <= sentIn / 4, $"{sentOut:N0} bytes out for {sentIn:N0} in");
            Assert.True(suppressed > 100, $"{suppressed} errors suppressed");
        }
    }
}
