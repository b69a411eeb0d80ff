namespace Qrng.Firmware.Protocol
{
    /// <summary>INFO: what the device is and how it is configured (key=value lines; docs/protocol.md lists them).</summary>
    public sealed class InfoCommand
    {
        private readonly App _app;
        private readonly Replies _replies;
        private readonly Authenticator _auth;

        public InfoCommand(App app, Replies replies, Authenticator auth)
        {
            _app = app;
            _replies = replies;
            _auth = auth;
        }

        public void Handle(int seq, int length)
        {
            Replies r = _replies;
            if (!r.Expect(Wire.Info, seq, length, 0, "INFO takes no payload"))
            {
                return;
            }

            FirmwareConfig c = _app.Config;
            QrngEngine e = _app.Engine;
            r.TextBegin(Wire.Info, seq);
            r.Add("protocol", Wire.Version);
            r.Add("firmware", Personalization.FirmwareVersion);
            r.Add("serial", c.DeviceSerial);
            r.Add("sensor", _app.SensorName);
            r.Add("sensor_setup", _app.SensorSetup);
            r.Add("source", _app.Source);
            r.Add("real_sensor_size", c.EmulatorTestSize ? "no" : "yes");
            r.Add("width", c.Width);
            r.Add("height", c.Height);
            r.Add("pixels", c.PixelCount);
            r.Add("t_minus", c.TMinus);
            r.Add("t_plus", c.TPlus);
            r.Add("n_minus", c.EffectiveNMinus);
            r.Add("n_plus", c.EffectiveNPlus);
            r.Add("claimed_millibits_per_symbol", c.ClaimedMilliBitsPerSymbol);
            r.Add("calibration", c.CalibrationDate == 0 ? "paper-default" : "" + c.CalibrationDate);
            r.Add("alpha_exponent", c.AlphaExponent);
            r.Add("rct_cutoff", e.RctCutoff);
            r.Add("apt_window", c.AptWindow);
            r.Add("apt_cutoff", e.AptCutoff);
            r.Add("output_mode", c.Mode == OutputMode.FullEntropy ? "full-entropy" : "drbg");
            r.Add("sha256", App.Sha256Path());
            r.Add("crc32", App.Crc32Path());
            r.Add("frame_kernel", App.KernelPath(e));
            r.Add("bytes_per_frame", c.OutputBytesPerFrame);
            r.Add("seed_margin_percent", c.SeedMarginPercent);
            r.Add("reseed_bytes", e.ReseedBytes);
            r.Add("led_target_mean", c.LedTargetMean);
            r.Add("uart_baud", c.UartBaud);
            r.Add("auth", _auth.HasKey ? "yes" : "no");
            r.Add("max_request", Wire.MaxRequestPayload);
            r.Add("max_reply", Wire.MaxReplyPayload);
            r.Add("command_idle_ms", Wire.CommandIdleMs);
            r.Add("config_persisted", "no");
            r.TextEnd();
        }
    }
}
