using System.Security.Cryptography;
using Qrng.Crypto;
using Qrng.Firmware.Protocol;

namespace Qrng.Cli;

/// <summary>
/// The host's side of authentication (docs/protocol.md): with a key, HELLO's nonces make the session; requests carry
/// a counter that grows by one and are signed over the device's nonce, and every reply frame's HMAC over the host's
/// nonce and its counter (above the last one) are checked.
/// </summary>
public sealed class SessionAuth
{
    private readonly byte[] _key;
    private byte[] _hostNonce = new byte[Wire.NonceLength];
    private uint _requests, _lastReply;

    public SessionAuth(byte[] key)
    {
        _key = key;
    }

    /// <summary>A key was given (replies must then be authenticated).</summary>
    public bool HasKey => _key != null;

    /// <summary>The HMAC of this session (null before HELLO, and without a key).</summary>
    public HmacSha256 Mac { get; private set; }

    public byte[] DeviceNonce { get; private set; } = new byte[Wire.NonceLength];

    /// <summary>A fresh host nonce for HELLO.</summary>
    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(Wire.NonceLength);

    /// <summary>HELLO's reply came: with a key, the session's nonces and HMAC from now on.</summary>
    public void Start(byte[] hostNonce, byte[] helloPayload)
    {
        if (_key == null) return;
        _hostNonce = hostNonce;
        DeviceNonce = helloPayload[..Wire.NonceLength];
        Mac = new HmacSha256(_key);
        _requests = 0;
        _lastReply = 0;
    }

    /// <summary>The session is over (a new HELLO follows): nothing is signed or accepted under its nonces any more.</summary>
    public void End() => Mac = null;

    /// <summary>The counter of the next authenticated request (0 without a session).</summary>
    public uint NextCounter()
    {
        if (Mac == null) return 0;
        if (_requests == uint.MaxValue)
            throw new DeviceException(QrngCli.AuthFailed, "the session's request counter is used up (2^32 - 1 requests): start a new session");
        return ++_requests;
    }

    /// <summary>How the frame in <paramref name="reader"/> checks out against this session's key and host nonce.</summary>
    public AuthCheck Check(FrameReader reader)
    {
        if (Mac == null) return AuthCheck.NotChecked;
        if (!reader.Authenticated) return AuthCheck.Missing;
        var expected = new byte[Wire.MacLength];
        FrameWriter.Sign(Mac, _hostNonce, reader.Buffer, reader.MacOffset, expected, 0);
        if (!HmacSha256.Equal(expected, 0, reader.Buffer, reader.MacOffset, Wire.MacLength)) return AuthCheck.Bad;
        if (reader.Counter <= _lastReply) return AuthCheck.Replayed;
        _lastReply = reader.Counter;
        return AuthCheck.Good;
    }

    /// <summary>With a key, every frame of a reply must carry a good HMAC; an ERROR that says our request was damaged is let through (it is asked again).</summary>
    public void Require(ReplyFrame f, string name)
    {
        if (Mac == null || f.Auth == AuthCheck.Good) return;
        if (f.Type == Wire.Error && (f.ErrorCode is Wire.ErrAuthRequired or Wire.ErrBadAuth))
            throw new DeviceException(QrngCli.AuthFailed, $"{name} refused the key: {f.Text}");
        if (f.Type == Wire.Error && (f.ErrorCode is Wire.ErrReplayed or Wire.ErrNoSession))
            throw new DeviceException(QrngCli.AuthFailed, $"{name} refused the authenticated request: {f.Text}");
        if (f.Type == Wire.Error && DeviceSession.DamagedRequest(f.ErrorCode)) return;
        throw new DeviceException(QrngCli.AuthFailed, $"{name}: a reply (type 0x{f.Type:X2}, request {f.Seq}) {(f.Auth switch { AuthCheck.Missing => "is not authenticated", AuthCheck.Replayed => "repeats an earlier reply's counter (a replayed frame)", _ => "has an HMAC that does not verify" })}: not the device this key belongs to, or someone on the line");
    }
}
