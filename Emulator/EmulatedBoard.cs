using Qrng.Crypto;
using Qrng.Drivers;
using Qrng.Firmware;

namespace Qrng.Emulator
{
    /// <summary>
    /// An ESP32 with the ArduCAM module, the LED and the UART, emulated: the firmware's loop (Firmware/App.cs) runs
    /// through the real driver (Drivers/ArduCamOv2640.cs) against <see cref="ArduCamModule"/>. Only Esp32/ (pin wiring,
    /// the nanoFramework adapters) is not run. Portable: the same board runs in the device tests on nanoCLR and on .NET,
    /// and under the host's virtual board.
    /// </summary>
    public sealed class EmulatedBoard
    {
        public EmulatedBoard(FirmwareConfig config, ArduCamModule camera, IByteSink uart, ILog log)
            : this(config, camera, uart, log, null)
        {
        }

        /// <param name="protocolClock">
        /// the clock of the serial protocol's time-outs (frame, idle) and uptime; null = the board's emulated clock. A board
        /// served to programs on the wall clock (a pseudo-terminal) passes the wall clock: its emulated time runs far ahead.
        /// </param>
        public EmulatedBoard(FirmwareConfig config, ArduCamModule camera, IByteSink uart, ILog log, IClock protocolClock)
        {
            Config = config;
            Camera = camera;
            Led = new ModuleLed(camera);
            Delay = new CountingDelay();
            camera.Clock = Delay;                          // captures take their frame time on the board's clock
            camera.AcceptsTestSizes = config.EmulatorTestSize;
            Driver = new ArduCamOv2640(camera, camera, Delay, Delay, config.Width, config.Height, config.EmulatorTestSize);
            Driver.Exposure = config.Exposure;
            Boot(Driver, Led, uart, log, protocolClock);
        }

        /// <summary>
        /// A board whose sensor is not the ArduCAM module (<paramref name="sensor"/> and its LED driven directly, e.g. the
        /// host's 10-bit sensor): the firmware's loop as above; <see cref="Camera"/>, <see cref="Led"/> and
        /// <see cref="Driver"/> are null. <paramref name="delay"/> is the board's clock, which the sensor's captures advance.
        /// </summary>
        public EmulatedBoard(FirmwareConfig config, IImageSensor sensor, IPwmOutput led, CountingDelay delay, IByteSink uart, ILog log, IClock protocolClock)
        {
            Config = config;
            Delay = delay;
            Boot(sensor, led, uart, log, protocolClock);
        }

        /// <summary>The firmware's application on the board's parts; marked simulated.</summary>
        private void Boot(IImageSensor sensor, IPwmOutput led, IByteSink uart, ILog log, IClock protocolClock)
        {
            var link = uart as ISerialLink;
            App = new App(sensor, led, link != null ? link : new LoopbackLink(uart), Delay, protocolClock != null ? protocolClock : Delay, log, Config);
            App.SimulatedSource = true;                    // INFO/STATUS source=simulated: no one credits entropy from it
        }

        public FirmwareConfig Config { get; private set; }

        public ArduCamModule Camera { get; private set; }

        public ModuleLed Led { get; private set; }

        public CountingDelay Delay { get; private set; }

        public ArduCamOv2640 Driver { get; private set; }

        public App App { get; private set; }

        public QrngEngine Engine
        {
            get { return App.Engine; }
        }

        public EngineStatus Status
        {
            get { return App.Engine.Status; }
        }

        /// <summary>One iteration of the firmware's loop.</summary>
        public void Step()
        {
            App.Tick();
        }

        /// <summary>The board with the portable shot-noise pixels (<see cref="ShotNoiseSource"/>, 5 % efficiency spread).</summary>
        public static EmulatedBoard WithShotNoise(FirmwareConfig config, uint seed, IByteSink uart, ILog log)
        {
            var camera = new ArduCamModule(new ShotNoiseSource(seed, config.PixelCount, 50000), seed ^ 0x5A5A5A5Au);
            return new EmulatedBoard(config, camera, uart, log);
        }
    }

    /// <summary>A UART that keeps only the SHA-256 of everything written and the byte count (no memory per byte).</summary>
    public sealed class DigestSink : IByteSink
    {
        private readonly Sha256 _sha = new Sha256();

        public long Count { get; private set; }

        public void Write(byte[] buffer, int offset, int count)
        {
            _sha.Update(buffer, offset, count);
            Count += count;
        }

        /// <summary>The SHA-256 of the bytes written so far, as lowercase hex; the hash starts over afterwards.</summary>
        public string Hex()
        {
            byte[] d = new byte[Sha256.DigestLength];
            _sha.Final(d, 0);
            const string digits = "0123456789abcdef";
            char[] text = new char[2 * d.Length];
            for (int i = 0; i < d.Length; i++)
            {
                text[2 * i] = digits[d[i] >> 4];
                text[(2 * i) + 1] = digits[d[i] & 15];
            }

            return new string(text);
        }
    }
}
