using System.Reflection;

[assembly: AssemblyTitle("Qrng.Esp32.App")]
[assembly: AssemblyDescription("ESP32 quantum random number generator: the device application's entry point")]
[assembly: AssemblyProduct("qrng-esp32")]
[assembly: AssemblyVersion("0.1.0.0")]
