using Microsoft.AspNetCore.HttpOverrides;
using Tessera.Server.Hosting;

namespace Tessera.Server.Auth;

/// <summary>
/// Behind the reverse proxies named in <c>proxy:known_proxies</c>, takes the client's address and scheme from
/// their <c>X-Forwarded-For</c>/<c>-Proto</c> (one hop), so audit entries and the anonymous rate budget see the
/// client; from any other peer those headers are ignored. Runs before everything else in the pipeline. The
/// middleware leaves <c>X-Original-For</c> behind, so a loopback-only token is still refused through the proxy.
/// </summary>
internal sealed class TrustedProxies(TesseraSettings settings) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        if (settings.KnownProxies.Count > 0) app.UseForwardedHeaders(Options(settings));
        next(app);
    };

    private static ForwardedHeadersOptions Options(TesseraSettings settings)
    {
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto, ForwardLimit = 1 };
        // Only the named proxies: the defaults would also trust anything on loopback.
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        foreach (var proxy in settings.KnownProxies) options.KnownProxies.Add(proxy);
        return options;
    }
}
