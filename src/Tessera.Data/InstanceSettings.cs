using System.Security.Cryptography;
using Dapper;

namespace Tessera.Data;

/// <summary>Deployment-wide settings kept in the database, so every API and worker process sees the same values.</summary>
public sealed class InstanceSettings(TesseraDatabase database, TimeProvider time)
{
    /// <summary>
    /// Returns the stored secret named <paramref name="key"/>, creating a random 256-bit one on first use.
    /// Racing processes all end up with the first one written.
    /// </summary>
    public async Task<byte[]> GetOrCreateSecretAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var candidate = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO instance_settings (key, value, created_at) VALUES (@key, @candidate, @now) ON CONFLICT (key) DO NOTHING",
            new { key, candidate, now = time.GetUtcNow() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var stored = await connection.QuerySingleAsync<string>(new CommandDefinition(
            "SELECT value FROM instance_settings WHERE key = @key", new { key }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Convert.FromBase64String(stored);
    }
}
