using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using Tessera.Core.Hashing;

namespace Tessera.Core.Security;

/// <summary>
/// API tokens: <c>tsr_</c> followed by 256 random bits in base64url. Only their SHA-256 is stored; the
/// plaintext is shown once, when the token is issued.
/// </summary>
public static class ApiTokenFormat
{
    public const string Prefix = "tsr_";

    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>Length of a well-formed token: the prefix plus 43 base64url characters.</summary>
    public const int Length = 4 + 43;

    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Sha256Hex.Of(token);

    /// <summary>Whether <paramref name="token"/> has the shape of a Tessera token (not whether it is valid).</summary>
    public static bool IsWellFormed(string token) =>
        token.Length == Length &&
        token.StartsWith(Prefix, StringComparison.Ordinal) &&
        token.AsSpan(Prefix.Length).IndexOfAnyExcept(Base64UrlAlphabet) < 0;

    /// <summary>A recognisable but useless fragment for listings: <c>tsr_AbCd…wXyZ</c>.</summary>
    public static string DisplayHint(string token) => $"{token[..8]}…{token[^4..]}";

    /// <summary>Compares two hex digests in constant time, so timing reveals nothing about a stored hash.</summary>
    public static bool HashesEqual(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(a), System.Text.Encoding.ASCII.GetBytes(b));
}
