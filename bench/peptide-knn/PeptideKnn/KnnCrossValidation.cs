namespace Tessera.Inference.Bench;

/// <summary>
/// Stratified k-fold cross-validation of a cosine k-nearest-neighbour classifier on unit vectors.
/// The score of a test point is the fraction of its k neighbours labelled positive: accuracy
/// thresholds it at ½, ROC AUC ranks by it (Mann–Whitney, ties counted half).
/// </summary>
internal static class KnnCrossValidation
{
    public sealed record Result(double Accuracy, double AccuracyStd, double RocAuc, double RocAucStd);

    public static Result Run(float[][] vectors, int[] labels, int neighbours, int folds, int seed)
    {
        var fold = StratifiedFolds(labels, folds, seed);
        var accuracies = new List<double>();
        var aucs = new List<double>();
        for (var f = 0; f < folds; f++)
        {
            var train = Enumerable.Range(0, labels.Length).Where(i => fold[i] != f).ToArray();
            var test = Enumerable.Range(0, labels.Length).Where(i => fold[i] == f).ToArray();
            var scores = test.Select(i => PositiveVoteFraction(vectors, labels, train, vectors[i], neighbours)).ToArray();
            var truth = test.Select(i => labels[i]).ToArray();
            accuracies.Add(scores.Zip(truth, (s, y) => (s > 0.5 ? 1 : 0) == y ? 1.0 : 0.0).Average());
            aucs.Add(RocAuc(scores, truth));
        }
        return new Result(accuracies.Average(), StandardDeviation(accuracies), aucs.Average(), StandardDeviation(aucs));
    }

    /// <summary>Each class shuffled with a seed, then dealt round-robin to the folds.</summary>
    private static int[] StratifiedFolds(int[] labels, int folds, int seed)
    {
        var random = new Random(seed);
        var fold = new int[labels.Length];
        foreach (var label in labels.Distinct())
        {
            var members = Enumerable.Range(0, labels.Length).Where(i => labels[i] == label).ToArray();
            random.Shuffle(members);
            for (var j = 0; j < members.Length; j++) fold[members[j]] = j % folds;
        }
        return fold;
    }

    private static double PositiveVoteFraction(float[][] vectors, int[] labels, int[] train, float[] query, int neighbours)
    {
        var best = new List<(float Similarity, int Label)>(neighbours + 1);
        foreach (var i in train)
        {
            var similarity = System.Numerics.Tensors.TensorPrimitives.Dot(vectors[i], query);
            if (best.Count == neighbours && similarity <= best[^1].Similarity) continue;
            var at = best.FindIndex(b => b.Similarity < similarity);
            best.Insert(at < 0 ? best.Count : at, (similarity, labels[i]));
            if (best.Count > neighbours) best.RemoveAt(best.Count - 1);
        }
        return best.Count(b => b.Label == 1) / (double)best.Count;
    }

    private static double RocAuc(double[] scores, int[] truth)
    {
        var positives = truth.Count(y => y == 1);
        var negatives = truth.Length - positives;
        var wins = 0.0;
        for (var i = 0; i < scores.Length; i++)
        {
            if (truth[i] != 1) continue;
            for (var j = 0; j < scores.Length; j++)
            {
                if (truth[j] != 0) continue;
                wins += scores[i] > scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0;
            }
        }
        return wins / ((double)positives * negatives);
    }

    private static double StandardDeviation(List<double> values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, values.Count - 1));
    }
}
