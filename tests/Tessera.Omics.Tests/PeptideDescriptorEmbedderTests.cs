using Tessera.Inference.Embeddings;
using Tessera.Omics.Chemistry;

namespace Tessera.Omics.Tests;

/// <summary>The classical peptide embedder Omics contributes to the embedder registry.</summary>
public sealed class PeptideDescriptorEmbedderTests
{
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
        Assert.Throws<Tessera.Core.Errors.TesseraException>(() => PeptideDescriptorEmbedder.Embed("***"));
    }

    [Fact]
    public async Task The_omics_module_registers_the_classical_embedder_by_name()
    {
        var registry = new EmbedderRegistry(new OmicsModule().Embedders);
        Assert.IsType<PeptideDescriptorEmbedder>(await registry.GetAsync(PeptideDescriptorEmbedder.ModelName));
    }

    [Fact]
    public void Net_charge_and_isoelectric_point_come_from_one_place()
    {
        // The descriptor's charge and pI properties are Charge.At and Charge.IsoelectricPoint, standardised.
        var properties = new double[PeptideProperties.Definitions.Length];
        var residues = "KKKDDE".Select(PeptideScales.IndexOf).ToArray();
        PeptideProperties.Compute(residues, properties);
        var charge = Array.FindIndex(PeptideProperties.Definitions, d => d.Name == "net_charge_ph7");
        var pi = Array.FindIndex(PeptideProperties.Definitions, d => d.Name == "isoelectric_point");
        Assert.Equal((Charge.At("KKKDDE", 7.0) - PeptideProperties.Definitions[charge].Center) / PeptideProperties.Definitions[charge].Scale, properties[charge], 12);
        Assert.Equal((Charge.IsoelectricPoint("KKKDDE") - PeptideProperties.Definitions[pi].Center) / PeptideProperties.Definitions[pi].Scale, properties[pi], 12);
    }
}
