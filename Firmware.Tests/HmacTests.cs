using nanoFramework.TestFramework;
using Qrng.Crypto;

namespace Qrng.Firmware.Tests
{
    /// <summary>
    /// HMAC-SHA256 of the protocol (FIPS 198-1) against RFC 4231's test cases 1, 2 and 6 (a key shorter than, and one
    /// longer than, the block), each twice on one instance: the inner and outer midstates must start every message.
    /// </summary>
    [TestClass]
    public class HmacTests
    {
        private static void Case(byte[] key, string message, string mac)
        {
            var h = new HmacSha256(key);
            byte[] data = Hex.Ascii(message);
            byte[] output = new byte[HmacSha256.MacLength];
            for (int round = 0; round < 2; round++)
            {
                h.Update(data, 0, 5 < data.Length ? 5 : data.Length);                        // in two pieces
                h.Update(data, 5 < data.Length ? 5 : data.Length, data.Length - (5 < data.Length ? 5 : data.Length));
                h.Final(output, 0);
                Assert.AreEqual(mac, Hex.Of(output), "RFC 4231, message " + (round + 1) + " on one instance");
            }
        }

        private static byte[] Filled(int length, byte value)
        {
            var b = new byte[length];
            for (int i = 0; i < length; i++)
            {
                b[i] = value;
            }

            return b;
        }

        [TestMethod]
        public static void Rfc4231_test_cases_hold_for_every_message_of_an_instance()
        {
            Case(Filled(20, 0x0B), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
            Case(Hex.Ascii("Jefe"), "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
            Case(Filled(131, 0xAA), "Test Using Larger Than Block-Size Key - Hash Key First", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
        }
    }
}
