using System.Net;
using System.Net.Sockets;
using Tessera.Server.Hosting;

namespace Tessera.Server.Auth.External;

/// <summary>
/// Where Tessera connects on an identity provider's behalf. Issuers come from organization admins and endpoints from
/// the provider's own discovery document, so by default only public addresses are dialled: one that names or resolves
/// to a loopback, private, link-local or otherwise internal address fails like an unreachable provider, rather than
/// letting an admin make the server probe its own network. The check runs on the resolved addresses as each connection
/// opens, so a name that later resolves elsewhere is caught too.
/// <see cref="TesseraSettings.AllowPrivateNetworkProviders"/> lifts it, for a provider on the deployment's own network.
/// </summary>
internal static class ProviderNetwork
{
    /// <summary>
    /// The handler of every call to a provider. Redirects are not followed (a token endpoint's redirect would carry the
    /// code and PKCE verifier elsewhere); with the guard on, no proxy is used either, since a proxy would connect for us
    /// to whatever address the provider's name resolves to.
    /// </summary>
    public static SocketsHttpHandler Handler(bool allowPrivateNetworks) => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AllowAutoRedirect = false,
        UseProxy = allowPrivateNetworks,
        ConnectCallback = allowPrivateNetworks ? null : ConnectToPublicAddressAsync,
    };

    private static async ValueTask<Stream> ConnectToPublicAddressAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var reachable = Array.FindAll(addresses, IsPublic);
        if (reachable.Length == 0)
        {
            throw new HttpRequestException(
                $"{host} has no public address ({string.Join(", ", addresses.Select(a => a.ToString()))}); an identity provider on an " +
                $"internal network needs the setting {TesseraSettings.AllowPrivateNetworkProvidersKey}.");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(reachable, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="address"/> is on the public internet: not loopback, private, link-local, shared, multicast or reserved.</summary>
    internal static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var b = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return !(b[0] is 0 or 10 or 127 || b[0] >= 224
                || (b[0] == 100 && b[1] is >= 64 and < 128)    // shared address space (carrier NAT)
                || (b[0] == 169 && b[1] == 254)                // link-local, cloud metadata services
                || (b[0] == 172 && b[1] is >= 16 and < 32)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)
                || (b[0] == 198 && b[1] is 18 or 19)
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)
                || (b[0] == 203 && b[1] == 0 && b[2] == 113));
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal
            || address.IsIPv6Multicast || address.IsIPv6UniqueLocal)
            return false;
        // Addresses that carry an IPv4 address (NAT64 64:ff9b::/96, 6to4 2002::/16) are as public as the one they carry.
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            return IsPublic(new IPAddress(b.AsSpan(12, 4)));
        if (b[0] == 0x20 && b[1] == 0x02) return IsPublic(new IPAddress(b.AsSpan(2, 4)));
        // Local-use NAT64 (64:ff9b:1::/48), IETF protocol assignments with Teredo (2001::/23), documentation
        // (2001:db8::/32), discard-only (100::/64) and the deprecated IPv4-compatible ::/96.
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4] == 0x00 && b[5] == 0x01) return false;
        if (b[0] == 0x20 && b[1] == 0x01 && (b[2] < 0x02 || (b[2] == 0x0d && b[3] == 0xb8))) return false;
        if (b[0] == 0x01 && b[1] == 0x00 && b.AsSpan(2, 6).IndexOfAnyExcept((byte)0) < 0) return false;
        return b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) >= 0;
    }
}
