using Tessera.Testing;
using Tessera.Core.Errors;
using Tessera.Inference.Bench;
using Tessera.Inference.Esm;
using Tessera.Inference.Kernels;

namespace Tessera.Inference.Tests;

/// <summary>A random-weight esm2_t6_8M geometry (6 layers × 320 hidden × 20 heads), written once for the class.</summary>
public sealed class Esm8MGeometry : IDisposable
{
    private readonly TempDirectory _directory = new();

    public Esm8MGeometry()
    {
        RandomCheckpoint.Write(_directory.Path, layers: 6, hidden: 320, heads: 20, intermediate: 1280, seed: 7);
        Model = EsmModel.Load(_directory.Path);
    }

    internal EsmModel Model { get; }

    public void Dispose() => _directory.Dispose();
}

/// <summary>Padding, batching and the long-sequence policy: results must not depend on how sequences are grouped.</summary>
public sealed class EsmBatchingTests(Esm8MGeometry geometry) : IClassFixture<Esm8MGeometry>
{
    private static readonly string[] Proteins =
    [
        "MKTVRQERLKSIVRILERSKEPVSGAQLAEELSVSRQVIVQDIAYLRSLGYNIVATPRGYVLAGG",
        "MSK",
        "GLWSKIKEVGKEAAKAAAKAAGKAALGAVSEAV",
        "MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQAPILSRVGDGTQDNLSGAEKAVQVKVKALPDAQFEVVHSLAKWKRQTLGQHDFSAGEGLYTHMKALRPDEDRLSPLHSVYVDQWDWERVMGDGERQFSTLKSTVEAIWAGIKATEAAVSEEFGLAPFLPDQIHFVHSQELLSRYPDLDAKGRERAIAKDLGAVFLVGIGGKLSDGHRHDVRAPDYDDWSTPSELGHAGLNGDILVWNPVLEDAFELSSMGIRVDADTLKHQLALTGDEDRLELEWHQALLRGEMPQTIGGGIGQSRLTMLLLQLPHIGQVQAGVWPAACRESVPALL",
        "M<mask>FKLLVA*",
    ];

    [Fact]
    public void A_padded_batch_gives_the_states_of_each_sequence_alone()
    {
        var model = geometry.Model;
        var tokens = Proteins.Select(p => model.Tokenizer.Encode(p)).ToArray();
        var batched = model.Encoder.Forward(tokens, new ActivationWorkspace(), new ComputeThreads(2)).ToArray();
        var t = tokens.Max(x => x.Length);
        var hidden = model.Config.Hidden;
        for (var b = 0; b < tokens.Length; b++)
        {
            var alone = model.Encoder.Forward([tokens[b]], new ActivationWorkspace(), ComputeThreads.Single).ToArray();
            var rows = batched.AsSpan(b * t * hidden, tokens[b].Length * hidden);
            EsmFixtureTests.AssertClose(alone.Select(v => (double)v).ToArray(), rows, $"sequence {b} in a padded batch", 1e-5);
        }
    }

    [Fact]
    public void Embeddings_come_back_in_input_order_whatever_the_batch_size()
    {
        var one = new EsmSequenceEmbedder(geometry.Model, new EsmEmbeddingOptions { Threads = 1, BatchSize = 1 }).Embed(Proteins);
        var three = new EsmSequenceEmbedder(geometry.Model, new EsmEmbeddingOptions { Threads = 2, BatchSize = 3 }).Embed(Proteins, perResidue: true);
        for (var i = 0; i < Proteins.Length; i++)
        {
            Assert.Equal(320, one[i].Mean.Length);
            Assert.Equal(geometry.Model.Tokenizer.EncodeResidues(Proteins[i]).Count, three[i].Residues);
            Assert.Equal(three[i].Residues * 320, three[i].PerResidue!.Length);
            EsmFixtureTests.AssertClose(one[i].Mean.Select(v => (double)v).ToArray(), three[i].Mean, $"mean {i}", 1e-5);
        }
    }

    [Fact]
    public void Over_long_sequences_are_rejected_with_the_limit_named_under_the_reject_policy()
    {
        var embedder = new EsmSequenceEmbedder(geometry.Model, new EsmEmbeddingOptions { LongSequences = LongSequencePolicy.Reject, MaxResidues = 100 });
        var error = Assert.Throws<TesseraException>(() => embedder.Embed(["MSK", Proteins[3]]));
        Assert.Equal($"Sequence 2 has {Proteins[3].Length} residues, over the limit of 100; use the chunk policy to embed it in overlapping windows.", error.Message);
    }

    [Fact]
    public void Chunking_averages_overlapping_windows_residue_by_residue()
    {
        var model = geometry.Model;
        const int window = 100, overlap = 30;
        var sequence = Proteins[3];
        var residues = model.Tokenizer.EncodeResidues(sequence);
        var chunked = new EsmSequenceEmbedder(model, new EsmEmbeddingOptions { MaxResidues = window, ChunkOverlap = overlap, BatchSize = 2, Threads = 1 })
            .Embed([sequence], perResidue: true)[0];

        // By hand: windows at 0, 70, 140, …, the last aligned to the end; each residue averages its windows.
        var hidden = model.Config.Hidden;
        var sums = new double[residues.Count * hidden];
        var counts = new int[residues.Count];
        var starts = new List<int>();
        for (var s = 0; s + window < residues.Count; s += window - overlap) starts.Add(s);
        starts.Add(residues.Count - window);
        foreach (var start in starts)
        {
            var tokens = new[] { 0 }.Concat(residues.Skip(start).Take(window)).Append(2).ToArray();
            var states = model.Encoder.Forward([tokens], new ActivationWorkspace(), ComputeThreads.Single);
            for (var i = 0; i < window; i++)
            {
                counts[start + i]++;
                for (var j = 0; j < hidden; j++) sums[(start + i) * hidden + j] += states[(1 + i) * hidden + j];
            }
        }
        for (var i = 0; i < residues.Count; i++)
        {
            for (var j = 0; j < hidden; j++) sums[i * hidden + j] /= counts[i];
        }
        Assert.Equal(residues.Count, chunked.Residues);
        EsmFixtureTests.AssertClose(sums, chunked.PerResidue!, "chunked residues", 1e-5);
        var mean = Enumerable.Range(0, hidden).Select(j => Enumerable.Range(0, residues.Count).Average(i => sums[i * hidden + j])).ToArray();
        EsmFixtureTests.AssertClose(mean, chunked.Mean, "chunked mean", 1e-5);
    }

    [Fact]
    public void The_default_policy_chunks_sequences_over_1022_residues()
    {
        var tiny = EsmModel.Load(Fixtures.EsmTiny);
        var sequence = string.Concat(Enumerable.Repeat("ACDEFGHIKLMNPQRSTVWY", 60));
        var result = new EsmSequenceEmbedder(tiny, new EsmEmbeddingOptions()).Embed([sequence])[0];
        Assert.Equal(1200, result.Residues);
        Assert.All(result.Mean, v => Assert.True(float.IsFinite(v)));
    }
}
