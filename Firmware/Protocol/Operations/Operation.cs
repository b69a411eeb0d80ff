using System;

namespace Qrng.Firmware.Protocol
{
    /// <summary>
    /// A request whose reply takes engine steps (READ, RAW, RESTART-RAW, SELFTEST). One runs at a time
    /// (<see cref="Dispatcher"/>); it fills the frame buffer only inside an engine step and sends what it made in
    /// <see cref="AfterStep"/>, so the buffer is empty whenever a request is handled.
    /// </summary>
    public abstract class Operation
    {
        protected const int P = FrameWriter.PayloadOffset;
        protected readonly App App;
        protected readonly Replies Replies;
        private readonly byte _type;

        protected Operation(App app, Replies replies, byte type)
        {
            App = app;
            Replies = replies;
            _type = type;
        }

        /// <summary>The request type it answers.</summary>
        public byte Type
        {
            get { return _type; }
        }

        /// <summary>True from its start until its last frame went out (or it was cancelled).</summary>
        public bool Running { get; private set; }

        /// <summary>The request's sequence number.</summary>
        public int Seq { get; private set; }

        /// <summary>Whether the request was authenticated: every frame of the reply is signed then.</summary>
        public bool Auth { get; private set; }

        /// <summary>The next frame's part number.</summary>
        protected int Part { get; set; }

        /// <summary>Sends what the engine step made; ends the operation when it is over.</summary>
        public abstract void AfterStep(EngineStatus s);

        /// <summary>Ends it without its last frame (CANCEL, STREAM, the attention sequence, an exception in the loop).</summary>
        public void Cancel()
        {
            if (Running)
            {
                Stop();
            }

            Running = false;
            Array.Clear(Replies.Buffer, 0, Replies.Buffer.Length);   // a DATA frame being filled holds DRBG output
        }

        /// <summary>What cancelling undoes beyond the frame buffer (a raw export ends).</summary>
        protected virtual void Stop()
        {
        }

        protected void Begin(int seq)
        {
            Running = true;
            Seq = seq;
            Auth = Replies.RequestAuth;
            Part = 0;
        }

        /// <summary>The last frame went out.</summary>
        protected void Done()
        {
            Running = false;
        }

        /// <summary>Ends it with an ERROR instead of its last frame.</summary>
        protected void Fail(byte code, string text)
        {
            Cancel();
            Replies.EndWithError(code, _type, Seq, text, Auth);
        }

        /// <summary>True unless the engine is in a persistent error or its self-test failed (then an ERROR is sent).</summary>
        protected bool Healthy(int seq)
        {
            EngineStatus s = App.Engine.Status;
            if (s.State != EngineState.Error && s.State != EngineState.SelfTestFailed)
            {
                return true;
            }

            Replies.Error(Wire.ErrUnhealthy, _type, seq, "unhealthy: " + s.Reason());
            return false;
        }
    }
}
