using System.Reflection;

[assembly: AssemblyTitle("Qrng.Esp32")]
[assembly: AssemblyDescription("ESP32 quantum random number generator: the device application (wiring, adapters, entry point)")]
[assembly: AssemblyProduct("qrng-esp32")]
[assembly: AssemblyVersion("0.1.0.0")]
