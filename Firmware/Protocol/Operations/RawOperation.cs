namespace Qrng.Firmware.Protocol
{
    /// <summary>RAW n: n raw noise-source symbols (SP 800-90B §3.1.1's sequential data), from frames that passed the frame checks.</summary>
    public sealed class RawOperation : SymbolExport
    {
        /// <summary>RAW payload header: part u32, symbols u16.</summary>
        public const int Header = 6;
        public const int MaxSymbols = 1 << 28;
        private int _remaining;

        public RawOperation(App app, Replies replies)
            : base(app, replies, Wire.Raw, Header)
        {
        }

        public void Start(byte[] b, int seq, int length)
        {
            if (!Replies.Expect(Wire.Raw, seq, length, 4, "RAW takes n (u32 symbols)"))
            {
                return;
            }

            int n = Wire.Get32(b, P);
            if (n <= 0 || n > MaxSymbols)
            {
                Replies.Error(Wire.ErrBadArgument, Wire.Raw, seq, "RAW: n in 1..", MaxSymbols, " symbols");
                return;
            }

            if (Healthy(seq))
            {
                _remaining = n;
                StartExport(seq);
            }
        }

        public override RawNext Take(ushort[] frame, byte[] masked)
        {
            int capacity = Capacity;
            for (int i = 0; i < frame.Length && _remaining > 0; i++)
            {
                if (masked[i] != 0)
                {
                    continue;
                }

                Put((frame[i] >> 2) & 3);
                _remaining--;
                if (Count == capacity && _remaining > 0)
                {
                    Flush(true);
                }
            }

            if (_remaining > 0)
            {
                return RawNext.More;
            }

            Flush(false);
            Done();
            return RawNext.Done;
        }

        protected override void PutHeader(byte[] f, int symbols)
        {
            Wire.Put16(f, P + 4, symbols);
        }
    }
}
