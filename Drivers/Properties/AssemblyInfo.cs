using System.Reflection;

[assembly: AssemblyTitle("Qrng.Drivers")]
[assembly: AssemblyDescription("Sensor driver and hardware interfaces of the ESP32 QRNG (portable: mscorlib only)")]
[assembly: AssemblyVersion("0.1.0.0")]
