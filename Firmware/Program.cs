using System;
using System.Threading;

namespace Qrng.Firmware
{
    /// <summary>The device entry point: wire the board, then run the pipeline forever. Device build only.</summary>
    public static class Program
    {
        public static void Main()
        {
            var config = new FirmwareConfig();
            config.Apply(BoardConfig.Text);
            Esp32Board board = Esp32Board.Open(config);
            var engine = new QrngEngine(board.Sensor, board.Led, board.Serial, config, Personalization.For(config));
            // Console, not Debug: Debug.WriteLine is compiled out of Release images
            Console.WriteLine("qrng " + Personalization.FirmwareVersion + ": RCT cutoff " + engine.RctCutoff + ", APT cutoff " + engine.AptCutoff);
            long nextReport = 0;
            while (true)
            {
                try
                {
                    engine.Step();
                }
                catch (Exception e)
                {
                    // a UART/PWM/bus driver threw: output already stopped; restart the pipeline, never the loop
                    engine.RecoverFromUnexpectedError(e.Message);
                    Console.WriteLine("qrng: " + e.Message);
                    Thread.Sleep(1000);
                }

                EngineStatus s = engine.Status;
                if (s.Frames >= nextReport || s.State == EngineState.SelfTestFailed)
                {
                    Console.WriteLine(s.Summary());    // nanoFramework's wire-protocol channel on COM1; random bytes go to COM2
                    nextReport = s.Frames + 100;
                }

                if (s.State == EngineState.SelfTestFailed || s.State == EngineState.SensorDown)
                {
                    Thread.Sleep(1000);
                }
            }
        }
    }
}
