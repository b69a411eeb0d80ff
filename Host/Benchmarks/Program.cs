using BenchmarkDotNet.Running;

// --soak [FRAMES]: the fault soak on the twin and nanoCLR (Qrng.Benchmarks.SoakRun); --kernel-diff [FRAMES]: the native frame
// kernel against the managed loops on nanoCLR (Qrng.Benchmarks.KernelDiffRun); --device: the firmware on nanoCLR beside the .NET twin (Qrng.Benchmarks.DeviceCost); with --instructions, the host
// instructions nanoCLR executes for it, counted by valgrind (Qrng.Benchmarks.DeviceInstructions); otherwise BenchmarkDotNet.
if (args.Contains("--soak"))
{
    return Qrng.Benchmarks.SoakRun.Run(args);                // the soak of Emulator/Soak.cs on the twin and on nanoCLR
}

if (args.Contains("--kernel-diff"))
{
    return Qrng.Benchmarks.KernelDiffRun.Run(args);
}

if (args.Contains("--device"))
{
    return args.Contains("--instructions") ? Qrng.Benchmarks.DeviceInstructions.Run() : Qrng.Benchmarks.DeviceCost.Run();
}

BenchmarkSwitcher.FromAssembly(typeof(Qrng.Benchmarks.DrbgBenchmarks).Assembly).Run(args);
return 0;
