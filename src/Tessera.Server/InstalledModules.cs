using Tessera.Cards;
using Tessera.Chem;
using Tessera.Guides;
using Tessera.Omics;
using Tessera.Platform.Modules;
using Tessera.Traces;

namespace Tessera.Server;

/// <summary>
/// The systems this build runs: the one list the server and the CLI loop over. Adding a system is its project,
/// a reference in Tessera.Server.csproj and one line here (docs/modules.md).
/// </summary>
public static class InstalledModules
{
    public static TesseraModules All { get; } = new([
        new OmicsModule(),
        new TracesModule(),
        new CardsModule(),
        new ChemModule(),
        new GuidesModule(),
    ]);
}
