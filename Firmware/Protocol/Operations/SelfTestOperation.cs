namespace Qrng.Firmware.Protocol
{
    /// <summary>
    /// SELFTEST: the power-up self-tests again (<see cref="QrngEngine.RunSelfTest"/>): the DRBG's and the frame kernel's
    /// known-answer tests at once, then the sensor's start and a fresh start-up test over the next frames; one text reply when all are known.
    /// </summary>
    public sealed class SelfTestOperation : Operation
    {
        private long _basePassed, _baseSensorErrors;
        private bool _pauseKept;

        public SelfTestOperation(App app, Replies replies)
            : base(app, replies, Wire.SelfTest)
        {
        }

        public void Start(int seq, int length)
        {
            if (!Replies.Expect(Wire.SelfTest, seq, length, 0, "SELFTEST takes no payload"))
            {
                return;
            }

            EngineStatus s = App.Engine.Status;
            _basePassed = s.StartupTestsPassed;
            _baseSensorErrors = s.SensorErrors;
            bool auth = Replies.RequestAuth, paused = s.State == EngineState.Error;
            Begin(seq);
            App.Engine.RunSelfTest(auth);
            _pauseKept = paused && !auth;
            if (paused && auth)
            {
                s.PauseEndedBy = "authenticated SELFTEST (request " + seq + ")";
            }

            AfterStep(s);
        }

        /// <summary>The verdict once it is known: the known-answer tests, the sensor's start, the start-up test.</summary>
        public override void AfterStep(EngineStatus s)
        {
            string failed = null, step = null;
            if (_pauseKept && s.State == EngineState.Error)
            {
                // the known-answer tests ran; the sensor and the start-up test wait for the pause (unauthenticated request)
                Done();
                Replies.TextBegin(Wire.SelfTest, Seq, Auth);
                Replies.Add("result", "paused");
                Replies.Add("drbg_kat", "pass");
                Replies.Add("kernel_kat", "pass");
                Replies.Add("sensor", "not-run");
                Replies.Add("startup", "not-run");
                Replies.Add("pause_s", s.PauseSeconds);
                Replies.Add("reason", s.Reason() + "; the pause ends by itself, or at an authenticated SELFTEST or CONFIG SET");
                Replies.TextEnd();
                return;
            }

            if (s.State == EngineState.SelfTestFailed && s.LastFault == Fault.FrameKernel)
            {
                step = "kernel_kat";
                failed = "the frame kernel's known-answer frame set failed (" + (s.KernelNative ? "native" : "managed") + " path): the device will not output";
            }
            else if (s.State == EngineState.SelfTestFailed)
            {
                step = "drbg_kat";
                failed = "the SHA-256 / Hash_DRBG known-answer tests failed: the device will not output";
            }
            else if (s.SensorErrors > _baseSensorErrors)
            {
                step = "sensor";
                failed = s.LastFaultText();
            }
            else if (s.State == EngineState.Error)
            {
                // persistent only: a single start-up failure is what the engine retries (health.startup_retries), and at
                // alpha = 2^-20 per test a healthy source fails about one start-up test in 2,000 (an RCT run of 12 at
                // 1.96 bits: 2^-21.6 per symbol over ~1,500 symbols)
                step = "startup";
                failed = s.Reason();
            }
            else if (s.StartupTestsPassed == _basePassed)
            {
                return;                                           // not yet: the start-up test needs more frames
            }

            Done();
            Replies.TextBegin(Wire.SelfTest, Seq, Auth);
            Replies.Add("result", failed == null ? "pass" : "fail");
            bool katFailed = step == "drbg_kat" || step == "kernel_kat";
            Replies.Add("drbg_kat", step == "drbg_kat" ? "fail" : "pass");
            Replies.Add("kernel_kat", step == "kernel_kat" ? "fail" : step == "drbg_kat" ? "not-run" : "pass");
            Replies.Add("sensor", katFailed ? "not-run" : step == "sensor" ? "fail" : "pass");
            Replies.Add("startup", step == null ? "pass" : step == "startup" ? "fail" : "not-run");
            if (failed != null)
            {
                Replies.Add("reason", failed);
            }

            Replies.TextEnd();
        }
    }
}
