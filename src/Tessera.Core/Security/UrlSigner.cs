using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tessera.Core.Security;

/// <summary>
/// Signs and verifies expiring URLs: HMAC-SHA256 over method, path, owner and expiry (Unix seconds) with a server
/// secret. The owner names whom the URL was issued for (an organization), so a URL for one owner's resource never
/// passes for another's. Only the canonical spelling of the expiry verifies (no leading zeros or signs), and
/// verification compares in constant time, so timing reveals nothing about a valid signature.
/// </summary>
public sealed class UrlSigner
{
    public const string OwnerParameter = "owner";
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

    /// <summary>Returns <paramref name="path"/> with <c>owner</c>, <c>expires</c> and <c>signature</c> query parameters appended.</summary>
    public string Sign(string method, string path, string owner, TimeSpan lifetime) => Sign(method, path, owner, _time.GetUtcNow().Add(lifetime));

    /// <summary>As <see cref="Sign(string, string, string, TimeSpan)"/>, valid until <paramref name="expiresAt"/> (whole seconds; the fraction is dropped).</summary>
    public string Sign(string method, string path, string owner, DateTimeOffset expiresAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var expires = expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Compute(method, path, owner, expires);
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return $"{path}{separator}{OwnerParameter}={Uri.EscapeDataString(owner)}&{ExpiresParameter}={expires}&{SignatureParameter}={signature}";
    }

    public SignatureCheck Verify(string method, string path, string? owner, string? expires, string? signature)
    {
        if (string.IsNullOrEmpty(owner) || string.IsNullOrEmpty(expires) || string.IsNullOrEmpty(signature)) return SignatureCheck.Missing;
        // The signature covers the canonical text: "0<n>" would otherwise verify as <n> under the original signature.
        if (!long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt) ||
            expires != expiresAt.ToString(CultureInfo.InvariantCulture))
            return SignatureCheck.Invalid;
        var expected = Encoding.ASCII.GetBytes(Compute(method, path, owner, expires));
        var actual = Encoding.ASCII.GetBytes(signature);
        if (!CryptographicOperations.FixedTimeEquals(expected, actual)) return SignatureCheck.Invalid;
        return _time.GetUtcNow().ToUnixTimeSeconds() > expiresAt ? SignatureCheck.Expired : SignatureCheck.Valid;
    }

    // The owner is escaped so it holds no line break: no (path, owner) pair can pass for another.
    private string Compute(string method, string path, string owner, string expires)
    {
        var message = Encoding.UTF8.GetBytes($"{method.ToUpperInvariant()}\n{path}\n{Uri.EscapeDataString(owner)}\n{expires}");
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
