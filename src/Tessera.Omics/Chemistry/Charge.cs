namespace Tessera.Omics.Chemistry;

/// <summary>Net charge by Henderson–Hasselbalch over the termini and ionisable side chains (EMBOSS pKa set).</summary>
internal static class Charge
{
    public static double At(string sequence, double ph)
    {
        var charge = Positive(ResidueTables.PkaNTerminus, ph) - Negative(ResidueTables.PkaCTerminus, ph);
        foreach (var r in sequence)
        {
            if (ResidueTables.PositivePka(r) is { } pos) charge += Positive(pos, ph);
            else if (ResidueTables.NegativePka(r) is { } neg) charge -= Negative(neg, ph);
        }
        return charge;
    }

    /// <summary>The pH at which the net charge is zero, by bisection (charge falls monotonically with pH).</summary>
    public static double IsoelectricPoint(string sequence)
    {
        double low = 0, high = 14;
        while (high - low > 1e-4)
        {
            var mid = (low + high) / 2;
            if (At(sequence, mid) > 0) low = mid;
            else high = mid;
        }
        return Math.Round((low + high) / 2, 3);
    }

    private static double Positive(double pka, double ph) => 1 / (1 + Math.Pow(10, ph - pka));

    private static double Negative(double pka, double ph) => 1 / (1 + Math.Pow(10, pka - ph));
}
