using nanoFramework.TestFramework;
using Qrng.Emulator;

namespace Qrng.Firmware.Tests
{
    /// <summary>
    /// The soak's short version (issue 18 item 9; the long one: Host/Benchmarks --soak): the firmware at 16x16 with the
    /// fault knobs switched on and off at random, every frame judged by the oracle in Emulator/Soak.cs.
    /// </summary>
    [TestClass]
    public class SoakTests
    {
        [TestMethod]
        public static void A_short_soak_with_random_faults_passes_the_oracle()
        {
            var soak = new Soak(20261208, 16, 16, null, null);
            bool ok = soak.Advance(5000);
            OutputHelper.WriteLine(soak.Summary());
            Assert.IsTrue(ok, soak.Violation);
            int episodes = 0;
            for (int k = 0; k < soak.Episodes.Length; k++)
            {
                episodes += soak.Episodes[k];
            }

            Assert.IsTrue(episodes >= 10 && soak.Recoveries >= 10, episodes + " episodes, " + soak.Recoveries + " recoveries");
        }

        [TestMethod]
        public static void The_oracle_refuses_credit_from_old_frames_when_the_dither_check_is_off()
        {
            // replays of 65 and 150 frames pass the fingerprint ring: without the dither check they are credited
            var soak = new Soak(7, 16, 16, "health.dither_permille = 0", "replay");
            bool ok = soak.Advance(5000);
            Assert.IsFalse(ok, "the oracle let a replay past the ring through: " + soak.Summary());
            OutputHelper.WriteLine(soak.Violation);
            Assert.IsTrue(soak.Violation.IndexOf("replay:") > 0, soak.Violation);

            soak = new Soak(7, 16, 16, null, "replay");
            ok = soak.Advance(5000);
            Assert.IsTrue(ok, soak.Violation);
        }
    }
}
