using System.Globalization;

namespace Tessera.Chem.Docking;

/// <summary>
/// Reads Vina's output PDBQT: one <c>MODEL</c> per pose, best first, each with a line
/// <c>REMARK VINA RESULT:  score  rmsd_lb  rmsd_ub</c>; and atom coordinates of any PDB/PDBQT/XYZ text.
/// </summary>
internal static class VinaOutput
{
    private const string ResultRemark = "REMARK VINA RESULT:";

    public static IReadOnlyList<DockingPose> Poses(string pdbqt)
    {
        ArgumentNullException.ThrowIfNull(pdbqt);
        var poses = new List<DockingPose>();
        foreach (var line in pdbqt.Split('\n'))
        {
            if (!line.StartsWith(ResultRemark, StringComparison.Ordinal)) continue;
            var values = line[ResultRemark.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (values.Length < 3) throw new FormatException($"Unexpected Vina result line: '{line.Trim()}'.");
            poses.Add(new DockingPose(poses.Count + 1, Number(values[0]), Number(values[1]), Number(values[2])));
        }
        return poses;
    }

    /// <summary>The coordinates of every ATOM/HETATM record of <paramref name="model"/> (1-based; 0: the whole text), skipping hydrogens when asked.</summary>
    public static IReadOnlyList<(double X, double Y, double Z)> Atoms(string pdbqt, int model = 0, bool heavyOnly = false)
    {
        ArgumentNullException.ThrowIfNull(pdbqt);
        var atoms = new List<(double, double, double)>();
        var current = 0;
        foreach (var line in pdbqt.Split('\n'))
        {
            if (line.StartsWith("MODEL", StringComparison.Ordinal)) current++;
            if (model != 0 && current != model) continue;
            if (!line.StartsWith("ATOM", StringComparison.Ordinal) && !line.StartsWith("HETATM", StringComparison.Ordinal)) continue;
            if (line.Length < 54) continue;
            if (heavyOnly && IsHydrogen(line)) continue;
            atoms.Add((Number(line[30..38]), Number(line[38..46]), Number(line[46..54])));
        }
        return atoms;
    }

    /// <summary>The coordinates in an XYZ file (count, comment, then "element x y z" lines; several molecules follow each other).</summary>
    public static IReadOnlyList<(double X, double Y, double Z)> XyzAtoms(string xyz)
    {
        ArgumentNullException.ThrowIfNull(xyz);
        var atoms = new List<(double, double, double)>();
        var lines = xyz.Split('\n');
        var i = 0;
        while (i < lines.Length && int.TryParse(lines[i].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count))
        {
            for (var a = 0; a < count && i + 2 + a < lines.Length; a++)
            {
                var parts = lines[i + 2 + a].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 4) atoms.Add((Number(parts[1]), Number(parts[2]), Number(parts[3])));
            }
            i += count + 2;
        }
        return atoms;
    }

    // PDBQT puts the AutoDock type in columns 78-79 (H, HD, HS are hydrogens); PDB puts the element there.
    private static bool IsHydrogen(string line)
    {
        var type = line.Length > 77 ? line[77..].Trim() : line[12..16].Trim().TrimStart('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
        return type is "H" or "HD" or "HS" || (type.Length > 0 && line.Length <= 77 && type[0] == 'H');
    }

    private static double Number(string text) => double.Parse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture);
}
