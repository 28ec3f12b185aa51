using Microsoft.Extensions.AI;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Esm;
using Tessera.Inference.Featurizers;

namespace Tessera.Inference.Tests;

/// <summary>The embedder contract: descriptors, hashes on every vector, the registry's load-once cache and the classical fallback.</summary>
public sealed class EmbedderTests
{
    [Fact]
    public async Task The_registry_loads_a_model_once_under_concurrent_requests()
    {
        var loads = 0;
        using var gate = new ManualResetEventSlim();
        var registry = new EmbedderRegistry(directory =>
        {
            Interlocked.Increment(ref loads);
            gate.Wait(TimeSpan.FromSeconds(10));
            return EsmEmbedder.Load(directory);
        });
        var requests = Enumerable.Range(0, 16).Select(_ => Task.Run(() => registry.GetAsync(Fixtures.EsmTiny))).ToArray();
        gate.Set();
        var embedders = await Task.WhenAll(requests);
        Assert.Equal(1, loads);
        Assert.All(embedders, e => Assert.Same(embedders[0], e));
        Assert.Same(embedders[0], await registry.GetAsync(Fixtures.EsmTiny + Path.DirectorySeparatorChar + "."));
        Assert.Equal(1, loads);
    }

    [Fact]
    public async Task A_failed_load_is_not_cached()
    {
        var attempts = 0;
        var registry = new EmbedderRegistry(directory =>
            Interlocked.Increment(ref attempts) == 1 ? throw new IOException("disk hiccup") : EsmEmbedder.Load(directory));
        await Assert.ThrowsAsync<IOException>(() => registry.GetAsync(Fixtures.EsmTiny));
        var embedder = await registry.GetAsync(Fixtures.EsmTiny);
        Assert.Equal(64, embedder.Descriptor.Dimension);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task No_model_means_the_classical_peptide_embedder()
    {
        var registry = new EmbedderRegistry();
        Assert.IsType<PeptideDescriptorEmbedder>(await registry.GetAsync(null));
        Assert.Same(registry.Classical, await registry.GetAsync(PeptideDescriptorEmbedder.ModelName));
    }

    [Fact]
    public async Task Esm_vectors_carry_the_model_name_and_weights_hash()
    {
        var registry = new EmbedderRegistry(new EsmEmbeddingOptions { Threads = 1 });
        var embedder = await registry.GetAsync(Fixtures.EsmTiny);
        var descriptor = embedder.Descriptor;
        Assert.Equal(("esm2-tiny", 64, EmbeddingPooling.MeanOverResidues), (descriptor.Name, descriptor.Dimension, descriptor.Pooling));
        Assert.Equal("chunk(max_residues=1022, overlap=256, average)", descriptor.TruncationPolicy);
        Assert.Equal(EsmModel.Load(Fixtures.EsmTiny).ModelHash, descriptor.ModelHash);

        var embeddings = await embedder.GenerateAsync(["MKTVRQERLKSI", "GLWSKIKEV"]);
        Assert.Equal(2, embeddings.Count);
        Assert.All(embeddings, e =>
        {
            Assert.Equal(descriptor.Name, e.ModelId);
            Assert.Equal(descriptor.ModelHash, e.AdditionalProperties![EmbedderDescriptor.ModelHashProperty]);
            Assert.Equal(64, e.Vector.Length);
        });
        var metadata = embedder.GetService<EmbeddingGeneratorMetadata>();
        Assert.Equal((descriptor.Name, (int?)64), (metadata!.DefaultModelId, metadata.DefaultModelDimensions));
    }

    [Fact]
    public async Task Classical_vectors_are_deterministic_unit_length_and_hashed()
    {
        using var embedder = new PeptideDescriptorEmbedder();
        var peptides = new[] { "GLWSKIKEVGKEAAKAAAKAAGKAALGAVSEAV", "kwklfkkigavlkvl", "C", "MKT*X-AAK" };
        var first = await embedder.GenerateAsync(peptides);
        var second = await new PeptideDescriptorEmbedder().GenerateAsync(peptides);
        for (var i = 0; i < peptides.Length; i++)
        {
            Assert.Equal(first[i].Vector.ToArray(), second[i].Vector.ToArray());
            Assert.Equal(embedder.Descriptor.Dimension, first[i].Vector.Length);
            Assert.Equal(1.0, Math.Sqrt(first[i].Vector.ToArray().Sum(v => (double)v * v)), 5);
            Assert.Equal(embedder.Descriptor.ModelHash, first[i].AdditionalProperties![EmbedderDescriptor.ModelHashProperty]);
        }
        Assert.Equal(("tessera-peptide-descriptors-v1", 82, 64), (embedder.Descriptor.Name, embedder.Descriptor.Dimension, embedder.Descriptor.ModelHash.Length));
        Assert.Equal(PeptideDescriptorEmbedder.Embed("KWKLFKKIGAVLKVL"), PeptideDescriptorEmbedder.Embed("kwklfkkigavlkvl"));
        Assert.Throws<Core.Errors.TesseraException>(() => PeptideDescriptorEmbedder.Embed("***"));
    }
}
