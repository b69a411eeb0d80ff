namespace Qrng.Firmware.Protocol
{
    /// <summary>
    /// Finds the attention sequence (<see cref="Wire.Attention"/>) in whatever the host sends, in either mode: one
    /// comparison per byte, no buffer. 'Q' occurs once in the sequence, so a mismatch restarts the match at 0, or at 1
    /// when the mismatching byte is itself a 'Q'.
    /// </summary>
    public sealed class Attention
    {
        private int _matched;

        /// <summary>True when <paramref name="b"/> completes the sequence.</summary>
        public bool Feed(byte b)
        {
            byte[] a = Wire.Attention;
            if (b == a[_matched])
            {
                if (++_matched == a.Length)
                {
                    _matched = 0;
                    return true;
                }

                return false;
            }

            _matched = b == a[0] ? 1 : 0;
            return false;
        }
    }
}
