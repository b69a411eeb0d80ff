using nanoFramework.TestFramework;
using Qrng.Emulator;

namespace Qrng.Firmware.Tests
{
    /// <summary>
    /// The LED dither as a challenge (DitherCheck): old data, whole frames or parts of them, from a FIFO cycling through
    /// more frames than the fingerprint ring remembers, is never credited; with the dither off (the old firmware) the
    /// same modules stream. On the default 40x32 frame, as a board runs.
    /// </summary>
    [TestClass]
    public class DitherTests
    {
        [TestMethod]
        public static void A_fifo_replaying_more_frames_than_the_ring_holds_is_caught_and_never_credited()
        {
            EngineStatus s = Replaying(100, true, 400);
            // every stale block fails; health.persistent_frames of them in a row are a persistent error (then the pause
            // and a new start, which the replay fails again)
            Assert.IsTrue(s.ErrorEntries >= 1 && s.DitherFailures >= 20, s.DitherFailures + " failed blocks, " + s.ErrorEntries + " errors: " + s.Summary());
            Assert.AreEqual((int)Fault.LightNotFollowed, (int)s.Persistent, s.Summary());
            Assert.IsTrue(s.State != EngineState.Streaming, s.Summary());
            Assert.AreEqual(0L, s.FramesReplayed, "the ring of " + new FirmwareConfig().ReplayFrames + " fingerprints never saw these frames");

            EngineStatus off = Replaying(100, false, 400);
            Assert.AreEqual((int)EngineState.Streaming, (int)off.State, "with the dither off the replay streams (the defect): " + off.Summary());
        }

        [TestMethod]
        public static void Half_of_every_frame_from_eight_old_captures_is_caught_in_its_row_bands()
        {
            var config = new FirmwareConfig();
            var sink = new CountingSink();
            EmulatedBoard board = EmulatedBoard.WithShotNoise(config, 20261208, sink, null);
            board.Camera.PartialReplayPercent = 50;
            board.Camera.PartialReplayCycle = 8;
            Run(board, 250);
            EngineStatus s = board.Status;
            Assert.AreEqual(0L, sink.Count, "not a byte: " + s.Summary());
            Assert.AreEqual(0L, s.CreditedMilliBits, "nothing credited");
            Assert.AreEqual(0L, s.FramesReplayed, "no whole frame repeats");
            Assert.AreEqual((int)Fault.LightNotFollowed, (int)s.Persistent, s.Summary());
            Assert.IsTrue(s.PersistentDetail >= 0 && s.PersistentDetail <= 4, "the top half (bands 1-4) or the whole frame: " + s.PersistentDetail);
            Assert.IsTrue(s.Reason().IndexOf("did not follow the LED's dither") >= 0, s.Reason());

            config = new FirmwareConfig();
            config.Apply("health.dither_permille = 0");
            sink = new CountingSink();
            board = EmulatedBoard.WithShotNoise(config, 20261208, sink, null);
            board.Camera.PartialReplayCycle = 8;
            Run(board, 120);
            Assert.IsTrue(sink.Count > 0, "with the dither off half-stale frames stream (the defect): " + board.Status.Summary());
        }

        /// <summary>
        /// A healthy board until the FIFO starts serving its first <paramref name="cycle"/> captures again; returns the
        /// status after <paramref name="frames"/> frames. With the dither on, no dither block of the healthy frames
        /// fails, the first stale block does, and the credit stops there.
        /// </summary>
        private static EngineStatus Replaying(int cycle, bool dither, int frames)
        {
            var config = new FirmwareConfig();
            if (!dither)
            {
                config.Apply("health.dither_permille = 0");
            }

            var sink = new CountingSink();
            EmulatedBoard board = EmulatedBoard.WithShotNoise(config, 20261208, sink, null);
            board.Camera.ReplayCycle = cycle;
            Run(board, cycle);                                    // fresh captures, kept by the FIFO
            EngineStatus s = board.Status;
            Assert.AreEqual((int)EngineState.Streaming, (int)s.State, "streaming from the fresh frames: " + s.Summary());
            if (dither)
            {
                Assert.IsTrue(s.DitherBlocks >= 10 && s.DitherFailures == 0, "healthy blocks pass: " + s.DitherBlocks + " blocks, " + s.DitherFailures + " failed");
            }

            long credited = s.CreditedMilliBits, failures = s.DitherFailures, pooled = board.Engine.CommittedSymbols;
            for (int i = 0; i < frames && (!dither || s.DitherFailures == failures); i++)
            {
                board.Step();
            }

            if (dither)
            {
                Assert.IsTrue(s.Frames <= cycle + config.DitherFrames + 1, "the first stale block fails: at frame " + s.Frames);
                Assert.AreEqual((int)Fault.LightNotFollowed, (int)s.LastFault, s.Summary());
                // what the pool had committed from fresh frames may still be fed; nothing staged from a stale frame is
                Assert.IsTrue(s.CreditedMilliBits - credited <= pooled * config.ClaimedMilliBitsPerSymbol, "no credit from stale frames: "
                    + (s.CreditedMilliBits - credited) + " millibits after the replay began, " + pooled + " symbols committed before it");
                credited = s.CreditedMilliBits;
                Run(board, frames - (int)(s.Frames - cycle));
                Assert.AreEqual(credited, s.CreditedMilliBits, "no credit after the first stale block");
            }

            return s;
        }

        private static void Run(EmulatedBoard board, int frames)
        {
            for (int i = 0; i < frames; i++)
            {
                board.Step();
            }
        }
    }
}
