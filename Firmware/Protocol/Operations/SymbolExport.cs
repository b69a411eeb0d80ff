namespace Qrng.Firmware.Protocol
{
    /// <summary>
    /// What RAW and RESTART-RAW share: the engine's raw export (<see cref="QrngEngine.StartRaw"/>: nothing exported is
    /// ever credited) hands each healthy frame's unmasked symbols here (<see cref="Take"/>); they are packed 4 per byte,
    /// most significant first, into frames marked <see cref="Wire.FlagRaw"/>.
    /// </summary>
    public abstract class SymbolExport : Operation
    {
        private readonly int _header;
        private int _count;

        protected SymbolExport(App app, Replies replies, byte type, int header)
            : base(app, replies, type)
        {
            _header = header;
        }

        /// <summary>Symbols a frame holds.</summary>
        protected int Capacity
        {
            get { return 4 * (Wire.MaxReplyPayload - _header); }
        }

        /// <summary>Symbols in the frame being filled.</summary>
        protected int Count
        {
            get { return _count; }
        }

        /// <summary>One healthy frame's symbols (bits 2-3 of each pixel not masked).</summary>
        public abstract RawNext Take(ushort[] frame, byte[] masked);

        public override void AfterStep(EngineStatus s)
        {
            if (_count > 0)
            {
                Flush(true);
            }

            if (!App.Engine.RawActive)
            {
                Fail(Wire.ErrUnhealthy, "raw export interrupted: " + s.Reason());
            }
        }

        protected void StartExport(int seq)
        {
            Begin(seq);
            _count = 0;
            App.Engine.StartRaw(App.Protocol);
        }

        protected override void Stop()
        {
            _count = 0;
            App.Engine.StopRaw();
        }

        /// <summary>Appends one symbol to the frame being filled (the per-symbol loop's body: kept small for the interpreter).</summary>
        protected void Put(int symbol)
        {
            byte[] f = Replies.Buffer;
            int index = P + _header + (_count >> 2);
            f[index] = (byte)(f[index] | (symbol << (6 - (2 * (_count & 3)))));
            _count++;
        }

        /// <summary>Writes the frame's header fields after the part number (symbol count, restart index).</summary>
        protected abstract void PutHeader(byte[] f, int symbols);

        protected void Flush(bool more)
        {
            byte[] f = Replies.Buffer;
            Wire.Put32(f, P, Part++);
            PutHeader(f, _count);
            Replies.Send(Type | Wire.ReplyBit, Wire.FlagRaw | (more ? Wire.FlagMore : 0), Seq, _header + ((_count + 3) / 4), Auth);
            _count = 0;
        }
    }
}
