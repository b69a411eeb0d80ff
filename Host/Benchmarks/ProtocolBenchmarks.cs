using BenchmarkDotNet.Attributes;
using Qrng.Cli;
using Qrng.Crypto;
using Qrng.Emulator;
using Qrng.Firmware;
using Qrng.Firmware.Protocol;

namespace Qrng.Benchmarks
{
    /// <summary>
    /// The serial protocol's framing (docs/protocol.md, "Frames"), per KiB of DRBG output: the device building DATA
    /// frames (FrameWriter: payload copied in, header, CRC-32, with AUTH the HMAC-SHA256, written, cleared) and the host
    /// finding and checking them (FrameReader, the payload copied out as DeviceSession does, with AUTH the HMAC checked).
    /// 64 KiB per invocation, reported per KiB (OperationsPerInvoke): 1024 bytes are 1.01 full DATA frames of 1014.
    /// </summary>
    [MemoryDiagnoser]
    public class FramingBenchmarks
    {
        private const int KiB = 64, Bytes = KiB * 1024;
        private const int P = FrameWriter.PayloadOffset, Data = Wire.MaxReplyPayload - ReadOperation.DataHeader;
        private readonly byte[] _drbg = new byte[Bytes];
        private readonly byte[] _nonce = new byte[Wire.NonceLength];
        private readonly CountingSink _sink = new();
        private FrameWriter _writer;
        private FrameReader _reader;
        private HmacSha256 _mac;
        private uint _counter;
        private byte[] _wire, _copy;

        [Params(false, true)]
        public bool Auth { get; set; }

        [GlobalSetup]
        public void Setup()
        {
            new Random(1).NextBytes(_drbg);
            _writer = new FrameWriter(Wire.ReplyMagic, Wire.MaxReplyPayload);
            _reader = new FrameReader(Wire.ReplyMagic, Wire.MaxReplyPayload);
            _mac = Auth ? new HmacSha256(new byte[32]) : null;
            var line = new ByteQueue();
            Frame(line);
            _wire = new byte[line.Count];
            line.Read(_wire, 0, _wire.Length);
            _copy = new byte[Wire.MaxReplyPayload];
        }

        /// <summary>What the device's ReadOperation.Write and Flush do for a READ of 64 KiB.</summary>
        [Benchmark(OperationsPerInvoke = KiB, Description = "device: DATA frames built, per KiB")]
        public long Build()
        {
            Frame(_sink);
            return _sink.Count;
        }

        /// <summary>The host's side: frames found, CRC-checked (and HMAC-checked with AUTH), DRBG bytes copied out.</summary>
        [Benchmark(OperationsPerInvoke = KiB, Description = "host: DATA frames parsed, per KiB")]
        public int Parse()
        {
            int got = 0;
            for (int at = 0; at < _wire.Length; at += 4096)
            {
                int n = Math.Min(4096, _wire.Length - at), used = 0;
                do
                {
                    used += _reader.Feed(_wire, at + used, n - used);
                    if (_reader.Event != FrameReader.Frame) continue;
                    int length = _reader.PayloadLength;
                    if (_mac != null)
                    {
                        FrameWriter.Sign(_mac, _nonce, _reader.Buffer, _reader.MacOffset, _copy, 0);
                        if (!HmacSha256.Equal(_copy, 0, _reader.Buffer, _reader.MacOffset, Wire.MacLength)) throw new InvalidOperationException("HMAC");
                    }

                    Buffer.BlockCopy(_reader.Buffer, P + ReadOperation.DataHeader, _copy, 0, length - ReadOperation.DataHeader);
                    got += length - ReadOperation.DataHeader;
                }
                while (_reader.Event != FrameReader.None);
            }

            if (got != Bytes) throw new InvalidOperationException($"{got} of {Bytes} bytes parsed");
            return got;
        }

        private void Frame(Drivers.IByteSink sink)
        {
            byte[] f = _writer.Buffer;
            int part = 0;
            for (int at = 0; at < Bytes; at += Data)
            {
                int n = Math.Min(Data, Bytes - at);
                Array.Copy(_drbg, at, f, P + ReadOperation.DataHeader, n);
                Wire.Put32(f, P, part++);
                f[P + 4] = (byte)EngineState.Streaming;
                Wire.Put32(f, P + 6, 1);
                _writer.Send(sink, Wire.Read | Wire.ReplyBit, at + n < Bytes ? Wire.FlagMore : 0, 7, ReadOperation.DataHeader + n, _mac, _nonce, _mac != null ? ++_counter : 0);
            }
        }
    }

    /// <summary>
    /// `qrng read` against the in-process virtual board (40×32, the default configuration): DeviceSession.Read over the
    /// virtual link, 256 KiB per operation, the bytes handed to a sink that drops them. The board's loop runs in the
    /// same thread (each frame captured, tested and 4 KiB of Hash_DRBG output made, framed and parsed): bytes/s =
    /// 262 144 / Mean. What a real board and UART allow is in docs/protocol.md.
    /// </summary>
    [MemoryDiagnoser]
    public class QrngReadBenchmarks
    {
        private const int Bytes = 256 * 1024;
        private DeviceSession _session;

        [GlobalSetup]
        public void Setup()
        {
            _session = new DeviceSession(VirtualLink.Boot(new FirmwareConfig(), 1, []));
            _session.Enter();
        }

        [GlobalCleanup]
        public void Cleanup() => _session.Dispose();

        [Benchmark(Description = "qrng read 256 KiB, virtual board")]
        public long Read()
        {
            long got = 0;
            _session.Read(Bytes, (b, o, n) => got += n, null);
            if (got != Bytes) throw new InvalidOperationException($"{got} of {Bytes} bytes");
            return got;
        }
    }
}
