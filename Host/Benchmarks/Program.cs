using BenchmarkDotNet.Running;

// --device: the firmware on nanoCLR beside the .NET twin (Qrng.Benchmarks.DeviceCost); otherwise BenchmarkDotNet.
if (args.Contains("--device"))
{
    return Qrng.Benchmarks.DeviceCost.Run();
}

BenchmarkSwitcher.FromAssembly(typeof(Qrng.Benchmarks.DrbgBenchmarks).Assembly).Run(args);
return 0;
