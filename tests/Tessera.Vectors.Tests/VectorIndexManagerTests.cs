using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Vectors.Hnsw;
using Tessera.Vectors.Management;
using Tessera.Vectors.Snapshots;

namespace Tessera.Vectors.Tests;

public sealed class VectorIndexManagerTests : IDisposable
{
    private const int Dim = 8;
    private readonly string _folder = Directory.CreateTempSubdirectory("tessera-manager-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string SnapshotPath => Path.Combine(_folder, "collection.hnsw");

    [Fact]
    public async Task A_rebuild_swaps_in_a_new_index_and_persists_it()
    {
        await using var manager = Create(_ => Task.FromResult(Source(200, seed: 1)));
        Assert.Equal(IndexHealth.Empty, manager.Status.Health);
        Assert.Null(manager.Current);

        var status = await manager.RequestRebuild();

        Assert.Equal(IndexHealth.Healthy, status.Health);
        Assert.Equal(200, status.Count);
        Assert.False(manager.Status.Rebuilding);
        Assert.NotNull(manager.Current);
        Assert.True(File.Exists(SnapshotPath));
    }

    [Fact]
    public async Task Requests_during_a_build_coalesce_into_one_more_build()
    {
        var builds = 0;
        var firstBuildMayFinish = new TaskCompletionSource();
        await using var manager = Create(async _ =>
        {
            if (Interlocked.Increment(ref builds) == 1) await firstBuildMayFinish.Task;
            return Source(100 + builds, seed: builds);
        });

        var first = manager.RequestRebuild();
        var followers = Enumerable.Range(0, 5).Select(_ => manager.RequestRebuild()).ToArray();
        Assert.True(manager.Status.Rebuilding);
        firstBuildMayFinish.SetResult();
        await first;
        var statuses = await Task.WhenAll(followers);

        Assert.Equal(2, builds);
        Assert.All(statuses, s => Assert.Equal(102, s.Count));
        Assert.Equal(102, manager.Current!.Count);
    }

    [Fact]
    public async Task A_failed_rebuild_keeps_the_last_good_index_and_reports_degraded()
    {
        var fail = false;
        await using var manager = Create(_ => fail ? throw new IOException("embedding store unavailable") : Task.FromResult(Source(150, seed: 2)));
        await manager.RequestRebuild();
        var good = manager.Current;
        var snapshot = File.ReadAllBytes(SnapshotPath);

        fail = true;
        var status = await manager.RequestRebuild();

        Assert.Equal(IndexHealth.Degraded, status.Health);
        Assert.Contains("embedding store unavailable", status.LastError);
        Assert.NotNull(status.LastErrorAt);
        Assert.Same(good, manager.Current);
        Assert.Equal(snapshot, File.ReadAllBytes(SnapshotPath));

        fail = false;
        Assert.Equal(IndexHealth.Healthy, (await manager.RequestRebuild()).Health);
        Assert.Null(manager.Status.LastError);
    }

    [Fact]
    public async Task Invalid_source_data_is_a_failed_rebuild_not_a_crash()
    {
        await using var manager = Create(_ => Task.FromResult(new IndexSourceData(Dim, new float[Dim * 3], [1, 2])));

        var status = await manager.RequestRebuild();

        Assert.Equal(IndexHealth.Degraded, status.Health);
        Assert.Null(manager.Current);
    }

    [Fact]
    public async Task A_new_manager_serves_the_persisted_snapshot_and_a_corrupt_one_reports_degraded()
    {
        await using (var first = Create(_ => Task.FromResult(Source(120, seed: 3)))) await first.RequestRebuild();

        await using (var second = Create(_ => throw new InvalidOperationException("not called")))
        {
            Assert.True(second.TryLoadSnapshot());
            Assert.Equal(IndexHealth.Healthy, second.Status.Health);
            Assert.Equal(120, second.Current!.Count);
        }

        var bytes = File.ReadAllBytes(SnapshotPath);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(SnapshotPath, bytes);
        await using var third = Create(_ => throw new InvalidOperationException("not called"));
        Assert.False(third.TryLoadSnapshot());
        Assert.Equal(IndexHealth.Degraded, third.Status.Health);
        Assert.Contains("checksum", third.Status.LastError);
        Assert.Null(third.Current);
    }

    [Fact]
    public async Task Shutting_down_mid_build_leaves_the_previous_snapshot_serving()
    {
        var started = new TaskCompletionSource();
        var calls = 0;
        var manager = Create(async token =>
        {
            if (Interlocked.Increment(ref calls) == 1) return Source(90, seed: 4);
            started.SetResult();
            await Task.Delay(Timeout.Infinite, token);
            return Source(10, seed: 5);
        });
        await manager.RequestRebuild();
        var snapshot = File.ReadAllBytes(SnapshotPath);

        var interrupted = manager.RequestRebuild();
        await started.Task;
        await manager.DisposeAsync();
        await interrupted;

        Assert.Equal(90, manager.Current!.Count);
        Assert.Equal(IndexHealth.Healthy, manager.Status.Health);
        Assert.Equal(snapshot, File.ReadAllBytes(SnapshotPath));
        Assert.Throws<ObjectDisposedException>(() => { _ = manager.RequestRebuild(); });
    }

    [Fact]
    public async Task New_vectors_are_added_to_the_serving_index_when_the_source_can_say_which_are_missing()
    {
        var all = TestVectors.Clustered(300, Dim, seed: 9);
        var stored = 200;
        var fullBuilds = 0;
        IndexSourceData Rows(int from, int to) =>
            new(Dim, all.AsMemory(from * Dim, (to - from) * Dim), Enumerable.Range(from, to - from).Select(i => (long)i).ToArray());
        await using var manager = new VectorIndexManager("test-collection", SnapshotPath, DistanceMetric.L2, new HnswOptions { M = 6, EfConstruction = 32 },
            _ =>
            {
                fullBuilds++;
                return Task.FromResult(Rows(0, stored));
            },
            NullLogger<VectorIndexManager>.Instance, TimeProvider.System, buildThreads: 2,
            missing: (serving, _) => Task.FromResult<IndexSourceData?>(serving.Index.Count <= stored ? Rows(serving.Index.Count, stored) : null));

        await manager.RequestRebuild();
        var first = manager.Current!;
        stored = 300;
        var status = await manager.RequestRebuild();

        Assert.Equal(1, fullBuilds);
        Assert.Same(first, manager.Current);
        Assert.Equal(300, status.Count);
        Assert.Equal(IndexHealth.Healthy, status.Health);
        Assert.Equal(250, manager.Current!.Search(TestVectors.Row(all, Dim, 250), 1)[0].Id);
        using var reloaded = HnswSnapshot.Load(SnapshotPath);
        Assert.Equal(300, reloaded.Count);

        // A source that cannot tell what is missing gets a full build.
        stored = 150;
        await manager.RequestRebuild();
        Assert.Equal(2, fullBuilds);
        Assert.Equal(150, manager.Current!.Count);
    }

    [Fact]
    public async Task After_a_restart_the_loaded_snapshot_is_extended_not_rebuilt()
    {
        var all = TestVectors.Clustered(300, Dim, seed: 11);
        var stored = 200;
        var fullBuilds = 0;
        IndexSourceData Rows(long after) =>
            new(Dim, all.AsMemory((int)after * Dim, (stored - (int)after) * Dim), Enumerable.Range((int)after + 1, stored - (int)after).Select(i => (long)i).ToArray(),
                Through: stored);
        VectorIndexManager Open() => new("test-collection", SnapshotPath, DistanceMetric.L2, new HnswOptions { M = 6, EfConstruction = 32 },
            _ =>
            {
                fullBuilds++;
                return Task.FromResult(Rows(0));
            },
            NullLogger<VectorIndexManager>.Instance, TimeProvider.System, buildThreads: 1,
            missing: (serving, _) => Task.FromResult<IndexSourceData?>(Rows(serving.Through)));
        await using (var first = Open()) await first.RequestRebuild();

        stored = 300;
        await using var restarted = Open();
        Assert.True(restarted.TryLoadSnapshot());
        Assert.Equal(200, restarted.Serving!.Through);
        var status = await restarted.RequestRebuild();

        Assert.Equal(1, fullBuilds);
        Assert.Equal(300, status.Count);
        Assert.Equal(300, restarted.Serving!.Through);
    }

    [Fact]
    public async Task A_snapshot_built_before_the_quantization_setting_changed_serves_until_a_rebuild_with_the_new_setting()
    {
        await using (var first = Create(_ => Task.FromResult(Source(150, seed: 5)))) await first.RequestRebuild();

        var sq8 = new HnswOptions { M = 6, EfConstruction = 32, Quantization = VectorQuantization.Sq8, Float32Storage = VectorStorage.MemoryMapped, MappedFileDirectory = _folder };
        await using var second = Create(_ => Task.FromResult(Source(150, seed: 5)), sq8);
        Assert.True(second.TryLoadSnapshot());
        Assert.Equal(150, second.Current!.Count);
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (second.Current.Options.Quantization != VectorQuantization.Sq8 || second.Status.Rebuilding)
        {
            Assert.True(DateTime.UtcNow < deadline, "The snapshot was not rebuilt with the new quantization.");
            await Task.Delay(20);
        }

        Assert.Equal(IndexHealth.Healthy, second.Status.Health);
        Assert.True(second.Current.Memory.VectorsMapped);
        Assert.Equal(VectorQuantization.Sq8, HnswSnapshot.Load(SnapshotPath).Options.Quantization);
    }

    [Fact]
    public async Task A_snapshot_another_node_built_with_other_quantization_is_not_adopted()
    {
        var sq8 = new HnswOptions { M = 6, EfConstruction = 32, Quantization = VectorQuantization.Sq8 };
        await using var here = Create(_ => Task.FromResult(Source(100, seed: 6)), sq8);
        await here.RequestRebuild();
        var published = Path.Combine(_folder, "from-another-node.hnsw");
        using (var other = HnswIndex.Build(DistanceMetric.L2, Dim, TestVectors.Clustered(150, Dim, seed: 7), options: new HnswOptions { M = 6, EfConstruction = 32 }))
            HnswSnapshot.Save(other, published);

        var status = await here.RequestAdoption(published, through: 149);

        Assert.Equal(IndexHealth.Healthy, status.Health);
        Assert.Equal((100, VectorQuantization.Sq8), (here.Current!.Count, here.Current.Options.Quantization));
        Assert.False(File.Exists(published));
    }

    private VectorIndexManager Create(Func<CancellationToken, Task<IndexSourceData>> source, HnswOptions? options = null) =>
        new("test-collection", SnapshotPath, DistanceMetric.L2, options ?? new HnswOptions { M = 6, EfConstruction = 32 }, source,
            NullLogger<VectorIndexManager>.Instance, TimeProvider.System, buildThreads: 1);

    private static IndexSourceData Source(int count, int seed) =>
        new(Dim, TestVectors.Clustered(count, Dim, seed), Enumerable.Range(0, count).Select(i => (long)i).ToArray());
}
