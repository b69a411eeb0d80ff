namespace Qrng.Firmware.Protocol
{
    /// <summary>
    /// CONFIG GET [key] and CONFIG SET text: the configuration in force, and the keys that may change over the link.
    /// Only uart.baud changes without authentication. What the entropy claim rests on changes only by an authenticated
    /// request, so never on a board without a key (docs/calibration.md): output.mode, and a calibration record (every
    /// key of <see cref="Record"/>, calibration.date among them, validated as a whole by
    /// <see cref="FirmwareConfig.CalibrationProblem"/>). The others need a reflash. A set starts a new pipeline
    /// (<see cref="App.Reconfigure"/>); it is not persisted. With a key provisioned, every CONFIG SET must be
    /// authenticated; a persistent failure's pause goes on in the new pipeline unless the request was authenticated.
    /// </summary>
    public sealed class ConfigCommand
    {
        private const int P = FrameWriter.PayloadOffset;
        private static readonly int[] Bauds = { 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 1000000, 1500000, 2000000, 3000000 };

        /// <summary>The keys of a calibration record (qrng calibrate): set together, authenticated, or not at all.</summary>
        public static readonly string[] Record =
        {
            "calibration.date", "health.claimed_millibits_per_symbol", "health.t_minus", "health.t_plus", "health.n_minus",
            "health.n_plus", "led.min_mean", "led.target_mean", "led.max_mean", "noise.k_milli", "noise.mu_r_milli", "noise.sigma_r_milli",
        };

        private readonly App _app;
        private readonly Replies _replies;
        private readonly Authenticator _auth;
        private readonly Qrng.Drivers.ISerialLink _link;

        public ConfigCommand(App app, Replies replies, Authenticator auth, Qrng.Drivers.ISerialLink link)
        {
            _app = app;
            _replies = replies;
            _auth = auth;
            _link = link;
        }

        public void Get(byte[] b, int seq, int length)
        {
            string text = _app.Config.ToText();
            if (length > 0)
            {
                string key = Replies.Ascii(b, P, length);
                string line = null;
                string[] lines = text.Split('\n');
                for (int i = 0; i < lines.Length && line == null; i++)
                {
                    if (lines[i].IndexOf(key + " = ") == 0)
                    {
                        line = lines[i] + "\n";
                    }
                }

                if (line == null)
                {
                    _replies.Error(Wire.ErrBadArgument, Wire.ConfigGet, seq, "no configuration key '" + key + "'");
                    return;
                }

                text = line;
            }

            _replies.TextBegin(Wire.ConfigGet, seq);
            _replies.PutText(text, true);
            _replies.TextEnd();
        }

        public void Set(byte[] b, int seq, int length, bool auth)
        {
            if (_auth.HasKey && !auth)
            {
                _replies.Error(Wire.ErrAuthRequired, Wire.ConfigSet, seq, "this device has a key: CONFIG SET must be authenticated", false);
                return;
            }

            string text = Replies.Ascii(b, P, length);
            string refused = SettableOnly(text, auth);
            FirmwareConfig next = _app.Config.Copy();
            if (refused == null)
            {
                try
                {
                    next.Apply(text);
                    if (!StandardBaud(next.UartBaud))
                    {
                        refused = "uart.baud " + next.UartBaud + " is not one of the standard rates 9600..3000000";
                    }
                }
                catch (ConfigException e)
                {
                    refused = e.Message;
                }
            }

            int oldBaud = _app.Config.UartBaud;
            if (refused == null)
            {
                refused = _app.Reconfigure(next, auth ? "authenticated CONFIG SET (request " + seq + ")" : null);
            }

            if (refused != null)
            {
                _replies.Error(Wire.ErrConfigRefused, Wire.ConfigSet, seq, refused);
                return;
            }

            _replies.TextBegin(Wire.ConfigSet, seq);
            _replies.Add("applied", "yes");
            _replies.Add("persisted", "no: a reset restores the flashed configuration (Esp32/BoardConfig.cs)");
            _replies.Add("uart_baud", next.UartBaud);
            EngineStatus s = _app.Engine.Status;
            if (s.State == EngineState.Error)
            {
                // an unauthenticated set does not cut a persistent failure's pause short
                _replies.Add("paused_s", s.PauseSeconds);
                _replies.Add("reason", s.Reason());
            }
            _replies.TextEnd();
            if (oldBaud != next.UartBaud)
            {
                _link.SetBaud(next.UartBaud);                     // after the reply went out at the old rate
            }
        }

        /// <summary>Null when every key in <paramref name="text"/> may be set over the link this way, else why not.</summary>
        private string SettableOnly(string text, bool auth)
        {
            string[] lines = text.Split('\n');
            int recordKeys = 0;
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i];
                int hash = line.IndexOf('#');
                if (hash >= 0)
                {
                    line = line.Substring(0, hash);
                }

                int eq = line.IndexOf('=');
                if (eq <= 0)
                {
                    if (line.Trim().Length > 0)
                    {
                        return "line " + (i + 1) + ": expected 'key = value'";
                    }

                    continue;
                }

                string key = line.Substring(0, eq).Trim();
                if (key == "uart.baud")
                {
                    continue;
                }

                bool inRecord = IndexOf(Record, key) >= 0;
                if (!inRecord && key != "output.mode")
                {
                    return key + " cannot be set over the link (uart.baud; with the device's key: output.mode and a calibration record from qrng calibrate); others need a reflash";
                }

                if (!auth)
                {
                    return key + " is part of what the entropy claim rests on: it changes only by an authenticated request ("
                        + (_auth.HasKey ? "give the key" : "this board has no key: provision device.hmac_key by flashing it") + "; docs/calibration.md)";
                }

                if (inRecord)
                {
                    recordKeys++;
                }
            }

            if (recordKeys > 0 && recordKeys < Record.Length)
            {
                return "a calibration record sets all of " + Joined(Record) + " together (qrng calibrate --apply); this request sets " + recordKeys + " of them";
            }

            return null;
        }

        private static string Joined(string[] keys)
        {
            string text = keys[0];
            for (int i = 1; i < keys.Length; i++)
            {
                text += ", " + keys[i];
            }

            return text;
        }

        private static int IndexOf(string[] keys, string key)
        {
            for (int i = 0; i < keys.Length; i++)
            {
                if (keys[i] == key)
                {
                    return i;
                }
            }

            return -1;
        }

        private static bool StandardBaud(int baud)
        {
            for (int i = 0; i < Bauds.Length; i++)
            {
                if (Bauds[i] == baud)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
