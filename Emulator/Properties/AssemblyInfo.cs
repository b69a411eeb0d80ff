using System.Reflection;

[assembly: AssemblyTitle("Qrng.Emulator")]
[assembly: AssemblyDescription("The ArduCAM Mini 2MP Plus emulated at the SPI/SCCB byte level (portable: mscorlib only), for tests on nanoCLR, on a board and on the host")]
[assembly: AssemblyProduct("qrng-esp32")]
[assembly: AssemblyVersion("0.1.0.0")]
