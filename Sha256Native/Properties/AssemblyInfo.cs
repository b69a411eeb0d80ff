using System.Reflection;

[assembly: AssemblyTitle("Qrng.Sha256.Native")]
[assembly: AssemblyDescription("SHA-256 for Hash_DRBG computed by native code in the nanoCLR image (interop assembly)")]
[assembly: AssemblyProduct("qrng-esp32")]
[assembly: AssemblyVersion("1.0.0.0")]

// The native side (Sha256Native/native/) must declare this version; change it with the method signatures (1.1: Crc32;
// 1.2: the frame kernel, FrameKernelNative).
[assembly: AssemblyNativeVersion("1.2.0.0")]
