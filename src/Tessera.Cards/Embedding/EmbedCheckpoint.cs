using System.Globalization;
using System.Text.Json;
using Tessera.Core;

namespace Tessera.Cards.Embedding;

/// <summary>
/// The file an embedding run keeps while it works (<c>cards/&lt;org&gt;/embed/&lt;size&gt;.checkpoint.json</c>):
/// its parameters and how far it got, rewritten atomically after every committed batch of vectors and removed when
/// the run completes. The vectors themselves are committed to the database with it, so a rerun resumes where the
/// last checkpoint left off; a checkpoint left with other parameters is reported before it is taken over.
/// </summary>
internal sealed record EmbedCheckpoint(Guid RunId, string Embedder, string ModelHash, string Size, int BatchSize, int CheckpointEvery, int? Limit, int Done, DateTimeOffset SavedAt)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public static string PathFor(string orgFolder, string size) => Path.Combine(orgFolder, "embed", $"{size}.checkpoint.json");

    /// <summary>The checkpoint at <paramref name="path"/>, or null when there is none or it cannot be read (then it is started afresh).</summary>
    public static EmbedCheckpoint? TryLoad(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<EmbedCheckpoint>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, this, Json));
    }

    /// <summary>The parameters that differ from <paramref name="run"/>'s, one sentence each.</summary>
    public IReadOnlyList<string> DifferencesFrom(EmbedCheckpoint run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var differences = new List<string>();
        void Compare(string name, object? was, object? now)
        {
            if (!Equals(was, now))
                differences.Add(string.Create(CultureInfo.InvariantCulture, $"the checkpoint of {SavedAt:u} was made with {name} {was ?? "none"}; this run uses {now ?? "none"}"));
        }
        Compare("model", Embedder, run.Embedder);
        Compare("model hash", ModelHash[..Math.Min(12, ModelHash.Length)], run.ModelHash[..Math.Min(12, run.ModelHash.Length)]);
        Compare("batch size", BatchSize, run.BatchSize);
        Compare("checkpoint interval", CheckpointEvery, run.CheckpointEvery);
        Compare("limit", Limit, run.Limit);
        return differences;
    }
}
