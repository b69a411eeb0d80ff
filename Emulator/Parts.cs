using Qrng.Drivers;

namespace Qrng.Emulator
{
    /// <summary>The LED's PWM input: the duty goes straight to the emulated module's light level.</summary>
    public sealed class ModuleLed : IPwmOutput
    {
        private readonly ArduCamModule _module;

        public ModuleLed(ArduCamModule module)
        {
            _module = module;
        }

        public int Duty
        {
            get { return _module.Duty; }
        }

        public void SetDuty(int duty)
        {
            _module.Duty = duty;
        }
    }

    /// <summary>A UART that only counts the bytes (benchmarks: no cost per byte).</summary>
    public sealed class CountingSink : IByteSink
    {
        public long Count { get; private set; }

        public void Write(byte[] buffer, int offset, int count)
        {
            Count += count;
        }
    }

    /// <summary>No waiting on an emulated board; counts what the firmware would have slept, which is its clock.</summary>
    public sealed class CountingDelay : IDelay, IClock
    {
        public long Total { get; private set; }

        /// <summary>Virtual time: the milliseconds slept so far (the emulated sensor's capture polls advance it).</summary>
        public long ElapsedMilliseconds
        {
            get { return Total; }
        }

        public void Milliseconds(int ms)
        {
            Total += ms;
        }
    }

    /// <summary>
    /// The emulated board's uptime: what the firmware slept, plus a nominal frame period for every frame the module
    /// captured (the emulated module answers at once; a real OV2640 takes tens of milliseconds). Time-outs of the
    /// serial protocol run on it.
    /// </summary>
    public sealed class EmulatedClock : IClock
    {
        public const int FramePeriodMs = 50;
        private readonly CountingDelay _delay;
        private readonly ArduCamModule _module;

        public EmulatedClock(CountingDelay delay, ArduCamModule module)
        {
            _delay = delay;
            _module = module;
        }

        public long ElapsedMilliseconds
        {
            get { return _delay.Total + (_module.Frames * FramePeriodMs); }
        }
    }
}
