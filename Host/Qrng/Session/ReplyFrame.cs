using Qrng.Firmware.Protocol;

namespace Qrng.Cli;

/// <summary>How a reply frame's HMAC checked out (only with a key).</summary>
public enum AuthCheck
{
    NotChecked,
    Good,
    Missing,
    Bad,
    /// <summary>The HMAC verifies but the counter is not above the session's last: a reply sent again.</summary>
    Replayed,
}

/// <summary>One reply frame as the host received it (its CRC-32 checked by the firmware's own <see cref="FrameReader"/>), or a dropped, damaged one.</summary>
public sealed class ReplyFrame
{
    public int Type { get; init; }
    public int Flags { get; init; }
    public int Seq { get; init; }
    public byte[] Payload { get; init; } = [];
    public AuthCheck Auth { get; init; }

    /// <summary>Not 0: a damaged frame was dropped (<see cref="FrameReader.BadCrc"/>, BadLength, BadHeader): nothing else is known.</summary>
    public int Damage { get; init; }

    public bool IsDamage => Damage != 0;
    public bool More => (Flags & Wire.FlagMore) != 0;
    public bool IsRaw => (Flags & Wire.FlagRaw) != 0;

    /// <summary>The part number of a multi-frame reply (DATA, RAW, RESTART-RAW, text).</summary>
    public int Part => Payload.Length >= 4 ? Wire.Get32(Payload, 0) : -1;

    public int ErrorCode => Type == Wire.Error && Payload.Length > 0 ? Payload[0] : 0;

    /// <summary>An ERROR's text, or a text frame's text after its part number.</summary>
    public string Text => Ascii(Payload, Type == Wire.Error ? 2 : Replies.TextHeader);

    private static string Ascii(byte[] b, int from)
    {
        if (b.Length <= from) return "";
        var c = new char[b.Length - from];
        for (int i = 0; i < c.Length; i++) c[i] = (char)b[from + i];
        return new string(c);
    }
}
