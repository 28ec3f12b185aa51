using Tessera.Omics.Chemistry;
using Tessera.Omics.Features;

namespace Tessera.Omics.Tests;

public class PeptideFeaturesTests
{
    // Reference values from Biopython 1.80 ProteinAnalysis (molecular_weight, gravy, aromaticity, instability_index).
    [Theory]
    [InlineData("GLWSKIKEVGKEAAKAAAKAAGKAALGAVSEAV", 3181.6835, 0.196970, 0.030303, 7.272727)]
    [InlineData("MKTAYIAKQRQISFVKSHFSRQ", 2655.0851, -0.659091, 0.136364, 40.531818)]
    [InlineData("ACDEFGHIKLMNPQRSTVWY", 2395.7134, -0.49, 0.15, 84.74)]
    public void Descriptors_match_biopython(string sequence, double weight, double gravy, double aromaticity, double instability)
    {
        var f = PeptideFeatures.Of(sequence);
        Assert.Equal(sequence.Length, f.Length);
        Assert.Equal(weight, f.MolecularWeight, 1e-3);
        Assert.Equal(gravy, f.Gravy, 1e-5);
        Assert.Equal(aromaticity, f.Aromaticity, 1e-5);
        Assert.Equal(instability, f.InstabilityIndex, 1e-4);
    }

    [Fact]
    public void Charge_follows_henderson_hasselbalch_with_the_emboss_pka_set()
    {
        // K alone: N-terminus 8.6, lysine 10.8, C-terminus 3.6.
        var expected = 1 / (1 + Math.Pow(10, 7 - 8.6)) + 1 / (1 + Math.Pow(10, 7 - 10.8)) - 1 / (1 + Math.Pow(10, 3.6 - 7));
        Assert.Equal(expected, PeptideFeatures.Of("K").NetChargePh7, 1e-9);
    }

    [Theory]
    [InlineData("GLWSKIKEVGKEAAKAAAKAAGKAALGAVSEAV")]
    [InlineData("DDDEEE")]
    [InlineData("KKKRRRH")]
    [InlineData("ACDEFGHIKLMNPQRSTVWYXBZUO")]
    public void The_isoelectric_point_is_where_the_net_charge_vanishes(string sequence)
    {
        var f = PeptideFeatures.Of(sequence);
        Assert.InRange(f.IsoelectricPoint, 0, 14);
        Assert.Equal(0, Charge.At(sequence, f.IsoelectricPoint), 0.01);
        Assert.True(Charge.At(sequence, f.IsoelectricPoint - 1) > 0);
        Assert.True(Charge.At(sequence, f.IsoelectricPoint + 1) < 0);
    }

    [Fact]
    public void Acidic_peptides_are_negative_and_basic_ones_positive_at_ph_7()
    {
        Assert.True(PeptideFeatures.Of("DDDEEE").NetChargePh7 < -4);
        Assert.True(PeptideFeatures.Of("KKKRRR").NetChargePh7 > 4);
        Assert.True(PeptideFeatures.Of("DDDEEE").IsoelectricPoint < 4);
        Assert.True(PeptideFeatures.Of("KKKRRR").IsoelectricPoint > 10);
    }

    [Fact]
    public void Composition_covers_the_standard_residues_and_sums_to_one()
    {
        var f = PeptideFeatures.Of("AAKXU");
        Assert.Equal(0.4, f.Composition['A'], 1e-12);
        Assert.Equal(0.2, f.Composition['X'], 1e-12);
        Assert.Equal(0, f.Composition['W']);
        Assert.Equal(1, f.Composition.Values.Sum(), 1e-12);
        Assert.False(f.Composition.ContainsKey('B'));
    }
}
