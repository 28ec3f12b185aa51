namespace Tessera.Testing;

/// <summary>Synthetic peptides for tests: distinct random sequences of the 20 standard residues, from a fixed seed.</summary>
public static class TestPeptides
{
    private const string Residues = "ACDEFGHIKLMNPQRSTVWY";

    public static List<string> Random(int count, int seed, int minLength, int maxLength)
    {
        var random = new System.Random(seed);
        var peptides = new List<string>(count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (peptides.Count < count)
        {
            var chars = new char[random.Next(minLength, maxLength + 1)];
            for (var i = 0; i < chars.Length; i++) chars[i] = Residues[random.Next(Residues.Length)];
            var peptide = new string(chars);
            if (seen.Add(peptide)) peptides.Add(peptide);
        }
        return peptides;
    }
}
