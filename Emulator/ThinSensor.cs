using Qrng.Drivers;
using Qrng.Firmware.Health;

namespace Qrng.Emulator
{
    /// <summary>
    /// The smallest sensor that satisfies every health test: pixels around a mean proportional to the LED's duty
    /// (its own PWM input), with the shot-noise variance K·(mean − μr) + σr² of the default configuration, drawn
    /// without any per-pixel memory. For measuring what the firmware itself needs (memory fits, benchmarks).
    /// </summary>
    public sealed class ThinSensor : IImageSensor, IPwmOutput
    {
        private readonly XorShift _rng;
        private int _duty;

        public ThinSensor(uint seed, int pixels)
        {
            _rng = new XorShift(seed);
            PixelCount = pixels;
        }

        public int PixelCount { get; private set; }

        public int Duty
        {
            get { return _duty; }
        }

        public void SetDuty(int duty)
        {
            _duty = duty;
        }

        public int CaptureMilliseconds
        {
            get { return 0; }
        }

        public int FrameBytes
        {
            get { return 0; }
        }

        public string Describe()
        {
            return "thin sensor (a simulation for measurements)";
        }

        public void Initialize()
        {
        }

        public void Capture(ushort[] pixels)
        {
            int mean = (int)((long)_duty * 1024 / 10000);
            int sigmaQ8 = (int)(HealthMath.Sqrt((0.8192 * (mean + 13.6)) + 1.38) * 256.0);
            for (int i = 0; i < PixelCount; i++)
            {
                uint w = _rng.Next();
                int s = -510;                                // an int on the left (NF017)
                s += (int)(w & 0xFF);
                s += (int)((w >> 8) & 0xFF);
                s += (int)((w >> 16) & 0xFF);
                s += (int)(w >> 24);
                int z = mean + ((s * 1732 / 1000 * sigmaQ8) >> 16);
                pixels[i] = (ushort)(z < 0 ? 0 : z > 1023 ? 1023 : z);
            }
        }
    }
}
