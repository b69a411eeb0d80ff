using Qrng.Firmware;

namespace Qrng.Emulator
{
    /// <summary>
    /// The firmware on the emulated board for a long run with every fault knob (<see cref="ArduCamModule.KnobNames"/>)
    /// switched on and off on a random schedule, and an oracle that checks after every frame (issue 18 item 9):
    /// <list type="bullet">
    /// <item>no credit from a frame of a fault window: from the frame the module first serves bad data (a replay's
    /// first stale frame) until the knob is off, the credited min-entropy grows by at most what the pool held
    /// (committed or staged, from healthy frames) at that frame; the bias knob is statistical (the 90B tests judge
    /// windows and rates) and is counted, not bounded;</item>
    /// <item>every knob that spoils the data is detected (the engine leaves Streaming) within
    /// <see cref="DetectWithin"/> frames, and not a byte is served after that while the knob is on;</item>
    /// <item>output resumes within <see cref="RecoverWithin"/> frames of a knob going off (a persistent error's pause
    /// included), and the board never stays unhealthy that long without a knob;</item>
    /// <item>every persistent error is named (its reason is not "fault N").</item>
    /// </list>
    /// The same code runs on nanoCLR (Host/Benchmarks --soak) and in the device tests (a short run).
    /// </summary>
    public sealed class Soak
    {
        /// <summary>Frames after the first bad frame within which a knob that spoils the data must be detected.</summary>
        public const int DetectWithin = 40;

        /// <summary>Frames after a knob goes off within which output must be back.</summary>
        public const int RecoverWithin = 1500;

        private const int Spoils = 0, Statistical = 1, Benign = 2;
        private readonly EmulatedBoard _board;
        private readonly CountingSink _sink;
        private readonly XorShift _rng;
        private readonly int _claim, _brightness;
        private readonly string[] _names = ArduCamModule.KnobNames;
        private int _knob = -1, _kind, _left, _gap, _sinceOn, _harmAt, _detectedAt, _sinceOff = -1, _unhealthy;
        private long _creditAtHarm, _pooledAtHarm, _bytesAtDetect, _creditAtOn;
        private string _label = "";
        private readonly string _only;

        /// <summary>
        /// A board at <paramref name="width"/>×<paramref name="height"/> (an emulator test size) with its seed;
        /// <paramref name="configLines"/> changes its configuration (null: none), <paramref name="onlyKnob"/> restricts the
        /// schedule to one knob (null: all).
        /// </summary>
        public Soak(uint seed, int width, int height, string configLines, string onlyKnob)
        {
            FirmwareConfig config = FirmwareConfig.EmulatorTest();
            config.Width = width;
            config.Height = height;
            if (configLines != null)
            {
                config.Apply(configLines);
            }

            config.Validate();
            _only = onlyKnob;
            _sink = new CountingSink();
            _board = EmulatedBoard.WithShotNoise(config, seed, _sink, null);
            _rng = new XorShift(seed ^ 0x50A4u);
            _claim = config.ClaimedMilliBitsPerSymbol;
            _brightness = _board.Camera.BrightnessPpm;
            _gap = 200;
            Episodes = new int[_names.Length];
            Detected = new int[_names.Length];
        }

        public EmulatedBoard Board
        {
            get { return _board; }
        }

        public long Frames { get; private set; }

        /// <summary>Episodes per knob (<see cref="ArduCamModule.KnobNames"/> order) and how many of them were detected.</summary>
        public int[] Episodes { get; private set; }

        public int[] Detected { get; private set; }

        public int Recoveries { get; private set; }

        /// <summary>Frames streamed and millibits credited while the bias knob was on (the statistical case).</summary>
        public long BiasFramesStreaming { get; private set; }

        public long BiasCreditedMilliBits { get; private set; }

        public int LongestDetection { get; private set; }

        public int LongestRecovery { get; private set; }

        /// <summary>The first thing the oracle refused, or null.</summary>
        public string Violation { get; private set; }

        /// <summary>Runs <paramref name="frames"/> more frames; false (and <see cref="Violation"/>) at the first refusal.</summary>
        public bool Advance(int frames)
        {
            for (int i = 0; i < frames && Violation == null; i++)
            {
                StepOnce();
            }

            return Violation == null;
        }

        private void StepOnce()
        {
            EngineStatus s = _board.Status;
            if (_knob < 0 && _sinceOff < 0 && --_gap <= 0 && s.State == EngineState.Streaming)
            {
                SwitchOn();
            }

            if (_knob >= 0 && ++_sinceOn == _harmAt)
            {
                _creditAtHarm = s.CreditedMilliBits;
                _pooledAtHarm = _board.Engine.PooledSymbols;
            }

            _board.Step();
            Frames++;
            s = _board.Status;
            if (s.State == EngineState.Error && (s.Persistent == Fault.None || EngineStatus.Describe(s.Persistent, 0).IndexOf("fault ") == 0))
            {
                Fail("a persistent error without a name: " + s.Summary());
                return;
            }

            if (_knob >= 0)
            {
                Judge(s);
                if (--_left <= 0 && Violation == null)
                {
                    SwitchOff(s);
                }

                return;
            }

            if (s.State == EngineState.Streaming)
            {
                if (_sinceOff >= 0)
                {
                    Recoveries++;
                    LongestRecovery = _sinceOff > LongestRecovery ? _sinceOff : LongestRecovery;
                    _sinceOff = -1;
                }

                _unhealthy = 0;
                return;
            }

            if (_sinceOff >= 0 && ++_sinceOff > RecoverWithin)
            {
                Fail("no output " + RecoverWithin + " frames after " + _label + " went off: " + s.Summary() + "; " + s.Reason());
            }
            else if (_sinceOff < 0 && ++_unhealthy > RecoverWithin)
            {
                Fail("unhealthy for " + RecoverWithin + " frames with no knob on: " + s.Summary() + "; " + s.Reason());
            }
        }

        private void Judge(EngineStatus s)
        {
            if (_kind == Statistical)
            {
                if (s.State == EngineState.Streaming)
                {
                    BiasFramesStreaming++;
                }

                return;
            }

            if (_kind != Spoils || _sinceOn < _harmAt)
            {
                return;
            }

            long credited = s.CreditedMilliBits - _creditAtHarm;
            if (credited > _pooledAtHarm * _claim)
            {
                Fail(_label + ": " + credited + " millibits credited since its first bad frame, the pool held " + _pooledAtHarm + " symbols then");
                return;
            }

            if (_detectedAt < 0)
            {
                if (s.State != EngineState.Streaming)
                {
                    _detectedAt = _sinceOn;
                    _bytesAtDetect = s.BytesOut;
                    int latency = _sinceOn - _harmAt;
                    LongestDetection = latency > LongestDetection ? latency : LongestDetection;
                }
                else if (_sinceOn - _harmAt > DetectWithin)
                {
                    Fail(_label + ": still streaming " + DetectWithin + " frames after its first bad frame: " + s.Summary());
                }

                return;
            }

            if (s.BytesOut != _bytesAtDetect)
            {
                Fail(_label + ": " + (s.BytesOut - _bytesAtDetect) + " bytes served after it was detected: " + s.Summary());
            }
        }

        private void SwitchOn()
        {
            int k = (int)(_rng.Next() % (uint)_names.Length);
            for (int i = 0; _only != null && i < _names.Length; i++)
            {
                if (_names[i] == _only)
                {
                    k = i;
                }
            }

            string name = _names[k];
            int count = -1, cycle = -1;
            _kind = Spoils;
            _harmAt = 1;                                          // the frame captured after the switch
            if (name == "replay")
            {
                int[] cycles = new int[] { 2, 7, 65, 150 };
                count = cycles[(int)(_rng.Next() % 4)];
                _harmAt = count + 1;                              // the FIFO first keeps count fresh captures
            }
            else if (name == "partial-replay")
            {
                int[] percents = new int[] { 25, 50, 100 };
                int[] cycles = new int[] { 4, 8, 40 };
                count = percents[(int)(_rng.Next() % 3)];
                cycle = cycles[(int)(_rng.Next() % 3)];
                _harmAt = cycle + 1;
            }
            else if (name == "frozen")
            {
                _harmAt = 2;
            }
            else if (name == "gain")
            {
                count = 2 + (int)(_rng.Next() % 2);
            }
            else if (name == "bias")
            {
                count = 11 + (int)(_rng.Next() % 20);
                _kind = Statistical;
            }
            else if (name == "dead-pixel" || name == "hot-pixel")
            {
                count = 1 + (int)(_rng.Next() % 3);
                _kind = Benign;
            }
            else if (name == "drift" || name == "no-init")
            {
                _kind = Benign;                                   // the LED loop compensates; no-init acts at the next start only
            }

            _board.Camera.SetKnob(name, count, cycle, true);
            _knob = k;
            _label = name + (count > 0 ? ":" + count : "") + (cycle > 0 ? ":" + cycle : "") + " (frame " + Frames + ")";
            _sinceOn = 0;
            _detectedAt = -1;
            _creditAtOn = _board.Status.CreditedMilliBits;
            _left = (_kind == Spoils ? _harmAt + DetectWithin + 10 : 30) + (int)(_rng.Next() % 300);
            Episodes[k]++;
        }

        private void SwitchOff(EngineStatus s)
        {
            _board.Camera.SetKnob(_names[_knob], -1, -1, false);
            if (_names[_knob] == "drift")
            {
                _board.Camera.BrightnessPpm = _brightness;       // a new LED: the light lost stays lost otherwise
            }

            if (_kind == Statistical)
            {
                BiasCreditedMilliBits += s.CreditedMilliBits - _creditAtOn;
            }

            if (_detectedAt >= 0)
            {
                Detected[_knob]++;
            }

            _knob = -1;
            _sinceOff = 0;
            _gap = 50 + (int)(_rng.Next() % 300);
        }

        private void Fail(string what)
        {
            Violation = "frame " + Frames + ": " + what;
        }

        /// <summary>One line per knob and the totals, for the soak's report.</summary>
        public string Summary()
        {
            EngineStatus s = _board.Status;
            string text = "soak: " + Frames + " frames, " + s.BytesOut + " bytes out, " + (s.CreditedMilliBits / 1000) + " bits credited, "
                + Recoveries + " recoveries (longest " + LongestRecovery + " frames), longest detection " + LongestDetection + " frames, "
                + s.ErrorEntries + " persistent errors, bias: " + BiasFramesStreaming + " frames streamed, " + (BiasCreditedMilliBits / 1000) + " bits credited\n";
            for (int k = 0; k < _names.Length; k++)
            {
                text += "soak knob " + _names[k] + " " + Episodes[k] + " episodes " + Detected[k] + " detected\n";
            }

            return text;
        }
    }
}
