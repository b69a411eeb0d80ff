using System.Reflection;
using System.Runtime.CompilerServices;

[assembly: AssemblyTitle("Hash_DRBG")]
[assembly: AssemblyDescription("SP 800-90A Hash_DRBG (SHA-256) for the QRNG firmware")]
[assembly: AssemblyProduct("qrng-esp32")]
[assembly: AssemblyVersion("1.0.0.0")]

// Host.Tests checks the Hashgen fast path (internal) against .NET's SHA256.
[assembly: InternalsVisibleTo("Host.Tests")]
