using System.Reflection;

[assembly: AssemblyTitle("Qrng.Esp32")]
[assembly: AssemblyDescription("ESP32 quantum random number generator: the board (wiring, nanoFramework adapters, the flashed configuration)")]
[assembly: AssemblyProduct("qrng-esp32")]
[assembly: AssemblyVersion("0.1.0.0")]
