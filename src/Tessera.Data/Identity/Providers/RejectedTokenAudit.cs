using System.Collections.Concurrent;

namespace Tessera.Data.Identity.Providers;

/// <summary>
/// Audits refused identity-provider tokens by reason (<c>auth.token_rejected</c>, with the organization when the issuer
/// names one). Anyone can present a token, so each (provider, reason) is written at most once per <see cref="Interval"/>,
/// with how many were refused since: a flood of bad tokens cannot become a flood of writes.
/// </summary>
public sealed class RejectedTokenAudit(TesseraDatabase database, TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(Guid? Provider, TokenFailure Failure), Window> windows = new();

    private sealed class Window
    {
        public DateTimeOffset WrittenAt { get; set; } = DateTimeOffset.MinValue;
        public int Unwritten { get; set; }
    }

    public async Task RecordAsync(IdentityProviderRecord? provider, TokenFailure failure, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var now = time.GetUtcNow();
        var window = windows.GetOrAdd((provider?.Id, failure), _ => new Window());
        int count;
        lock (window)
        {
            window.Unwritten++;
            if (now - window.WrittenAt < Interval) return;
            count = window.Unwritten;
            window.WrittenAt = now;
            window.Unwritten = 0;
        }
        var detail = $"{failure.Code()}: {count} refused" + (provider is null ? "" : $" (provider {provider.Name}, issuer {provider.Issuer})");
        await database.InTransactionAsync((c, t) => AuditLog.RecordAsync(
            c, t, actor with { OrgId = provider?.OrgId }, now, "auth.token_rejected", "identity_provider", provider?.Id.ToString(), detail, cancellationToken), cancellationToken).ConfigureAwait(false);
    }
}
