using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Qrng.Benchmarks.DrbgBenchmarks).Assembly).Run(args);
