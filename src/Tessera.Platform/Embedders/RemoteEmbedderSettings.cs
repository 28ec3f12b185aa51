using System.Globalization;
using Microsoft.Extensions.Configuration;
using Tessera.Core.Errors;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Remote;

namespace Tessera.Platform.Embedders;

/// <summary>
/// OpenAI-compatible endpoints registered as embedders, one per section <c>embedders:remote:&lt;name&gt;</c>:
/// <c>url</c> (API base, e.g. <c>http://gpu-box:8080/v1</c>), <c>model</c> and <c>dimension</c> are required;
/// <c>api_key</c>, <c>batch_size</c>, <c>timeout_seconds</c> (per attempt), <c>max_retries</c> and
/// <c>break_seconds</c> (how long repeated failures pause calls) are optional.
/// </summary>
public static class RemoteEmbedderSettings
{
    public const string Section = "embedders:remote";

    public static IReadOnlyList<NamedEmbedder> From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return [.. configuration.GetSection(Section).GetChildren().Select(Read).Select(options =>
            new NamedEmbedder(options.Name, time => new RemoteEmbedder(options, time)) { Modality = EmbeddingModality.Text, Origin = EmbedderOrigin.Remote })];
    }

    private static RemoteEmbedderOptions Read(IConfigurationSection section)
    {
        var name = section.Key;
        var url = Required(section, "url");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
            throw Invalid(section, "url", url, "an absolute http or https URL");
        var defaults = new RemoteEmbedderOptions(name, endpoint, "", 1);
        return new RemoteEmbedderOptions(name, endpoint, Required(section, "model"), Number(section, "dimension", null, 1))
        {
            ApiKey = section["api_key"],
            BatchSize = Number(section, "batch_size", defaults.BatchSize, 1),
            AttemptTimeout = TimeSpan.FromSeconds(Number(section, "timeout_seconds", (int)defaults.AttemptTimeout.TotalSeconds, 1)),
            MaxRetries = Number(section, "max_retries", defaults.MaxRetries, 0),
            BreakDuration = TimeSpan.FromSeconds(Number(section, "break_seconds", (int)defaults.BreakDuration.TotalSeconds, 1)),
        };
    }

    private static string Required(IConfigurationSection section, string key) =>
        section[key] is { Length: > 0 } value ? value : throw TesseraException.Validation($"Setting '{section.Path}:{key}' is required.");

    private static int Number(IConfigurationSection section, string key, int? fallback, int minimum)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text)) return fallback ?? throw TesseraException.Validation($"Setting '{section.Path}:{key}' is required.");
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < minimum)
            throw Invalid(section, key, text, $"a whole number of at least {minimum}");
        return value;
    }

    private static TesseraException Invalid(IConfigurationSection section, string key, string text, string expected) =>
        TesseraException.Validation($"Setting '{section.Path}:{key}' is '{text}', but must be {expected}.");
}
