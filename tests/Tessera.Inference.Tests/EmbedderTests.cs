using Microsoft.Extensions.AI;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Esm;

namespace Tessera.Inference.Tests;

/// <summary>The embedder contract: descriptors, hashes on every vector, the registry's load-once cache and named embedders.</summary>
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
    public async Task A_named_embedder_is_created_once_and_other_names_load_as_model_folders()
    {
        var created = 0;
        var registry = new EmbedderRegistry([new NamedEmbedder("tiny", _ =>
        {
            Interlocked.Increment(ref created);
            return EsmEmbedder.Load(Fixtures.EsmTiny);
        })]);
        Assert.Equal(["tiny"], registry.Names);
        var named = await registry.GetAsync("tiny");
        Assert.Same(named, await registry.GetAsync("tiny"));
        Assert.Equal(1, created);
        Assert.NotSame(named, await registry.GetAsync(Fixtures.EsmTiny));
        Assert.Throws<ArgumentException>(() => new EmbedderRegistry([new NamedEmbedder("a", _ => named), new NamedEmbedder("a", _ => named)]));
    }

    [Fact]
    public async Task Esm_vectors_carry_the_model_name_and_weights_hash()
    {
        var registry = new EmbedderRegistry(esmOptions: new EsmEmbeddingOptions { Threads = 1 });
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
}
