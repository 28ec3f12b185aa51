using System.Collections.Concurrent;

namespace Tessera.Data.Identity.Providers;

/// <summary>
/// The providers configured for an issuer, as every bearer token from it needs them: cached for
/// <see cref="Lifetime"/> (another node's change shows within it) and dropped at once when this process changes one.
/// </summary>
public sealed class IdentityProviderDirectory(TesseraDatabase database, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (DateTimeOffset At, IReadOnlyList<IdentityProviderRecord> Providers)> byIssuer = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<IdentityProviderRecord>> FindByIssuerAsync(string issuer, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (byIssuer.TryGetValue(issuer, out var cached) && now - cached.At < Lifetime) return cached.Providers;
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await IdentityProviderRepository.ListByIssuerAsync(connection, issuer, cancellationToken).ConfigureAwait(false);
        var providers = rows.Select(IdentityProviderInputs.ToRecord).ToList();
        // Unknown issuers are not cached: anyone can present any issuer, and each would take a slot.
        if (providers.Count > 0) byIssuer[issuer] = (now, providers);
        else byIssuer.TryRemove(issuer, out _);
        return providers;
    }

    public void Forget(string issuer) => byIssuer.TryRemove(issuer, out _);
}
