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
    public void Version_2_extends_the_unchanged_v1_vector_with_triplet_and_terminal_blocks()
    {
        var v1 = new PeptideDescriptorEmbedder();
        var v2 = new PeptideDescriptorEmbedderV2();
        Assert.Equal(("tessera-peptide-descriptors-v2", 82 + 343 + 40), (v2.Descriptor.Name, v2.Descriptor.Dimension));
        Assert.NotEqual(v1.Descriptor.ModelHash, v2.Descriptor.ModelHash);
        foreach (var peptide in new[] { "GLWSKIKEVGKEAAKAAAKAAGKAALGAVSEAV", "kwklfkkigavlkvl", "C", "MKT*X-AAK" })
        {
            var older = PeptideDescriptorEmbedder.Embed(peptide);
            var newer = PeptideDescriptorEmbedderV2.Embed(peptide);
            Assert.Equal(1.0, Math.Sqrt(newer.Sum(v => (double)v * v)), 5);
            // The first block is v1 scaled by one factor: v1 itself is untouched by v2.
            var scale = newer[0] / older[0];
            for (var i = 0; i < older.Length; i++) Assert.Equal(older[i] * scale, newer[i], 5);
        }
        // Terminal block: the same residues at the ends give the same block whatever lies between.
        var a = PeptideDescriptorEmbedderV2.Embed("KWKGGGGGGGGLVL");
        var b = PeptideDescriptorEmbedderV2.Embed("KWKAAAAAAAALVL");
        Assert.Equal(a[^40..].Select(v => v > 0), b[^40..].Select(v => v > 0));
    }

    [Fact]
    public async Task The_omics_module_registers_both_classical_versions_by_name()
    {
        var registry = new EmbedderRegistry(new OmicsModule().Embedders);
        Assert.IsType<PeptideDescriptorEmbedderV2>(await registry.GetAsync(PeptideDescriptorEmbedderV2.ModelName));
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
