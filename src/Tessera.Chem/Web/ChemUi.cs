using Tessera.Platform.Web;

namespace Tessera.Chem.Web;

/// <summary>The UI part of Chem: its pages and navigation entries, given to the shell by <see cref="ChemModule"/>.</summary>
internal static class ChemUi
{
    public static ModulePages Pages { get; } = new(typeof(ChemUi).Assembly,
    [
        new NavigationEntry("Chem", "/chem", "run registered tasks (docking with Vina, Open Babel) from forms their schemas generate"),
        new NavigationEntry("Chem pipelines", "/chem/pipelines", "compose registered tasks into pipelines, run them and rerun them from the cache"),
    ]);
}
