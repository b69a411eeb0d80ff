using System;
using Qrng.Crypto;
using Qrng.Drivers;

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
    /// host and on nanoCLR: one pipeline step, recovery from any driver exception (the loop never dies), a status line
    /// every 100 frames and, while no frame comes (the sensor is down, a persistent failure pauses the engine, the
    /// self-test failed), every 10 idle ticks of one second each.
    /// </summary>
    public sealed class App
    {
        public const int ReportEveryFrames = 100;
        public const int ReportEveryIdleTicks = 10;
        public const int IdleTickMilliseconds = 1000;
        private readonly IDelay _delay;
        private readonly ILog _log;
        private long _nextReport;
        private int _idleTicks;
        private EngineState _reported = EngineState.Streaming;

        public App(IImageSensor sensor, IPwmOutput led, IByteSink uart, IDelay delay, ILog log, FirmwareConfig config)
        {
            _delay = delay;
            _log = log;
            Engine = new QrngEngine(sensor, led, uart, config, Personalization.For(config));
            Log("qrng " + Personalization.FirmwareVersion + " serial " + config.DeviceSerial + ": " + config.Width + "x" + config.Height
                + " pixels, RCT cutoff " + Engine.RctCutoff + ", APT cutoff " + Engine.AptCutoff + ", output " + (config.Mode == OutputMode.FullEntropy ? "full-entropy" : "drbg")
                + ", heap budget " + DeviceBudget.Estimate(config) + " of " + config.HeapBytes + " bytes, sha256 " + Sha256Path());
        }

        public QrngEngine Engine { get; private set; }

        /// <summary>One iteration of the device loop.</summary>
        public void Tick()
        {
            try
            {
                Engine.Step();
            }
            catch (Exception e)
            {
                // a UART/PWM/bus driver threw (this step's output may be cut short): restart the pipeline from a fresh
                // start-up test and a fresh DRBG instantiation, never the loop; the SensorDown pause below follows
                Engine.RecoverFromUnexpectedError(e.Message);
                Log("qrng: " + e.Message);
            }

            EngineStatus s = Engine.Status;
            bool idle = s.State == EngineState.SelfTestFailed || s.State == EngineState.SensorDown || s.State == EngineState.Error;
            _idleTicks = idle ? _idleTicks + 1 : 0;
            bool entered = idle && s.State != _reported;
            if (_log != null && (s.Frames >= _nextReport || entered || _idleTicks >= ReportEveryIdleTicks))
            {
                _log.Line(s.Summary());
                _nextReport = s.Frames + ReportEveryFrames;
                _idleTicks = 0;
            }

            _reported = s.State;
            if (idle)
            {
                _delay.Milliseconds(IdleTickMilliseconds);
            }
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

        private void Log(string text)
        {
            if (_log != null)
            {
                _log.Line(text);
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
                    if (log != null)
                    {
                        log.Line("qrng: " + what + " failed (attempt " + i + "): " + e.GetType().Name + ": " + e.Message + "; retrying in " + (RetryMilliseconds / 1000) + " s");
                    }

                    delay.Milliseconds(RetryMilliseconds);
                }
            }

            return null;
        }
    }
}
