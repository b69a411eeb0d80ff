using System.Numerics;

namespace Qrng.Assess;

/// <summary>
/// The dictionaries of MultiMMC (§6.3.9) and LZ78Y (§6.3.10): prefixes x of 1..16 symbols mapped to counts of the
/// symbol y that followed them, with the most frequent y (ties to the larger y, as NIST's tool breaks them) kept
/// up to date. A prefix is packed into two words, its most recent symbol in the low bits of <c>lo</c>, each symbol
/// in <see cref="SymbolBits"/> = 1, 2, 4 or 8 bits (so none straddles the words). Short prefixes index arrays
/// directly; longer ones go through one open-addressing table per length.
/// </summary>
internal sealed class PrefixDictionary
{
    private const int DirectKeyBits = 18;
    private readonly int[] _directBase;           // first node id of each directly indexed length, or −1
    // per-length hash tables for the longer prefixes
    private readonly ulong[][] _keyLo, _keyHi;
    private readonly int[][] _node;
    private readonly int[] _used;
    // per node, side by side (one cache line): best count, best y, then the y counts for k <= 16; larger alphabets
    // keep the counts in one table keyed by node and y
    private int[] _data;
    private readonly int _stride;
    private readonly PairCounts _pairs;
    private int _nodes;

    public int SymbolBits { get; }

    public PrefixDictionary(int k, int maxLength)
    {
        int need = Math.Max(1, 32 - BitOperations.LeadingZeroCount((uint)(k - 1)));
        SymbolBits = (int)BitOperations.RoundUpToPowerOf2((uint)need);
        _directBase = new int[maxLength + 1];
        _keyLo = new ulong[maxLength + 1][];
        _keyHi = new ulong[maxLength + 1][];
        _node = new int[maxLength + 1][];
        _used = new int[maxLength + 1];
        for (int len = 1; len <= maxLength; len++)
        {
            if (SymbolBits * len <= DirectKeyBits)
            {
                _directBase[len] = _nodes;
                _nodes += 1 << (SymbolBits * len);
            }
            else
            {
                _directBase[len] = -1;
                Allocate(len, 1024);
            }
        }
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)_nodes + 1024);
        _stride = k <= 16 ? 2 + k : 2;
        _data = new int[capacity * _stride];
        if (k > 16) _pairs = new PairCounts();
    }

    private void Allocate(int len, int capacity)
    {
        _keyLo[len] = new ulong[capacity];
        _keyHi[len] = new ulong[capacity];
        _node[len] = new int[capacity];
        Array.Fill(_node[len], -1);
    }

    private static int Slot(ulong lo, ulong hi, int mask) => (int)(((lo ^ (hi * 0xC2B2AE3D27D4EB4FUL)) * 0x9E3779B97F4A7C15UL) >> 40) & mask;

    /// <summary>The node of prefix (len, lo, hi), or −1.</summary>
    public int Find(int len, ulong lo, ulong hi)
    {
        int b = _directBase[len];
        if (b >= 0) return _data[(b + (int)lo) * _stride] > 0 ? b + (int)lo : -1;
        var keys = _keyLo[len];
        var highs = _keyHi[len];
        var nodes = _node[len];
        int mask = keys.Length - 1;
        for (int s = Slot(lo, hi, mask); ; s = (s + 1) & mask)
        {
            int n = nodes[s];
            if (n < 0) return -1;
            if (keys[s] == lo && highs[s] == hi) return n;
        }
    }

    /// <summary>The node of prefix (len, lo, hi), created (with no counts) when absent.</summary>
    public int FindOrAdd(int len, ulong lo, ulong hi)
    {
        int b = _directBase[len];
        if (b >= 0) return b + (int)lo;
        if (2 * (_used[len] + 1) > _keyLo[len].Length) Grow(len);
        var keys = _keyLo[len];
        var highs = _keyHi[len];
        var nodes = _node[len];
        int mask = keys.Length - 1;
        int s = Slot(lo, hi, mask);
        for (; nodes[s] >= 0; s = (s + 1) & mask)
            if (keys[s] == lo && highs[s] == hi) return nodes[s];
        keys[s] = lo;
        highs[s] = hi;
        _used[len]++;
        int id = _nodes++;
        if ((id + 1) * _stride > _data.Length) Array.Resize(ref _data, _data.Length * 2);
        return nodes[s] = id;
    }

    private void Grow(int len)
    {
        var keys = _keyLo[len];
        var highs = _keyHi[len];
        var nodes = _node[len];
        Allocate(len, keys.Length * 2);
        int mask = _keyLo[len].Length - 1;
        for (int i = 0; i < keys.Length; i++)
        {
            if (nodes[i] < 0) continue;
            int s = Slot(keys[i], highs[i], mask);
            while (_node[len][s] >= 0) s = (s + 1) & mask;
            _keyLo[len][s] = keys[i];
            _keyHi[len][s] = highs[i];
            _node[len][s] = nodes[i];
        }
    }

    public int Count(int node, int y) => _pairs == null ? _data[node * _stride + 2 + y] : _pairs.Get(node, y);

    public int BestCount(int node) => _data[node * _stride];

    public int BestY(int node) => _data[node * _stride + 1];

    /// <summary>Counts one more y after the prefix; the first count creates the (x, y) entry.</summary>
    public void Increment(int node, int y)
    {
        int at = node * _stride;
        int c = _pairs == null ? ++_data[at + 2 + y] : _pairs.Increment(node, y);
        if (c > _data[at] || (c == _data[at] && y > _data[at + 1]))
        {
            _data[at] = c;
            _data[at + 1] = y;
        }
    }

    /// <summary>(node, y) → count for alphabets too large for a dense row per node.</summary>
    private sealed class PairCounts
    {
        private long[] _keys = new long[1 << 12];
        private int[] _counts = new int[1 << 12];
        private int _used;

        public PairCounts() => Array.Fill(_keys, -1L);

        private static int Slot(long key, int mask) => (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> 40) & mask;

        public int Get(int node, int y)
        {
            long key = ((long)node << 8) | (uint)y;
            int mask = _keys.Length - 1;
            for (int s = Slot(key, mask); ; s = (s + 1) & mask)
            {
                if (_keys[s] == key) return _counts[s];
                if (_keys[s] < 0) return 0;
            }
        }

        public int Increment(int node, int y)
        {
            if (2 * (_used + 1) > _keys.Length) Grow();
            long key = ((long)node << 8) | (uint)y;
            int mask = _keys.Length - 1;
            int s = Slot(key, mask);
            for (; _keys[s] >= 0; s = (s + 1) & mask)
                if (_keys[s] == key) return ++_counts[s];
            _keys[s] = key;
            _used++;
            return _counts[s] = 1;
        }

        private void Grow()
        {
            var keys = _keys;
            var counts = _counts;
            _keys = new long[keys.Length * 2];
            _counts = new int[keys.Length * 2];
            Array.Fill(_keys, -1L);
            int mask = _keys.Length - 1;
            for (int i = 0; i < keys.Length; i++)
            {
                if (keys[i] < 0) continue;
                int s = Slot(keys[i], mask);
                while (_keys[s] >= 0) s = (s + 1) & mask;
                _keys[s] = keys[i];
                _counts[s] = counts[i];
            }
        }
    }
}
