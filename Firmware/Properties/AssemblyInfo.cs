using System.Reflection;

[assembly: AssemblyTitle("Qrng.Firmware")]
[assembly: AssemblyDescription("ESP32 quantum random number generator: the entropy pipeline and its loop (portable: mscorlib only)")]
[assembly: AssemblyProduct("qrng-esp32")]
[assembly: AssemblyVersion("0.1.0.0")]
