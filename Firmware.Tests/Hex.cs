namespace Qrng.Firmware.Tests
{
    /// <summary>Hex and ASCII helpers for readable known answers (no System.Text dependency on the device).</summary>
    public static class Hex
    {
        private const string Digits = "0123456789abcdef";

        public static string Of(byte[] data)
        {
            char[] c = new char[data.Length * 2];
            for (int i = 0; i < data.Length; i++)
            {
                c[2 * i] = Digits[data[i] >> 4];
                c[(2 * i) + 1] = Digits[data[i] & 0x0F];
            }

            return new string(c);
        }

        public static byte[] Ascii(string s)
        {
            byte[] b = new byte[s.Length];
            for (int i = 0; i < s.Length; i++)
            {
                b[i] = (byte)s[i];
            }

            return b;
        }
    }
}
