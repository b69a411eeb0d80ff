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

    /// <summary>No waiting on an emulated board; counts what the firmware would have slept.</summary>
    public sealed class CountingDelay : IDelay
    {
        public long Total { get; private set; }

        public void Milliseconds(int ms)
        {
            Total += ms;
        }
    }
}
