using System;
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
    /// The application loop body that <c>Program.Main</c> runs forever on the board and the virtual board runs on the
    /// host: one pipeline step, recovery from any driver exception (the loop never dies), a status line every 100
    /// frames, and a pause while there is nothing to do.
    /// </summary>
    public sealed class App
    {
        public const int ReportEveryFrames = 100;
        private readonly IDelay _delay;
        private readonly ILog _log;
        private long _nextReport;

        public App(IImageSensor sensor, IPwmOutput led, IByteSink uart, IDelay delay, ILog log, FirmwareConfig config)
        {
            _delay = delay;
            _log = log;
            Engine = new QrngEngine(sensor, led, uart, config, Personalization.For(config));
            Log("qrng " + Personalization.FirmwareVersion + " serial " + config.DeviceSerial + ": " + config.Width + "x" + config.Height
                + " pixels, RCT cutoff " + Engine.RctCutoff + ", APT cutoff " + Engine.AptCutoff);
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
            if (_log != null && (s.Frames >= _nextReport || s.State == EngineState.SelfTestFailed))
            {
                _log.Line(s.Summary());
                _nextReport = s.Frames + ReportEveryFrames;
            }

            if (s.State == EngineState.SelfTestFailed || s.State == EngineState.SensorDown)
            {
                _delay.Milliseconds(1000);
            }
        }

        private void Log(string text)
        {
            if (_log != null)
            {
                _log.Line(text);
            }
        }
    }
}
