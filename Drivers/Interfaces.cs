namespace Qrng.Drivers
{
    /// <summary>A full-duplex SPI link to one chip select: count bytes of write go out while count bytes arrive in read.</summary>
    public interface ISpiBus
    {
        void TransferFullDuplex(byte[] write, byte[] read, int count);
    }

    /// <summary>An I2C link to one device address. False means the device did not acknowledge (or the bus failed).</summary>
    public interface II2cBus
    {
        bool Write(byte[] buffer, int count);

        bool Read(byte[] buffer, int count);
    }

    /// <summary>A PWM output; duty in 0.01 % steps (0..10000), as nanoFramework's PwmChannel stores it.</summary>
    public interface IPwmOutput
    {
        int Duty { get; }

        void SetDuty(int duty);
    }

    /// <summary>Where random bytes go (the UART on the board).</summary>
    public interface IByteSink
    {
        void Write(byte[] buffer, int offset, int count);
    }

    /// <summary>
    /// The serial link to the host: bytes out (the random stream and reply frames) and bytes in (commands). Reading
    /// never waits: it returns what has arrived, 0 when nothing has.
    /// </summary>
    public interface ISerialLink : IByteSink
    {
        int Read(byte[] buffer, int offset, int count);

        /// <summary>Switches the line to another baud rate (after everything written so far has gone out).</summary>
        void SetBaud(int baud);
    }

    /// <summary>Milliseconds since boot (uptime, time-outs).</summary>
    public interface IClock
    {
        long ElapsedMilliseconds { get; }
    }

    /// <summary>Waiting. The board sleeps; the virtual board does not need to.</summary>
    public interface IDelay
    {
        void Milliseconds(int ms);
    }

    /// <summary>
    /// An image sensor that returns raw pixel values as 10-bit ADC codes (0..1023). A sensor whose interface carries
    /// fewer bits returns them shifted into place (e.g. ADC bits 9..2 as <c>byte &lt;&lt; 2</c>).
    /// </summary>
    public interface IImageSensor
    {
        int PixelCount { get; }

        /// <summary>Resets and configures the sensor; throws <see cref="SensorException"/> when it does not answer as expected.</summary>
        void Initialize();

        /// <summary>Captures one frame into pixels[0..PixelCount); throws <see cref="SensorException"/> on timeout or garbage.</summary>
        void Capture(ushort[] pixels);

        /// <summary>What is read and how, in one line (INFO).</summary>
        string Describe();

        /// <summary>The last capture's time from start to frame, milliseconds (0 when not measured).</summary>
        int CaptureMilliseconds { get; }

        /// <summary>Bytes the sensor delivered for the last frame (the FIFO length), 0 when not measured.</summary>
        int FrameBytes { get; }
    }
}
