using Qrng.Cli;
using Qrng.Firmware;
using Qrng.Firmware.Protocol;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>
    /// The host's protocol client (Host/Qrng/DeviceSession.cs) against the virtual board in this process, with a line
    /// that damages chosen frames: what it writes is exactly the bytes of the frames that arrived intact, lost frames
    /// are asked for again, and it gives up with the right exit code.
    /// </summary>
    public class DeviceSessionTests
    {
        private static DeviceSession Open(TappedLink link, int retries = DeviceSession.DefaultRetries)
        {
            var s = new DeviceSession(link, null, DeviceSession.DefaultTimeoutMs, retries);
            s.Enter();
            return s;
        }

        private static byte[] ReadAll(DeviceSession s, long n)
        {
            var got = new MemoryStream();
            long last = 0;
            s.Read(n, (b, off, count) => got.Write(b, off, count), d =>
            {
                Assert.True(d > last && d <= n, $"progress {d} after {last}");
                last = d;
            });
            return got.ToArray();
        }

        [Fact]
        public void A_read_on_a_clean_line_returns_the_bytes_of_every_data_frame_in_order()
        {
            using var link = TappedLink.Boot(new FirmwareConfig(), 1);
            using var s = Open(link);
            Assert.True(s.DiscardedBytes == 0, "the booted board's stream was dropped before the session");
            byte[] got = ReadAll(s, 100_000);
            Assert.Equal(100_000, got.Length);
            Assert.Equal(link.Tap.IntactData(), got);
            Assert.Equal(0, s.DamagedFrames + s.LostFrames + s.ReRequests);
            Assert.True(link.Tap.Frames.Count(f => f.Type == (Wire.Read | Wire.ReplyBit)) >= 99, "DATA frames of at most 1014 bytes");
        }

        [Fact]
        public void A_session_silent_for_the_idle_time_enters_command_mode_again_and_a_long_read_keeps_its_session()
        {
            using var link = TappedLink.Boot(new FirmwareConfig(), 41);
            using var s = Open(link);
            var board = link.Inner.Board;
            Assert.Equal(Wire.CommandIdleMs, s.IdleMs);
            s.Info();

            // the host is busy elsewhere: the board's clock runs past the idle time without a request
            long quiet = board.Delay.ElapsedMilliseconds;
            while (board.Delay.ElapsedMilliseconds - quiet <= Wire.CommandIdleMs + 500) board.Step();
            Assert.False(board.App.Protocol.CommandMode, "the board went back to the plain stream");
            Assert.Equal("streaming", DeviceSession.Value(s.Status(), "state_name"));
            Assert.Equal(1, s.ReEntries);

            // a READ that lasts many idle times on the board's clock: the session's PINGs keep command mode
            long start = board.Delay.ElapsedMilliseconds, returns = board.App.Protocol.IdleReturns;
            byte[] got = ReadAll(s, 600_000);
            Assert.Equal(600_000, got.Length);
            Assert.True(board.Delay.ElapsedMilliseconds - start > 3 * Wire.CommandIdleMs, $"the READ took {board.Delay.ElapsedMilliseconds - start} ms of the board's clock");
            Assert.Equal(returns, board.App.Protocol.IdleReturns);
            Assert.Equal(1, s.ReEntries);
            Assert.True(link.Tap.Frames.Count(f => f.Type == (Wire.Ping | Wire.ReplyBit)) >= 3, "PINGs answered during the READ");
        }

        [Theory]
        [InlineData(LineTap.Noise.FlipBit)]
        [InlineData(LineTap.Noise.Drop)]
        [InlineData(LineTap.Noise.FalseStart)]
        public void Corrupted_or_lost_data_frames_are_dropped_and_their_bytes_asked_for_again(LineTap.Noise noise)
        {
            using var link = TappedLink.Boot(new FirmwareConfig(), 2);
            int data = 0;
            link.Tap.Decide = f => f.Type == (Wire.Read | Wire.ReplyBit) && ++data % 5 == 0 ? noise : LineTap.Noise.None;
            using var s = Open(link);
            byte[] got = ReadAll(s, 300_000);
            byte[] intact = link.Tap.IntactData();
            Assert.Equal(300_000, got.Length);
            Assert.Equal(intact, got);                      // never a byte of a damaged frame, never one twice
            int damaged = link.Tap.Frames.Count(f => !f.Intact);
            Assert.True(damaged >= 50, $"{damaged} frames damaged");
            Assert.True(s.ReRequests > 0);
            if (noise != LineTap.Noise.Drop) Assert.Equal(damaged, s.DamagedFrames);
            else Assert.True(s.LostFrames >= damaged / 2, $"{s.LostFrames} lost of {damaged} dropped");
        }

        [Fact]
        public void A_lost_last_frame_is_found_by_a_cancel_probe_and_its_bytes_asked_for_again()
        {
            using var link = TappedLink.Boot(new FirmwareConfig(), 3);
            // every READ's last frame (MORE clear) is lost once: only silence says the READ is over
            bool dropped = false;
            link.Tap.Decide = f => f.Type == (Wire.Read | Wire.ReplyBit) && (f.Flags & Wire.FlagMore) == 0 && !dropped && (dropped = true) ? LineTap.Noise.Drop : LineTap.Noise.None;
            using var s = Open(link);
            byte[] got = ReadAll(s, 5000);
            Assert.Equal(link.Tap.IntactData(), got);
            Assert.Equal(5000, got.Length);
            Assert.True(link.Tap.Frames.Any(f => f.Type == (Wire.Cancel | Wire.ReplyBit)), "a CANCEL probe");
            Assert.Equal(1, s.ReRequests);
        }

        [Fact]
        public void A_line_that_keeps_damaging_frames_ends_with_exit_code_7_after_the_retries()
        {
            using var link = TappedLink.Boot(new FirmwareConfig(), 4);
            link.Tap.Decide = f => f.Type == (Wire.Read | Wire.ReplyBit) ? LineTap.Noise.FlipBit : LineTap.Noise.None;
            using var s = Open(link, retries: 3);
            var written = new MemoryStream();
            var e = Assert.Throws<DeviceException>(() => s.Read(50_000, (b, o, c) => written.Write(b, o, c), null));
            Assert.Equal(QrngCli.LineErrors, e.Code);
            Assert.Contains("after 3 re-requests", e.Message);
            Assert.Equal(0, written.Length);
            Assert.Equal(4, link.Tap.Frames.Count(f => f.Type == (Wire.Read | Wire.ReplyBit) && f.Payload.Length > ReadOperation.DataHeader && Wire.Get32(f.Payload, 0) == 0));
        }

        [Fact]
        public void A_text_reply_with_a_damaged_frame_is_asked_for_again()
        {
            using var link = TappedLink.Boot(new FirmwareConfig(), 5);
            int status = 0;
            link.Tap.Decide = f => f.Type == (Wire.Status | Wire.ReplyBit) && ++status == 1 ? LineTap.Noise.FlipBit : LineTap.Noise.None;
            using var s = Open(link);
            string text = s.Status();
            Assert.Equal("streaming", DeviceSession.Value(text, "state_name"));
            Assert.Equal(1, s.ReRequests);
            Assert.Equal(2, status);
        }

        [Fact]
        public void A_raw_export_that_lost_a_frame_is_asked_for_again_whole()
        {
            using var link = TappedLink.Boot(new FirmwareConfig(), 6);
            int raw = 0;
            link.Tap.Decide = f => f.Type == (Wire.Raw | Wire.ReplyBit) && ++raw == 2 ? LineTap.Noise.Drop : LineTap.Noise.None;
            using var s = Open(link);
            byte[] symbols = s.Raw(5000, null);
            Assert.Equal(5000, symbols.Length);
            int[] seqs = link.Tap.Frames.Where(f => f.Type == (Wire.Raw | Wire.ReplyBit)).Select(f => f.Seq).Distinct().ToArray();
            Assert.Equal(2, seqs.Length);                        // the broken run, then a whole new one
            Assert.Equal(link.Tap.RawSymbols(seqs[1]), symbols);
            Assert.All(symbols, v => Assert.InRange(v, 0, 3));
            Assert.True(link.Tap.Frames.Any(f => f.Type == (Wire.Cancel | Wire.ReplyBit)), "the broken export was cancelled");
        }

        [Fact]
        public void A_restart_row_that_lost_a_frame_is_replaced_by_a_fresh_restart()
        {
            using var link = TappedLink.Boot(new FirmwareConfig(), 7);
            int frames = 0;
            link.Tap.Decide = f => f.Type == (Wire.RestartRaw | Wire.ReplyBit) && ++frames == 3 ? LineTap.Noise.FlipBit : LineTap.Noise.None;
            using var s = Open(link);
            long resets = link.Inner.Board.Camera.Resets;
            byte[] m = s.RestartRaw(4, 100, null);
            Assert.Equal(400, m.Length);
            Assert.All(m, v => Assert.InRange(v, 0, 3));
            var tapped = link.Tap.Frames.Where(f => f.Type == (Wire.RestartRaw | Wire.ReplyBit)).ToList();
            int damagedRow = Wire.Get16(tapped[2].Payload, 4);
            int[] seqs = tapped.Select(f => f.Seq).Distinct().ToArray();
            Assert.Equal(2, seqs.Length);
            Assert.Equal(5, link.Inner.Board.Camera.Resets - resets);      // 4 restarts, one again
            for (int row = 0; row < 4; row++)
            {
                // each row: the symbols of one restart, whole; the damaged one from the second request
                int seq = row == damagedRow ? seqs[1] : seqs[0], restart = row == damagedRow ? 0 : row;
                byte[] expected = [.. tapped.Where(f => f.Seq == seq && Wire.Get16(f.Payload, 4) == restart).SelectMany(f => LineTap.Unpack(f.Payload, RestartRawOperation.Header, Wire.Get16(f.Payload, 6)))];
                Assert.Equal(expected, m.AsSpan(row * 100, 100).ToArray());
            }
        }

        [Fact]
        public void A_device_that_turns_unhealthy_mid_read_ends_it_with_exit_code_3_and_the_reason()
        {
            using var link = TappedLink.Boot(new FirmwareConfig(), 8);
            link.Tap.Decide = f =>
            {
                if (f.Type == (Wire.Read | Wire.ReplyBit) && Wire.Get32(f.Payload, 0) == 20) link.Inner.Board.Camera.LedDead = true;
                return LineTap.Noise.None;
            };
            using var s = Open(link);
            var written = new MemoryStream();
            var e = Assert.Throws<DeviceException>(() => s.Read(10_000_000, (b, o, c) => written.Write(b, o, c), null));
            Assert.Equal(QrngCli.Unhealthy, e.Code);
            Assert.Contains("LED at full duty", e.Message);
            Assert.Equal(link.Tap.IntactData(), written.ToArray());
            Assert.True(link.Tap.Frames.Any(f => f.Type == (Wire.Read | Wire.ReplyBit) && f.Payload.Length == ReadOperation.DataHeader && f.Payload[4] != (byte)EngineState.Streaming),
                "an empty DATA frame said output stopped");
        }

        [Fact]
        public void Text_requests_and_configuration_round_trip()
        {
            using var link = TappedLink.Boot(new FirmwareConfig(), 9);
            using var s = Open(link);
            Assert.Equal(2, s.ProtocolVersion);
            Assert.Equal(Wire.MaxRequestPayload, s.MaxRequest);
            Assert.False(s.DeviceHasKey);
            Assert.Equal("unprovisioned", DeviceSession.Value(s.Info(), "serial"));
            Assert.Contains("applied=yes", s.ConfigSet("uart.baud = 921600\n"));
            Assert.Equal("uart.baud = 921600\n", s.ConfigGet("uart.baud"));
            var e = Assert.Throws<DeviceException>(() => s.ConfigSet("device.serial = other\n"));
            Assert.Equal(QrngCli.BadInput, e.Code);
            Assert.Contains("cannot be set over the link", e.Message);
            e = Assert.Throws<DeviceException>(() => s.ConfigSet("health.claimed_millibits_per_symbol = 2000\n"));
            Assert.Contains("only by an authenticated request", e.Message);
            Assert.Equal("pass", DeviceSession.Value(s.SelfTest(), "result"));
            Assert.Equal("nothing", DeviceSession.Value(s.Cancel(), "cancelled"));
        }

        [Fact]
        public void With_a_key_every_reply_is_verified_and_a_forged_one_is_refused_with_exit_code_8()
        {
            var config = new FirmwareConfig();
            config.Apply("device.hmac_key = 00112233445566778899aabbccddeeff");
            using var link = TappedLink.Boot(config, 10);
            var s = new DeviceSession(link, config.HmacKey);
            s.Enter();
            Assert.True(s.Authenticated && s.DeviceHasKey);
            Assert.Contains("applied=yes", s.ConfigSet("output.mode = full-entropy\n"));
            Assert.Equal(2000, ReadAll(s, 2000).Length);
            link.Tap.Decide = f => f.Type == (Wire.Read | Wire.ReplyBit) ? LineTap.Noise.Forge : LineTap.Noise.None;
            var written = new MemoryStream();
            var e = Assert.Throws<DeviceException>(() => s.Read(2000, (b, o, c) => written.Write(b, o, c), null));
            Assert.Equal(QrngCli.AuthFailed, e.Code);
            Assert.True(e.Message.Contains("HMAC that does not verify"), e.Message);
            Assert.Equal(0, written.Length);

            using var other = TappedLink.Boot(config, 11);
            var wrong = new DeviceSession(other, new byte[16]);
            wrong.Enter();
            e = Assert.Throws<DeviceException>(() => wrong.Info());
            Assert.Equal(QrngCli.AuthFailed, e.Code);
            Assert.Contains("refused the key", e.Message);

            using var unkeyed = TappedLink.Boot(new FirmwareConfig(), 12);
            e = Assert.Throws<DeviceException>(() => new DeviceSession(unkeyed, config.HmacKey).Enter());
            Assert.Equal(QrngCli.AuthFailed, e.Code);
            Assert.Contains("has no key", e.Message);
        }

        [Fact]
        public void With_a_key_a_reply_frame_sent_again_in_its_session_or_recorded_in_an_earlier_one_is_refused()
        {
            // issue 19 item 1: reply frames carry a counter under the HMAC, the HMAC covers the session's host nonce
            var config = new FirmwareConfig();
            config.Apply("device.hmac_key = 00112233445566778899aabbccddeeff");
            using var link = TappedLink.Boot(config, 13);
            var first = new DeviceSession(link, config.HmacKey);
            first.Enter();
            string info = first.Info();
            byte[] recorded = link.Tap.Frames.Last(f => f.Type == (Wire.Info | Wire.ReplyBit)).Bytes;
            first.BackToStream(DeviceSession.DefaultTimeoutMs);

            // a new session asks the same thing with the same sequence number: the recorded reply does not verify
            var second = new DeviceSession(link, config.HmacKey);
            second.Enter();
            link.Tap.Replacement = _ => recorded;
            link.Tap.Decide = f => f.Type == (Wire.Info | Wire.ReplyBit) ? LineTap.Noise.Replace : LineTap.Noise.None;
            var e = Assert.Throws<DeviceException>(() => second.Info());
            Assert.Equal(QrngCli.AuthFailed, e.Code);
            Assert.True(e.Message.Contains("HMAC that does not verify"), e.Message);
            Assert.Equal(Wire.Get16(recorded, 4), link.Tap.Frames.Last(f => f.Type == (Wire.Info | Wire.ReplyBit)).Seq);

            // in its own session: the second DATA frame of a READ replaced by the first one, sent again
            link.Tap.Decide = null;
            var third = new DeviceSession(link, config.HmacKey);
            third.Enter();
            Assert.Equal(info.Length, third.Info().Length);
            byte[] part0 = null;
            link.Tap.Replacement = _ => part0;
            link.Tap.Decide = f =>
            {
                if (f.Type != (Wire.Read | Wire.ReplyBit)) return LineTap.Noise.None;
                if (part0 == null) { part0 = f.Bytes; return LineTap.Noise.None; }
                return LineTap.Noise.Replace;
            };
            var written = new MemoryStream();
            e = Assert.Throws<DeviceException>(() => third.Read(3000, (b, o, c) => written.Write(b, o, c), null));
            Assert.Equal(QrngCli.AuthFailed, e.Code);
            Assert.True(e.Message.Contains("replayed frame"), e.Message);
            Assert.Equal(Wire.MaxReplyPayload - ReadOperation.DataHeader, (int)written.Length);             // the first frame only
        }

        [Fact]
        public void The_credit_limit_is_what_the_device_credits_per_output_byte()
        {
            const string info = "output_mode=drbg\npixels=64\nclaimed_millibits_per_symbol=1960\nbytes_per_frame=4096\n";
            Assert.Equal(64 * 1.96 / 4096, DeviceCommands.CreditLimit(info, "masked_pixels=0\n"), 12);
            Assert.Equal(60 * 1.96 / 4096, DeviceCommands.CreditLimit(info, "masked_pixels=4\n"), 12);      // masked pixels credit nothing
            Assert.Equal(8, DeviceCommands.CreditLimit(info.Replace("bytes_per_frame=4096", "bytes_per_frame=1"), "masked_pixels=0\n"));
            Assert.Equal(8, DeviceCommands.CreditLimit("output_mode=full-entropy\n", ""));
            Assert.Equal(0, DeviceCommands.CreditLimit(info.Replace("bytes_per_frame=4096\n", ""), "masked_pixels=0\n"));
            Assert.Equal(0, DeviceCommands.CreditLimit(info.Replace("drbg", "something-new"), "masked_pixels=0\n"));
        }

        [Fact]
        public void Feed_stops_with_exit_code_3_and_the_reason_when_the_device_turns_unhealthy_and_credits_nothing_after()
        {
            using var link = TappedLink.Boot(new FirmwareConfig(), 15);
            using var s = Open(link);
            var kernel = new FakeKernel();
            int chunks = 0;
            var e = Assert.Throws<DeviceException>(() => DeviceCommands.FeedLoop(s, kernel, 0.01, 100_000, 1000, 0, (bytes, bits) =>
            {
                if (++chunks == 2) link.Inner.Board.Camera.LedDead = true;     // after the second chunk went to the kernel
            }));
            Assert.Equal(QrngCli.Unhealthy, e.Code);
            Assert.Contains("LED at full duty", e.Message);
            Assert.Equal(2, kernel.Calls.Count);
            Assert.Equal(link.Tap.IntactData()[..2000], kernel.Calls.SelectMany(c => c.Data).ToArray());
        }

        [Fact]
        public void An_unhealthy_state_without_a_fault_says_what_the_device_is_doing()
        {
            Assert.Equal("state error: LED at full duty", DeviceSession.Why("state_name=error\nreason=LED at full duty\n"));
            Assert.Contains("start-up test is running", DeviceSession.Why("state_name=startup-test\nreason=none\n"));
            Assert.Contains("seed the DRBG", DeviceSession.Why("state_name=seeding\nreason=none\n"));
            Assert.Equal("state ?: ?", DeviceSession.Why(""));
        }

        /// <summary>The kernel, as feed sees it: what it was given and credited.</summary>
        private sealed class FakeKernel(bool pool = false) : IEntropySink
        {
            public readonly List<(byte[] Data, int Bits)> Calls = [];

            public bool CreditsAPool => pool;

            public void Add(byte[] data, int count, int creditBits) => Calls.Add((data[..count], creditBits));
        }

        [Fact]
        public void Feed_never_credits_a_pool_from_a_simulated_source()
        {
            using var link = TappedLink.Boot(new FirmwareConfig(), 16);
            using var s = Open(link);
            Assert.Equal("simulated", DeviceSession.Value(s.Info(), "source"));
            var pool = new FakeKernel(pool: true);
            var e = Assert.Throws<DeviceException>(() => DeviceCommands.FeedLoop(s, pool, 0.01, 1000, 1000, 0, null));
            Assert.Equal(QrngCli.BadInput, e.Code);
            Assert.Contains("is a simulated source (INFO source=simulated)", e.Message);
            Assert.Empty(pool.Calls);
            var (bytes, bits) = DeviceCommands.FeedLoop(s, pool, 0, 1000, 1000, 0, null);   // uncredited mixing stays allowed
            Assert.Equal((1000L, 0L), (bytes, bits));
            Assert.All(pool.Calls, c => Assert.Equal(0, c.Bits));
        }

        [Fact]
        public void Feed_credits_floor_of_bytes_times_x_and_refuses_more_than_the_device_credits()
        {
            using var link = TappedLink.Boot(new FirmwareConfig(), 13);
            using var s = Open(link);
            var kernel = new FakeKernel();
            var (bytes, bits) = DeviceCommands.FeedLoop(s, kernel, 0.01, 3000, 1024, 0, null);
            Assert.Equal(3000, bytes);
            Assert.Equal([10, 10, 9], kernel.Calls.Select(c => c.Bits));
            Assert.Equal(29, bits);
            Assert.Equal(link.Tap.IntactData(), kernel.Calls.SelectMany(c => c.Data).ToArray());

            // drbg mode: the device credits 64 x 1.96 bits per frame to 4 KiB of output; a hair more is refused before any READ
            var cfg = new FirmwareConfig();
            double limit = DeviceCommands.CreditLimit(s.Info(), s.Status());
            Assert.Equal(cfg.PixelCount * cfg.ClaimedMilliBitsPerSymbol / 1000.0 / cfg.OutputBytesPerFrame, limit, 12);
            int reads = link.Tap.Frames.Count(f => f.Type == (Wire.Read | Wire.ReplyBit));
            var refused = new FakeKernel();
            var e = Assert.Throws<DeviceException>(() => DeviceCommands.FeedLoop(s, refused, limit * 1.001, 1024, 1024, 0, null));
            Assert.Equal(QrngCli.BadInput, e.Code);
            Assert.Contains("more than tapped virtual board credits per output byte", e.Message);
            Assert.Empty(refused.Calls);
            Assert.Equal(reads, link.Tap.Frames.Count(f => f.Type == (Wire.Read | Wire.ReplyBit)));
            Assert.Equal(1024, DeviceCommands.FeedLoop(s, new FakeKernel(), limit, 1024, 1024, 0, null).Bytes);

            var full = new FirmwareConfig();
            full.Apply("output.mode = full-entropy");
            using var fullLink = TappedLink.Boot(full, 14);
            using var fs = Open(fullLink);
            kernel = new FakeKernel();
            Assert.Equal(8 * 600, DeviceCommands.FeedLoop(fs, kernel, 8, 600, 600, 0, null).Bits);
        }
    }
}
