using Qrng.Drivers;
using Qrng.Emulator;

namespace Qrng.VirtualBoard;

/// <summary>
/// A sensor whose every ADC bit reaches the firmware (`adc_bits_out = 10` in a sensor description): the same pixel
/// physics as the ArduCAM module's (<see cref="PhysicsPixelSource"/>) read without its 8-bit FIFO, codes in steps of 1.
/// No module sold for this board does that (the ArduCAM Mini wires Y[9:2] to its FIFO); it exists so that the
/// calibration's 10-bit path (q = 1: a read noise below a code resolved) is exercised. No register interface, so no
/// fault knobs; a capture takes <see cref="FrameMs"/> of the board's clock, the LED's duty is the light.
/// </summary>
public sealed class TenBitSensor(PhysicsPixelSource physics, int pixels, int exposure, CountingDelay clock) : IImageSensor, IPwmOutput
{
    /// <summary>The frame period, as the ArduCAM module's default frame takes (docs/hardware.md §3).</summary>
    public const int FrameMs = 133;

    public PhysicsPixelSource Physics { get; } = physics;

    public int PixelCount { get; } = pixels;

    public int Duty { get; private set; }

    public int CaptureMilliseconds => FrameMs;

    public int FrameBytes => 2 * PixelCount;

    public void SetDuty(int duty) => Duty = duty;

    public string Describe() => "10-bit raw readout (emulated: all ADC bits, no ArduCAM FIFO)";

    public void Initialize()
    {
    }

    public void Capture(ushort[] frame)
    {
        clock.Milliseconds(FrameMs);
        Physics.Draw(frame, PixelCount, Duty * 100, exposure);     // duty 0..10000 = 0..1e6 ppm of full light
    }
}
