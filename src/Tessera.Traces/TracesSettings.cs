using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Tessera.Inference.Embeddings;

namespace Tessera.Traces;

/// <summary>The settings under <c>traces:</c>, bound and validated when the process starts.</summary>
internal sealed class TracesSettings
{
    /// <summary>
    /// Folders (besides the data dir's <c>traces/inbox</c>) under which a source may watch, separated by
    /// <c>;</c> or given as a list. A tenant can only point a source inside these, never at <c>/etc</c>.
    /// </summary>
    [ConfigurationKeyName("allowed_roots")]
    public string[] AllowedRoots { get; set; } = [];

    /// <summary>The embedder of a source that names none.</summary>
    [ConfigurationKeyName("default_embedder")]
    public string DefaultEmbedder { get; set; } = PretrainedEmbedders.MiniLm;

    /// <summary>Records embedded and stored per batch (one transaction, one listener call).</summary>
    [ConfigurationKeyName("batch_records")]
    [Range(1, 100_000, ErrorMessage = "traces:batch_records must be from 1 to 100000.")]
    public int BatchRecords { get; set; } = 256;

    /// <summary>Texts per embedder call inside a batch.</summary>
    [ConfigurationKeyName("embed_chunk")]
    [Range(1, 2048, ErrorMessage = "traces:embed_chunk must be from 1 to 2048.")]
    public int EmbedChunk { get; set; } = 64;

    /// <summary>Whether the server runs the watcher (each enabled source on its poll interval and on file events).</summary>
    [ConfigurationKeyName("watch")]
    public bool Watch { get; set; } = true;

    /// <summary>Refit the map on all vectors once the organization's vector count reaches this multiple of the count the current version was fitted on.</summary>
    [ConfigurationKeyName("map_refit_growth")]
    [Range(1.01, 1000.0, ErrorMessage = "traces:map_refit_growth must be from 1.01 to 1000.")]
    public double MapRefitGrowth { get; set; } = 2.0;
}
