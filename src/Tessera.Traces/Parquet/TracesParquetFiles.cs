using System.Globalization;
using System.Runtime.InteropServices;
using global::Parquet;
using global::Parquet.Schema;
using Tessera.Core;
using Tessera.Data;
using static Tessera.Traces.Parquet.TracesExportRows;

namespace Tessera.Traces.Parquet;

/// <summary>
/// An organization's <c>logs.parquet</c> and <c>embeddings.parquet</c> under <c>&lt;data-dir&gt;/traces/&lt;org&gt;/</c>.
/// Merged on append: while the map's version stays the same, each update adds one row group holding the records
/// above the highest sequence the file holds (kept in the file's own key-value metadata, so the file and what it
/// covers can never disagree); a new version (a fit or refit moves every point) rewrites <c>logs.parquet</c> whole.
/// <c>embeddings.parquet</c> never changes history, so it is only ever appended to. Every write is atomic
/// (<see cref="AtomicFile"/>): the copy-then-append costs a byte copy of the old file, never a re-encode.
/// </summary>
internal sealed class TracesParquetFiles(TesseraDatabase database, DataPaths paths)
{
    public const string LogsFile = "logs.parquet";
    public const string EmbeddingsFile = "embeddings.parquet";
    private const string LastSeqKey = "tessera.last_seq";
    private const string VersionKey = "tessera.projection_version";

    private static readonly DataField<string> Id = new("id", nullable: false);
    private static readonly DataField<string> Timestamp = new("timestamp", nullable: true);
    private static readonly DataField<string> Source = new("source", nullable: false);
    private static readonly DataField<string> Filename = new("filename", nullable: false);
    private static readonly DataField<string> Text = new("text", nullable: false);
    private static readonly DataField<int> Iteration = new("iteration", nullable: false);
    private static readonly DataField<int> IdxInIteration = new("idx_in_iteration", nullable: false);
    private static readonly DataField<string> Type = new("type", nullable: false);
    private static readonly DataField<double> X = new("x", nullable: false);
    private static readonly DataField<double> Y = new("y", nullable: false);
    private static readonly DataField<int> ProjectionVersion = new("projection_version", nullable: false);
    private static readonly ParquetSchema LogsSchema = new(Id, Timestamp, Source, Filename, Text, Iteration, IdxInIteration, Type, X, Y, ProjectionVersion);

    private static readonly DataField<float> VectorElement = new("element", nullable: false);
    private static readonly ListField Vector = new("vector", VectorElement);
    private static readonly DataField<string> ModelName = new("model_name", nullable: false);
    private static readonly DataField<string> ModelHash = new("model_hash", nullable: false);
    private static readonly ParquetSchema EmbeddingsSchema = new(new DataField<string>("id", nullable: false), Vector, ModelName, ModelHash);

    /// <summary>Wraps each output stream; tests pass one that fails part-way to show a crash leaves the old files.</summary>
    internal Func<Stream, Stream> OutputFilter { get; init; } = stream => stream;

    public const string ContentType = "application/vnd.apache.parquet";

    public string Folder(Guid orgId) => Path.Combine(paths.DataDir, "traces", orgId.ToString("D"));

    /// <summary>The organization's files written so far (none before its first embedded batch).</summary>
    public IEnumerable<FileInfo> Existing(Guid orgId) =>
        ((string[])[LogsFile, EmbeddingsFile]).Select(name => new FileInfo(Path.Combine(Folder(orgId), name))).Where(f => f.Exists);

    /// <summary>Brings both files up to date; <paramref name="newVersion"/>: the map moved, rewrite the logs whole.</summary>
    public async Task WriteAsync(Guid orgId, bool newVersion, CancellationToken cancellationToken)
    {
        var folder = Folder(orgId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        var logsPath = Path.Combine(folder, LogsFile);
        var logsState = await ReadStateAsync(logsPath, cancellationToken).ConfigureAwait(false);
        var logs = await LogsAsync(connection, orgId, newVersion || logsState is null ? 0 : logsState.Value.LastSeq, cancellationToken).ConfigureAwait(false);
        // A version the file does not hold means the points moved since it was written (say, a crash before the rewrite).
        if (logsState is not null && !newVersion && logs.Count > 0 && logs[0].Version != logsState.Value.Version)
            logs = await LogsAsync(connection, orgId, 0, cancellationToken).ConfigureAwait(false);
        var appendLogs = logsState is not null && logs.Count > 0 && logs[0].Version == logsState.Value.Version && logs[0].Seq > logsState.Value.LastSeq;
        if (logs.Count > 0 || logsState is null)
            await WriteLogsAsync(logsPath, logs, appendLogs, cancellationToken).ConfigureAwait(false);

        var embeddingsPath = Path.Combine(folder, EmbeddingsFile);
        var embeddingsState = await ReadStateAsync(embeddingsPath, cancellationToken).ConfigureAwait(false);
        var embeddings = await EmbeddingsAsync(connection, orgId, embeddingsState?.LastSeq ?? 0, cancellationToken).ConfigureAwait(false);
        if (embeddings.Count > 0 || embeddingsState is null)
            await WriteEmbeddingsAsync(embeddingsPath, embeddings, embeddingsState is not null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Copies both files to <paramref name="directory"/> (the CLI's export), each atomically.</summary>
    public async Task CopyToAsync(Guid orgId, string directory, CancellationToken cancellationToken)
    {
        foreach (var name in (string[])[LogsFile, EmbeddingsFile])
        {
            var source = Path.Combine(Folder(orgId), name);
            await AtomicFile.WriteAsync(Path.Combine(directory, name), async (target, ct) =>
            {
                await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
                await input.CopyToAsync(target, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task WriteLogsAsync(string path, List<LogRow> rows, bool append, CancellationToken cancellationToken) =>
        Replace(path, append, async file =>
        {
            var output = OutputFilter(file);
            await using var writer = await ParquetWriter.CreateAsync(LogsSchema, output, append: append, cancellationToken: cancellationToken).ConfigureAwait(false);
            writer.CustomMetadata = Metadata(rows.Count > 0 ? rows[^1].Seq : 0, rows.Count > 0 ? rows[0].Version : 0);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(Id, rows.Select(r => r.Id).ToList()).ConfigureAwait(false);
            await group.WriteAsync(Timestamp, rows.Select(r => r.Timestamp?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)).ToList()!).ConfigureAwait(false);
            await group.WriteAsync(Source, rows.Select(r => r.Source).ToList()).ConfigureAwait(false);
            await group.WriteAsync(Filename, rows.Select(r => r.FilePath).ToList()).ConfigureAwait(false);
            await group.WriteAsync(Text, rows.Select(r => r.Text).ToList()).ConfigureAwait(false);
            await group.WriteAsync<int>(Iteration, rows.Select(r => r.Iteration).ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await group.WriteAsync<int>(IdxInIteration, rows.Select(r => r.IdxInIteration).ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await group.WriteAsync(Type, rows.Select(r => r.Type).ToList()).ConfigureAwait(false);
            await group.WriteAsync<double>(X, rows.Select(r => r.X).ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await group.WriteAsync<double>(Y, rows.Select(r => r.Y).ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await group.WriteAsync<int>(ProjectionVersion, rows.Select(r => r.Version).ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    private Task WriteEmbeddingsAsync(string path, List<EmbeddingRow> rows, bool append, CancellationToken cancellationToken) =>
        Replace(path, append, file => WriteEmbeddingsToAsync(OutputFilter(file), rows, append, cancellationToken), cancellationToken);

    /// <summary>Writes <paramref name="path"/> anew, or appends a row group to a copy of it, and renames the result over it.</summary>
    private static Task Replace(string path, bool append, Func<Stream, Task> write, CancellationToken cancellationToken) => append
        ? AtomicFile.AppendAsync(path, (stream, _) => write(stream), cancellationToken)
        : AtomicFile.WriteAsync(path, (stream, _) => write(stream), cancellationToken);

    /// <summary>One row group of embeddings into <paramref name="output"/> (a new file, or appended to the file it holds).</summary>
    internal static async Task WriteEmbeddingsToAsync(Stream output, List<EmbeddingRow> rows, bool append, CancellationToken cancellationToken)
    {
        await using var writer = await ParquetWriter.CreateAsync(EmbeddingsSchema, output, append: append, cancellationToken: cancellationToken).ConfigureAwait(false);
        writer.CustomMetadata = Metadata(rows.Count > 0 ? rows[^1].Seq : 0, 0);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync(EmbeddingsSchema.DataFields[0], rows.Select(r => r.Id).ToList()).ConfigureAwait(false);
        // One flat run of floats; repetition level 0 starts a row's list, 1 continues it.
        var values = new float[rows.Sum(r => r.Vector.Length / 4)];
        var levels = new int[values.Length];
        var at = 0;
        foreach (var row in rows)
        {
            var vector = MemoryMarshal.Cast<byte, float>(row.Vector);
            vector.CopyTo(values.AsSpan(at));
            for (var i = 1; i < vector.Length; i++) levels[at + i] = 1;
            at += vector.Length;
        }
        // Every list and element is present: all at the element's highest definition level.
        var defined = new int[values.Length];
        Array.Fill(defined, VectorElement.MaxDefinitionLevel);
        await group.WriteAllPartsAsync<float>(VectorElement, values, defined, levels, cancellationToken).ConfigureAwait(false);
        await group.WriteAsync(ModelName, rows.Select(r => r.Embedder).ToList()).ConfigureAwait(false);
        await group.WriteAsync(ModelHash, rows.Select(r => r.ModelHash).ToList()).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Dictionary<string, string> Metadata(long lastSeq, int version) => new()
    {
        [LastSeqKey] = lastSeq.ToString(CultureInfo.InvariantCulture),
        [VersionKey] = version.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The highest record sequence and the map version a file holds; null when there is no file.</summary>
    private static async Task<(long LastSeq, int Version)?> ReadStateAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) return null;
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        return (long.Parse(reader.CustomMetadata[LastSeqKey], CultureInfo.InvariantCulture), int.Parse(reader.CustomMetadata[VersionKey], CultureInfo.InvariantCulture));
    }
}
