using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Data;
using Tessera.Data.Migrations;
using Tessera.Inference.Classical;
using Tessera.Inference.Embeddings;
using Tessera.Testing;
using Tessera.Traces.Ingest;
using Tessera.Traces.Pipeline;
using Tessera.Traces.Sources;

namespace Tessera.Traces.Tests.Ingest;

/// <summary>A migrated scratch database, an inbox folder, and the ingest service over them with the hashed n-gram embedder.</summary>
internal sealed class IngestRig : IAsyncDisposable
{
    private IngestRig(ScratchDatabase scratch, TimeProvider time, IEnumerable<NamedEmbedder> extra)
    {
        Scratch = scratch;
        Time = time;
        Listener = new CountingListener(Gate);
        Settings = new TracesSettings { DefaultEmbedder = HashedNgramTextEmbedder.ModelName, BatchRecords = 50, EmbedChunk = 16 };
        Registry = new EmbedderRegistry([.. PretrainedEmbedders.All().Where(e => e.Name == HashedNgramTextEmbedder.ModelName), .. extra]);
        Paths = new SourcePathPolicy(new DataPaths(scratch.DataDir), Settings);
        Directory.CreateDirectory(Paths.Inbox);
        Embedders = new TracesEmbedderChoice(Registry, Settings);
        Ingest = new TracesIngestService(scratch.Database, Embedders, new FileStability(time), Gate, [Listener],
            Settings, time, NullLogger<TracesIngestService>.Instance);
        Sources = new TracesSourceService(scratch.Database, Paths, Embedders, time);
    }

    public ScratchDatabase Scratch { get; }
    public TimeProvider Time { get; }
    public TracesSettings Settings { get; }
    public EmbedderRegistry Registry { get; }
    public SourcePathPolicy Paths { get; }
    public TracesEmbedderChoice Embedders { get; }
    public TracesBatchGate Gate { get; } = new();
    public CountingListener Listener { get; }
    public TracesIngestService Ingest { get; }
    public TracesSourceService Sources { get; }

    public static async Task<IngestRig> CreateAsync(string dialect, TimeProvider? time = null, params NamedEmbedder[] extra)
    {
        var scratch = await ScratchDatabase.CreateAsync(dialect);
        await new MigrationRunner(scratch.Database, [DataModule.Migrations, TracesModule.Schema], TimeProvider.System, NullLogger<MigrationRunner>.Instance).MigrateAsync();
        return new IngestRig(scratch, time ?? TimeProvider.System, extra);
    }

    /// <summary>A folder under the inbox and a source on it.</summary>
    public async Task<TraceSource> SourceAsync(Core.Identity.Principal owner, string name, int debounceMs = 0, string? embedder = null)
    {
        var folder = Path.Combine(Paths.Inbox, name);
        Directory.CreateDirectory(folder);
        return await Sources.CreateAsync(owner, new TracesSourceSettings(name, folder, "**/*.jsonl", "auto", embedder, 5, debounceMs), default);
    }

    public async Task<List<(string Id, string FilePath, int Iteration, int Idx)>> RecordsAsync(Guid orgId)
    {
        await using var c = await Scratch.Database.OpenConnectionAsync();
        return (await c.QueryAsync<(string, string, int, int)>(
            "SELECT id, file_path, iteration, idx_in_iteration FROM traces_records WHERE org_id = @orgId ORDER BY seq", new { orgId })).ToList();
    }

    public async Task<long> EmbeddingCountAsync(Guid orgId)
    {
        await using var c = await Scratch.Database.OpenConnectionAsync();
        return await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM traces_embeddings WHERE org_id = @orgId", new { orgId });
    }

    public async Task<(string State, int Records, int Skipped, string? Problems)> FileAsync(Guid sourceId, string path)
    {
        await using var c = await Scratch.Database.OpenConnectionAsync();
        return await c.QuerySingleAsync<(string, int, int, string?)>(
            "SELECT state, record_count, skipped_lines, problems FROM traces_files WHERE source_id = @sourceId AND path = @path", new { sourceId, path });
    }

    public ValueTask DisposeAsync() => Scratch.DisposeAsync();

    /// <summary>Counts the batches ingestion reports, checking the gate is held while it is told.</summary>
    internal sealed class CountingListener(TracesBatchGate gate) : ITracesBatchListener
    {
        private int calls;
        private int outsideGate;

        public int Calls => calls;

        public int CallsOutsideGate => outsideGate;

        public Task BatchStoredAsync(Guid orgId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref calls);
            if (!gate.IsBusy(orgId)) Interlocked.Increment(ref outsideGate);
            return Task.CompletedTask;
        }
    }
}
