using Qrng.Drivers;

namespace Qrng.Emulator
{
    /// <summary>
    /// A byte queue (a ring that grows by doubling): one direction of an in-process serial line. Portable: the device
    /// tests drive the serial protocol through it on nanoCLR as on .NET.
    /// </summary>
    public sealed class ByteQueue : IByteSink
    {
        private byte[] _ring = new byte[256];
        private int _head, _count;

        public int Count
        {
            get { return _count; }
        }

        public void Write(byte[] buffer, int offset, int count)
        {
            if (_count + count > _ring.Length)
            {
                int size = _ring.Length;
                while (size < _count + count)
                {
                    size *= 2;
                }

                var bigger = new byte[size];
                Read(bigger, 0, _count, true);
                _ring = bigger;
                _head = 0;
            }

            int tail = (_head + _count) % _ring.Length;
            for (int i = 0; i < count; i++)
            {
                _ring[tail] = buffer[offset + i];
                tail = tail + 1 == _ring.Length ? 0 : tail + 1;
            }

            _count += count;
        }

        /// <summary>Up to count bytes, oldest first; 0 when empty.</summary>
        public int Read(byte[] buffer, int offset, int count)
        {
            return Read(buffer, offset, count, false);
        }

        private int Read(byte[] buffer, int offset, int count, bool keep)
        {
            int n = count < _count ? count : _count;
            int head = _head;
            for (int i = 0; i < n; i++)
            {
                buffer[offset + i] = _ring[head];
                head = head + 1 == _ring.Length ? 0 : head + 1;
            }

            if (!keep)
            {
                _head = head;
                _count -= n;
            }

            return n;
        }

        public void Clear()
        {
            _head = 0;
            _count = 0;
        }
    }

    /// <summary>
    /// The board's end of an in-process serial line: what the host writes (<see cref="ToDevice"/>) the firmware reads;
    /// what the firmware writes goes to <see cref="FromDevice"/>, or straight to a sink (the plain stream to a file).
    /// </summary>
    public sealed class LoopbackLink : ISerialLink
    {
        private readonly IByteSink _sink;

        /// <param name="sink">where the device's bytes go; null = <see cref="FromDevice"/></param>
        public LoopbackLink(IByteSink sink)
        {
            _sink = sink;
            ToDevice = new ByteQueue();
            FromDevice = new ByteQueue();
        }

        public ByteQueue ToDevice { get; private set; }

        public ByteQueue FromDevice { get; private set; }

        public int Baud { get; private set; }

        public void Write(byte[] buffer, int offset, int count)
        {
            if (_sink != null)
            {
                _sink.Write(buffer, offset, count);
            }
            else
            {
                FromDevice.Write(buffer, offset, count);
            }
        }

        public int Read(byte[] buffer, int offset, int count)
        {
            return ToDevice.Read(buffer, offset, count);
        }

        public void SetBaud(int baud)
        {
            Baud = baud;
        }
    }
}
