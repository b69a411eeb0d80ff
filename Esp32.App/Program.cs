using System;
using Qrng.Drivers;
using Qrng.Firmware;

namespace Qrng.Esp32
{
    /// <summary>The device entry point (Esp32.App; the board itself is the Esp32 library, which the board-only tests in
    /// Firmware.Tests open too): configuration, the ESP32 board, then <see cref="App"/> forever. A start-up step
    /// that fails (a configuration the firmware refuses, a heap too small, a bus that does not open) is reported and
    /// retried every few seconds, never a dead board. Device build only; the emulated boards run the same App.</summary>
    public static class Program
    {
        private static FirmwareConfig _config;
        private static Esp32Board _board;

        public static void Main()
        {
            var log = new ConsoleLog();
            var delay = new SleepDelay();
            Boot.Retry(LoadConfig, "configuration (Esp32/BoardConfig.cs)", log, delay, int.MaxValue);
            Boot.Retry(OpenBoard, "opening the board's SPI, I2C, PWM and UART", log, delay, int.MaxValue);
            var app = (App)Boot.Retry(CreateApp, "starting the pipeline", log, delay, int.MaxValue);
            while (true)
            {
                try
                {
                    app.Tick();
                }
                catch (Exception e)
                {
                    // App.Tick is built not to throw; should anything still escape it, the board says so and goes
                    // on instead of stopping until a reset
                    try
                    {
                        log.Line("qrng: loop: " + e.Message);
                    }
                    catch (Exception)
                    {
                    }

                    delay.Milliseconds(App.IdleTickMilliseconds);
                }
            }
        }

        private static object LoadConfig()
        {
            _config = BoardConfig.Flashed();
            return _config;
        }

        private static object OpenBoard()
        {
            _board = Esp32Board.Open(_config);
            return _board;
        }

        private static object CreateApp()
        {
            return new App(_board.Sensor, _board.Led, _board.Serial, new SleepDelay(), new Esp32Clock(), new ConsoleLog(), _config);
        }
    }
}
