using System.Diagnostics;

namespace Tessera.Chem.Tests;

/// <summary>Small structure files for the tests, the non-SMILES ones written by obabel itself so they are what the tool produces.</summary>
internal static class Structures
{
    public const string Aspirin = "CC(=O)Oc1ccccc1C(=O)O";
    public const string Caffeine = "Cn1cnc2c1c(=O)n(C)c(=O)n2C";
    public const string Ethanol = "CCO";
    public const string AspirinInChIKey = "BSYNRYMUTXBXSQ-UHFFFAOYSA-N";

    /// <summary>Two molecules plus a broken one (an unclosed ring), one a line with titles.</summary>
    public static string SmilesWithOneBad => $"{Aspirin} aspirin\n{Caffeine} caffeine\nC1CC( broken\n{Ethanol} ethanol\n";

    /// <summary><paramref name="smiles"/> (one a line) written by obabel as <paramref name="format"/>.</summary>
    public static string Convert(string smiles, string format)
    {
        var start = new ProcessStartInfo("obabel") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-ismi", "-o" + format }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        process.StandardInput.Write(smiles);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.False(string.IsNullOrWhiteSpace(output), $"obabel wrote no {format}");
        return output;
    }

    /// <summary>A hand-written PDB snippet: the heavy atoms of ethanol with CONECT records.</summary>
    public const string EthanolPdb =
        "HETATM    1  C1  EOH A   1       0.000   0.000   0.000  1.00  0.00           C\n" +
        "HETATM    2  C2  EOH A   1       1.520   0.000   0.000  1.00  0.00           C\n" +
        "HETATM    3  O   EOH A   1       2.020   1.410   0.000  1.00  0.00           O\n" +
        "CONECT    1    2\nCONECT    2    1    3\nCONECT    3    2\nEND\n";
}
