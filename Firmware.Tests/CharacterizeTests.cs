using nanoFramework.TestFramework;
using Qrng.Firmware.Protocol;

namespace Qrng.Firmware.Tests
{
    /// <summary>
    /// CHARACTERIZE (docs/calibration.md): the sensor measured for the photon-transfer method, with the entropy path
    /// paused, over the serial protocol. On nanoCLR as on .NET.
    /// </summary>
    [TestClass]
    public class CharacterizeTests
    {
        private const int Frames = 8;

        private static byte[] Request(int frames, int[] duties)
        {
            var b = new byte[4 + (2 * duties.Length)];
            Wire.Put16(b, 0, frames);
            Wire.Put16(b, 2, duties.Length);
            for (int i = 0; i < duties.Length; i++)
            {
                Wire.Put16(b, 4 + (2 * i), duties[i]);
            }

            return b;
        }

        private static long Get64(byte[] b, int offset)
        {
            long lo = (uint)Wire.Get32(b, offset), hi = Wire.Get32(b, offset + 4);
            return (hi << 32) | lo;
        }

        [TestMethod]
        public static void Characterize_measures_the_shot_noise_with_nothing_credited_and_restarts_the_source()
        {
            BoardLine line = ProtocolTests.InCommandMode(new FirmwareConfig(), 71);
            long instantiations = line.Board.Status.Instantiations, startups = line.Board.Status.StartupTestsPassed;
            int[] duties = { 0, 2000, 4000, 6000 };
            line.Send(Wire.Characterize, 90, Request(Frames, duties));
            line.Step(3);
            Assert.AreEqual((int)EngineState.Characterize, (int)line.Board.Status.State, "measuring");
            Assert.AreEqual(0, line.Board.Engine.PooledSymbols, "the pool was emptied");
            Reply[] frames = line.Await(90, 4 * (Frames + CharacterizeOperation.SettleFrames) + 4);
            Assert.IsNotNull(frames, "a complete reply");
            Assert.AreEqual(2 * duties.Length, frames.Length, "statistics and histogram for each step");
            int pixels = line.Board.Config.PixelCount;
            double previousMean = -1;
            for (int s = 0; s < duties.Length; s++)
            {
                byte[] st = frames[2 * s].Payload, hi = frames[(2 * s) + 1].Payload;
                Assert.AreEqual(2 * s, Wire.Get32(st, 0), "part numbers in order");
                Assert.AreEqual(s, Wire.Get16(st, 4));
                Assert.AreEqual(duties[s], Wire.Get16(st, 6));
                Assert.AreEqual(Frames, Wire.Get16(st, 8));
                Assert.AreEqual(pixels, Wire.Get32(st, 10));
                long sum = Get64(st, 14), sumD = Get64(st, 22), sumD2 = Get64(st, 30);
                long frameSums = 0;
                for (int f = 0; f < Frames; f++)
                {
                    frameSums += Wire.Get32(st, 50 + (4 * f));
                }

                Assert.AreEqual(sum, frameSums, "the frame sums add up");
                long counted = 0;
                int bins = Wire.Get16(hi, 10);
                for (int b = 0; b < bins; b++)
                {
                    counted += Wire.Get32(hi, CharacterizeOperation.HistogramHeader + (4 * b));
                }

                Assert.AreEqual(Frames, Wire.Get16(hi, 12), "8 frames of 1280 pixels fit 16-bit bins");
                counted += Wire.Get32(hi, 14) + Wire.Get32(hi, 18);              // below and above its bins
                Assert.AreEqual((long)Frames * pixels, counted, "the histogram holds every pixel of every frame");
                Assert.AreEqual(0, Wire.Get16(hi, 6) % 4, "codes in the FIFO's steps of 4");

                double n = (double)pixels * Frames;
                double mean = sum / n;
                double pairs = (double)pixels * Frames / 2;
                double md = sumD / pairs;
                double variance = ((sumD2 / pairs) - (md * md)) / 2;
                Assert.IsTrue(mean > previousMean, "the mean grows with the duty (" + mean + ")");
                previousMean = mean;
                if (s > 0)
                {
                    // the emulated pixels' shot noise: var Z = K (E[Z] - mu_r) + q^2/12 with the paper's K and mu_r, q = 4
                    double expected = (0.8192 * (mean + 13.6)) + (16.0 / 12);
                    Assert.IsTrue(variance > 0.85 * expected && variance < 1.15 * expected, "step " + s + ": variance " + variance + ", shot noise " + expected);
                }
            }

            Assert.IsTrue(frames[frames.Length - 1].Flags == 0, "the last frame ends the reply");
            line.StepKeepingAlive(30);
            Assert.AreEqual(startups + 1, line.Board.Status.StartupTestsPassed, "a fresh start-up test afterwards");
            Assert.AreEqual(instantiations + 1, line.Board.Status.Instantiations, "a fresh instantiation afterwards");
            Assert.AreEqual((int)EngineState.Streaming, (int)line.Board.Status.State);
        }

        [TestMethod]
        public static void Characterize_refuses_bad_requests_and_a_cancel_restarts_the_source()
        {
            BoardLine line = ProtocolTests.InCommandMode(new FirmwareConfig(), 72);
            Reply r = line.Ask(Wire.Characterize, 91, Request(3, new int[] { 0 }), 2);
            Assert.AreEqual(Wire.Error, r.Type, "an odd frame count");
            Assert.AreEqual(Wire.ErrBadArgument, (int)r.Payload[0]);
            r = line.Ask(Wire.Characterize, 92, Request(4, new int[] { 10001 }), 2);
            Assert.AreEqual(Wire.ErrBadArgument, (int)r.Payload[0], "a duty above 100 %");
            r = line.Ask(Wire.Characterize, 93, new byte[] { 4, 0, 2, 0, 0, 0 }, 2);
            Assert.AreEqual(Wire.ErrBadLength, (int)r.Payload[0], "fewer duties than steps");
            Assert.AreEqual((int)EngineState.Streaming, (int)line.Board.Status.State, "a refused request changes nothing");

            long startups = line.Board.Status.StartupTestsPassed;
            line.Send(Wire.Characterize, 94, Request(64, new int[] { 0, 5000 }));
            line.Step(5);
            Assert.AreEqual((int)EngineState.Characterize, (int)line.Board.Status.State);
            string text = line.AskText(Wire.Cancel, 95, null, 2);
            Assert.AreEqual("request 94", BoardLine.Value(text, "cancelled"));
            EngineStatus st = line.Board.Status;
            Assert.IsTrue(st.State == EngineState.StartupTest || st.StartupTestsPassed == startups + 1, "a fresh start-up test after a cancel (" + st.Summary() + ")");
            int loop = line.Board.Status.LedDuty, led = line.Board.Led.Duty;        // the loop's duty, dithered by up to 10 %
            Assert.IsTrue(led >= loop - (loop / 10) - 1 && led <= loop + (loop / 10) + 1, "the LED back under its loop: " + led + " at a loop duty of " + loop);
        }

        [TestMethod]
        public static void Characterize_runs_in_a_persistent_error_and_leaves_it_as_it_was()
        {
            BoardLine line = ProtocolTests.InCommandMode(new FirmwareConfig(), 73);
            line.Board.Camera.LedDead = true;
            line.StepKeepingAlive(60);
            EngineStatus s = line.Board.Status;
            Assert.AreEqual((int)EngineState.Error, (int)s.State, "the dead LED is a persistent failure (" + s.Summary() + ")");
            string reason = s.Reason();
            line.Board.Camera.LedDead = false;
            line.Send(Wire.Characterize, 96, Request(2, new int[] { 0, 5000 }));
            Reply[] frames = line.Await(96, 20);
            Assert.IsNotNull(frames);
            Assert.AreEqual(4, frames.Length, "measured although the source is paused");
            Assert.AreEqual((int)EngineState.Error, (int)line.Board.Status.State, "back in the pause");
            Assert.AreEqual(reason, line.Board.Status.Reason(), "with its reason");
        }
    }
}
