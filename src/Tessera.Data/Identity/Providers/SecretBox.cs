using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Tessera.Core.Errors;

namespace Tessera.Data.Identity.Providers;

/// <summary>
/// Seals secrets stored in the database (identity providers' client secrets) with AES-256-GCM under a key that is never
/// in the database: the setting <c>auth:secrets_key</c> (base64, 32 bytes; give every node of a deployment the same one) or
/// else <c>keys/secrets.key</c> under the data dir, created on first use, readable by its owner only. A copy of the
/// database alone reveals no secret. Sealed text is <c>v1:</c> + base64url(nonce | ciphertext | tag).
/// </summary>
public sealed class SecretBox
{
    private const string Version = "v1:";
    private const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly byte[] key;

    public SecretBox(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != KeyBytes) throw TesseraException.Validation($"The secrets key must be {KeyBytes} bytes.");
        this.key = key;
    }

    /// <summary>The configured key (base64) or the data dir's key file, created when missing.</summary>
    public static SecretBox FromSettings(string? configuredKey, string dataDir)
    {
        if (configuredKey is { Length: > 0 })
        {
            return new SecretBox(Convert.TryFromBase64String(configuredKey, new byte[KeyBytes], out var n) && n == KeyBytes
                ? Convert.FromBase64String(configuredKey)
                : throw TesseraException.Validation($"Setting 'auth:secrets_key' must be {KeyBytes} bytes in base64."));
        }
        return new SecretBox(LoadOrCreateKeyFile(Path.Combine(dataDir, "keys", "secrets.key")));
    }

    public string Seal(string plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var data = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceBytes + data.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, data, sealedBytes.AsSpan(NonceBytes, data.Length), sealedBytes.AsSpan(NonceBytes + data.Length));
        return Version + Base64Url.EncodeToString(sealedBytes);
    }

    /// <summary>The plaintext; a text sealed under another key (a lost or replaced key file) fails loudly.</summary>
    public string Open(string sealedText)
    {
        ArgumentNullException.ThrowIfNull(sealedText);
        if (!sealedText.StartsWith(Version, StringComparison.Ordinal)) throw new TesseraException("A stored secret is not in a known sealed format.");
        var sealedBytes = Base64Url.DecodeFromChars(sealedText.AsSpan(Version.Length));
        var length = sealedBytes.Length - NonceBytes - TagBytes;
        var data = new byte[length];
        using var aes = new AesGcm(key, TagBytes);
        try
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, length), sealedBytes.AsSpan(NonceBytes + length), data);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new TesseraException("A stored secret cannot be opened with this secrets key (was the key file replaced?).", e);
        }
        return Encoding.UTF8.GetString(data);
    }

    private static byte[] LoadOrCreateKeyFile(string path)
    {
        if (File.Exists(path)) return File.ReadAllBytes(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Written aside and moved into place, so a concurrent process never reads a half-written key.
        var staging = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(staging, options)) file.Write(RandomNumberGenerator.GetBytes(KeyBytes));
        try
        {
            File.Move(staging, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(staging); // another process created it first: use theirs
        }
        return File.ReadAllBytes(path);
    }
}
