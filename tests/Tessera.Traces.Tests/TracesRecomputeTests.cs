using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Data;
using Tessera.Testing;
using Tessera.Traces.Parquet;
using Tessera.Traces.Pipeline;
using Tessera.Traces.Projection;

namespace Tessera.Traces.Tests;

public class TracesRecomputeTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_recompute_requested_mid_batch_runs_after_the_batch_and_sees_all_of_it(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        using var folder = new TempDirectory();
        var seed = await TracesSeed.CreateAsync(scratch.Database);
        var vectors = PcaTests.Synthetic(60, 8, seed: 2);
        var gate = new TracesBatchGate();
        var projection = new TracesProjectionService(scratch.Database, new TracesSettings(), TimeProvider.System, NullLogger<TracesProjectionService>.Instance);
        var files = new TracesParquetFiles(scratch.Database, new DataPaths(folder.Path));
        var listener = new TracesMapListener(projection, files);
        var handler = new TracesRecomputeJobHandler(gate, projection, files);
        await seed.AddAsync(vectors, 0, 30);
        await listener.BatchStoredAsync(seed.OrgId, default);

        Task<ProjectionOutcome> recompute;
        using (await gate.EnterAsync(seed.OrgId, default))
        {
            // The batch is in progress: the recompute is asked for now, and must wait.
            recompute = handler.RecomputeAsync(seed.OrgId, default);
            await seed.AddAsync(vectors, 30, 10);
            Assert.False(recompute.IsCompleted);
            await listener.BatchStoredAsync(seed.OrgId, default);
            Assert.False(recompute.IsCompleted);
        }
        var outcome = await recompute;

        Assert.Equal((ProjectionOutcome.Refit, 2, 40L), (outcome.Action, outcome.Version, outcome.RecordsMapped));
        var stored = await projection.ReadCurrentAsync(seed.OrgId, default);
        Assert.Equal(40, stored!.FittedRecords);
        Assert.Equal(40, (await seed.PointsAsync()).Count);
    }
}
