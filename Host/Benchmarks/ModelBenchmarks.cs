using BenchmarkDotNet.Attributes;
using Qrng.Model;

namespace Qrng.Benchmarks
{
    /// <summary>
    /// The entropy model (paper Eq. 5–6) at the cost users see: a full Fig. 7 curve (100 μe points, pixel-1 noise
    /// integrated, both cores) and single points. The model object (noise CDF table) is built once, as the CLI does.
    /// </summary>
    [MemoryDiagnoser]
    public class ModelBenchmarks
    {
        private EntropyModel _pixel1;
        private double[] _grid;

        [GlobalSetup]
        public void Setup()
        {
            _pixel1 = new EntropyModel(SensorParams.Paper, NoiseParams.TableI(1));
            _grid = Enumerable.Range(0, 100).Select(i => 1300.0 * i / 99).ToArray();
        }

        [Benchmark(Description = "Fig. 7 curve, 100 points, 0..1300")]
        public EntropyPoint[] Fig7Curve() => _pixel1.Curve(_grid);

        [Benchmark(Description = "H_min at mu_e = 625")]
        public EntropyPoint OnePoint() => _pixel1.Hmin(625);

        [Benchmark(Description = "model setup (noise CDF table)")]
        public EntropyModel Setup_() => new(SensorParams.Paper, NoiseParams.TableI(1));
    }
}
