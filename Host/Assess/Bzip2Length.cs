namespace Qrng.Assess;

/// <summary>
/// The length in bytes of what bzip2 (libbzip2 1.0.x, block size 500k as NIST's tool calls it) makes of a byte
/// string, computed without writing the stream: the §5.1.11 compression statistic needs only that number. Each
/// stage follows libbzip2's: the initial run-length coding and block filling, the Burrows–Wheeler transform
/// (sorted rotations; the sort algorithm does not change the output), move-to-front with RUNA/RUNB zero runs, and
/// the choice of 2–6 Huffman tables refined four times with code lengths limited to 17 bits, which decides the
/// size. The CRCs and the origin pointer have fixed widths, so they are counted, not computed. Buffers are kept
/// between calls: one instance per thread, no allocation per call once warm.
/// </summary>
internal sealed class Bzip2Length
{
    private const int BlockSize100k = 5, GroupSize = 50, MaxGroups = 6, Iterations = 4, MaxCodeLength = 17, RunA = 0, RunB = 1;
    private const int BlockMax = 100_000 * BlockSize100k - 19;
    private static readonly byte[][] Decimal = Enumerable.Range(0, 256).Select(v => System.Text.Encoding.ASCII.GetBytes(v.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();

    private byte[] _text = [];
    // sized for the largest block seen so far (at most BlockMax plus a run's overflow)
    private byte[] _block = [], _doubled = [];
    private int[] _sa = [];
    private ushort[] _mtfv = [];
    private readonly SuffixArray.Sorter _sorter = new();
    private readonly int[] _mtfFreq = new int[258];
    private readonly byte[][] _len = Enumerable.Range(0, MaxGroups).Select(_ => new byte[258]).ToArray();
    private readonly int[][] _rfreq = Enumerable.Range(0, MaxGroups).Select(_ => new int[258]).ToArray();
    private readonly byte[] _selector = new byte[BlockMax / GroupSize + 2];
    private readonly bool[] _inUse = new bool[256];
    private readonly byte[] _seq = new byte[256];
    private readonly int[] _heap = new int[260], _weight = new int[520], _parent = new int[520];
    private int _nblock;
    private long _bits;

    /// <summary>Makes the buffers for inputs up to <paramref name="length"/> bytes now rather than on first use.</summary>
    public void Reserve(int length)
    {
        int block = Math.Min(length, BlockMax) + 32;
        if (_block.Length >= block) return;
        _block = new byte[block];
        _doubled = new byte[2 * block];
        _sa = new int[2 * block];
        _mtfv = new ushort[block + 2];
        _sorter.Reserve(2 * block);
    }

    /// <summary>Makes every buffer <see cref="OfSamples"/> needs for <paramref name="samples"/> samples now.</summary>
    public void ReserveSamples(int samples)
    {
        int text = 4 * samples;                                // at most "255 " per sample
        if (_text.Length < text) _text = new byte[text];
        Reserve(text);
    }

    /// <summary>§5.1.11: the samples written as decimal numbers separated by single spaces, compressed.</summary>
    public long OfSamples(ReadOnlySpan<byte> samples)
    {
        ReserveSamples(samples.Length);
        int o = 0;
        for (int i = 0; i < samples.Length; i++)
        {
            if (i > 0) _text[o++] = (byte)' ';
            byte[] d = Decimal[samples[i]];
            for (int j = 0; j < d.Length; j++) _text[o++] = d[j];
        }
        return Of(_text.AsSpan(0, o));
    }

    /// <summary>The size of <c>bzip2 -5</c>'s output for <paramref name="input"/>.</summary>
    public long Of(ReadOnlySpan<byte> input)
    {
        Reserve(input.Length);
        _bits = 32;                                            // "BZh5"
        _nblock = 0;
        Array.Clear(_inUse);
        // libbzip2's first stage: runs of 4..255 equal bytes become 4 bytes and a count; a block takes bytes until
        // it holds BlockMax (checked before each input byte, so a run may carry over into the next block)
        int runByte = -1, runLength = 0;
        foreach (byte c in input)
        {
            if (_nblock >= BlockMax) CompressBlock();
            if (c != runByte || runLength == 255)
            {
                if (runByte >= 0) AddRun(runByte, runLength);
                runByte = c;
                runLength = 1;
            }
            else runLength++;
        }
        if (runByte >= 0) AddRun(runByte, runLength);
        CompressBlock();
        _bits += 48 + 32;                                      // end-of-stream magic and combined CRC
        return (_bits + 7) / 8;
    }

    private void AddRun(int b, int length)
    {
        for (int i = 0; i < Math.Min(length, 4); i++) Put((byte)b);
        if (length >= 4) Put((byte)(length - 4));
    }

    private void Put(byte b)
    {
        _inUse[b] = true;
        _block[_nblock++] = b;
    }

    private void CompressBlock()
    {
        int n = _nblock;
        if (n == 0) return;
        _bits += 48 + 32 + 1 + 24;                             // block magic, CRC, randomised bit, origin pointer

        // Burrows–Wheeler. Started at its least rotation, a block is (when it is not periodic) a Lyndon word, and
        // the rotations of a Lyndon word sort like its suffixes: one suffix array of n. A periodic block's rotations
        // are the suffixes below n of the block written twice.
        int start = LeastRotation(_block, n);
        _block.AsSpan(start, n - start).CopyTo(_doubled);
        _block.AsSpan(0, start).CopyTo(_doubled.AsSpan(n - start));
        int length = n;
        if (!IsLyndon(_doubled.AsSpan(0, n)))
        {
            _doubled.AsSpan(0, n).CopyTo(_doubled.AsSpan(n));
            length = 2 * n;
        }
        _sorter.Sort(_doubled.AsSpan(0, length), _sa);

        int nInUse = 0;
        for (int i = 0; i < 256; i++) if (_inUse[i]) _seq[i] = (byte)nInUse++;
        int alphaSize = nInUse + 2, eob = nInUse + 1;
        Span<byte> yy = stackalloc byte[256];
        for (int i = 0; i < nInUse; i++) yy[i] = (byte)i;
        Array.Clear(_mtfFreq);
        int wr = 0, zPend = 0;
        for (int r = 0; r < length; r++)
        {
            int p = _sa[r];
            if (p >= n) continue;
            byte ll = _seq[_doubled[p == 0 ? n - 1 : p - 1]];
            if (yy[0] == ll) { zPend++; continue; }
            if (zPend > 0) { FlushZeros(ref wr, zPend); zPend = 0; }
            // move to front
            byte moved = yy[0];
            int j = 1;
            for (; yy[j] != ll; j++) (yy[j], moved) = (moved, yy[j]);
            yy[j] = moved;
            yy[0] = ll;
            _mtfv[wr++] = (ushort)(j + 1);                      // symbols 0 and 1 are RUNA and RUNB
            _mtfFreq[j + 1]++;
        }
        if (zPend > 0) FlushZeros(ref wr, zPend);
        _mtfv[wr++] = (ushort)eob;
        _mtfFreq[eob]++;
        SendMtfValues(wr, alphaSize);
        _nblock = 0;
        Array.Clear(_inUse);
    }

    /// <summary>The start of the least rotation of b[0..n) (the two-candidate scan, O(n)).</summary>
    private static int LeastRotation(byte[] b, int n)
    {
        int i = 0, j = 1, k = 0;
        while (i < n && j < n && k < n)
        {
            int ik = i + k, jk = j + k;
            byte x = b[ik < n ? ik : ik - n], y = b[jk < n ? jk : jk - n];
            if (x == y) { k++; continue; }
            if (x > y) i += k + 1;
            else j += k + 1;
            if (i == j) j++;
            k = 0;
        }
        return Math.Min(i, j);
    }

    /// <summary>Whether w is a Lyndon word (strictly less than each of its rotations): the first factor of Duval's
    /// factorisation is all of w.</summary>
    private static bool IsLyndon(ReadOnlySpan<byte> w)
    {
        int j = 1, k = 0;
        while (j < w.Length && w[k] <= w[j])
        {
            k = w[k] < w[j] ? 0 : k + 1;
            j++;
        }
        return j == w.Length && k == 0;
    }

    /// <summary>A run of z zeros as the bijective base-2 digits RUNA = 1, RUNB = 2, least significant first.</summary>
    private void FlushZeros(ref int wr, int z)
    {
        z--;
        while (true)
        {
            int sym = (z & 1) != 0 ? RunB : RunA;
            _mtfv[wr++] = (ushort)sym;
            _mtfFreq[sym]++;
            if (z < 2) break;
            z = (z - 2) / 2;
        }
    }

    private void SendMtfValues(int nMtf, int alphaSize)
    {
        int nGroups = nMtf < 200 ? 2 : nMtf < 600 ? 3 : nMtf < 1200 ? 4 : nMtf < 2400 ? 5 : 6;
        // initial tables: consecutive symbol ranges of about equal frequency, cost 0 inside and 15 outside
        for (int nPart = nGroups, remF = nMtf, gs = 0; nPart > 0; nPart--)
        {
            int tFreq = remF / nPart, ge = gs - 1, aFreq = 0;
            while (aFreq < tFreq && ge < alphaSize - 1) aFreq += _mtfFreq[++ge];
            if (ge > gs && nPart != nGroups && nPart != 1 && (nGroups - nPart) % 2 == 1) aFreq -= _mtfFreq[ge--];
            var len = _len[nPart - 1];
            for (int v = 0; v < alphaSize; v++) len[v] = (byte)(v >= gs && v <= ge ? 0 : 15);
            gs = ge + 1;
            remF -= aFreq;
        }
        int nSelectors = 0;
        Span<int> cost = stackalloc int[MaxGroups];
        for (int iter = 0; iter < Iterations; iter++)
        {
            for (int t = 0; t < nGroups; t++) Array.Clear(_rfreq[t], 0, alphaSize);
            nSelectors = 0;
            for (int gs = 0; gs < nMtf; gs += GroupSize)
            {
                int ge = Math.Min(gs + GroupSize, nMtf);
                cost.Clear();
                for (int i = gs; i < ge; i++)
                {
                    int v = _mtfv[i];
                    for (int t = 0; t < nGroups; t++) cost[t] += _len[t][v];
                }
                int bt = 0;
                for (int t = 1; t < nGroups; t++) if (cost[t] < cost[bt]) bt = t;
                _selector[nSelectors++] = (byte)bt;
                var f = _rfreq[bt];
                for (int i = gs; i < ge; i++) f[_mtfv[i]]++;
            }
            for (int t = 0; t < nGroups; t++) MakeCodeLengths(_len[t], _rfreq[t], alphaSize);
        }

        long bits = 16;                                        // symbol map: 16 range flags, 16 bits per range used
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 16; j++)
                if (_inUse[i * 16 + j]) { bits += 16; break; }
        bits += 3 + 15;                                        // nGroups, nSelectors
        Span<byte> pos = stackalloc byte[MaxGroups];
        for (int i = 0; i < nGroups; i++) pos[i] = (byte)i;
        for (int i = 0; i < nSelectors; i++)                   // selectors, move-to-front, unary
        {
            int j = pos.IndexOf(_selector[i]);
            bits += j + 1;
            byte s = pos[j];
            pos[..j].CopyTo(pos[1..]);
            pos[0] = s;
        }
        for (int t = 0; t < nGroups; t++)                      // code lengths: 5 bits, then 2 bits per step and 1 per symbol
        {
            var len = _len[t];
            int curr = len[0];
            bits += 5;
            for (int i = 0; i < alphaSize; i++)
            {
                bits += 2 * Math.Abs(len[i] - curr) + 1;
                curr = len[i];
            }
        }
        for (int sel = 0, gs = 0; gs < nMtf; gs += GroupSize, sel++)
        {
            var len = _len[_selector[sel]];
            int ge = Math.Min(gs + GroupSize, nMtf);
            for (int i = gs; i < ge; i++) bits += len[_mtfv[i]];
        }
        _bits += bits;
    }

    /// <summary>Huffman code lengths as libbzip2 builds them: a binary heap of weights (count·256 + depth), and when
    /// a code exceeds 17 bits every count is halved (plus one) and the tree rebuilt.</summary>
    private void MakeCodeLengths(byte[] len, int[] freq, int alphaSize)
    {
        int[] heap = _heap, weight = _weight, parent = _parent;
        for (int i = 0; i < alphaSize; i++) weight[i + 1] = (freq[i] == 0 ? 1 : freq[i]) << 8;
        while (true)
        {
            int nNodes = alphaSize, nHeap = 0;
            heap[0] = 0;
            weight[0] = 0;
            parent[0] = -2;
            for (int i = 1; i <= alphaSize; i++)
            {
                parent[i] = -1;
                heap[++nHeap] = i;
                UpHeap(nHeap);
            }
            while (nHeap > 1)
            {
                int n1 = heap[1];
                heap[1] = heap[nHeap--];
                DownHeap(nHeap);
                int n2 = heap[1];
                heap[1] = heap[nHeap--];
                DownHeap(nHeap);
                nNodes++;
                parent[n1] = parent[n2] = nNodes;
                int w1 = weight[n1], w2 = weight[n2];
                weight[nNodes] = (int)((w1 & 0xffffff00) + (w2 & 0xffffff00)) | (1 + Math.Max(w1 & 0xff, w2 & 0xff));
                parent[nNodes] = -1;
                heap[++nHeap] = nNodes;
                UpHeap(nHeap);
            }
            bool tooLong = false;
            for (int i = 1; i <= alphaSize; i++)
            {
                int j = 0;
                for (int k = i; parent[k] >= 0; k = parent[k]) j++;
                len[i - 1] = (byte)j;
                if (j > MaxCodeLength) tooLong = true;
            }
            if (!tooLong) return;
            for (int i = 1; i <= alphaSize; i++) weight[i] = (1 + (weight[i] >> 8) / 2) << 8;
        }

        void UpHeap(int z)
        {
            int tmp = heap[z];
            while (weight[tmp] < weight[heap[z >> 1]])
            {
                heap[z] = heap[z >> 1];
                z >>= 1;
            }
            heap[z] = tmp;
        }

        void DownHeap(int nHeap)
        {
            int z = 1, tmp = heap[z];
            while (true)
            {
                int y = z << 1;
                if (y > nHeap) break;
                if (y < nHeap && weight[heap[y + 1]] < weight[heap[y]]) y++;
                if (weight[tmp] < weight[heap[y]]) break;
                heap[z] = heap[y];
                z = y;
            }
            heap[z] = tmp;
        }
    }
}
