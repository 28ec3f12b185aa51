using Tessera.Core.Security;
using Tessera.Data;

namespace Tessera.Server.Hosting;

/// <summary>
/// Loads the URL-signing key once. The key lives in the database, so every API node of a deployment
/// verifies the signatures any other node made.
/// </summary>
internal sealed class UrlSignerProvider(InstanceSettings instanceSettings, TimeProvider time)
{
    public const string KeyName = "url_signing_key";

    private readonly Lazy<Task<UrlSigner>> _signer = new(async () =>
        new UrlSigner(await instanceSettings.GetOrCreateSecretAsync(KeyName).ConfigureAwait(false), time));

    public Task<UrlSigner> GetAsync() => _signer.Value;
}
