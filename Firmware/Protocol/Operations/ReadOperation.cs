using System;

namespace Qrng.Firmware.Protocol
{
    /// <summary>
    /// READ n: n bytes of Hash_DRBG output in DATA frames, made while the engine streams (the engine's
    /// <see cref="QrngEngine.Demand"/> is what is still wanted). When output stops (a fault, a restart) an empty DATA
    /// frame says why at once; a persistent failure ends the READ with ERROR unhealthy.
    /// </summary>
    public sealed class ReadOperation : Operation
    {
        /// <summary>DATA payload header: part u32, engine state u8, last fault u8, reseed counter u32.</summary>
        public const int DataHeader = 10;
        private int _remaining, _fill, _reportedState, _reportedFault;

        public ReadOperation(App app, Replies replies)
            : base(app, replies, Wire.Read)
        {
        }

        /// <summary>Bytes the READ still wants (0 when none runs).</summary>
        public int Remaining
        {
            get { return Running ? _remaining : 0; }
        }

        public void Start(byte[] b, int seq, int length)
        {
            if (!Replies.Expect(Wire.Read, seq, length, 4, "READ takes n (u32)"))
            {
                return;
            }

            int n = Wire.Get32(b, P);
            if (n <= 0)
            {
                Replies.Error(Wire.ErrBadArgument, Wire.Read, seq, "READ: n in 1..2147483647");
                return;
            }

            if (Healthy(seq))
            {
                Begin(seq);
                _remaining = n;
                _fill = 0;
                _reportedState = -1;
                _reportedFault = -1;
            }
        }

        /// <summary>DRBG output (the engine's sink in command mode): copied into DATA frames, a full one sent at once.</summary>
        public void Write(byte[] buffer, int offset, int count)
        {
            byte[] f = Replies.Buffer;
            while (count > 0 && Running && _remaining > 0)
            {
                if (_fill == 0)
                {
                    _fill = DataHeader;
                }

                int n = Wire.MaxReplyPayload - _fill;
                n = n < count ? n : count;
                n = n < _remaining ? n : _remaining;
                Array.Copy(buffer, offset, f, P + _fill, n);
                _fill += n;
                offset += n;
                count -= n;
                _remaining -= n;
                if (_remaining == 0)
                {
                    Flush(false);
                    Done();
                }
                else if (_fill == Wire.MaxReplyPayload)
                {
                    Flush(true);
                }
            }
        }

        public override void AfterStep(EngineStatus s)
        {
            if (_fill > 0)
            {
                Flush(true);
            }

            if (s.State == EngineState.Streaming)
            {
                _reportedState = (int)EngineState.Streaming;
            }
            else if (s.State == EngineState.Error || s.State == EngineState.SelfTestFailed)
            {
                Fail(Wire.ErrUnhealthy, "unhealthy: " + s.Reason());
            }
            else if ((int)s.State != _reportedState || (int)s.LastFault != _reportedFault)
            {
                // output stopped (a fault, a restart): an empty DATA frame tells the host why, at once
                _reportedState = (int)s.State;
                _reportedFault = (int)s.LastFault;
                _fill = DataHeader;
                Flush(true);
            }
        }

        protected override void Stop()
        {
            _remaining = 0;
            _fill = 0;
        }

        private void Flush(bool more)
        {
            EngineStatus s = App.Engine.Status;
            byte[] f = Replies.Buffer;
            Wire.Put32(f, P, Part++);
            f[P + 4] = (byte)s.State;
            f[P + 5] = (byte)s.LastFault;
            Wire.Put32(f, P + 6, (int)s.Reseeds);
            Replies.Send(Wire.Read | Wire.ReplyBit, more ? Wire.FlagMore : 0, Seq, _fill, Auth);
            _fill = 0;
        }
    }
}
