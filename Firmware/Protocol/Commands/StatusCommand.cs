namespace Qrng.Firmware.Protocol
{
    /// <summary>STATUS: the engine's state and counters and the link's (key=value lines; docs/protocol.md lists them).</summary>
    public sealed class StatusCommand
    {
        private readonly App _app;
        private readonly Replies _replies;
        private readonly DeviceProtocol _protocol;
        private readonly Qrng.Drivers.IClock _clock;

        public StatusCommand(App app, Replies replies, DeviceProtocol protocol, Qrng.Drivers.IClock clock)
        {
            _app = app;
            _replies = replies;
            _protocol = protocol;
            _clock = clock;
        }

        public void Handle(int seq, int length)
        {
            Replies r = _replies;
            if (!r.Expect(Wire.Status, seq, length, 0, "STATUS takes no payload"))
            {
                return;
            }

            EngineStatus s = _app.Engine.Status;
            DeviceProtocol p = _protocol;
            r.TextBegin(Wire.Status, seq);
            r.Add("state", (int)s.State);
            r.Add("state_name", StateName(s.State));
            r.Add("healthy", s.State == EngineState.Streaming ? "yes" : "no");
            r.Add("source", _app.Source);
            r.Add("frame_kernel", s.KernelNative ? "native" : "managed");
            r.Add("mode", p.CommandMode ? "command" : "stream");
            r.Add("fault", (int)s.LastFault);
            r.Add("fault_text", s.LastFaultText());
            r.Add("persistent", (int)s.Persistent);
            r.Add("reason", s.Reason());
            r.Add("pause_s", s.PauseSeconds);
            r.Add("pause_ended_by", s.PauseEndedBy);
            r.Add("frames", s.Frames);
            r.Add("frames_passed", s.FramesPassed);
            r.Add("frames_failed_low", s.FramesFailedLow);
            r.Add("frames_failed_high", s.FramesFailedHigh);
            r.Add("frames_replayed", s.FramesReplayed);
            r.Add("frames_out_of_window", s.FramesOutOfWindow);
            r.Add("noise_blocks", s.NoiseBlocks);
            r.Add("noise_failures", s.NoiseFailures);
            r.Add("noise_ratio_percent", s.NoiseRatioPercent);
            r.Add("dither_permille", s.DitherPermille);
            r.Add("dither_blocks", s.DitherBlocks);
            r.Add("dither_failures", s.DitherFailures);
            r.Add("dither_ratio_percent", s.DitherRatioPercent);
            r.Add("rct_failures", s.RctFailures);
            r.Add("apt_failures", s.AptFailures);
            r.Add("startup_failures", s.StartupFailures);
            r.Add("startup_passed", s.StartupTestsPassed);
            r.Add("sensor_errors", s.SensorErrors);
            r.Add("stuck_pixels", s.StuckPixels);
            r.Add("bad_pixels", s.BadPixels);
            r.Add("masked_pixels", s.MaskedPixels);
            r.Add("led_duty", s.LedDuty);
            r.Add("led_at_limit", s.LedAtLimit ? "yes" : "no");
            r.Add("frame_mean", s.LastMean);
            r.Add("capture_ms", s.CaptureMs);
            r.Add("frame_bytes", s.FrameBytes);
            r.Add("instantiations", s.Instantiations);
            r.Add("reseeds", s.Reseeds);
            r.Add("credited_millibits", s.CreditedMilliBits);
            r.Add("bytes_out", s.BytesOut);
            r.Add("error_entries", s.ErrorEntries);
            r.Add("uptime_ms", _clock.ElapsedMilliseconds);
            r.Add("rx_bytes", p.ReceivedBytes);
            r.Add("rx_frames", p.Reader.Frames);
            r.Add("rx_damaged", p.Reader.Damaged);
            r.Add("rx_false_starts", p.Reader.FalseStarts);
            r.Add("errors_suppressed", p.ErrorsSuppressed);
            r.Add("rx_skipped", p.Reader.Skipped);
            r.Add("tx_frames", p.Writer.FramesSent);
            r.Add("idle_returns", p.IdleReturns);
            int session = p.Auth.Session;
            r.Add("auth_session", session == Authenticator.FromDrbg ? "drbg-nonce" : session == Authenticator.FromFrames ? "frame-nonce" : "none");
            r.Add("auth_replays", p.Auth.Replays);
            r.TextEnd();
        }

        public static string StateName(EngineState state)
        {
            switch (state)
            {
                case EngineState.SelfTestFailed: return "self-test-failed";
                case EngineState.SensorDown: return "sensor-down";
                case EngineState.StartupTest: return "startup-test";
                case EngineState.Seeding: return "seeding";
                case EngineState.Streaming: return "streaming";
                case EngineState.Error: return "error";
                case EngineState.RawExport: return "raw-export";
                case EngineState.Characterize: return "characterize";
                default: return "state-" + (int)state;
            }
        }
    }
}
