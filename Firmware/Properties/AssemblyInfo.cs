using System.Reflection;

[assembly: AssemblyTitle("Qrng.Firmware")]
[assembly: AssemblyDescription("ESP32 quantum random number generator: entropy pipeline and application")]
[assembly: AssemblyProduct("qrng-esp32")]
[assembly: AssemblyVersion("0.1.0.0")]
