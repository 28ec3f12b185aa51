namespace Tessera.Inference.Text;

/// <summary>What a text embedder does with a text longer than its model's window.</summary>
public enum LongTextPolicy
{
    /// <summary>Keep the first tokens that fit; the rest is not seen.</summary>
    Truncate,

    /// <summary>Embed consecutive windows and average their normalised vectors (then normalise again).</summary>
    ChunkAndAverage,
}

/// <summary>What a text's length did to its vector, recorded per vector under <c>length_handling</c>.</summary>
public static class LengthHandling
{
    public const string Whole = "whole";

    public static string Truncated(int kept, int total) => $"truncated({kept} of {total} tokens)";

    public static string Chunked(int windows, int total) => $"chunked({windows} windows, {total} tokens, averaged)";
}
