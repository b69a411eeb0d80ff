using Qrng.Firmware;

namespace Qrng.Esp32
{
    /// <summary>
    /// The configuration compiled into the firmware image, in the <c>key = value</c> format of
    /// <see cref="FirmwareConfig.Apply"/>. Provision a board by editing these lines before building (serial number;
    /// thresholds from <c>qrng model thresholds</c>); everything not listed keeps its default.
    /// </summary>
    public static class BoardConfig
    {
        public const string Text =
            "device.serial = unprovisioned\n" +
            "sensor.width = 40\n" +
            "sensor.height = 32\n" +
            "health.t_minus = 64\n" +
            "health.t_plus = 940\n" +
            "uart.baud = 921600\n";

        /// <summary>The flashed configuration, applied on the defaults and validated (throws <see cref="ConfigException"/>).</summary>
        public static FirmwareConfig Flashed()
        {
            var config = new FirmwareConfig();
            config.Apply(Text);
            return config;
        }
    }
}
