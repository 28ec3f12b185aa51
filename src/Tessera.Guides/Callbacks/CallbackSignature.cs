using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Tessera.Core.Errors;

namespace Tessera.Guides.Callbacks;

/// <summary>
/// Standard Webhooks signatures on worker callbacks: <c>webhook-signature</c> holds space-separated <c>v1,&lt;base64&gt;</c>
/// HMAC-SHA256 signatures of <c>{webhook-id}.{webhook-timestamp}.{body}</c> under a <c>whsec_</c> secret. A request
/// passes when any signature matches any configured secret (compared in constant time) and its timestamp lies within
/// the tolerance of the server's clock, so an old signed request cannot be replayed. Each refusal names its check.
/// </summary>
internal static class CallbackSignature
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    private const string SecretPrefix = "whsec_";

    /// <summary>The secrets of a <c>guides:callback_secrets</c> value; a malformed one is an error naming it (by position, never its value).</summary>
    public static IReadOnlyList<byte[]> ParseSecrets(string? configured)
    {
        var secrets = new List<byte[]>();
        var parts = (configured ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var text = parts[i].StartsWith(SecretPrefix, StringComparison.Ordinal) ? parts[i][SecretPrefix.Length..] : parts[i];
            try
            {
                var key = Convert.FromBase64String(text);
                if (key.Length < 16) throw new FormatException("shorter than 16 bytes");
                secrets.Add(key);
            }
            catch (FormatException e)
            {
                throw new InvalidOperationException($"guides:callback_secrets: secret {i + 1} is not whsec_ followed by base64 of at least 16 bytes ({e.Message}).", e);
            }
        }
        return secrets;
    }

    /// <summary>The <c>v1,…</c> signature of a callback, as a worker sends it.</summary>
    public static string Sign(byte[] secret, string id, long timestamp, ReadOnlySpan<byte> body) =>
        "v1," + Convert.ToBase64String(Mac(secret, id, timestamp.ToString(CultureInfo.InvariantCulture), body));

    /// <summary>Throws a 401 <c>CALLBACK_UNAUTHORIZED</c> naming the failed check unless the request is signed with a configured secret, in time.</summary>
    public static void Verify(IReadOnlyList<byte[]> secrets, string? id, string? timestamp, string? signatures, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (secrets.Count == 0) throw Refused("no_secret", "This server has no callback secret (guides:callback_secrets), so it accepts no signed callback.");
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatures))
            throw Refused("missing_headers", $"A callback needs the {IdHeader}, {TimestampHeader} and {SignatureHeader} headers.");
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            throw Refused("bad_timestamp", $"{TimestampHeader} must be whole seconds since 1970-01-01 UTC.");
        var sent = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253_402_300_799));
        if ((now - sent).Duration() > tolerance)
            throw Refused("stale_timestamp", $"The callback's timestamp lies more than {tolerance.TotalSeconds:0} s from the server's clock; sign each request when it is sent.");
        foreach (var signature in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!signature.StartsWith("v1,", StringComparison.Ordinal)) continue;
            byte[] given;
            try
            {
                given = Convert.FromBase64String(signature[3..]);
            }
            catch (FormatException)
            {
                continue;
            }
            foreach (var secret in secrets)
                if (CryptographicOperations.FixedTimeEquals(given, Mac(secret, id, timestamp, body))) return;
        }
        throw Refused("bad_signature", "No signature of the callback matches a configured secret.");
    }

    // Over the timestamp header as sent, as Standard Webhooks signs it.
    private static byte[] Mac(byte[] secret, string id, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return HMACSHA256.HashData(secret, content);
    }

    private static TesseraException Refused(string check, string message) =>
        new(GuidesErrorCodes.CallbackUnauthorized, 401, message) { Extensions = { ["check"] = check } };
}
