using System;
using Qrng.Crypto;
using Qrng.Drivers;
using Qrng.Firmware.Pipeline;
using Qrng.Firmware.Protocol;

namespace Qrng.Firmware
{
    /// <summary>Where the device's status lines go.</summary>
    public interface ILog
    {
        void Line(string text);
    }

    /// <summary>Console.WriteLine: on the board, nanoFramework's wire-protocol channel (COM1). Debug.WriteLine would be
    /// compiled out of Release images.</summary>
    public sealed class ConsoleLog : ILog
    {
        public void Line(string text)
        {
            Console.WriteLine(text);
        }
    }

    /// <summary>
    /// The application loop body that <c>Program.Main</c> runs forever on the board and the emulated boards run on the
    /// host and on nanoCLR: the serial protocol's input (<see cref="DeviceProtocol.Poll"/>), one pipeline step, the
    /// step's frames (<see cref="DeviceProtocol.AfterStep"/>), recovery from any driver exception (the loop never
    /// dies), a status line every 100 frames and, while no frame comes (the sensor is down, a persistent failure
    /// pauses the engine, the self-test failed), every 10 idle ticks of one second each; the host's commands are
    /// still answered during an idle tick.
    /// </summary>
    public sealed class App
    {
        public const int ReportEveryFrames = 100;
        public const int ReportEveryIdleTicks = 10;
        public const int IdleTickMilliseconds = 1000;
        public const int IdlePolls = 10;
        private readonly IImageSensor _sensor;
        private readonly IPwmOutput _led;
        private readonly IDelay _delay;
        private readonly ILog _log;
        private bool _simulated;
        private long _nextReport;
        private int _idleTicks, _startFailures;
        private EngineStatus _counters;
        private EngineCarry _carry;
        private EngineState _reported = EngineState.Streaming;

        /// <summary>A board whose UART only sends (no commands reach it) and whose clock is the delay's, when it counts.</summary>
        public App(IImageSensor sensor, IPwmOutput led, IByteSink uart, IDelay delay, ILog log, FirmwareConfig config)
            : this(sensor, led, uart as ISerialLink != null ? (ISerialLink)uart : new SendOnlyLink(uart), delay, delay as IClock != null ? (IClock)delay : new StoppedClock(), log, config)
        {
        }

        public App(IImageSensor sensor, IPwmOutput led, ISerialLink link, IDelay delay, IClock clock, ILog log, FirmwareConfig config)
        {
            _sensor = sensor;
            _led = led;
            _delay = delay;
            _log = log;
            Config = config;
            Protocol = new DeviceProtocol(this, link, clock);
            Engine = NewEngine(config);
            Log("qrng " + Personalization.FirmwareVersion + " serial " + config.DeviceSerial + ": " + config.Width + "x" + config.Height
                + " pixels, RCT cutoff " + Engine.RctCutoff + ", APT cutoff " + Engine.AptCutoff + ", output " + (config.Mode == OutputMode.FullEntropy ? "full-entropy" : "drbg")
                + ", heap budget " + DeviceBudget.Estimate(config) + " of " + config.HeapBytes + " bytes, sha256 " + Sha256Path() + ", crc32 " + Crc32Path()
                + ", frame kernel " + KernelPath(Engine));
        }

        public QrngEngine Engine { get; private set; }

        /// <summary>The configuration in force (CONFIG SET replaces it until the next reset).</summary>
        public FirmwareConfig Config { get; private set; }

        public DeviceProtocol Protocol { get; private set; }

        /// <summary>The sensor driver's type, for INFO.</summary>
        public string SensorName
        {
            get { return _sensor.GetType().FullName; }
        }

        /// <summary>
        /// True on an emulated board (EmulatedBoard sets it): its pixels are a seeded simulation, not a quantum source.
        /// INFO and STATUS say so (<c>source=simulated</c>), and the host never credits a kernel pool from it. The board's
        /// own Program never sets it, and nothing over the line can.
        /// </summary>
        public bool SimulatedSource
        {
            get { return _simulated; }
            set
            {
                _simulated = value;
                if (Engine != null)
                {
                    Engine.RequireCalibration = !value;
                }
            }
        }

        /// <summary>
        /// The pipeline for a configuration. A real sensor never streams on the paper default (the paper chip's numbers
        /// are no measurement of it: docs/calibration.md, "The paper default"); an emulated paper chip may.
        /// </summary>
        private QrngEngine NewEngine(FirmwareConfig config)
        {
            var engine = new QrngEngine(_sensor, _led, Protocol, config, Personalization.For(config));
            engine.RequireCalibration = !_simulated;
            return engine;
        }

        /// <summary>"sensor", or "simulated" (<see cref="SimulatedSource"/>): INFO's and STATUS's <c>source</c>.</summary>
        public string Source
        {
            get { return SimulatedSource ? "simulated" : "sensor"; }
        }

        /// <summary>What the sensor driver reads and how (INFO).</summary>
        public string SensorSetup
        {
            get { return _sensor.Describe(); }
        }

        /// <summary>
        /// One iteration of the device loop. It never throws: whatever a driver, the protocol or the debug channel
        /// throws is reported (if the report itself does not fail) and survived; without an engine (a configuration
        /// that did not start) it tries to start one every second.
        /// </summary>
        public void Tick()
        {
            if (Engine == null && !StartEngine())
            {
                _delay.Milliseconds(IdleTickMilliseconds);
                return;
            }

            try
            {
                Protocol.Poll();
                Engine.Demand = Protocol.Demand;
                Engine.Step();
                Protocol.AfterStep();
            }
            catch (Exception e)
            {
                Survive(e);
            }

            try
            {
                ReportAndIdle();
            }
            catch (Exception e)
            {
                Survive(e);
            }
        }

        /// <summary>
        /// A UART/PWM/bus driver (or anything) threw inside a step, whose output may be cut short: the pipeline restarts
        /// from a fresh start-up test and a fresh DRBG instantiation, never the loop (the SensorDown pause follows). Each
        /// part is guarded: an exception here must not leave the loop either.
        /// </summary>
        private void Survive(Exception e)
        {
            AbandonProtocol();
            try
            {
                if (Engine != null)
                {
                    Engine.RecoverFromUnexpectedError(e.Message);
                }
            }
            catch (Exception)
            {
            }

            Log("qrng: " + e.Message);
        }

        private void AbandonProtocol()
        {
            try
            {
                Protocol.Abandon();
            }
            catch (Exception)
            {
            }
        }

        private void ReportAndIdle()
        {
            if (Engine == null)
            {
                return;
            }

            EngineStatus s = Engine.Status;
            bool idle = Idle(s.State);
            _idleTicks = idle ? _idleTicks + 1 : 0;
            bool entered = idle && s.State != _reported;
            if (_log != null && (s.Frames >= _nextReport || entered || _idleTicks >= ReportEveryIdleTicks))
            {
                _nextReport = s.Frames + ReportEveryFrames;
                _idleTicks = 0;
                Log(s.Summary());
            }

            _reported = s.State;
            if (idle)
            {
                IdleTick(s.State);
            }
        }

        /// <summary>Starts the pipeline with the configuration in force after a reconfiguration left none; false while it does not start.</summary>
        private bool StartEngine()
        {
            try
            {
                Engine = NewEngine(Config);
                if (_counters != null)
                {
                    Engine.Status.CountersFrom(_counters);
                }

                Engine.Continue(_carry, false);
                _carry = null;

                _startFailures = 0;
                Log("qrng: the pipeline started again");
                return true;
            }
            catch (Exception e)
            {
                Engine = null;
                if (_startFailures++ % ReportEveryIdleTicks == 0)
                {
                    Log("qrng: the pipeline does not start (" + e.Message + "); retrying every second");
                }

                return false;
            }
        }

        private static bool Idle(EngineState state)
        {
            return state == EngineState.SelfTestFailed || state == EngineState.SensorDown || state == EngineState.Error;
        }

        /// <summary>A second without frames; commands are answered every tenth of it, and a SELFTEST ends it.</summary>
        private void IdleTick(EngineState state)
        {
            for (int i = 0; i < IdlePolls; i++)
            {
                _delay.Milliseconds(IdleTickMilliseconds / IdlePolls);
                try
                {
                    Protocol.Poll();
                    Protocol.AfterStep();
                }
                catch (Exception e)
                {
                    // the protocol threw while no frame comes: reported, the pause (and its reason) left as it is
                    AbandonProtocol();
                    Log("qrng: " + e.Message);
                }

                if (Engine == null || Engine.Status.State != state)
                {
                    return;
                }
            }
        }

        /// <summary>
        /// Replaces the configuration and restarts the pipeline with it (CONFIG SET; not persisted). The old engine's
        /// entropy and DRBG state are zeroised first; its stale-frame fingerprints, its back-off and a persistent
        /// failure's pause go on in the new one (<see cref="QrngEngine.Continue"/>) unless <paramref name="endPauseBy"/>
        /// names the authenticated request that ends them. Returns null, or why the new configuration did not start (the
        /// old one is then back).
        /// </summary>
        public string Reconfigure(FirmwareConfig next, string endPauseBy)
        {
            EngineStatus counters = Engine.Status;
            EngineCarry carry = Engine.Carry();
            Engine.Shutdown();
            Engine = null;                                        // its buffers may go before the new ones are allocated
            string refused = null;
            try
            {
                Engine = NewEngine(next);
                Config = next;
            }
            catch (Exception e)
            {
                refused = "the pipeline did not start with it (" + e.Message + ")";
                try
                {
                    Engine = NewEngine(Config);
                    refused += "; the previous configuration is back";
                }
                catch (Exception again)
                {
                    // nor with the previous one (out of memory, a sensor that changed): the loop starts it when it can
                    Engine = null;
                    _counters = counters;
                    _carry = carry;
                    refused += "; nor with the previous one (" + again.Message + "): retried every second";
                    Log("qrng: " + refused);
                    return refused;
                }
            }

            Engine.Status.CountersFrom(counters);
            bool end = refused == null && endPauseBy != null;
            Engine.Continue(carry, end);
            if (end && carry.Paused)
            {
                Engine.Status.PauseEndedBy = endPauseBy;
            }

            return refused;
        }

        /// <summary>
        /// The SHA-256 path of Hash_DRBG: "native" on an image with the interop assembly Qrng.Sha256.Native, else
        /// "managed (why)", e.g. "managed (NotSupportedException)" on stock firmware.
        /// </summary>
        public static string Sha256Path()
        {
            string reason = HashDrbg.Sha256FallbackReason;
            return HashDrbg.Sha256Path + (reason.Length > 0 ? " (" + reason + ")" : "");
        }

        /// <summary>The engine's frame kernel: "native", or "managed (why)" (<see cref="FrameKernel"/>).</summary>
        public static string KernelPath(QrngEngine engine)
        {
            if (engine.Status.KernelNative)
            {
                return "native";
            }

            string reason = FrameKernel.ManagedReason;
            return "managed" + (reason.Length > 0 ? " (" + reason + ")" : "");
        }

        /// <summary>The protocol's CRC-32 path: "native", or "managed (why)" (<see cref="Crc32"/>).</summary>
        public static string Crc32Path()
        {
            string reason = Crc32.ManagedReason;
            return Crc32.Path + (reason.Length > 0 ? " (" + reason + ")" : "");
        }

        /// <summary>A status line on the debug channel; a channel that fails is ignored (it must not take the loop down).</summary>
        private void Log(string text)
        {
            if (_log == null)
            {
                return;
            }

            try
            {
                _log.Line(text);
            }
            catch (Exception)
            {
            }
        }

        /// <summary>A link for a sink that only takes bytes.</summary>
        private sealed class SendOnlyLink : ISerialLink
        {
            private readonly IByteSink _sink;

            public SendOnlyLink(IByteSink sink)
            {
                _sink = sink;
            }

            public void Write(byte[] buffer, int offset, int count)
            {
                _sink.Write(buffer, offset, count);
            }

            public int Read(byte[] buffer, int offset, int count)
            {
                return 0;
            }

            public void SetBaud(int baud)
            {
            }
        }

        /// <summary>No clock: frame time-outs never fire.</summary>
        private sealed class StoppedClock : IClock
        {
            public long ElapsedMilliseconds
            {
                get { return 0; }
            }
        }
    }

    /// <summary>One start-up attempt; returns what it built, or throws.</summary>
    public delegate object StartAttempt();

    /// <summary>
    /// Start-up that never dies (Program.Main): an attempt that throws (a configuration the firmware refuses, a heap
    /// too small, a driver that does not open) is reported with a status line and tried again after a pause.
    /// </summary>
    public static class Boot
    {
        public const int RetryMilliseconds = 5000;

        /// <summary>
        /// Runs <paramref name="attempt"/> until it returns, at most <paramref name="maxAttempts"/> times; returns its
        /// result, or null when every attempt failed.
        /// </summary>
        public static object Retry(StartAttempt attempt, string what, ILog log, IDelay delay, int maxAttempts)
        {
            for (int i = 1; i <= maxAttempts; i++)
            {
                try
                {
                    return attempt();
                }
                catch (Exception e)
                {
                    try
                    {
                        if (log != null)
                        {
                            log.Line("qrng: " + what + " failed (attempt " + i + "): " + e.GetType().Name + ": " + e.Message + "; retrying in " + (RetryMilliseconds / 1000) + " s");
                        }
                    }
                    catch (Exception)
                    {
                    }

                    delay.Milliseconds(RetryMilliseconds);
                }
            }

            return null;
        }
    }
}
