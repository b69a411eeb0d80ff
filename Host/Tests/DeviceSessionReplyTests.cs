using Qrng.Cli;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>DeviceSession (Host/Qrng/DeviceSession.cs) on recorded reply streams that a line or a bug could make.</summary>
    public class DeviceSessionReplyTests
    {
        [Fact]
        public void A_data_frame_that_comes_again_is_not_handed_over_twice()
        {
            // found by ProtocolFuzzTests.Host_session_returns_only_intact_data_...: DATA part 0 twice and part 1 lost, and READ returned part 0's bytes
            // twice as good data. The device never sends a DRBG byte twice (docs/protocol.md, READ): a part number
            // that goes back is a repeated or late frame, dropped; the missing bytes are asked for again.
            byte[] script = [.. Spec.Greeting(), .. Spec.Data(0, true, 2, 0xA0), .. Spec.Data(0, true, 2, 0xA0), .. Spec.Data(2, false, 2, 0xC2), .. Spec.Data(0, false, 3, 0xD3)];
            using var session = new DeviceSession(new ScriptLink(script, 1, 64), null, timeoutMs: 1000, retries: 2);
            session.Enter();
            var got = new List<byte>();
            session.Read(300, (b, o, n) => got.AddRange(b.AsSpan(o, n).ToArray()), null);
            Assert.Equal([.. Enumerable.Repeat((byte)0xA0, 100), .. Enumerable.Repeat((byte)0xC2, 100), .. Enumerable.Repeat((byte)0xD3, 100)], got);
            Assert.Equal(1, session.ReRequests);
        }
    }
}
