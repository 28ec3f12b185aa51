using MathNet.Numerics.LinearAlgebra;
using Tessera.Traces.Projection;

namespace Tessera.Traces.Tests;

public class PcaTests
{
    /// <summary>Rows with a clear structure: two strong directions, a weaker third, small noise, and an offset mean.</summary>
    internal static VectorRows Synthetic(int n, int d, int seed)
    {
        var random = new Random(seed);
        var directions = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, d).Select(_ => random.NextDouble() - 0.5).ToArray()).ToArray();
        double[] scales = [5, 2, 0.7];
        var values = new float[n * d];
        for (var r = 0; r < n; r++)
        {
            var weights = scales.Select(s => s * (random.NextDouble() * 2 - 1)).ToArray();
            for (var c = 0; c < d; c++)
                values[r * d + c] = (float)(3 + weights[0] * directions[0][c] + weights[1] * directions[1][c] + weights[2] * directions[2][c] + 0.01 * (random.NextDouble() - 0.5));
        }
        return new VectorRows(values, d);
    }

    [Theory]
    [InlineData(500, 20)]
    [InlineData(1000, 37)]
    public void Coordinates_equal_an_svd_of_the_centred_data_up_to_sign(int n, int d)
    {
        var rows = Synthetic(n, d, seed: n + d);
        var points = Pca.Fit(rows).TransformAll(rows);

        // The reference: the thin SVD of the centred matrix, X − μ = U·S·Vᵀ; PCA coordinates are the columns of U·S.
        var centred = Matrix<double>.Build.Dense(n, d, (r, c) => rows.Values[r * d + c]);
        var mean = centred.ColumnSums() / n;
        for (var r = 0; r < n; r++) centred.SetRow(r, centred.Row(r) - mean);
        var svd = centred.Svd(computeVectors: true);
        for (var component = 0; component < 2; component++)
        {
            var reference = svd.U.Column(component) * svd.S[component];
            var ours = points.Select(p => component == 0 ? p.X : p.Y).ToArray();
            var sign = Math.Sign(ours.Zip(reference).Sum(z => z.First * z.Second));
            var scale = reference.AbsoluteMaximum();
            var worst = ours.Zip(reference).Max(z => Math.Abs(sign * z.First - z.Second)) / scale;
            Assert.True(worst < 1e-6, $"component {component}: max relative difference {worst}");
        }
    }

    [Theory]
    [InlineData(1, 8, false)]
    [InlineData(2, 8, false)]
    [InlineData(50, 8, true)]
    [InlineData(5, 50, false)]
    [InlineData(3, 1, false)]
    public void Degenerate_data_gives_defined_points(int n, int d, bool constant)
    {
        var random = new Random(7);
        var values = Enumerable.Range(0, n * d).Select(i => constant ? 0.25f * (i % d) : (float)random.NextDouble()).ToArray();
        var rows = new VectorRows(values, d);

        var model = Pca.Fit(rows);
        var points = model.TransformAll(rows);

        Assert.All(points, p => Assert.True(double.IsFinite(p.X) && double.IsFinite(p.Y), $"{p}"));
        if (n == 1 || constant) Assert.All(points, p => Assert.Equal((0.0, 0.0), (Math.Round(p.X, 9), Math.Round(p.Y, 9))));
        if (n == 2) Assert.NotEqual(points[0].X, points[1].X);
        var restored = PcaModel.FromBytes(model.ToBytes());
        Assert.Equal(points, restored.TransformAll(rows));
    }

    [Fact]
    public void Procrustes_undoes_a_rotation_with_reflection_and_a_shift()
    {
        var random = new Random(3);
        var previous = Enumerable.Range(0, 200).Select(_ => (X: random.NextDouble() * 10, Y: random.NextDouble() * 4)).ToList();
        var angle = 1.1;
        // The refit sees the same map turned, mirrored (y → −y) and moved.
        var refit = previous.Select(p => (X: Math.Cos(angle) * p.X - Math.Sin(angle) * -p.Y + 3, Y: Math.Sin(angle) * p.X + Math.Cos(angle) * -p.Y - 7)).ToList();

        var alignment = Procrustes.Align(refit, previous);

        Assert.True(alignment.Residual < 1e-9, $"residual {alignment.Residual}");
        var model = new PcaModel(1, [0], [0], [0], alignment.Rotation, alignment.Offset);
        var (x, y) = model.Align(refit[5].X, refit[5].Y);
        Assert.Equal(previous[5].X, x, 9);
        Assert.Equal(previous[5].Y, y, 9);
        Assert.Null(Procrustes.Align([], []).Residual);
        Assert.Equal(0, Procrustes.Align([(1, 2)], [(5, 5)]).Residual!.Value, 12);
    }
}
