using System.Reflection;

[assembly: AssemblyTitle("Qrng.Drivers")]
[assembly: AssemblyDescription("Sensor, LED and serial drivers of the ESP32 QRNG")]
[assembly: AssemblyVersion("0.1.0.0")]
