namespace Qrng.Model;

/// <summary>What the designer is asked for (paper Eq. 8–9).</summary>
/// <param name="Epsilon">ε: the largest acceptable probability that a frame passes the test while the array's mean
/// min-entropy is ≤ H_l (Eq. 9)</param>
/// <param name="HLow">H_min^l per bit (Eq. 8)</param>
/// <param name="Delta">the largest acceptable false-alarm probability per frame inside the operating window</param>
/// <param name="N">N± to use on both sides; ignored when <paramref name="MaxN"/> is set</param>
/// <param name="MaxN">when ≥ 0, search N± = 0..MaxN per side for the widest window (ties within 0.5 %: the smaller N)</param>
/// <param name="MuStep">grid step of the light-level scan, in photoelectrons</param>
public sealed record DesignGoal(double Epsilon = 1e-9, double HLow = 0.98, double Delta = 1e-6, int N = 1, int MaxN = -1, double MuStep = 5)
{
    public void Validate()
    {
        if (!(Epsilon > 0 && Epsilon < 1)) throw new ModelException($"epsilon must be in (0, 1), got {Epsilon}");
        if (!(HLow > 0 && HLow < 1)) throw new ModelException($"H_l must be in (0, 1) bit per bit, got {HLow}");
        if (!(Delta > 0 && Delta < 1)) throw new ModelException($"delta must be in (0, 1), got {Delta}");
        if (N < 0 || N > 4096) throw new ModelException($"N must be in [0, 4096], got {N}");
        if (MaxN < -1 || MaxN > 64) throw new ModelException($"max N must be in [0, 64], got {MaxN}");
        if (!(MuStep >= 0.5 && MuStep <= 100)) throw new ModelException($"mu step must be in [0.5, 100], got {MuStep}");
    }
}

/// <summary>How a T±/N± configuration behaves on a given array.</summary>
/// <param name="BadBelow">highest light level below the entropy peak with H̄ ≤ H_l (the low edge of the unsafe region)</param>
/// <param name="BadAbove">lowest light level above the peak with H̄ ≤ H_l</param>
/// <param name="EpsilonAchieved">max P(frame passes) over all scanned unsafe light levels (Eq. 9's left side)</param>
/// <param name="WindowLow">low end of the operating window: the interval around the best-passing light level where P(fail) ≤ δ</param>
/// <param name="WindowHigh">high end of the operating window</param>
public sealed record DesignReport(FrameTestConfig Config, double PeakMu, double PeakHmin, double BadBelow, double BadAbove,
    double EpsilonAchieved, double WindowLow, double WindowHigh, double MinHminInWindow);

/// <summary>
/// Chooses T±/N± for paper Eq. 9. The unsafe light levels are those where the array's mean min-entropy is ≤ H_l:
/// everything at or below <c>BadBelow</c> and at or above <c>BadAbove</c>. Each side of the test guards one side:
/// a frame at an unsafe level must pass with probability ≤ ε, and inside the operating window a frame must fail
/// with probability ≤ δ. Per side and per N, the designer takes the loosest threshold that still meets ε (it gives
/// the widest window); when asked to search N, it then takes the N whose window edge is best.
/// </summary>
public sealed class ThresholdDesigner(ArrayModel array, DesignGoal goal)
{
    private readonly ArrayModel _array = array;
    private readonly DesignGoal _goal = goal;
    private readonly Dictionary<double, ArrayState> _cache = new();
    private readonly object _lock = new();
    private double[] _grid;
    private ArrayState[] _scan;

    public int AdcMax => _array.Model.Sensor.AdcMax;

    private ArrayState At(double mu)
    {
        lock (_lock) if (_cache.TryGetValue(mu, out var s)) return s;
        var st = _array.At(mu);
        lock (_lock) _cache[mu] = st;
        return st;
    }

    /// <summary>The scan of the light levels: μ = 0 (LED dead) up to twice the level that saturates the ADC.</summary>
    public ArrayState[] Scan()
    {
        if (_scan != null) return _scan;
        _goal.Validate();
        double top = 2 * (AdcMax + 1) / _array.Model.Sensor.K / _array.Light.Groups.Min(g => g.Eta);
        int n = (int)Math.Ceiling(top / _goal.MuStep) + 1;
        _grid = Enumerable.Range(0, n).Select(i => i * _goal.MuStep).ToArray();
        _scan = _array.At(_grid);
        lock (_lock) foreach (var s in _scan) _cache[s.Mu] = s;
        return _scan;
    }

    private (int peak, double badBelow, double badAbove) Edges()
    {
        var scan = Scan();
        int peak = 0;
        for (int i = 1; i < scan.Length; i++) if (scan[i].MeanHminPerBit > scan[peak].MeanHminPerBit) peak = i;
        double h = _goal.HLow;
        if (scan[peak].MeanHminPerBit <= h)
            throw new ModelException($"H_l = {h} is unreachable: the best mean min-entropy of this array is {scan[peak].MeanHminPerBit:0.0000} per bit (at mu = {scan[peak].Mu})");
        int lo = -1, hi = -1;
        for (int i = peak - 1; i >= 0 && lo < 0; i--) if (scan[i].MeanHminPerBit <= h) lo = i;
        for (int i = peak + 1; i < scan.Length && hi < 0; i++) if (scan[i].MeanHminPerBit <= h) hi = i;
        if (lo < 0 || hi < 0) throw new ModelException("the scan did not reach an unsafe light level on both sides of the peak");
        // refine each edge by bisection on H̄(μ) = H_l, keeping the unsafe end
        double BadEdge(double bad, double good)
        {
            for (int it = 0; it < 30 && Math.Abs(good - bad) > 1e-3; it++)
            {
                double mid = 0.5 * (bad + good);
                if (At(mid).MeanHminPerBit <= h) bad = mid; else good = mid;
            }
            return bad;
        }
        return (peak, BadEdge(scan[lo].Mu, scan[lo + 1].Mu), BadEdge(scan[hi].Mu, scan[hi - 1].Mu));
    }

    /// <summary>Evaluates one configuration.</summary>
    public DesignReport Evaluate(FrameTestConfig config)
    {
        config.Validate(AdcMax, _array.Light.Pixels);
        var (peak, badBelow, badAbove) = Edges();
        var scan = Scan();
        double eps = Math.Max(At(badBelow).Pass(config), At(badAbove).Pass(config));
        foreach (var s in scan)
            if (s.Mu <= badBelow || s.Mu >= badAbove || s.MeanHminPerBit <= _goal.HLow) eps = Math.Max(eps, s.Pass(config));
        double fail(ArrayState s) => 1 - s.Pass(config);
        int anchor = -1;
        for (int i = 0; i < scan.Length; i++)
            if (scan[i].Mu > badBelow && scan[i].Mu < badAbove && (anchor < 0 || fail(scan[i]) < fail(scan[anchor]))) anchor = i;
        double wLo = anchor < 0 ? double.NaN : WindowEdge(anchor, -1, fail);
        double wHi = anchor < 0 ? double.NaN : WindowEdge(anchor, +1, fail);
        double minH = double.PositiveInfinity;
        foreach (var s in scan) if (s.Mu >= wLo && s.Mu <= wHi) minH = Math.Min(minH, s.MeanHminPerBit);
        return new DesignReport(config, scan[peak].Mu, scan[peak].MeanHminPerBit, badBelow, badAbove, eps, wLo, wHi, minH);
    }

    /// <summary>Walks from a start point outwards while P(fail) ≤ δ, then bisects the crossing; NaN if the start fails.</summary>
    private double WindowEdge(int start, int dir, Func<ArrayState, double> fail)
    {
        var scan = Scan();
        if (fail(scan[start]) > _goal.Delta) return double.NaN;
        int i = start;
        while (i + dir >= 0 && i + dir < scan.Length && fail(scan[i + dir]) <= _goal.Delta) i += dir;
        if (i + dir < 0 || i + dir >= scan.Length) return scan[i].Mu;
        double ok = scan[i].Mu, bad = scan[i + dir].Mu;
        for (int it = 0; it < 30 && Math.Abs(bad - ok) > 1e-2; it++)
        {
            double mid = 0.5 * (ok + bad);
            if (fail(At(mid)) <= _goal.Delta) ok = mid; else bad = mid;
        }
        return ok;
    }

    /// <summary>Finds T±/N± (paper Eq. 9) and reports how the result behaves.</summary>
    public DesignReport Design()
    {
        var (peak, badBelow, badAbove) = Edges();
        var scan = Scan();
        var lowEdge = At(badBelow);
        var highEdge = At(badAbove);
        var lowBad = scan.Where(s => s.Mu <= badBelow || (s.Mu < scan[peak].Mu && s.MeanHminPerBit <= _goal.HLow)).Append(lowEdge).ToArray();
        var highBad = scan.Where(s => s.Mu >= badAbove || (s.Mu > scan[peak].Mu && s.MeanHminPerBit <= _goal.HLow)).Append(highEdge).ToArray();

        int bottomSafe = Array.FindIndex(scan, s => s.Mu > badBelow);
        int topSafe = Array.FindLastIndex(scan, s => s.Mu < badAbove);
        if (bottomSafe < 0 || topSafe < bottomSafe) throw new ModelException("the scan step is too coarse for the safe region; use a smaller mu step");
        (int t, int n, double edge) bestLow = (-1, -1, double.PositiveInfinity);
        int nFrom = _goal.MaxN >= 0 ? 0 : _goal.N, nTo = _goal.MaxN >= 0 ? _goal.MaxN : _goal.N;
        nTo = Math.Min(nTo, _array.Light.Pixels - 1);
        for (int n = nFrom; n <= nTo; n++)
        {
            // P(n− ≤ N) falls as T− rises: the smallest T− that meets ε everywhere unsafe is the loosest one
            int nn = n;
            int t = SmallestTrue(0, AdcMax + 1, T => lowBad.All(s => s.PassLow(T, nn) <= _goal.Epsilon));
            if (t < 0) continue;
            // the low test's failure rate falls with light: walk down from the top of the safe region
            double edge = WindowEdge(topSafe, -1, s => 1 - s.PassLow(t, nn));
            if (double.IsNaN(edge)) continue;
            if (edge < bestLow.edge * (1 - 5e-3)) bestLow = (t, n, edge);
        }
        (int t, int n, double edge) bestHigh = (-1, -1, double.NegativeInfinity);
        for (int n = nFrom; n <= nTo; n++)
        {
            int nn = n;
            // P(n+ ≤ N) falls as T+ drops: the largest T+ that meets ε everywhere unsafe
            int t = LargestTrue(-1, AdcMax, T => highBad.All(s => s.PassHigh(T, nn) <= _goal.Epsilon));
            if (t < -1) continue;
            double edge = WindowEdge(bottomSafe, +1, s => 1 - s.PassHigh(t, nn));
            if (double.IsNaN(edge)) continue;
            if (edge > bestHigh.edge * (1 + 5e-3)) bestHigh = (t, n, edge);
        }
        if (bestLow.t < 0 || bestHigh.t < 0 || bestLow.t > bestHigh.t)
            throw new ModelException($"no T±/N± with N in [{nFrom}, {nTo}] meets epsilon = {_goal.Epsilon:g3} and delta = {_goal.Delta:g3} for this array; relax epsilon, delta or H_l, or allow a larger N");
        return Evaluate(new FrameTestConfig(bestLow.t, bestHigh.t, bestLow.n, bestHigh.n));
    }

    /// <summary>Smallest x in [lo, hi] with pred(x) true, for a predicate that is monotone false→true; −1 if none.</summary>
    private static int SmallestTrue(int lo, int hi, Func<int, bool> pred)
    {
        if (!pred(hi)) return -1;
        while (lo < hi) { int mid = (lo + hi) / 2; if (pred(mid)) hi = mid; else lo = mid + 1; }
        return lo;
    }

    /// <summary>Largest x in [lo, hi] with pred(x) true, for a predicate monotone true→false; lo − 1 if none.</summary>
    private static int LargestTrue(int lo, int hi, Func<int, bool> pred)
    {
        if (!pred(lo)) return lo - 1;
        while (lo < hi) { int mid = (lo + hi + 1) / 2; if (pred(mid)) lo = mid; else hi = mid - 1; }
        return lo;
    }
}
