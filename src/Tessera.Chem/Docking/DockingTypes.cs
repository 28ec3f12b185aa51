namespace Tessera.Chem.Docking;

/// <summary>The search box in Å: its centre and its edge lengths along x, y and z.</summary>
internal sealed record DockingBox(double[] Center, double[] Size);

/// <summary>A structure as text with its Open Babel format (smi, sdf, mol2, pdb, pdbqt).</summary>
internal sealed record StructureText(string Text, string Format);

/// <summary>
/// One docking: a receptor, a ligand, and either a box or a reference ligand whose bounding box (plus
/// <paramref name="Padding"/> Å on every side) becomes the box. The seed makes a run repeatable.
/// </summary>
internal sealed record DockingRequest(
    StructureText Receptor, StructureText Ligand, DockingBox? Box, StructureText? ReferenceLigand, double Padding,
    int Exhaustiveness, int NumModes, double EnergyRange, int Seed, int Cpu)
{
    public const double DefaultEnergyRange = 3;
    public const double DefaultPadding = 4;
    public const int DefaultExhaustiveness = 8;
    public const int DefaultNumModes = 9;
    public const int DefaultSeed = 0;
    public const int DefaultCpu = 1;
}

/// <summary>One pose as Vina ranks it: the score (kcal/mol) and the RMSD bounds (Å) from the best pose.</summary>
internal sealed record DockingPose(int Rank, double Score, double RmsdLowerBound, double RmsdUpperBound);

/// <summary>
/// How much to trust the top pose, from the one run's poses (no second run): <paramref name="Value"/> is the share of
/// the poses scoring within <see cref="DockingConfidence.ScoreWindow"/> kcal/mol of the best that lie within
/// <see cref="DockingConfidence.SameModeRmsd"/> Å (Vina's lower-bound RMSD) of it, i.e. whether the near-best
/// solutions agree on one binding mode (1) or compete (towards 0). <paramref name="ScoreGap"/> is how much worse the
/// best pose of another binding mode scores (null: every pose is the same mode); <paramref name="ScoreSpread"/> the
/// standard deviation of the top three scores.
/// </summary>
internal sealed record DockingConfidence(double Value, double? ScoreGap, double ScoreSpread, int PosesInWindow)
{
    public const double ScoreWindow = 1.0;
    public const double SameModeRmsd = 2.0;

    public static DockingConfidence Of(IReadOnlyList<DockingPose> poses)
    {
        ArgumentNullException.ThrowIfNull(poses);
        if (poses.Count == 0) return new DockingConfidence(0, null, 0, 0);
        var best = poses[0].Score;
        var window = poses.Where(p => p.Score - best <= ScoreWindow).ToList();
        var same = window.Count(p => p.RmsdLowerBound <= SameModeRmsd);
        var other = poses.FirstOrDefault(p => p.RmsdLowerBound > SameModeRmsd);
        var top = poses.Take(3).Select(p => p.Score).ToList();
        var mean = top.Average();
        var spread = Math.Sqrt(top.Sum(s => (s - mean) * (s - mean)) / top.Count);
        return new DockingConfidence(Math.Round((double)same / window.Count, 3), other is null ? null : Math.Round(other.Score - best, 3), Math.Round(spread, 3), window.Count);
    }
}

/// <summary>What a docking produced: the poses best first, all of them as PDBQT (Vina's output) and as SDF (Open Babel's conversion).</summary>
internal sealed record DockingResult(
    IReadOnlyList<DockingPose> Poses, DockingConfidence Confidence, DockingBox Box, string PosesPdbqt, string PosesSdf, TimeSpan VinaTime)
{
    public double BestScore => Poses[0].Score;
}
