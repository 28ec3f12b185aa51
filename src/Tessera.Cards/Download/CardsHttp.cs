using System.Net;

namespace Tessera.Cards.Download;

/// <summary>
/// The HTTP clients Cards makes, one per import or download run: Scryfall's politeness (a descriptive User-Agent and
/// an Accept header on every request), the connect timeout on the handler, and no overall timeout: a multi-GB
/// catalog may take long, so the read timeout is applied per read instead (<see cref="ReadTimeoutStream"/>).
/// </summary>
internal static class CardsHttp
{
    public const string ImageAccept = "image/png,image/jpeg,image/*;q=0.9,*/*;q=0.5";
    public const string JsonAccept = "application/json;q=0.9,*/*;q=0.8";

    public static HttpClient Create(CardsSettings settings, string accept, int maxConnectionsPerServer)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(settings.ConnectTimeoutSeconds),
            MaxConnectionsPerServer = maxConnectionsPerServer,
            AutomaticDecompression = DecompressionMethods.All,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(settings.UserAgent);
        client.DefaultRequestHeaders.Accept.ParseAdd(accept);
        return client;
    }

    /// <summary>Whether <paramref name="source"/> names a URL Cards may fetch (http or https) rather than a file.</summary>
    public static bool IsUrl(string source, out Uri url) =>
        Uri.TryCreate(source, UriKind.Absolute, out url!) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);
}
