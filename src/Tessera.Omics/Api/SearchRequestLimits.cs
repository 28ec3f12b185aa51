using Tessera.Core.Errors;
using Tessera.Omics.Parsing;
using Tessera.Omics.Search;
using Tessera.Omics.Chemistry;

namespace Tessera.Omics.Api;

/// <summary>Bounds a search request before any work: how many runs it may name, and how long its query sequence may be.</summary>
internal static class SearchRequestLimits
{
    /// <summary>More run ids than this would turn into an SQL list too long for SQLite's parameter limit.</summary>
    public const int MaxRunIds = 1000;

    public const string RunIdsLimit = "run_ids";

    public static void Check(OmicsSearchService.Request request, ParseLimits limits)
    {
        if (request.RunIds is { Count: > MaxRunIds } runIds)
            throw Exceeded(RunIdsLimit, MaxRunIds, $"The search names {runIds.Count} runs");
        // The same bound as an uploaded record's: an embedder's cost grows with the length (quadratically for ESM-2).
        if (request.Sequence is { } sequence && PeptideResidues.Clean(sequence).Length is var length && length > limits.MaxSequenceLength)
            throw Exceeded(ParseLimits.MaxSequenceLengthSetting, limits.MaxSequenceLength, $"The query sequence has {length} residues");
    }

    private static TesseraException Exceeded(string limit, int value, string what)
    {
        var error = new TesseraException(OmicsLimits.LimitExceededCode, 400, $"{what}: the limit is {value} ({limit}).");
        error.Extensions["limit"] = limit;
        error.Extensions["limit_value"] = value;
        return error;
    }
}
