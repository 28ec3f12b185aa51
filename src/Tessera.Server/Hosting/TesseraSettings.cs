using System.Globalization;
using System.Net;
using Tessera.Core.Errors;
using Tessera.Data;

namespace Tessera.Server.Hosting;

/// <summary>The settings every Tessera process reads, resolved from the layered configuration (see <see cref="TesseraConfiguration"/>).</summary>
public sealed record TesseraSettings
{
    public const string DataDirKey = "data_dir";
    public const string DatabaseKey = "database";
    public const string HostKey = "host";
    public const string PortKey = "port";
    public const string WorkersKey = "workers";
    public const string MigrateOnStartKey = "migrate_on_start";
    public const string LogFormatKey = "log_format";
    public const string MaxRequestBytesKey = "limits:max_request_bytes";
    public const string MaxBlobBytesKey = "blobs:max_bytes";
    public const string BlobRootKey = "blobs:root";
    public const string RequestsPerMinuteKey = "limits:requests_per_minute";
    public const string KnownProxiesKey = "proxy:known_proxies";
    public const string MinWorkerThreadsKey = "limits:min_worker_threads";
    public const string SecretsKeyKey = "auth:secrets_key";
    public const string ClockSkewKey = "auth:clock_skew_seconds";
    public const string AllowPrivateNetworkProvidersKey = "auth:allow_private_network_providers";

    public required string DataDir { get; init; }
    public required DatabaseTarget Database { get; init; }
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 8080;
    public int Workers { get; init; } = 2;
    public bool MigrateOnStart { get; init; } = true;
    public string LogFormat { get; init; } = "simple";
    public long MaxRequestBytes { get; init; } = 64L << 20;
    public long MaxBlobBytes { get; init; } = 1L << 30;

    /// <summary>Where blobs live when not under the data dir: a folder the API nodes of a deployment share.</summary>
    public string? BlobRoot { get; init; }
    public int RequestsPerMinute { get; init; } = 1200;

    /// <summary>Thread-pool threads started without delay when requests need them (see <see cref="ThreadPoolFloor"/>).</summary>
    public int MinWorkerThreads { get; init; } = ThreadPoolFloor.DefaultMinWorkerThreads;

    /// <summary>Reverse proxies whose <c>X-Forwarded-For</c>/<c>-Proto</c> are believed; empty: forwarding headers are ignored.</summary>
    public IReadOnlyList<IPAddress> KnownProxies { get; init; } = [];

    /// <summary>The key sealing stored secrets (base64, 32 bytes); unset: a key file in the data dir (see SecretBox).</summary>
    public string? SecretsKey { get; init; }

    /// <summary>How far an identity provider's clock may be from ours when its tokens' expiry is checked.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether identity providers may be reached on loopback and private networks (see ProviderNetwork); off, only public addresses are.</summary>
    public bool AllowPrivateNetworkProviders { get; init; }

    public static TesseraSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var dataDir = Path.GetFullPath(configuration[DataDirKey] is { Length: > 0 } d ? d : TesseraConfiguration.DefaultDataDir);
        return new TesseraSettings
        {
            DataDir = dataDir,
            Database = DatabaseTarget.Parse(configuration[DatabaseKey], dataDir),
            Host = configuration[HostKey] is { Length: > 0 } host ? host : "127.0.0.1",
            Port = Int(configuration, PortKey, 8080, 0, 65535),
            Workers = Int(configuration, WorkersKey, 2, 0, 256),
            MigrateOnStart = Bool(configuration, MigrateOnStartKey, true),
            LogFormat = configuration[LogFormatKey] is { Length: > 0 } f ? f : "simple",
            MaxRequestBytes = Long(configuration, MaxRequestBytesKey, 64L << 20),
            MaxBlobBytes = Long(configuration, MaxBlobBytesKey, 1L << 30),
            BlobRoot = configuration[BlobRootKey] is { Length: > 0 } blobs ? Path.GetFullPath(blobs) : null,
            RequestsPerMinute = Int(configuration, RequestsPerMinuteKey, 1200, 1, 1_000_000),
            KnownProxies = Addresses(configuration, KnownProxiesKey),
            MinWorkerThreads = Int(configuration, MinWorkerThreadsKey, ThreadPoolFloor.DefaultMinWorkerThreads, 1, 4096),
            SecretsKey = configuration[SecretsKeyKey] is { Length: > 0 } key ? key : null,
            ClockSkew = TimeSpan.FromSeconds(Int(configuration, ClockSkewKey, 60, 0, 600)),
            AllowPrivateNetworkProviders = Bool(configuration, AllowPrivateNetworkProvidersKey, false),
        };
    }

    private static List<IPAddress> Addresses(IConfiguration configuration, string key)
    {
        var text = configuration[key] ?? "";
        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(a => IPAddress.TryParse(a, out var address) ? address : throw Invalid(key, text, "a comma-separated list of IP addresses"))
            .ToList();
    }

    private static int Int(IConfiguration configuration, string key, int fallback, int min, int max)
    {
        var value = Long(configuration, key, fallback);
        if (value < min || value > max) throw Invalid(key, configuration[key], $"an integer from {min} to {max}");
        return (int)value;
    }

    private static long Long(IConfiguration configuration, string key, long fallback)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < 0)
            throw Invalid(key, text, "a non-negative integer");
        return value;
    }

    private static bool Bool(IConfiguration configuration, string key, bool fallback)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        return bool.TryParse(text, out var value) ? value : throw Invalid(key, text, "true or false");
    }

    private static TesseraException Invalid(string key, string? value, string expected) =>
        TesseraException.Validation($"Setting '{key}' is '{value}', but must be {expected}.");
}
