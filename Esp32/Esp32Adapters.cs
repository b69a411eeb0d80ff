using System;
using System.Device.I2c;
using System.Device.Pwm;
using System.Device.Spi;
using System.IO.Ports;
using System.Threading;
using Qrng.Drivers;

namespace Qrng.Esp32
{
    /// <summary>ISpiBus over nanoFramework's SpiDevice (mode 0, MSB first; ArduChip: <= 8 MHz).</summary>
    public sealed class Esp32SpiBus : ISpiBus
    {
        private readonly SpiDevice _device;

        public Esp32SpiBus(int busId, int chipSelect, int clockHz)
        {
            var settings = new SpiConnectionSettings(busId, chipSelect);
            settings.Mode = SpiMode.Mode0;
            settings.ClockFrequency = clockHz;
            settings.DataFlow = DataFlow.MsbFirst;
            _device = SpiDevice.Create(settings);
        }

        public void TransferFullDuplex(byte[] write, byte[] read, int count)
        {
            _device.TransferFullDuplex(new SpanByte(write, 0, count), new SpanByte(read, 0, count));
        }
    }

    /// <summary>II2cBus over nanoFramework's I2cDevice.</summary>
    public sealed class Esp32I2cBus : II2cBus
    {
        private readonly I2cDevice _device;

        public Esp32I2cBus(int busId, int address)
        {
            _device = I2cDevice.Create(new I2cConnectionSettings(busId, address, I2cBusSpeed.StandardMode));
        }

        public bool Write(byte[] buffer, int count)
        {
            return _device.Write(new SpanByte(buffer, 0, count)).Status == I2cTransferStatus.FullTransfer;
        }

        public bool Read(byte[] buffer, int count)
        {
            return _device.Read(new SpanByte(buffer, 0, count)).Status == I2cTransferStatus.FullTransfer;
        }
    }

    /// <summary>IPwmOutput over nanoFramework's PwmChannel (the pin must be mapped to a PWM function first).</summary>
    public sealed class Esp32Pwm : IPwmOutput
    {
        private readonly PwmChannel _channel;
        private int _duty;

        public Esp32Pwm(int pin, int frequencyHz, int duty)
        {
            _channel = PwmChannel.CreateFromPin(pin, frequencyHz, duty / 10000.0);
            if (_channel == null)
            {
                throw new InvalidOperationException("no PWM channel on pin " + pin + " (map it with Configuration.SetPinFunction first)");
            }

            _duty = duty;
            _channel.Start();
        }

        public int Duty
        {
            get { return _duty; }
        }

        public void SetDuty(int duty)
        {
            _duty = duty;
            _channel.DutyCycle = duty / 10000.0;
        }
    }

    /// <summary>
    /// The serial link over a SerialPort (COM2 on the DevKitC: COM1 belongs to the debugger). Reading takes only what
    /// has arrived (BytesToRead), so the loop never waits for the host.
    /// </summary>
    public sealed class Esp32Serial : ISerialLink
    {
        private const int TxBuffer = 4096;
        private readonly SerialPort _port;

        public Esp32Serial(string portName, int baud)
        {
            _port = new SerialPort(portName, baud);
            _port.WriteBufferSize = TxBuffer;
            _port.ReadBufferSize = 1024;
            _port.Open();
        }

        public void Write(byte[] buffer, int offset, int count)
        {
            _port.Write(buffer, offset, count);
        }

        public int Read(byte[] buffer, int offset, int count)
        {
            int available = _port.BytesToRead;
            if (available <= 0)
            {
                return 0;
            }

            return _port.Read(buffer, offset, available < count ? available : count);
        }

        public void SetBaud(int baud)
        {
            // the reply that announced the change must leave at the old rate: wait out a full transmit buffer
            Thread.Sleep(((TxBuffer * 10 * 1000) / _port.BaudRate) + 10);
            _port.BaudRate = baud;
        }
    }

    /// <summary>
    /// Uptime from the system clock, which no one sets on this board (no network, no SNTP). mscorlib's DateTime, not
    /// Environment.TickCount64, which needs the Runtime.Native package for one property.
    /// </summary>
    public sealed class Esp32Clock : IClock
    {
        private readonly long _start = DateTime.UtcNow.Ticks;

        public long ElapsedMilliseconds
        {
            get { return (DateTime.UtcNow.Ticks - _start) / TimeSpan.TicksPerMillisecond; }
        }
    }
}
