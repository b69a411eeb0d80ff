using Qrng.Drivers;

namespace Qrng.Firmware.Pipeline
{
    /// <summary>
    /// The LED loop (frame step 1): keeps the frame mean at led.target_mean. The correction is estimated from the
    /// light itself (mean ∝ duty: duty × (target / mean − 1)) and applied led.gain % per frame, so the loop settles
    /// for any sensor sensitivity (gain × sensitivity never exceeds the stable range); with no light to estimate from
    /// it moves proportionally to the full range. A duty limit reached with the light still wrong for
    /// health.persistent_frames frames in a row is a persistent failure, named by direction.
    /// </summary>
    public sealed class LightControl
    {
        private readonly IPwmOutput _led;
        private readonly int _target, _min, _max, _gain, _limitFrames, _initial;
        private int _duty, _limitRun;

        public LightControl(IPwmOutput led, FirmwareConfig config)
        {
            _led = led;
            _target = config.LedTargetMean;
            _min = config.LedMinMean;
            _max = config.LedMaxMean;
            _gain = config.LedGain;
            _limitFrames = config.PersistentFrames;
            _initial = config.LedInitialDuty;
            Reset();
        }

        public int Duty
        {
            get { return _duty; }
        }

        /// <summary>At a duty limit (0 or 10000) with the frame mean still outside the LED window.</summary>
        public bool AtLimit { get; private set; }

        /// <summary>Switches the LED off without forgetting the loop's duty (a restart of the noise source).</summary>
        public void Off()
        {
            _led.SetDuty(0);
        }

        /// <summary>The LED at <paramref name="duty"/> without touching the loop's duty (the sensor measured on request).</summary>
        public void Hold(int duty)
        {
            _led.SetDuty(duty);
        }

        /// <summary>The LED back at the loop's duty after <see cref="Off"/> or <see cref="Hold"/>.</summary>
        public void Resume()
        {
            _led.SetDuty(_duty);
        }

        /// <summary>Back to the initial duty (after a persistent failure, before the sensor is tried again).</summary>
        public void Reset()
        {
            _duty = _initial;
            _limitRun = 0;
            AtLimit = false;
            _led.SetDuty(_duty);
        }

        /// <summary>
        /// One control step on the frame mean. Returns <see cref="Fault.LedTooDark"/> or <see cref="Fault.LedTooBright"/>
        /// once the light stayed wrong at a duty limit for health.persistent_frames frames, else <see cref="Fault.None"/>.
        /// </summary>
        public Fault Update(int mean)
        {
            int error = _target - mean;
            long step;
            if (mean > 8 && _duty > 0)
            {
                step = (long)error * _duty * _gain / (100L * mean);        // mean ∝ duty: the duty that gives the target
            }
            else
            {
                step = (long)error * 10000 * _gain / (100L * 1023);         // no light to estimate from: full range per full scale
            }

            if (step == 0 && error != 0)
            {
                step = error > 0 ? 1 : -1;                                   // integer rounding must not stall the loop
            }

            if (step > 5000)
            {
                step = 5000;
            }
            else if (step < -5000)
            {
                step = -5000;
            }

            int duty = _duty + (int)step;
            duty = duty < 0 ? 0 : duty > 10000 ? 10000 : duty;
            bool dark = duty == 10000 && mean < _min, bright = duty == 0 && mean > _max;
            AtLimit = dark || bright;
            _limitRun = AtLimit ? _limitRun + 1 : 0;
            if (duty != _duty)
            {
                _duty = duty;
                _led.SetDuty(duty);
            }

            if (_limitRun >= _limitFrames)
            {
                return dark ? Fault.LedTooDark : Fault.LedTooBright;
            }

            return Fault.None;
        }
    }
}
