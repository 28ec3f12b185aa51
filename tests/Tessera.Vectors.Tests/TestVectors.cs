namespace Tessera.Vectors.Tests;

/// <summary>Seeded synthetic vectors for the tests.</summary>
internal static class TestVectors
{
    /// <summary>Row-major vectors drawn around <paramref name="clusters"/> Gaussian centres.</summary>
    public static float[] Clustered(int count, int dimension, int seed, int clusters = 20)
    {
        var random = new Random(seed);
        var centres = new float[clusters * dimension];
        for (var i = 0; i < centres.Length; i++) centres[i] = (float)(Gaussian(random) * 3);
        var vectors = new float[count * dimension];
        for (var row = 0; row < count; row++)
        {
            var centre = random.Next(clusters);
            for (var d = 0; d < dimension; d++) vectors[row * dimension + d] = centres[centre * dimension + d] + (float)Gaussian(random);
        }
        return vectors;
    }

    public static float[] Uniform(int count, int seed, float min = -1, float max = 1)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < values.Length; i++) values[i] = min + (float)random.NextDouble() * (max - min);
        return values;
    }

    public static ReadOnlySpan<float> Row(float[] vectors, int dimension, int row) => vectors.AsSpan(row * dimension, dimension);

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
