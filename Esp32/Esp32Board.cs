using nanoFramework.Hardware.Esp32;
using Qrng.Drivers;
using Qrng.Firmware;

namespace Qrng.Esp32
{
    /// <summary>
    /// ESP32-DevKitC wiring (docs/hardware.md). nanoFramework's default SPI1/I2C1 pins differ from the DevKitC's
    /// VSPI/I2C pins, and COM2 has none: every pin is set here. Device build only.
    /// </summary>
    public sealed class Esp32Board
    {
        public const int PinSck = 18, PinMiso = 19, PinMosi = 23, PinCs = 5;
        public const int PinSda = 21, PinScl = 22;
        public const int PinLed = 32;
        public const int PinUartTx = 17, PinUartRx = 16;
        public const int SpiBus = 1, I2cBus = 1, SpiClockHz = 4000000;

        public IImageSensor Sensor;
        public IPwmOutput Led;
        public ISerialLink Serial;

        public static Esp32Board Open(FirmwareConfig config)
        {
            Configuration.SetPinFunction(PinMosi, DeviceFunction.SPI1_MOSI);
            Configuration.SetPinFunction(PinMiso, DeviceFunction.SPI1_MISO);
            Configuration.SetPinFunction(PinSck, DeviceFunction.SPI1_CLOCK);
            Configuration.SetPinFunction(PinSda, DeviceFunction.I2C1_DATA);
            Configuration.SetPinFunction(PinScl, DeviceFunction.I2C1_CLOCK);
            Configuration.SetPinFunction(PinLed, DeviceFunction.PWM1);
            Configuration.SetPinFunction(PinUartTx, DeviceFunction.COM2_TX);
            Configuration.SetPinFunction(PinUartRx, DeviceFunction.COM2_RX);

            var board = new Esp32Board();
            var camera = new ArduCamOv2640(
                new Esp32SpiBus(SpiBus, PinCs, SpiClockHz),
                new Esp32I2cBus(I2cBus, ArduCamOv2640.SccbAddress),
                new SleepDelay(),
                new Esp32Clock(),
                config.Width,
                config.Height,
                false);
            camera.Exposure = config.Exposure;
            board.Sensor = camera;
            board.Led = new Esp32Pwm(PinLed, config.LedPwmHz, config.LedInitialDuty);
            board.Serial = new Esp32Serial("COM2", config.UartBaud);
            return board;
        }
    }
}
