using System;
using nanoFramework.TestFramework;
using Qrng.Emulator;
using Qrng.Firmware.Pipeline;
using Qrng.Firmware.Protocol;
using Qrng.Native;

namespace Qrng.Firmware.Tests
{
    /// <summary>
    /// The frame kernel's two paths (issue 22; docs/frame-kernel.md): the native one (qrng_frame.c in the interop
    /// assembly, where the image has it) and the managed loops. The known-answer frame set on each path the image has,
    /// the argument checks of the native calls, the choice reported by INFO/STATUS, a kernel that fails its known answers
    /// stopping the engine, and a short differential run (the long one: Host/Benchmarks --kernel-diff). The first line
    /// names the path, so that the runs on nanoCLR can check which one they had.
    /// </summary>
    [TestClass]
    public class FrameKernelTests
    {
        [TestMethod]
        public static void The_path_in_use_passes_the_known_answer_frame_set()
        {
            OutputHelper.WriteLine("frame kernel path: " + FrameKernel.Path);
            if (!FrameKernel.Native)
            {
                OutputHelper.WriteLine("frame kernel fallback: " + FrameKernel.ManagedReason);
                Assert.IsTrue(FrameKernel.ManagedReason.Length > 0, "the managed path without a failed probe");
            }

            // the managed reference loops give the recorded answer, and so does the path in use
            uint managed = FrameKernel.Digest(false);
            Assert.AreEqual(FrameKernel.KnownDigest, managed, "managed digest 0x" + managed.ToString("X8"));
            Assert.IsTrue(FrameKernel.RunSelfTest(FrameKernel.Native));
            if (FrameKernel.Native)
            {
                Assert.AreEqual(FrameKernel.KnownDigest, FrameKernel.Digest(true));
            }
            else
            {
                // what the probe met (NotSupportedException on nanoCLR without the native code, SecurityException on .NET)
                string thrown = "nothing";
                try
                {
                    FrameKernel.Digest(true);
                }
                catch (Exception e)
                {
                    thrown = e.GetType().Name;
                }

                Assert.AreEqual(FrameKernel.ManagedReason, thrown);
            }
        }

        [TestMethod]
        public static void The_engine_runs_on_the_chosen_path_and_says_which()
        {
            var board = EmulatedBoard.WithShotNoise(FirmwareConfig.EmulatorTest(), 3, new CountingSink(), null);
            Assert.AreEqual(FrameKernel.Native, board.Status.KernelNative);
            string expected = FrameKernel.Native ? "native" : "managed (" + FrameKernel.ManagedReason + ")";
            Assert.AreEqual(expected, App.KernelPath(board.Engine));
        }

        [TestMethod]
        public static void A_kernel_that_fails_its_known_answers_stops_the_engine_for_good()
        {
            FirmwareConfig config = FirmwareConfig.EmulatorTest();
            try
            {
                FrameKernel.InjectFault = true;
                var board = EmulatedBoard.WithShotNoise(config, 5, new CountingSink(), null);
                Assert.AreEqual((int)EngineState.SelfTestFailed, (int)board.Status.State);
                Assert.AreEqual((int)Fault.FrameKernel, (int)board.Status.LastFault);
                for (int i = 0; i < 50; i++)
                {
                    board.Step();
                }

                Assert.AreEqual(0L, board.Status.BytesOut);
                Assert.AreEqual(0L, board.Status.Frames);
                Assert.IsFalse(board.Engine.RunSelfTest(true), "a failed engine does not come back by a self-test");
            }
            finally
            {
                FrameKernel.InjectFault = false;
            }

            // a healthy board streams; a SELFTEST that finds the kernel broken stops it with the same fault
            var healthy = EmulatedBoard.WithShotNoise(config, 5, new CountingSink(), null);
            for (int i = 0; i < 400 && healthy.Status.BytesOut == 0; i++)
            {
                healthy.Step();
            }

            Assert.IsTrue(healthy.Status.BytesOut > 0, healthy.Status.Summary());
            try
            {
                FrameKernel.InjectFault = true;
                Assert.IsFalse(healthy.Engine.RunSelfTest(true));
            }
            finally
            {
                FrameKernel.InjectFault = false;
            }

            long served = healthy.Status.BytesOut;
            Assert.AreEqual((int)Fault.FrameKernel, (int)healthy.Status.LastFault);
            for (int i = 0; i < 50; i++)
            {
                healthy.Step();
            }

            Assert.AreEqual(served, healthy.Status.BytesOut);
            Assert.AreEqual((int)EngineState.SelfTestFailed, (int)healthy.Status.State);
        }

        [TestMethod]
        public static void Selftest_names_the_frame_kernel_when_its_known_answers_fail()
        {
            BoardLine line = ProtocolTests.InCommandMode(new FirmwareConfig(), 23);
            string text = line.AskText(Wire.SelfTest, 70, null, 60);
            Assert.AreEqual("pass", BoardLine.Value(text, "kernel_kat"), text);
            try
            {
                FrameKernel.InjectFault = true;
                text = line.AskText(Wire.SelfTest, 71, null, 60);
            }
            finally
            {
                FrameKernel.InjectFault = false;
            }

            Assert.AreEqual("fail", BoardLine.Value(text, "result"), text);
            Assert.AreEqual("pass", BoardLine.Value(text, "drbg_kat"));
            Assert.AreEqual("fail", BoardLine.Value(text, "kernel_kat"));
            Assert.AreEqual("not-run", BoardLine.Value(text, "sensor"));
            Assert.IsTrue(BoardLine.Value(text, "reason").IndexOf("frame kernel") >= 0, text);
            Assert.AreEqual((int)Fault.FrameKernel, (int)line.Board.Status.LastFault);
        }

        [TestMethod]
        public static void Native_calls_refuse_lengths_outside_their_arrays()
        {
            if (!FrameKernel.Native)
            {
                Assert.SkipTest("no native frame kernel in this image");
            }

            ushort[] frame = new ushort[16];
            byte[] masked = new byte[16], outOfRange = new byte[16];
            long[] sums = new long[2], results = new long[FrameKernelNative.ScanResults];
            int[] pixels = new int[2];
            uint[] ring = new uint[4];
            // a band past the frame, bands running backwards, results too short
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => FrameKernelNative.Scan(frame, frame, 0, masked, outOfRange, new int[] { 8, 17 }, 64, 940, sums, pixels, ring, ring, 0, 0, results));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => FrameKernelNative.Scan(frame, frame, 0, masked, outOfRange, new int[] { 8, 4 }, 64, 940, sums, pixels, ring, ring, 0, 0, results));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => FrameKernelNative.Scan(frame, frame, 0, masked, outOfRange, new int[] { 8, 16 }, 64, 940, sums, pixels, ring, ring, 0, 0, new long[10]));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => FrameKernelNative.Scan(frame, new ushort[8], 1, masked, outOfRange, new int[] { 8, 16 }, 64, 940, sums, pixels, ring, ring, 0, 0, results));
            // the fingerprint rings: more held than they hold, the next slot outside, rings of two lengths
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => FrameKernelNative.Scan(frame, frame, 0, masked, outOfRange, new int[] { 8, 16 }, 64, 940, sums, pixels, ring, ring, 5, 0, results));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => FrameKernelNative.Scan(frame, frame, 0, masked, outOfRange, new int[] { 8, 16 }, 64, 940, sums, pixels, ring, ring, 4, 4, results));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => FrameKernelNative.Scan(frame, frame, 0, masked, outOfRange, new int[] { 8, 16 }, 64, 940, sums, pixels, ring, new uint[3], 0, 0, results));
            for (int i = 0; i < 16; i++)
            {
                Assert.AreEqual((byte)0, outOfRange[i], "nothing written");
            }

            int[] state = new int[FrameKernelNative.SymbolState];
            state[0] = 12;
            state[1] = 64;
            state[2] = 40;
            state[3] = 1024;
            byte[] pool = new byte[4];
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => FrameKernelNative.Symbols(frame, 17, 0, masked, new byte[16], new ushort[16], 9, 64, 940, pool, state));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => FrameKernelNative.Symbols(frame, 16, 0, masked, new byte[16], new ushort[16], 9, 64, 940, pool, new int[30]));
            state[24] = 17;                                                  // more symbols than the pool holds
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => FrameKernelNative.Symbols(frame, 16, 0, masked, new byte[16], new ushort[16], 9, 64, 940, pool, state));
            Assert.ThrowsException(typeof(NullReferenceException), () => FrameKernelNative.Symbols(null, 16, 0, masked, new byte[16], new ushort[16], 9, 64, 940, pool, state));
        }

        [TestMethod]
        public static void Native_and_managed_paths_agree_frame_by_frame()
        {
            // 2 500 engine frames with fault knobs and 2 500 adversarial frames (the long run: Host/Benchmarks --kernel-diff);
            // without the native kernel both sides are the managed loops and prove nothing: a short run of the harness
            var diff = new KernelDiff(20261209, 16, 16);
            bool ok = diff.Advance(FrameKernel.Native ? 2500 : 200);
            OutputHelper.WriteLine(diff.Summary());
            Assert.IsTrue(ok, diff.Violation);
            Assert.AreEqual(FrameKernel.Native, diff.NativeCompared);
            Assert.IsTrue(!FrameKernel.Native || (diff.KnobEpisodes >= 5 && diff.Sizes >= 10), diff.Summary());
        }
    }
}
