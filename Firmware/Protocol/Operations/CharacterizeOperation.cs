using System;

namespace Qrng.Firmware.Protocol
{
    /// <summary>
    /// CHARACTERIZE f n duty[n] (docs/calibration.md): the sensor measured for the photon-transfer method (EMVA 1288
    /// Release 4, §6; the paper's Sec. III). For each of the n LED duties (0 = dark, the LED off) the first
    /// <see cref="SettleFrames"/> frames are dropped (the exposure under way saw the old light), then f frames, taken as
    /// f/2 pairs (A, B), give: Σz, Σ(zA − zB), Σ(zA − zB)² (the temporal variance from pair differences, EMVA §6.3),
    /// Σ(zA + zB)² (the spatial variance of the pairs' mean images), each frame's Σz, the smallest and largest code,
    /// and a histogram of the codes. Two reply frames a step: statistics, then histogram. The engine is in its
    /// Characterize state throughout (<see cref="QrngEngine.StartCharacterize"/>): nothing credited, nothing output.
    /// The only per-pixel memory is the engine's own second frame buffer. The histogram has <see cref="Bins"/> 16-bit
    /// bins of one delivered code each (noise.quantum codes), centred on the step's first counted frame's mean, with
    /// the codes below and above it counted apart; it covers the first 65535 / pixels frames, so no bin overflows
    /// (a dark step's codes span a few dozen bins; the host fits the dark histogram only).
    /// </summary>
    public sealed class CharacterizeOperation : Operation, ICharacterizeSink
    {
        /// <summary>Frames dropped after each change of the LED's duty.</summary>
        public const int SettleFrames = 2;
        public const int MaxFramesPerStep = 64, MaxSteps = 64;

        /// <summary>Bins of the histogram.</summary>
        public const int Bins = 64;

        /// <summary>Histogram frame header: part u32, step u16, first code u16, codes per bin u16, bins u16, frames u16, below u32, above u32.</summary>
        public const int HistogramHeader = 22;

        private readonly int[] _duties = new int[MaxSteps];
        private readonly int[] _frameSums = new int[MaxFramesPerStep];
        private int _frames, _steps, _step, _frame, _min, _max;
        private long _sum, _sumD, _sumD2, _sumP2;
        private int _shift, _histFrames, _histFirst, _below, _above;
        private ushort[] _hist;

        public CharacterizeOperation(App app, Replies replies)
            : base(app, replies, Wire.Characterize)
        {
        }

        public int Duty
        {
            get { return _duties[_step]; }
        }

        /// <summary>Payload: frames per step (u16, even, 2..64), steps (u16, 1..64), then each step's duty (u16, 0..10000).</summary>
        public void Start(byte[] b, int seq, int length)
        {
            if (length < 6 || length != 4 + (2 * Wire.Get16(b, P + 2)))
            {
                Replies.Error(Wire.ErrBadLength, Wire.Characterize, seq, "CHARACTERIZE takes f (u16 frames per step), n (u16 steps) and n duties (u16 each)");
                return;
            }

            int f = Wire.Get16(b, P), n = Wire.Get16(b, P + 2);
            if (f < 2 || f > MaxFramesPerStep || (f & 1) != 0 || n < 1 || n > MaxSteps)
            {
                Replies.Error(Wire.ErrBadArgument, Wire.Characterize, seq, "CHARACTERIZE: f even in 2..64 frames per step, n in 1..64 steps");
                return;
            }

            for (int i = 0; i < n; i++)
            {
                int duty = Wire.Get16(b, P + 4 + (2 * i));
                if (duty > 10000)
                {
                    Replies.Error(Wire.ErrBadArgument, Wire.Characterize, seq, "CHARACTERIZE: duty " + duty + " of step " + i + " is above 10000 (100 %)");
                    return;
                }

                _duties[i] = duty;
            }

            EngineStatus s = App.Engine.Status;
            if (s.State == EngineState.SelfTestFailed)
            {
                Replies.Error(Wire.ErrUnhealthy, Wire.Characterize, seq, "unhealthy: " + s.Reason());
                return;
            }

            int quantum = App.Config.NoiseQuantum;
            _shift = 0;
            while ((1 << _shift) < quantum)
            {
                _shift++;
            }

            _hist = new ushort[Bins];
            int most = 65535 / App.Config.PixelCount;
            _histFrames = f < most ? f : most;
            _frames = f;
            _steps = n;
            _step = 0;
            NewStep();
            Begin(seq);
            App.Engine.StartCharacterize(this);
        }

        public bool Take(ushort[] frame, ushort[] scratch)
        {
            int k = _frame - SettleFrames;
            _frame++;
            if (k < 0)
            {
                return false;
            }

            if (k == 0)
            {
                PlaceHistogram(frame);
            }

            int sum = 0, min = _min, max = _max, shift = _shift, first = _histFirst;
            ushort[] hist = k < _histFrames ? _hist : null;
            for (int i = 0; i < frame.Length; i++)
            {
                int z = frame[i];
                sum += z;
                if (hist != null)
                {
                    int bin = (z >> shift) - first;
                    if (bin < 0)
                    {
                        _below++;
                    }
                    else if (bin >= Bins)
                    {
                        _above++;
                    }
                    else
                    {
                        hist[bin]++;
                    }
                }

                if (z < min)
                {
                    min = z;
                }

                if (z > max)
                {
                    max = z;
                }
            }

            _min = min;
            _max = max;
            _frameSums[k] = sum;
            _sum += sum;
            if ((k & 1) == 0)
            {
                Array.Copy(frame, scratch, frame.Length);
            }
            else
            {
                Pair(scratch, frame);
            }

            if (k + 1 < _frames)
            {
                return false;
            }

            bool last = _step + 1 == _steps;
            SendStatistics();
            SendHistogram(!last);
            if (last)
            {
                _hist = null;
                Done();
                return true;
            }

            _step++;
            NewStep();
            return false;
        }

        public override void AfterStep(EngineStatus s)
        {
            if (Running && !App.Engine.CharacterizeActive)
            {
                Fail(Wire.ErrUnhealthy, "characterization interrupted: " + s.Reason());
            }
        }

        protected override void Stop()
        {
            _hist = null;
            App.Engine.StopCharacterize();
        }

        private void Pair(ushort[] a, ushort[] b)
        {
            long d1 = 0, d2 = 0, p2 = 0;
            for (int i = 0; i < a.Length; i++)
            {
                int x = a[i], y = b[i];
                int d = x - y, p = x + y;
                d1 += d;
                d2 += d * d;                                     // < 2^20 a pixel: an int product
                p2 += p * p;
            }

            _sumD += d1;
            _sumD2 += d2;
            _sumP2 += p2;
        }

        /// <summary>The histogram's first bin: the frame's mean code less half the bins, within the codes the sensor delivers.</summary>
        private void PlaceHistogram(ushort[] frame)
        {
            long sum = 0;
            for (int i = 0; i < frame.Length; i++)
            {
                sum += frame[i];
            }

            int first = (int)((sum / frame.Length) >> _shift) - (Bins / 2);
            int last = (1023 >> _shift) + 1 - Bins;
            _histFirst = first < 0 ? 0 : first > last ? last : first;
        }

        private void NewStep()
        {
            _below = 0;
            _above = 0;
            _frame = 0;
            _sum = 0;
            _sumD = 0;
            _sumD2 = 0;
            _sumP2 = 0;
            _min = 1023;
            _max = 0;
            Array.Clear(_hist, 0, _hist.Length);
        }

        /// <summary>part u32, step u16, duty u16, frames u16, pixels u32, Σz u64, Σd i64, Σd² u64, Σp² u64, min u16, max u16, frame sums u32[f].</summary>
        private void SendStatistics()
        {
            byte[] f = Replies.Buffer;
            Wire.Put32(f, P, Part++);
            Wire.Put16(f, P + 4, _step);
            Wire.Put16(f, P + 6, _duties[_step]);
            Wire.Put16(f, P + 8, _frames);
            Wire.Put32(f, P + 10, App.Config.PixelCount);
            Put64(f, P + 14, _sum);
            Put64(f, P + 22, _sumD);
            Put64(f, P + 30, _sumD2);
            Put64(f, P + 38, _sumP2);
            Wire.Put16(f, P + 46, _min);
            Wire.Put16(f, P + 48, _max);
            for (int i = 0; i < _frames; i++)
            {
                Wire.Put32(f, P + 50 + (4 * i), _frameSums[i]);
            }

            Replies.Send(Wire.Characterize | Wire.ReplyBit, Wire.FlagMore, Seq, 50 + (4 * _frames), Auth);
        }

        /// <summary>The header (<see cref="HistogramHeader"/>), then counts u32[bins].</summary>
        private void SendHistogram(bool more)
        {
            byte[] f = Replies.Buffer;
            Wire.Put32(f, P, Part++);
            Wire.Put16(f, P + 4, _step);
            Wire.Put16(f, P + 6, _histFirst << _shift);
            Wire.Put16(f, P + 8, 1 << _shift);
            Wire.Put16(f, P + 10, Bins);
            Wire.Put16(f, P + 12, _histFrames);
            Wire.Put32(f, P + 14, _below);
            Wire.Put32(f, P + 18, _above);
            for (int b = 0; b < Bins; b++)
            {
                Wire.Put32(f, P + HistogramHeader + (4 * b), _hist[b]);
            }

            Replies.Send(Wire.Characterize | Wire.ReplyBit, more ? Wire.FlagMore : 0, Seq, HistogramHeader + (4 * Bins), Auth);
        }

        private static void Put64(byte[] f, int offset, long v)
        {
            Wire.Put32(f, offset, (int)v);
            Wire.Put32(f, offset + 4, (int)(v >> 32));
        }
    }
}
