using System.Net;
using Microsoft.AspNetCore.Http;

namespace Tessera.Web.Session;

/// <summary>
/// Headers that proxies, load balancers and CDNs add about the client they forward for. Any one of them means the
/// request did not come straight from this machine's user, whatever the socket's address says.
/// </summary>
public static class ProxyHeaders
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

    /// <summary>
    /// A request straight from this machine. Any proxy header means a proxy sits in between, so the real client
    /// may be anywhere: loopback-only (demo) tokens are refused then.
    /// </summary>
    public static bool IsDirectLoopback(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address) && !AnyIn(context.Request.Headers);
    }
}
