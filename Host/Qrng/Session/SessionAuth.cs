using System.Security.Cryptography;
using Qrng.Crypto;
using Qrng.Firmware.Protocol;

namespace Qrng.Cli;

/// <summary>
/// The host's side of authentication (docs/protocol.md): with a key, HELLO's nonces make the session; requests are
/// signed over the device's nonce, and every reply frame's HMAC over the host's nonce is checked.
/// </summary>
public sealed class SessionAuth
{
    private readonly byte[] _key;
    private byte[] _hostNonce = new byte[Wire.NonceLength];

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
    }

    /// <summary>How the frame in <paramref name="reader"/> checks out against this session's key and host nonce.</summary>
    public AuthCheck Check(FrameReader reader)
    {
        if (Mac == null) return AuthCheck.NotChecked;
        if (!reader.Authenticated) return AuthCheck.Missing;
        var expected = new byte[Wire.MacLength];
        FrameWriter.Sign(Mac, _hostNonce, reader.Buffer, reader.MacOffset, expected, 0);
        return HmacSha256.Equal(expected, 0, reader.Buffer, reader.MacOffset, Wire.MacLength) ? AuthCheck.Good : AuthCheck.Bad;
    }

    /// <summary>With a key, every frame of a reply must carry a good HMAC; an ERROR that says our request was damaged is let through (it is asked again).</summary>
    public void Require(ReplyFrame f, string name)
    {
        if (Mac == null || f.Auth == AuthCheck.Good) return;
        if (f.Type == Wire.Error && (f.ErrorCode is Wire.ErrAuthRequired or Wire.ErrBadAuth))
            throw new DeviceException(QrngCli.AuthFailed, $"{name} refused the key: {f.Text}");
        if (f.Type == Wire.Error && DeviceSession.DamagedRequest(f.ErrorCode)) return;
        throw new DeviceException(QrngCli.AuthFailed, $"{name}: a reply (type 0x{f.Type:X2}, request {f.Seq}) {(f.Auth == AuthCheck.Missing ? "is not authenticated" : "has an HMAC that does not verify")}: not the device this key belongs to, or someone on the line");
    }
}
