using Qrng.Firmware.Protocol;

namespace Qrng.Cli;

/// <summary>
/// RAW on the host: n raw 2-bit symbols, one per byte (values 0..3), one contiguous run. A lost or damaged frame
/// breaks the run: the export is cancelled and asked for again whole, up to <see cref="DeviceSession.Retries"/> times.
/// </summary>
internal sealed class RawRequest(DeviceSession session)
{
    private readonly DeviceSession s = session;

    public byte[] Run(int n, Action<long> progress)
    {
        for (int attempt = 0; ; attempt++)
        {
            byte[] symbols = Once(n, progress);
            if (symbols != null) return symbols;
            if (attempt >= s.Retries)
                throw new DeviceException(QrngCli.LineErrors, $"{s.Name}: RAW frames still lost or corrupted after {s.Retries} re-requests ({s.DamagedFrames} frames corrupted, {s.LostFrames} missing); raw data must be one contiguous run, so nothing is written");
            s.ReRequests++;
        }
    }

    private byte[] Once(int n, Action<long> progress)
    {
        var symbols = new byte[n];
        int seq = s.NextSeq();
        s.Send(Wire.Raw, seq, DeviceSession.U32(n));
        int got = 0, nextPart = 0, cancelSeq = -1;
        bool broken = false;
        long last = s.Link.NowMs;
        while (true)
        {
            Signals.Check();
            long now = s.Link.NowMs;
            if (now - last >= s.TimeoutMs) throw s.Silent("RAW", $"{got:N0} of {n:N0} symbols", cancelSeq >= 0);
            if (cancelSeq < 0 && (broken || now - last >= s.ProbeMs))
            {
                cancelSeq = s.NextSeq();
                s.Send(Wire.Cancel, cancelSeq, null);
                broken = true;
                last = now;
                continue;
            }

            ReplyFrame f = s.Next((int)Math.Max(1, Math.Min(200, last + (cancelSeq < 0 ? s.ProbeMs : s.TimeoutMs) - now)));
            if (f == null) continue;
            if (f.IsDamage)
            {
                broken = true;
                continue;
            }

            if (f.Seq == cancelSeq && cancelSeq >= 0)
            {
                s.CheckAuth(f);
                if (f.Type == (Wire.Cancel | Wire.ReplyBit) || f.Type == Wire.Error) return null;
                continue;
            }

            if (f.Seq != seq) continue;
            s.CheckAuth(f);
            last = s.Link.NowMs;
            if (f.Type == Wire.Error)
            {
                if (f.ErrorCode == Wire.ErrUnhealthy) throw s.Unhealthy(f.Text);
                if (DeviceSession.DamagedRequest(f.ErrorCode) || f.ErrorCode == Wire.ErrCancelled) return null;
                throw s.Refused("RAW", f);
            }

            if (broken) continue;                                  // the run is lost: wait for CANCEL's reply
            int count = f.Payload.Length >= RawOperation.Header ? Wire.Get16(f.Payload, 4) : -1;
            if (f.Type != (Wire.Raw | Wire.ReplyBit) || !f.IsRaw || count < 0 || f.Payload.Length != RawOperation.Header + ((count + 3) / 4) || got + count > n)
                throw new DeviceException(QrngCli.LineErrors, $"{s.Name}: a reply to RAW of type 0x{f.Type:X2}, flags {f.Flags}, {f.Payload.Length} bytes: not a RAW frame of this export");
            if (f.Part != nextPart)
            {
                s.LostFrames += Math.Max(1, f.Part - nextPart);
                broken = true;
                continue;
            }

            nextPart++;
            DeviceSession.Unpack(f.Payload, RawOperation.Header, count, symbols, got);
            got += count;
            progress?.Invoke(got);
            if (!f.More)
            {
                if (got == n) return symbols;
                s.LostFrames++;
                return null;
            }
        }
    }
}
