using System;

namespace Qrng.Drivers
{
    public enum SensorError
    {
        /// <summary>The SPI test register does not read back (unplugged, wrong wiring, MISO stuck).</summary>
        NotResponding = 1,
        /// <summary>The sensor's id registers hold something else.</summary>
        WrongSensor = 2,
        /// <summary>The sensor did not acknowledge on I2C/SCCB.</summary>
        BusError = 3,
        /// <summary>The capture-done flag never came.</summary>
        CaptureTimeout = 4,
        /// <summary>The FIFO holds no frame, a short one or one of another format (not the raw window), or garbage.</summary>
        BadFrame = 5,
        /// <summary>A sensor register does not read back what was written: the sensor is not in the raw set-up.</summary>
        NotConfigured = 6,
    }

    /// <summary>A sensor fault; the message says what was seen.</summary>
    public class SensorException : Exception
    {
        public SensorException(SensorError error, string message)
            : base(message)
        {
            Error = error;
        }

        public SensorError Error { get; }
    }

    /// <summary>Thread.Sleep, for the board.</summary>
    public sealed class SleepDelay : IDelay
    {
        public void Milliseconds(int ms)
        {
            System.Threading.Thread.Sleep(ms);
        }
    }
}
