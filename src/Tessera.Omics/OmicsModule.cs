using Tessera.Data.Migrations;

namespace Tessera.Omics;

/// <summary>The tables the Omics system owns.</summary>
public static class OmicsModule
{
    public static MigrationSet Migrations { get; } = MigrationSet.FromAssembly("omics", typeof(OmicsModule).Assembly);
}
