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

    /// <summary>
    /// No waiting on an emulated board; counts what the firmware would have slept, which is its clock (uptime): the
    /// emulated module's captures take their frame time on it, because the driver waits for them.
    /// </summary>
    public sealed class CountingDelay : IDelay, IClock
    {
        public long Total { get; private set; }

        /// <summary>Virtual time: the milliseconds slept so far.</summary>
        public long ElapsedMilliseconds
        {
            get { return Total; }
        }

        public void Milliseconds(int ms)
        {
            Total += ms;
        }
    }
}
