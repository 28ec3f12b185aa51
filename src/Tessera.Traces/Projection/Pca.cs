using MathNet.Numerics.LinearAlgebra;

namespace Tessera.Traces.Projection;

/// <summary>
/// PCA to two components the way scikit-learn's <c>covariance_eigh</c> solver does it (its choice for n ≫ d since
/// 1.5): centre, form the covariance XᵀX / (n − 1), take MathNet's symmetric eigen-decomposition, keep the two
/// eigenvectors of the largest eigenvalues. Each component's sign is fixed so its largest-magnitude entry is
/// positive, so the same data always gives the same map. Degenerate data gives zeros, never NaN: one record, constant
/// vectors (a zero covariance) and a one-dimensional space (a zero second component).
/// </summary>
internal static class Pca
{
    public static PcaModel Fit(VectorRows rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("A PCA needs at least one vector.", nameof(rows));
        var d = rows.Dimension;
        var mean = Mean(rows);
        var gram = CenteredGram.Compute(rows, mean);
        var scale = 1.0 / Math.Max(1, rows.Count - 1);
        var covariance = Matrix<double>.Build.Dense(d, d, (i, j) => gram[i * d + j] * scale);
        var evd = covariance.Evd(Symmetricity.Symmetric);
        var order = Enumerable.Range(0, d).OrderByDescending(i => evd.EigenValues[i].Real).ToArray();
        var first = Component(evd.EigenVectors, order, 0, d);
        var second = Component(evd.EigenVectors, order, 1, d);
        return new PcaModel(d, mean, first, second, [.. PcaModel.Identity], [0, 0]);
    }

    public static double[] Mean(VectorRows rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var d = rows.Dimension;
        var sum = new double[d];
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows.Row(r);
            for (var c = 0; c < d; c++) sum[c] += row[c];
        }
        for (var c = 0; c < d; c++) sum[c] /= rows.Count;
        return sum;
    }

    private static double[] Component(Matrix<double> vectors, int[] order, int rank, int d)
    {
        var component = new double[d];
        if (rank >= d) return component;
        var column = order[rank];
        var largest = 0;
        for (var i = 0; i < d; i++)
        {
            component[i] = vectors[i, column];
            if (Math.Abs(component[i]) > Math.Abs(component[largest])) largest = i;
        }
        if (component[largest] < 0)
            for (var i = 0; i < d; i++) component[i] = -component[i];
        return component;
    }
}
