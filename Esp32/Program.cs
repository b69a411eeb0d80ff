using Qrng.Drivers;
using Qrng.Firmware;

namespace Qrng.Esp32
{
    /// <summary>The device entry point: wire the ESP32 board, then run <see cref="App"/> forever. Device build only;
    /// the virtual board runs the same <see cref="App"/> with emulated parts.</summary>
    public static class Program
    {
        public static void Main()
        {
            var config = new FirmwareConfig();
            config.Apply(BoardConfig.Text);
            Esp32Board board = Esp32Board.Open(config);
            var app = new App(board.Sensor, board.Led, board.Serial, new SleepDelay(), new ConsoleLog(), config);
            while (true)
            {
                app.Tick();
            }
        }
    }
}
