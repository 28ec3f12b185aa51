using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Tessera.Cards;

/// <summary>The settings under <c>cards:</c>, bound and validated when the process starts.</summary>
internal sealed class CardsSettings
{
    /// <summary>
    /// Sent with every request. Scryfall asks API clients for a User-Agent that names the application and an
    /// Accept header; a descriptive one also lets an image host's operator reach whoever runs the downloader.
    /// </summary>
    [ConfigurationKeyName("user_agent")]
    [Required(AllowEmptyStrings = false, ErrorMessage = "cards:user_agent must not be empty.")]
    public string UserAgent { get; set; } = "Tessera-Cards/1.0 (self-hosted card image cache; +https://github.com/tessera-platform/tessera)";

    /// <summary>Cards stored per transaction while importing a catalog.</summary>
    [ConfigurationKeyName("import_batch")]
    [Range(1, 10_000, ErrorMessage = "cards:import_batch must be from 1 to 10000.")]
    public int ImportBatch { get; set; } = 500;

    /// <summary>Requests per second to any one host; Scryfall asks for at most 10.</summary>
    [ConfigurationKeyName("requests_per_second")]
    [Range(0.1, 1000.0, ErrorMessage = "cards:requests_per_second must be from 0.1 to 1000.")]
    public double RequestsPerSecond { get; set; } = 10;

    [ConfigurationKeyName("connect_timeout_seconds")]
    [Range(1, 600, ErrorMessage = "cards:connect_timeout_seconds must be from 1 to 600.")]
    public int ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>How long the response headers, and then each read of the body, may take before the attempt counts as timed out.</summary>
    [ConfigurationKeyName("read_timeout_seconds")]
    [Range(1, 600, ErrorMessage = "cards:read_timeout_seconds must be from 1 to 600.")]
    public int ReadTimeoutSeconds { get; set; } = 30;

    /// <summary>Attempts per image before a retryable failure (429, 5xx, timeout, broken connection) is given up.</summary>
    [ConfigurationKeyName("max_attempts")]
    [Range(1, 20, ErrorMessage = "cards:max_attempts must be from 1 to 20.")]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The first retry's delay; doubled per attempt, with jitter.</summary>
    [ConfigurationKeyName("backoff_base_ms")]
    [Range(1, 60_000, ErrorMessage = "cards:backoff_base_ms must be from 1 to 60000.")]
    public int BackoffBaseMs { get; set; } = 500;

    /// <summary>The longest wait between attempts, a server's Retry-After included; a server that asks for longer makes the image fail.</summary>
    [ConfigurationKeyName("max_backoff_seconds")]
    [Range(1, 3600, ErrorMessage = "cards:max_backoff_seconds must be from 1 to 3600.")]
    public int MaxBackoffSeconds { get; set; } = 120;

    /// <summary>
    /// Hosts a catalog import started over the API may fetch from (comma-separated). The server fetches what a member
    /// names, so anything else (loopback, the cloud's metadata address, the intranet) is refused. The CLI, run by
    /// whoever runs the server, imports from any file or URL.
    /// </summary>
    [ConfigurationKeyName("import_hosts")]
    [Required(AllowEmptyStrings = false, ErrorMessage = "cards:import_hosts must name at least one host.")]
    public string ImportHosts { get; set; } = "data.scryfall.io,api.scryfall.com";

    /// <summary>An image narrower or shorter than this (pixels) is excluded by validation as too small to recognize a card in.</summary>
    [ConfigurationKeyName("min_image_side")]
    [Range(1, 10_000, ErrorMessage = "cards:min_image_side must be from 1 to 10000.")]
    public int MinImageSide { get; set; } = 64;

    /// <summary>Whether the API may import from <paramref name="source"/>: an http(s) URL on one of <see cref="ImportHosts"/>.</summary>
    public bool AllowsImportFrom(string source) =>
        Uri.TryCreate(source, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) &&
        ImportHosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Contains(url.IdnHost, StringComparer.OrdinalIgnoreCase);
}
