using MathNet.Numerics.LinearAlgebra;

namespace Tessera.Traces.Projection;

/// <summary>
/// Orthogonal Procrustes in the plane: the rotation (reflection allowed) and offset that carry a refit's points of
/// the shared records onto where the previous map drew them, from the SVD of the centred cross-covariance
/// (R = U·Vᵀ for AᵀB = U·S·Vᵀ). The residual is the root-mean-square distance left between the carried points and
/// the previous ones. No shared record: no alignment (identity, zero offset, no residual).
/// </summary>
internal static class Procrustes
{
    public sealed record Alignment(double[] Rotation, double[] Offset, double? Residual);

    public static Alignment Align(IReadOnlyList<(double X, double Y)> refit, IReadOnlyList<(double X, double Y)> previous)
    {
        ArgumentNullException.ThrowIfNull(refit);
        ArgumentNullException.ThrowIfNull(previous);
        if (refit.Count != previous.Count) throw new ArgumentException("Both maps must give the same records.", nameof(previous));
        var m = refit.Count;
        if (m == 0) return new Alignment([.. PcaModel.Identity], [0, 0], null);
        var (ax, ay) = Centre(refit);
        var (bx, by) = Centre(previous);
        var cross = Matrix<double>.Build.Dense(2, 2);
        for (var i = 0; i < m; i++)
        {
            var (a0, a1) = (refit[i].X - ax, refit[i].Y - ay);
            var (b0, b1) = (previous[i].X - bx, previous[i].Y - by);
            cross[0, 0] += a0 * b0;
            cross[0, 1] += a0 * b1;
            cross[1, 0] += a1 * b0;
            cross[1, 1] += a1 * b1;
        }
        var svd = cross.Svd(computeVectors: true);
        var r = svd.U * svd.VT;
        double[] rotation = [r[0, 0], r[0, 1], r[1, 0], r[1, 1]];
        if (rotation.Any(v => !double.IsFinite(v))) rotation = [.. PcaModel.Identity];
        // Row vector convention: p' = p·R + t, so t carries the refit's centre onto the previous centre.
        double[] offset = [bx - (ax * rotation[0] + ay * rotation[2]), by - (ax * rotation[1] + ay * rotation[3])];
        var squares = 0.0;
        for (var i = 0; i < m; i++)
        {
            var x = refit[i].X * rotation[0] + refit[i].Y * rotation[2] + offset[0] - previous[i].X;
            var y = refit[i].X * rotation[1] + refit[i].Y * rotation[3] + offset[1] - previous[i].Y;
            squares += x * x + y * y;
        }
        return new Alignment(rotation, offset, Math.Sqrt(squares / m));
    }

    private static (double X, double Y) Centre(IReadOnlyList<(double X, double Y)> points)
    {
        double x = 0, y = 0;
        foreach (var p in points)
        {
            x += p.X;
            y += p.Y;
        }
        return (x / points.Count, y / points.Count);
    }
}
