using Tessera.Inference.Esm;
using Tessera.Inference.Kernels;
using Tessera.Inference.Sequences;

namespace Tessera.Inference.Tests;

/// <summary>The forward pass against fair-esm's float64 outputs for all 39 fixture sequences.</summary>
public sealed class EsmFixtureTests
{
    private const double Tolerance = 1e-4;
    private static readonly Lazy<EsmModel> Model = new(() => EsmModel.Load(Fixtures.EsmTiny));
    private static readonly Lazy<IReadOnlyList<FastaRecord>> Sequences =
        new(() => FastaReader.ReadFile(Path.Combine(Fixtures.EsmTiny, "sequences.fasta")));

    public static TheoryData<int> SequenceNumbers()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < 39; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(SequenceNumbers))]
    public void Tokenizer_matches_the_reference_tokens(int number)
    {
        var expected = Fixtures.EsmReference[$"s{number:D2}_tokens"].ToInt64().Select(id => (int)id).ToArray();
        var actual = Model.Value.Tokenizer.Encode(Sequences.Value[number].Sequence);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(SequenceNumbers))]
    public void Hidden_states_and_mean_match_the_reference_within_1e4(int number)
    {
        var model = Model.Value;
        var tokens = model.Tokenizer.Encode(Sequences.Value[number].Sequence);
        var hidden = model.Encoder.Forward([tokens], new ActivationWorkspace(), ComputeThreads.Single).ToArray();
        AssertClose(Fixtures.EsmReference[$"s{number:D2}_hidden_f64"].ToFloat64(), hidden, $"s{number:D2} hidden");

        var embedder = new EsmSequenceEmbedder(model, new EsmEmbeddingOptions { Threads = 1 });
        var mean = embedder.Embed([Sequences.Value[number].Sequence])[0].Mean;
        AssertClose(Fixtures.EsmReference[$"s{number:D2}_mean_f64"].ToFloat64(), mean, $"s{number:D2} mean");
    }

    internal static void AssertClose(double[] expected, ReadOnlySpan<float> actual, string what, double tolerance = Tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0.0;
        var at = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var difference = Math.Abs(expected[i] - actual[i]);
            if (!(difference <= worst)) { worst = difference; at = i; }
        }
        Assert.True(worst <= tolerance, $"{what}: max abs difference {worst:E3} at index {at} (expected {expected[Math.Max(at, 0)]}, got {actual[Math.Max(at, 0)]}).");
    }
}
