using System.Reflection;

[assembly: AssemblyTitle("NFUnitTest")]
[assembly: AssemblyDescription("Device-side tests of the QRNG firmware (nanoFramework.TestFramework)")]
[assembly: AssemblyProduct("qrng-esp32")]
[assembly: AssemblyVersion("1.0.0.0")]
