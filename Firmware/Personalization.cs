namespace Qrng.Firmware
{
    /// <summary>
    /// The DRBG personalization string (SP 800-90A §8.7.1): unique per device. nanoFramework 1.x on ESP32 exposes no
    /// unique id or MAC without the networking package, so it is the provisioned serial (<c>device.serial</c>) plus
    /// the firmware version, in ASCII.
    /// </summary>
    public static class Personalization
    {
        public const string FirmwareVersion = "0.1.0";

        public static byte[] For(FirmwareConfig config)
        {
            string text = "qrng-esp32 fw " + FirmwareVersion + " serial " + config.DeviceSerial;
            var bytes = new byte[text.Length];
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                bytes[i] = c < 128 ? (byte)c : (byte)'?';
            }

            return bytes;
        }
    }
}
