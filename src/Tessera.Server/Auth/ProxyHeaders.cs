namespace Tessera.Server.Auth;

/// <summary>
/// Headers that proxies, load balancers and CDNs add about the client they forward for. Any one of them means the
/// request did not come straight from this machine's user, whatever the socket's address says.
/// </summary>
internal static class ProxyHeaders
{
    private static readonly string[] Names =
    [
        "Forwarded", "Via", "X-Real-IP", "True-Client-IP", "X-Client-IP", "Client-IP", "X-Cluster-Client-IP",
        "CF-Connecting-IP", "Fastly-Client-IP", "Akamai-Origin-Hop", "X-ProxyUser-Ip", "X-Envoy-External-Address",
    ];

    // X-Forwarded-For/-Host/-Proto/-Port/-Prefix/…, and X-Original-For/-Host/-Proto (what ASP.NET's forwarded-headers
    // middleware leaves behind), X-Original-Forwarded-For (ingress-nginx).
    private static readonly string[] Prefixes = ["X-Forwarded-", "X-Original-"];

    public static bool AnyIn(IHeaderDictionary headers) =>
        headers.Keys.Any(name =>
            Names.Contains(name, StringComparer.OrdinalIgnoreCase) ||
            Prefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)));
}
