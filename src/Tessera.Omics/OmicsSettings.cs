using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Tessera.Omics.Parsing;

namespace Tessera.Omics;

/// <summary>The settings under <c>omics:</c>, bound and validated when the process starts.</summary>
internal sealed class OmicsSettings
{
    [ConfigurationKeyName("max_records")]
    [Range(1, 10_000_000, ErrorMessage = "omics:max_records must be from 1 to 10000000.")]
    public int MaxRecords { get; set; } = new ParseLimits().MaxRecords;

    [ConfigurationKeyName("max_sequence_length")]
    [Range(1, 1_000_000, ErrorMessage = "omics:max_sequence_length must be from 1 to 1000000.")]
    public int MaxSequenceLength { get; set; } = new ParseLimits().MaxSequenceLength;

    [ConfigurationKeyName("max_line_length")]
    [Range(256, 1 << 30, ErrorMessage = "omics:max_line_length must be from 256 to 1073741824.")]
    public int MaxLineLength { get; set; } = new ParseLimits().MaxLineLength;

    /// <summary>Uploads this server parses and stores at once; more are refused with 503 and Retry-After.</summary>
    [ConfigurationKeyName("max_concurrent_uploads")]
    [Range(1, 1024, ErrorMessage = "omics:max_concurrent_uploads must be from 1 to 1024.")]
    public int MaxConcurrentUploads { get; set; } = 4;

    /// <summary>Uploads one organization may have in progress on this server; more are refused with 429 and Retry-After.</summary>
    [ConfigurationKeyName("max_concurrent_uploads_per_org")]
    [Range(1, 1024, ErrorMessage = "omics:max_concurrent_uploads_per_org must be from 1 to 1024.")]
    public int MaxConcurrentUploadsPerOrg { get; set; } = 2;

    /// <summary>An ESM-2 checkpoint folder; when set, ESM-2 is the default embedder.</summary>
    [ConfigurationKeyName("esm_model")]
    public string? EsmModel { get; set; }

    public ParseLimits ParseLimits => new() { MaxRecords = MaxRecords, MaxSequenceLength = MaxSequenceLength, MaxLineLength = MaxLineLength };
}
