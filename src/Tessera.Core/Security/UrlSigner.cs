using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tessera.Core.Security;

/// <summary>
/// Signs and verifies expiring URLs: HMAC-SHA256 over method, path and expiry (Unix seconds) with a server secret.
/// Verification compares in constant time, so timing reveals nothing about a valid signature.
/// </summary>
public sealed class UrlSigner
{
    public const string ExpiresParameter = "expires";
    public const string SignatureParameter = "signature";

    private readonly byte[] _key;
    private readonly TimeProvider _time;

    public UrlSigner(byte[] key, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32) throw new ArgumentException("The signing key must be at least 256 bits.", nameof(key));
        _key = key.ToArray();
        _time = time;
    }

    /// <summary>Returns <paramref name="path"/> with <c>expires</c> and <c>signature</c> query parameters appended.</summary>
    public string Sign(string method, string path, TimeSpan lifetime)
    {
        var expires = _time.GetUtcNow().Add(lifetime).ToUnixTimeSeconds();
        var signature = Compute(method, path, expires);
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return $"{path}{separator}{ExpiresParameter}={expires.ToString(CultureInfo.InvariantCulture)}&{SignatureParameter}={signature}";
    }

    public SignatureCheck Verify(string method, string path, string? expires, string? signature)
    {
        if (string.IsNullOrEmpty(expires) || string.IsNullOrEmpty(signature)) return SignatureCheck.Missing;
        if (!long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt)) return SignatureCheck.Invalid;
        var expected = Encoding.ASCII.GetBytes(Compute(method, path, expiresAt));
        var actual = Encoding.ASCII.GetBytes(signature);
        if (!CryptographicOperations.FixedTimeEquals(expected, actual)) return SignatureCheck.Invalid;
        return _time.GetUtcNow().ToUnixTimeSeconds() > expiresAt ? SignatureCheck.Expired : SignatureCheck.Valid;
    }

    private string Compute(string method, string path, long expires)
    {
        var message = Encoding.UTF8.GetBytes($"{method.ToUpperInvariant()}\n{path}\n{expires.ToString(CultureInfo.InvariantCulture)}");
        return Base64Url.EncodeToString(HMACSHA256.HashData(_key, message));
    }
}

public enum SignatureCheck
{
    Valid,
    Missing,
    Invalid,
    Expired,
}
