using Qrng.Cli;
using Qrng.Firmware;
using Qrng.Firmware.Protocol;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>docs/protocol.md's arithmetic of a 921 600-baud line follows from the protocol's constants.</summary>
    public class ProtocolDocsTests
    {
        private static readonly string Doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "protocol.md"));

        /// <summary>"90 203": thousands separated by a space, as the docs write them.</summary>
        private static string N(double x) => Math.Round(x).ToString("N0", System.Globalization.CultureInfo.InvariantCulture).Replace(',', ' ');

        [Fact]
        public void The_uart_table_is_what_the_frame_constants_give_at_921600_baud()
        {
            const double line = 921600 / 10.0;                                   // 8N1: 10 bit times per byte
            Assert.Contains($"**{N(line)} bytes a second**", Doc);
            int overhead = ReadOperation.DataHeader + Wire.FrameLength(0, false);        // 22 per DATA frame
            int full = Wire.MaxReplyPayload - ReadOperation.DataHeader;                   // 1 014 DRBG bytes
            foreach (bool auth in new[] { false, true })
            {
                int wire = full + overhead + (auth ? Wire.AuthLength : 0);
                Assert.Contains($"| {N(wire)} | {N(full)} | {100.0 * full / wire:0.0} % | {N(line * full / wire)} |", Doc);

                // a READ in drbg mode, per camera frame: bytes_per_frame in DATA frames of at most `full`
                int perFrame = new FirmwareConfig().OutputBytesPerFrame, frames = (perFrame + full - 1) / full;
                int frameWire = perFrame + (frames * (overhead + (auth ? Wire.AuthLength : 0)));
                Assert.Contains($"| {N(frameWire)} | {N(perFrame)} | {100.0 * perFrame / frameWire:0.0} % | {N(line * perFrame / frameWire)}", Doc);
            }

            int symbols = 4 * (Wire.MaxReplyPayload - RawOperation.Header);
            Assert.Contains($"| {N(Wire.FrameLength(Wire.MaxReplyPayload, false))} | {N(symbols)} symbols | – | {N(line * symbols / Wire.FrameLength(Wire.MaxReplyPayload, false))} symbols |", Doc);
            string flat = System.Text.RegularExpressions.Regex.Replace(Doc, @"\s+", " ");
            Assert.Contains($"a READ asks for up to {DeviceSession.ReadChunk >> 20} MiB at a time", flat);
            Assert.Contains($"{Wire.FrameLength(4, false)} bytes of request per {DeviceSession.ReadChunk >> 20} MiB", flat);
        }

        /// <summary>The request table lists INFO's and STATUS's keys in the order the device sends them.</summary>
        [Fact]
        public void The_info_and_status_keys_are_the_ones_the_device_sends()
        {
            using var link = TappedLink.Boot(new FirmwareConfig(), 3);
            var s = new DeviceSession(link, null, DeviceSession.DefaultTimeoutMs, DeviceSession.DefaultRetries);
            s.Enter();
            foreach (var (name, text) in new[] { ("INFO", s.Info()), ("STATUS", s.Status()) })
            {
                string keys = string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.IndexOf('=')]));
                var row = System.Text.RegularExpressions.Regex.Match(Doc, $@"\| {name} \| 0x0\d \| — \| 0x8\d text: `([^`]*)`");
                Assert.True(row.Success, $"docs/protocol.md has no {name} row");
                Assert.Equal(keys, row.Groups[1].Value);
            }
        }
    }
}
