namespace Qrng.Firmware.Protocol
{
    /// <summary>
    /// RESTART-RAW r n (SP 800-90B §3.1.4): the first n symbols after each of r restarts of the noise source (the LED
    /// off, the sensor reset and configured again); the first batch, too, follows a restart.
    /// </summary>
    public sealed class RestartRawOperation : SymbolExport
    {
        /// <summary>RESTART-RAW payload header: part u32, restart u16, symbols u16.</summary>
        public const int Header = 8;
        private int _restarts, _perRestart, _restart, _thisRestart;
        private bool _needRestart;

        public RestartRawOperation(App app, Replies replies)
            : base(app, replies, Wire.RestartRaw, Header)
        {
        }

        public void Start(byte[] b, int seq, int length)
        {
            if (!Replies.Expect(Wire.RestartRaw, seq, length, 4, "RESTART-RAW takes r (u16 restarts) and n (u16 symbols)"))
            {
                return;
            }

            int r = Wire.Get16(b, P), n = Wire.Get16(b, P + 2);
            if (r == 0 || n == 0)
            {
                Replies.Error(Wire.ErrBadArgument, Wire.RestartRaw, seq, "RESTART-RAW: r and n in 1..65535");
                return;
            }

            if (Healthy(seq))
            {
                _restarts = r;
                _perRestart = n;
                _restart = 0;
                _thisRestart = 0;
                _needRestart = true;
                StartExport(seq);
            }
        }

        public override RawNext Take(ushort[] frame, byte[] masked)
        {
            if (_needRestart)
            {
                _needRestart = false;
                return RawNext.Restart;
            }

            int capacity = Capacity;
            for (int i = 0; i < frame.Length && _thisRestart < _perRestart; i++)
            {
                if (masked[i] != 0)
                {
                    continue;
                }

                Put((frame[i] >> 2) & 3);
                _thisRestart++;
                if (Count == capacity && _thisRestart < _perRestart)
                {
                    Flush(true);
                }
            }

            if (_thisRestart < _perRestart)
            {
                return RawNext.More;
            }

            bool last = _restart + 1 == _restarts;
            Flush(!last);
            _restart++;
            _thisRestart = 0;
            if (last)
            {
                Done();
                return RawNext.Done;
            }

            return RawNext.Restart;
        }

        protected override void PutHeader(byte[] f, int symbols)
        {
            Wire.Put16(f, P + 4, _restart);
            Wire.Put16(f, P + 6, symbols);
        }
    }
}
