using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Data;
using Tessera.Testing;
using Tessera.Traces.Parquet;
using Tessera.Traces.Projection;

namespace Tessera.Traces.Tests;

public class TracesParquetFilesTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task DuckDB_reads_back_the_exact_values_after_a_fit_an_append_and_a_refit(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        using var folder = new TempDirectory();
        var seed = await TracesSeed.CreateAsync(scratch.Database);
        var vectors = PcaTests.Synthetic(50, 6, seed: 5);
        var service = new TracesProjectionService(scratch.Database, new TracesSettings(), TimeProvider.System, NullLogger<TracesProjectionService>.Instance);
        var files = new TracesParquetFiles(scratch.Database, new DataPaths(folder.Path));

        await seed.AddAsync(vectors, 0, 20);
        await files.WriteAsync(seed.OrgId, (await service.UpdateAsync(seed.OrgId, false, default)).NewVersion, default);
        await seed.AddAsync(vectors, 20, 10);
        await files.WriteAsync(seed.OrgId, (await service.UpdateAsync(seed.OrgId, false, default)).NewVersion, default);
        var logs = Path.Combine(files.Folder(seed.OrgId), TracesParquetFiles.LogsFile);
        var embeddings = Path.Combine(files.Folder(seed.OrgId), TracesParquetFiles.EmbeddingsFile);
        Assert.Equal(2L, await ScalarAsync<long>($"SELECT COUNT(*) FROM parquet_metadata('{logs}') WHERE column_id = 0"));
        await CheckAsync(seed, logs, embeddings, vectors, 30, version: 1);

        await seed.AddAsync(vectors, 30, 20);
        var refit = await service.UpdateAsync(seed.OrgId, false, default);
        Assert.True(refit.NewVersion);
        await files.WriteAsync(seed.OrgId, refit.NewVersion, default);
        await CheckAsync(seed, logs, embeddings, vectors, 50, version: 2);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_crash_mid_write_leaves_the_previous_files_intact(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        using var folder = new TempDirectory();
        var seed = await TracesSeed.CreateAsync(scratch.Database);
        var vectors = PcaTests.Synthetic(40, 6, seed: 9);
        var service = new TracesProjectionService(scratch.Database, new TracesSettings(), TimeProvider.System, NullLogger<TracesProjectionService>.Instance);
        var files = new TracesParquetFiles(scratch.Database, new DataPaths(folder.Path));
        await seed.AddAsync(vectors, 0, 20);
        await files.WriteAsync(seed.OrgId, (await service.UpdateAsync(seed.OrgId, false, default)).NewVersion, default);
        var logs = Path.Combine(files.Folder(seed.OrgId), TracesParquetFiles.LogsFile);
        var before = await File.ReadAllBytesAsync(logs);

        await seed.AddAsync(vectors, 20, 10);
        await service.UpdateAsync(seed.OrgId, false, default);
        var crashing = new TracesParquetFiles(scratch.Database, new DataPaths(folder.Path)) { OutputFilter = stream => new FailingStream(stream, allowedBytes: 64) };
        await Assert.ThrowsAsync<IOException>(() => crashing.WriteAsync(seed.OrgId, false, default));

        Assert.Equal(before, await File.ReadAllBytesAsync(logs));
        Assert.Equal(20L, await ScalarAsync<long>($"SELECT COUNT(*) FROM '{logs}'"));
        Assert.Equal(2, Directory.GetFiles(files.Folder(seed.OrgId)).Length);
        await files.WriteAsync(seed.OrgId, false, default);
        Assert.Equal(30L, await ScalarAsync<long>($"SELECT COUNT(*) FROM '{logs}'"));
    }

    private static async Task CheckAsync(TracesSeed seed, string logs, string embeddings, VectorRows vectors, int count, int version)
    {
        var points = await seed.PointsAsync();
        await using var duck = new DuckDBConnection("DataSource=:memory:");
        await duck.OpenAsync();
        await using (var command = duck.CreateCommand())
        {
            command.CommandText = $"SELECT id, timestamp, source, filename, text, iteration, idx_in_iteration, type, x, y, projection_version FROM '{logs}' ORDER BY id";
            await using var reader = await command.ExecuteReaderAsync();
            var row = 0;
            while (await reader.ReadAsync())
            {
                var id = $"rec{row:D6}";
                Assert.Equal(id, reader.GetString(0));
                Assert.Equal(row % 3 == 0 ? null : TracesSeed.Now.AddSeconds(row).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), reader.IsDBNull(1) ? null : reader.GetString(1));
                Assert.Equal(("runs", "run.jsonl", $"entry {row} ünïcode"), (reader.GetString(2), reader.GetString(3), reader.GetString(4)));
                Assert.Equal((row / 10, row % 10, "thought"), (reader.GetInt32(5), reader.GetInt32(6), reader.GetString(7)));
                Assert.Equal(points[id], (reader.GetDouble(8), reader.GetDouble(9)));
                Assert.Equal(version, reader.GetInt32(10));
                row++;
            }
            Assert.Equal(count, row);
        }
        await using (var command = duck.CreateCommand())
        {
            command.CommandText = $"SELECT id, vector, model_name, model_hash FROM '{embeddings}' ORDER BY id";
            await using var reader = await command.ExecuteReaderAsync();
            var row = 0;
            while (await reader.ReadAsync())
            {
                Assert.Equal(($"rec{row:D6}", "test-model", "hash1"), (reader.GetString(0), reader.GetString(2), reader.GetString(3)));
                Assert.Equal(vectors.Row(row).ToArray(), reader.GetFieldValue<List<float>>(1).ToArray());
                row++;
            }
            Assert.Equal(count, row);
        }
    }

    private static async Task<T> ScalarAsync<T>(string sql)
    {
        await using var duck = new DuckDBConnection("DataSource=:memory:");
        await duck.OpenAsync();
        await using var command = duck.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Writes through until <paramref name="allowedBytes"/>, then fails like a full disk.</summary>
    private sealed class FailingStream(Stream inner, long allowedBytes) : Stream
    {
        private long written;
        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => inner.SetLength(value);
        public override void Write(byte[] buffer, int offset, int count)
        {
            written += count;
            if (written > allowedBytes) throw new IOException("No space left on device (simulated).");
            inner.Write(buffer, offset, count);
        }
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.ToArray(), 0, buffer.Length);
            return ValueTask.CompletedTask;
        }
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer, offset, count);
            return Task.CompletedTask;
        }
    }
}
