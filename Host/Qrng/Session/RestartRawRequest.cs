using Qrng.Firmware.Protocol;

namespace Qrng.Cli;

/// <summary>
/// RESTART-RAW on the host (SP 800-90B §3.1.4): r rows of the first n symbols after a restart of the noise source,
/// row after row (one symbol per byte). A row that lost a frame is replaced by a fresh restart (rows are independent
/// restarts), up to <see cref="DeviceSession.Retries"/> times in a row.
/// </summary>
internal sealed class RestartRawRequest(DeviceSession session)
{
    private readonly DeviceSession s = session;

    public byte[] Run(int restarts, int n, Action<long> progress)
    {
        var matrix = new byte[(long)restarts * n];
        var todo = Enumerable.Range(0, restarts).ToList();
        long complete = 0;
        int failures = 0;
        while (todo.Count > 0)
        {
            List<int> left = Once(todo, n, matrix, ref complete, progress);
            if (left.Count < todo.Count) failures = 0;
            else if (++failures > s.Retries)
                throw new DeviceException(QrngCli.LineErrors, $"{s.Name}: RESTART-RAW frames still lost or corrupted after {s.Retries} re-requests in a row ({left.Count} of {restarts} rows incomplete); nothing is written");
            if (left.Count > 0) s.ReRequests++;
            todo = left;
        }

        return matrix;
    }

    private List<int> Once(List<int> rows, int n, byte[] matrix, ref long complete, Action<long> progress)
    {
        var filled = new int[rows.Count];
        var payload = new byte[4];
        Wire.Put16(payload, 0, rows.Count);
        Wire.Put16(payload, 2, n);
        int seq = s.NextSeq();
        s.Send(Wire.RestartRaw, seq, payload);
        int nextPart = 0, cancelSeq = -1;
        long last = s.Link.NowMs;
        while (true)
        {
            Signals.Check();
            long now = s.Link.NowMs;
            if (now - last >= s.TimeoutMs) throw s.Silent("RESTART-RAW", $"{complete:N0} of {matrix.Length:N0} symbols", cancelSeq >= 0);
            if (cancelSeq < 0 && now - last >= s.ProbeMs)
            {
                cancelSeq = s.NextSeq();
                s.Send(Wire.Cancel, cancelSeq, null);
                last = now;
                continue;
            }

            ReplyFrame f = s.Next((int)Math.Max(1, Math.Min(200, last + (cancelSeq < 0 ? s.ProbeMs : s.TimeoutMs) - now)));
            if (f == null) continue;
            if (f.IsDamage) continue;
            bool end = false;
            if (f.Seq == cancelSeq && cancelSeq >= 0)
            {
                s.CheckAuth(f);
                end = f.Type == (Wire.Cancel | Wire.ReplyBit) || f.Type == Wire.Error;
                if (!end) continue;
            }
            else if (f.Seq != seq)
            {
                continue;
            }
            else
            {
                s.CheckAuth(f);
                last = s.Link.NowMs;
                if (f.Type == Wire.Error)
                {
                    if (f.ErrorCode == Wire.ErrUnhealthy) throw s.Unhealthy(f.Text);
                    if (!DeviceSession.DamagedRequest(f.ErrorCode) && f.ErrorCode != Wire.ErrCancelled) throw s.Refused("RESTART-RAW", f);
                    end = true;
                }
                else
                {
                    int restart = f.Payload.Length >= RestartRawOperation.Header ? Wire.Get16(f.Payload, 4) : -1;
                    int count = restart >= 0 ? Wire.Get16(f.Payload, 6) : -1;
                    if (f.Type != (Wire.RestartRaw | Wire.ReplyBit) || !f.IsRaw || restart >= rows.Count || count < 0
                        || f.Payload.Length != RestartRawOperation.Header + ((count + 3) / 4))
                        throw new DeviceException(QrngCli.LineErrors, $"{s.Name}: a reply to RESTART-RAW of type 0x{f.Type:X2}, flags {f.Flags}, {f.Payload.Length} bytes: not a RESTART-RAW frame of this request");
                    if (f.Part != nextPart) s.LostFrames += Math.Max(1, f.Part - nextPart);
                    nextPart = f.Part + 1;
                    if (filled[restart] + count <= n)
                    {
                        DeviceSession.Unpack(f.Payload, RestartRawOperation.Header, count, matrix, ((long)rows[restart] * n) + filled[restart]);
                    }

                    filled[restart] += count;                      // over n (cannot happen on a sane line): the row is redone
                    if (filled[restart] == n) progress?.Invoke(complete + ((long)(restart + 1) * n));

                    end = !f.More;
                }
            }

            if (end)
            {
                var left = new List<int>();
                for (int i = 0; i < rows.Count; i++)
                {
                    if (filled[i] == n) complete += n;
                    else left.Add(rows[i]);
                }

                if (left.Count > 0) s.LostFrames++;
                progress?.Invoke(complete);
                return left;
            }
        }
    }
}
