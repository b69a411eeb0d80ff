using nanoFramework.TestFramework;
using Qrng.Crypto;

namespace Qrng.Firmware.Tests
{
    [TestClass]
    public class Sha256Tests
    {
        [TestMethod]
        public static void Empty_message_matches_fips_180_4()
        {
            Assert.AreEqual("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Hex.Of(Digest(new byte[0])));
        }

        [TestMethod]
        public static void Abc_matches_fips_180_4()
        {
            Assert.AreEqual("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hex.Of(Digest(Hex.Ascii("abc"))));
        }

        [TestMethod]
        public static void Two_block_message_matches_fips_180_4()
        {
            byte[] m = Hex.Ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
            Assert.AreEqual("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", Hex.Of(Digest(m)));
        }

        [TestMethod]
        [DataRow(1)]
        [DataRow(7)]
        [DataRow(55)]
        [DataRow(64)]
        [DataRow(65)]
        public static void Split_updates_equal_one_update(int chunk)
        {
            byte[] m = DrbgSelfTest.Pattern(0, 200);
            Sha256 sha = new Sha256();
            for (int i = 0; i < m.Length; i += chunk)
            {
                int n = m.Length - i < chunk ? m.Length - i : chunk;
                sha.Update(m, i, n);
            }

            byte[] d = new byte[32];
            sha.Final(d, 0);
            Assert.AreEqual(Hex.Of(Digest(m)), Hex.Of(d));
        }

        [TestMethod]
        public static void Out_of_range_update_is_refused()
        {
            Sha256 sha = new Sha256();
            Assert.ThrowsException(typeof(System.ArgumentOutOfRangeException), () => sha.Update(new byte[4], 2, 3));
            Assert.ThrowsException(typeof(System.ArgumentNullException), () => sha.Update(null, 0, 0));
        }

        private static byte[] Digest(byte[] m)
        {
            Sha256 sha = new Sha256();
            sha.Update(m, 0, m.Length);
            byte[] d = new byte[32];
            sha.Final(d, 0);
            return d;
        }
    }
}
