namespace Tessera.Omics.Parsing;

/// <summary>Limits on one uploaded file; each has a setting name that error messages cite.</summary>
internal sealed record ParseLimits
{
    public const string MaxRecordsSetting = "omics:max_records";
    public const string MaxSequenceLengthSetting = "omics:max_sequence_length";
    public const string MaxLineLengthSetting = "omics:max_line_length";

    public int MaxRecords { get; init; } = 100_000;
    public int MaxSequenceLength { get; init; } = 5_000;
    public int MaxLineLength { get; init; } = 1 << 20;

    /// <summary>How many record errors a run's report keeps (the rest are only counted).</summary>
    public int MaxReportedErrors { get; init; } = 100;
}
