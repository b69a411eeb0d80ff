using Qrng.Drivers;
using Qrng.Firmware.Protocol;
using Qrng.Model;

namespace Qrng.Cli;

/// <summary>
/// CHARACTERIZE on the host (docs/protocol.md): each step's statistics frame and histogram frame, parsed. A run that
/// lost a frame is asked for again whole (the device measures afresh), up to <see cref="DeviceSession.Retries"/> times.
/// A device may take up to a capture time-out a frame, so the silence allowed is the frames of a step at that pace.
/// </summary>
internal sealed class CharacterizeRequest(DeviceSession session)
{
    private readonly DeviceSession s = session;

    public List<StepStatistics> Run(int frames, int[] duties, Action<int> stepDone)
    {
        var payload = new byte[4 + (2 * duties.Length)];
        Wire.Put16(payload, 0, frames);
        Wire.Put16(payload, 2, duties.Length);
        for (int i = 0; i < duties.Length; i++) Wire.Put16(payload, 4 + (2 * i), duties[i]);
        long silence = Math.Max(s.TimeoutMs, (long)(frames + CharacterizeOperation.SettleFrames) * ArduCamOv2640.CaptureTimeoutMs);
        for (int attempt = 0; ; attempt++)
        {
            var steps = Once(payload, duties.Length, silence, stepDone);
            if (steps != null) return steps;
            if (attempt >= s.Retries)
                throw new DeviceException(QrngCli.LineErrors, $"{s.Name}: CHARACTERIZE frames still lost or corrupted after {s.Retries} re-requests");
            s.ReRequests++;
        }
    }

    /// <summary>One run; null when a frame went missing or arrived damaged.</summary>
    private List<StepStatistics> Once(byte[] payload, int count, long silence, Action<int> stepDone)
    {
        int seq = s.NextSeq();
        s.Send(Wire.Characterize, seq, payload);
        var steps = new List<StepStatistics>();
        byte[] stats = null;
        int part = 0;
        long last = s.Link.NowMs;
        while (true)
        {
            Signals.Check();
            long now = s.Link.NowMs;
            if (now - last >= silence) throw s.Silent("CHARACTERIZE", $"{steps.Count} of {count} steps", false);
            ReplyFrame f = s.Next((int)Math.Max(1, Math.Min(200, last + silence - now)));
            if (f == null) continue;
            if (f.IsDamage)
            {
                s.Send(Wire.Cancel, s.NextSeq(), null);            // the rest of this run is no use: measured again
                return null;
            }

            if (f.Seq != seq) continue;
            s.CheckAuth(f);
            last = s.Link.NowMs;
            if (f.Type == Wire.Error)
            {
                if (f.ErrorCode == Wire.ErrUnhealthy) throw s.Unhealthy(f.Text);
                if (DeviceSession.DamagedRequest(f.ErrorCode)) return null;
                throw s.Refused("CHARACTERIZE", f);
            }

            if (f.Type != (Wire.Characterize | Wire.ReplyBit) || f.Part != part)
            {
                s.LostFrames++;
                s.Send(Wire.Cancel, s.NextSeq(), null);
                return null;
            }

            part++;
            if (stats == null)
            {
                stats = f.Payload;
            }
            else
            {
                steps.Add(Parse(stats, f.Payload));
                stats = null;
                stepDone?.Invoke(steps.Count);
            }

            if (!f.More)
            {
                if (steps.Count != count || stats != null)
                    throw new DeviceException(QrngCli.LineErrors, $"{s.Name}: CHARACTERIZE ended after {steps.Count} of {count} steps");
                return steps;
            }
        }
    }

    private StepStatistics Parse(byte[] st, byte[] hi)
    {
        int frames = st.Length >= 50 ? Wire.Get16(st, 8) : -1;
        const int H = CharacterizeOperation.HistogramHeader;
        int bins = hi.Length >= H ? Wire.Get16(hi, 10) : -1;
        if (frames < 2 || st.Length != 50 + (4 * frames) || bins < 1 || hi.Length != H + (4 * bins) || Wire.Get16(st, 4) != Wire.Get16(hi, 4))
            throw new DeviceException(QrngCli.LineErrors, $"{s.Name}: a CHARACTERIZE frame of {st.Length} or {hi.Length} bytes does not hold what it says");
        long U64(int at) => (long)(((ulong)(uint)Wire.Get32(st, at + 4) << 32) | (uint)Wire.Get32(st, at));
        var sums = new long[frames];
        for (int i = 0; i < frames; i++) sums[i] = (uint)Wire.Get32(st, 50 + (4 * i));
        var hist = new long[bins];
        for (int b = 0; b < bins; b++) hist[b] = (uint)Wire.Get32(hi, H + (4 * b));
        return new StepStatistics(Wire.Get16(st, 4), Wire.Get16(st, 6), frames, Wire.Get32(st, 10), U64(14), U64(22), U64(30), U64(38),
            Wire.Get16(st, 46), Wire.Get16(st, 48), sums, Wire.Get16(hi, 6), Wire.Get16(hi, 8), hist, Wire.Get16(hi, 12), (uint)Wire.Get32(hi, 14), (uint)Wire.Get32(hi, 18));
    }
}
