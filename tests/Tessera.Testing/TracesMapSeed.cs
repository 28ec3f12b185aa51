using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Tessera.Data;

namespace Tessera.Testing;

/// <summary>
/// Demo rows for the Traces pages, written with SQL (the map's own pipeline is another part's code): sources,
/// records and each record's point. Points are laid out in known places so a test can aim the mouse at them.
/// </summary>
public sealed class TracesMapSeed(TesseraDatabase database, Guid orgId, Guid userId)
{
    private static readonly string[] Types = ["thought", "action", "observation", "final_answer"];

    private readonly DateTimeOffset _now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    public async Task<Guid> SourceAsync(string name)
    {
        var id = Guid.NewGuid();
        await using var c = await database.OpenConnectionAsync();
        await c.ExecuteAsync(
            "INSERT INTO traces_sources (id, org_id, user_id, name, path, glob, format, embedder, poll_seconds, debounce_ms, watch_events, enabled, created_at, updated_at) " +
            "VALUES (@id, @orgId, @userId, @name, @path, '*.jsonl', 'auto', NULL, 30, 500, @yes, @yes, @now, @now)",
            new { id, orgId, userId, name, path = "/srv/runs/" + name, yes = true, now = _now });
        return id;
    }

    /// <summary>One run (file) of <paramref name="count"/> records whose points lie on a small circle around (cx, cy); returns their seqs in order.</summary>
    public Task<IReadOnlyList<long>> RunAsync(Guid sourceId, string filePath, int count, double cx, double cy, Func<int, string>? text = null) =>
        RecordsAsync(sourceId, filePath, Enumerable.Range(0, count).Select(i =>
        {
            var angle = 2 * Math.PI * i / count;
            return new Seeded(cx + 0.3 * Math.Cos(angle), cy + 0.3 * Math.Sin(angle), Types[i % Types.Length], text?.Invoke(i) ?? $"{filePath} entry {i}: thinking about step {i}");
        }).ToList());

    public async Task<IReadOnlyList<long>> RecordsAsync(Guid sourceId, string filePath, IReadOnlyList<Seeded> records)
    {
        var seqs = new List<long>();
        await using var c = await database.OpenConnectionAsync();
        await using var t = await c.BeginTransactionAsync();
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i];
            // Unique however often a test adds to the same file (a real id is sha256 of file:iteration:idx).
            var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{filePath}:{i}:{Guid.NewGuid()}"))));
            var seq = await c.ExecuteScalarAsync<long>(
                "INSERT INTO traces_records (id, org_id, source_id, file_path, line, iteration, idx_in_iteration, type, text, timestamp, created_at) " +
                "VALUES (@id, @orgId, @sourceId, @filePath, @line, @iteration, @idx, @Type, @Text, NULL, @now) RETURNING seq",
                new { id, orgId, sourceId, filePath, line = i + 1, iteration = i / 4, idx = i % 4, r.Type, r.Text, now = _now }, t);
            await c.ExecuteAsync("INSERT INTO traces_points (record_seq, org_id, version, x, y) VALUES (@seq, @orgId, 1, @X, @Y)", new { seq, orgId, r.X, r.Y }, t);
            seqs.Add(seq);
        }
        await t.CommitAsync();
        return seqs;
    }

    /// <summary>Stores a vector for each of the organization's records that has none, as ingestion would with <paramref name="embedder"/>.</summary>
    public async Task EmbedAsync(string embedder, string modelHash, Func<IReadOnlyList<string>, Task<float[][]>> embed)
    {
        ArgumentNullException.ThrowIfNull(embed);
        await using var c = await database.OpenConnectionAsync();
        var records = (await c.QueryAsync<(long Seq, string Text)>(
            "SELECT r.seq, r.text FROM traces_records r WHERE r.org_id = @orgId AND NOT EXISTS (SELECT 1 FROM traces_embeddings e WHERE e.record_seq = r.seq) ORDER BY r.seq",
            new { orgId })).ToList();
        var vectors = await embed(records.Select(r => r.Text).ToList());
        await using var t = await c.BeginTransactionAsync();
        for (var i = 0; i < records.Count; i++)
        {
            await c.ExecuteAsync(
                "INSERT INTO traces_embeddings (record_seq, org_id, embedder, model_hash, dimension, vector, created_at) VALUES (@seq, @orgId, @embedder, @modelHash, @dimension, @vector, @now)",
                new { seq = records[i].Seq, orgId, embedder, modelHash, dimension = vectors[i].Length, vector = System.Runtime.InteropServices.MemoryMarshal.AsBytes(vectors[i].AsSpan()).ToArray(), now = _now }, t);
        }
        await t.CommitAsync();
    }

    public sealed record Seeded(double X, double Y, string Type, string Text);
}
