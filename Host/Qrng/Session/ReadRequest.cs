using Qrng.Firmware;
using Qrng.Firmware.Protocol;

namespace Qrng.Cli;

/// <summary>
/// READ on the host (docs/protocol.md, operations): n DRBG bytes in DATA frames, handed over as they arrive, each from
/// a frame whose CRC (and HMAC, with a key) checked. Lost or damaged frames are not sent again (DRBG output is never
/// repeated): the missing bytes are asked for with a new READ, up to <see cref="DeviceSession.Retries"/> times in a
/// row. A device that ends the READ with ERROR UNHEALTHY, or stops making output and says it is not streaming for
/// <see cref="DeviceSession.TimeoutMs"/> (seeding: <see cref="DeviceSession.StartMs"/>), ends it with
/// <see cref="QrngCli.Unhealthy"/> and its reason.
/// </summary>
internal sealed class ReadRequest(DeviceSession session)
{
    private readonly DeviceSession s = session;

    public void Run(long n, Action<byte[], int, int> sink, Action<long> progress)
    {
        long done = 0;
        int failures = 0;
        while (done < n)
        {
            int chunk = (int)Math.Min(n - done, DeviceSession.ReadChunk);
            int got = Once(chunk, sink, done, n, progress);
            done += got;
            if (got == chunk)
            {
                failures = 0;
                continue;
            }

            if (++failures > s.Retries)
                throw new DeviceException(QrngCli.LineErrors, $"{s.Name}: {done:N0} of {n:N0} bytes: DATA frames still lost or corrupted after {s.Retries} re-requests in a row ({s.DamagedFrames} frames corrupted, {s.LostFrames} missing)");
            s.ReRequests++;
        }
    }

    private int Once(int chunk, Action<byte[], int, int> sink, long before, long total, Action<long> progress)
    {
        int seq = s.NextSeq();
        s.Send(Wire.Read, seq, DeviceSession.U32(chunk));
        int got = 0, nextPart = 0, cancelSeq = -1;
        long last = s.Link.NowMs, lastData = last;
        while (true)
        {
            Signals.Check();
            long now = s.Link.NowMs;
            bool quiet = s.LastState >= 0 && s.LastState != (int)EngineState.Streaming;
            // a seeding device is verifying its sensor after a start: it may say nothing for longer
            int patience = quiet && s.LastState == (int)EngineState.Seeding ? s.StartMs : s.TimeoutMs;
            if (quiet && now - lastData >= patience)
            {
                throw s.Stopped($"no DATA for {patience / 1000.0:0.#} s after {before + got:N0} of {total:N0} bytes");
            }

            if (now - last >= patience)
            {
                throw new DeviceException(QrngCli.Timeout, $"{s.Name}: no answer for {patience / 1000.0:0.#} s after {before + got:N0} of {total:N0} bytes{(cancelSeq >= 0 ? " (not even to CANCEL)" : "")}");
            }

            if (cancelSeq < 0 && !quiet && now - last >= s.ProbeMs)
            {
                // silence while the device was making output: the READ's last frame may be lost; CANCEL says
                cancelSeq = s.NextSeq();
                s.Send(Wire.Cancel, cancelSeq, null);
                last = now;
                continue;
            }

            long wait = Math.Max(1, Math.Min(200, (quiet ? lastData : last) + (quiet || cancelSeq >= 0 ? patience : s.ProbeMs) - now));
            ReplyFrame f = s.Next((int)wait);
            if (f == null)
            {
                continue;
            }

            if (f.IsDamage)
            {
                // a damaged frame may have been DATA that said the device streams again: its state is unknown now, and
                // silence is the READ's last frame lost, not a source still starting (CANCEL says which)
                last = s.Link.NowMs;
                s.LastState = -1;
                continue;
            }

            if (f.Seq == cancelSeq && cancelSeq >= 0)
            {
                s.CheckAuth(f);
                if (f.Type == (Wire.Cancel | Wire.ReplyBit) || f.Type == Wire.Error) return Missing(got, chunk);
                continue;
            }

            if (f.Seq != seq)
            {
                continue;
            }

            s.CheckAuth(f);
            last = s.Link.NowMs;
            if (f.Type == Wire.Error)
            {
                if (f.ErrorCode == Wire.ErrUnhealthy) throw s.Unhealthy(f.Text);
                if (DeviceSession.DamagedRequest(f.ErrorCode) || f.ErrorCode == Wire.ErrCancelled) return got;
                throw s.Refused("READ", f);
            }

            if (f.Type != (Wire.Read | Wire.ReplyBit) || f.IsRaw || f.Payload.Length < ReadOperation.DataHeader)
                throw new DeviceException(QrngCli.LineErrors, $"{s.Name}: a reply to READ of type 0x{f.Type:X2} with {f.Payload.Length} bytes (not a DATA frame)");
            if (f.Part < nextPart) continue;                       // a part number going back: a repeated frame, never new bytes
            if (f.Part != nextPart) s.LostFrames += f.Part - nextPart;
            nextPart = f.Part + 1;
            s.LastState = f.Payload[4];
            s.LastFault = f.Payload[5];
            s.LastReseeds = (uint)Wire.Get32(f.Payload, 6);
            int bytes = f.Payload.Length - ReadOperation.DataHeader;
            if (got + bytes > chunk)
                throw new DeviceException(QrngCli.LineErrors, $"{s.Name}: the device sent more bytes than the READ asked for ({got + bytes} of {chunk})");
            if (bytes > 0)
            {
                sink(f.Payload, ReadOperation.DataHeader, bytes);
                got += bytes;
                lastData = last;
                progress?.Invoke(before + got);
            }

            if (!f.More)
            {
                return Missing(got, chunk);
            }
        }
    }

    /// <summary>An incomplete READ: its missing frames count as lost (at least one).</summary>
    private int Missing(int got, int chunk)
    {
        if (got < chunk) s.LostFrames++;
        return got;
    }
}
