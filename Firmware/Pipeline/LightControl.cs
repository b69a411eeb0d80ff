using Qrng.Drivers;

namespace Qrng.Firmware.Pipeline
{
    /// <summary>
    /// The LED loop (frame step 1): keeps the frame mean at led.target_mean. The correction is estimated from the
    /// light itself (mean ∝ duty: duty × (target / mean − 1)) and applied led.gain % per frame, so the loop settles
    /// for any sensor sensitivity (gain × sensitivity never exceeds the stable range); with no light to estimate from
    /// it moves proportionally to the full range. A duty limit reached with the light still wrong for
    /// health.persistent_frames frames in a row is a persistent failure, named by direction. Each frame the LED gets the
    /// loop's duty dithered by up to ±health.dither_permille from <see cref="LightChallenge"/> (the estimate uses the
    /// duty applied, so the dither does not disturb the loop); <see cref="DitherCheck"/> verifies the light follows it.
    /// </summary>
    public sealed class LightControl
    {
        private readonly IPwmOutput _led;
        private readonly LightChallenge _challenge;
        private readonly int _target, _min, _max, _gain, _limitFrames, _initial, _dither;   // _dither: ‰ applied
        private int _duty, _limitRun;

        public LightControl(IPwmOutput led, FirmwareConfig config, LightChallenge challenge)
        {
            _led = led;
            _challenge = challenge;
            _target = config.LedTargetMean;
            _min = config.LedMinMean;
            _max = config.LedMaxMean;
            // the dithered light must stay inside the LED window: at most half the room between the target and the
            // nearer edge (a calibrated window can be narrow; the check's power then shrinks with the square)
            int room = _max - _target < _target - _min ? _max - _target : _target - _min;
            int most = _target > 0 && room > 0 ? (int)(500L * room / _target) : 0;
            _dither = config.DitherPermille < most ? config.DitherPermille : most;
            _gain = config.LedGain;
            _limitFrames = config.PersistentFrames;
            _initial = config.LedInitialDuty;
            Reset();
        }

        /// <summary>The loop's duty, 0..10000 (without the dither).</summary>
        public int Duty
        {
            get { return _duty; }
        }

        /// <summary>The dither applied, ‰: health.dither_permille, or less where the LED window is narrower.</summary>
        public int DitherPermille
        {
            get { return _dither; }
        }

        /// <summary>The duty on the LED now: what the next frame is captured at.</summary>
        public int Applied { get; private set; }

        /// <summary>At a duty limit (0 or 10000) with the frame mean still outside the LED window.</summary>
        public bool AtLimit { get; private set; }

        /// <summary>Switches the LED off without forgetting the loop's duty (a restart of the noise source).</summary>
        public void Off()
        {
            Set(0);
        }

        /// <summary>The LED at <paramref name="duty"/> without touching the loop's duty (the sensor measured on request).</summary>
        public void Hold(int duty)
        {
            Set(duty);
        }

        /// <summary>The LED back at the loop's duty after <see cref="Off"/> or <see cref="Hold"/>.</summary>
        public void Resume()
        {
            Set(Dithered());
        }

        /// <summary>Back to the initial duty (after a persistent failure, before the sensor is tried again).</summary>
        public void Reset()
        {
            _duty = _initial;
            _limitRun = 0;
            AtLimit = false;
            Set(Dithered());
        }

        /// <summary>
        /// One control step on the frame mean. Returns <see cref="Fault.LedTooDark"/> or <see cref="Fault.LedTooBright"/>
        /// once the light stayed wrong at a duty limit for health.persistent_frames frames, else <see cref="Fault.None"/>.
        /// </summary>
        public Fault Update(int mean)
        {
            int error = _target - mean, applied = Applied;
            long step;
            if (mean > 8 && applied > 0)
            {
                // mean ∝ duty: applied × target / mean gives the target; the step is led.gain % of the way there
                step = (((long)applied * _target) - ((long)_duty * mean)) * _gain / (100L * mean);
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
            if (duty != _duty || _dither > 0)
            {
                _duty = duty;
                Set(Dithered());
            }

            if (_limitRun >= _limitFrames)
            {
                return dark ? Fault.LedTooDark : Fault.LedTooBright;
            }

            return Fault.None;
        }

        /// <summary>The loop's duty with the next dither applied: ×(1 + dither × (2u − 255) / 255), u the challenge byte.</summary>
        private int Dithered()
        {
            if (_dither == 0)
            {
                return _duty;
            }

            long d = _duty + ((long)_duty * _dither * ((2 * _challenge.Next()) - 255) / (255L * 1000));
            return d < 0 ? 0 : d > 10000 ? 10000 : (int)d;
        }

        private void Set(int duty)
        {
            Applied = duty;
            _led.SetDuty(duty);
        }
    }
}
