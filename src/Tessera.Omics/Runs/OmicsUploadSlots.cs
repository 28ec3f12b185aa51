using Tessera.Core.Concurrency;
using Tessera.Core.Errors;
using Tessera.Core.Identity;

namespace Tessera.Omics.Runs;

/// <summary>
/// Bounds the uploads in progress, per organization (429) and per server (503), so a burst of large files is refused
/// early instead of holding memory, disk and the database's write lock until requests time out.
/// </summary>
internal sealed class OmicsUploadSlots(OmicsSettings settings)
{
    public const string OrgBusyCode = "UPLOADS_ORG_BUSY";
    public const string ServerBusyCode = "UPLOADS_SERVER_BUSY";

    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(10);
    private static readonly object Server = new();

    private readonly KeyedSlots<object> _slots = new();

    /// <summary>A slot for one upload by <paramref name="owner"/>'s organization; dispose it when the upload ends.</summary>
    public IDisposable Enter(Principal owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var org = _slots.TryEnter(owner.OrgId, settings.MaxConcurrentUploadsPerOrg)
            ?? throw Busy(OrgBusyCode, 429,
                $"Your organization already has {settings.MaxConcurrentUploadsPerOrg} uploads in progress (setting omics:max_concurrent_uploads_per_org); retry when one has finished.");
        var server = _slots.TryEnter(Server, settings.MaxConcurrentUploads);
        if (server is null)
        {
            org.Dispose();
            throw Busy(ServerBusyCode, 503,
                $"The server is handling {settings.MaxConcurrentUploads} uploads already (setting omics:max_concurrent_uploads); retry shortly.");
        }
        return new Both(org, server);
    }

    private static TesseraException Busy(string code, int status, string message) => new(code, status, message) { RetryAfter = RetryAfter };

    private sealed class Both(IDisposable org, IDisposable server) : IDisposable
    {
        public void Dispose()
        {
            server.Dispose();
            org.Dispose();
        }
    }
}
