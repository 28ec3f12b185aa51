using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Testing;
using Tessera.Traces.Projection;

namespace Tessera.Traces.Tests;

public class TracesProjectionServiceTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Fits_transforms_then_refits_past_twice_the_count_keeping_shared_points_in_place(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var seed = await TracesSeed.CreateAsync(scratch.Database);
        var vectors = PcaTests.Synthetic(300, 16, seed: 11);
        var service = new TracesProjectionService(scratch.Database, new TracesSettings(), TimeProvider.System, NullLogger<TracesProjectionService>.Instance);

        await seed.AddAsync(vectors, 0, 100);
        var fit = await service.UpdateAsync(seed.OrgId, refit: false, CancellationToken.None);
        Assert.Equal((ProjectionOutcome.Fit, 1, 100L), (fit.Action, fit.Version, fit.RecordsMapped));
        var before = await seed.PointsAsync();

        await seed.AddAsync(vectors, 100, 50);
        var transform = await service.UpdateAsync(seed.OrgId, refit: false, CancellationToken.None);
        Assert.Equal((ProjectionOutcome.Transform, 1, 50L), (transform.Action, transform.Version, transform.RecordsMapped));
        var afterTransform = await seed.PointsAsync();
        Assert.Equal(150, afterTransform.Count);
        Assert.All(before, p => Assert.Equal(p.Value, afterTransform[p.Key]));

        await seed.AddAsync(vectors, 150, 150);
        var refit = await service.UpdateAsync(seed.OrgId, refit: false, CancellationToken.None);
        Assert.Equal((ProjectionOutcome.Refit, 2, 300L), (refit.Action, refit.Version, refit.RecordsMapped));
        var after = await seed.PointsAsync();
        Assert.Equal(300, after.Count);
        // The map spans about ±5 (the first component's scale); shared points move by a small fraction of it.
        var spread = afterTransform.Values.Max(p => Math.Abs(p.X));
        var moved = afterTransform.Max(p => Distance(p.Value, after[p.Key]));
        Assert.True(moved < 0.05 * spread, $"a shared point moved {moved} (spread {spread})");
        Assert.NotNull(refit.AlignmentResidual);
        Assert.True(refit.AlignmentResidual < 0.02 * spread, $"residual {refit.AlignmentResidual}");
        var stored = await service.ReadCurrentAsync(seed.OrgId, CancellationToken.None);
        Assert.Equal(("refit", 300, refit.AlignmentResidual), (stored!.Kind, stored.FittedRecords, stored.AlignmentResidual));

        var asked = await service.UpdateAsync(seed.OrgId, refit: true, CancellationToken.None);
        Assert.Equal((ProjectionOutcome.Refit, 3), (asked.Action, asked.Version));
        Assert.True(asked.AlignmentResidual < 1e-6, $"a refit on the same vectors lands on the same map: residual {asked.AlignmentResidual}");
    }

    private static double Distance((double X, double Y) a, (double X, double Y) b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));
}
