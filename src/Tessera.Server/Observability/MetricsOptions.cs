namespace Tessera.Server.Observability;

/// <summary>The <c>metrics:</c> settings.</summary>
internal sealed record MetricsOptions(string? Token)
{
    /// <summary>When set, <c>GET /metrics</c> answers only to <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    public const string TokenKey = "metrics:token";

    public static MetricsOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new MetricsOptions(string.IsNullOrWhiteSpace(configuration[TokenKey]) ? null : configuration[TokenKey]);
    }
}
