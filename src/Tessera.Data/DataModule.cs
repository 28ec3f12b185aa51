using Tessera.Data.Migrations;

namespace Tessera.Data;

/// <summary>The tables the shared data layer owns.</summary>
public static class DataModule
{
    public static MigrationSet Migrations { get; } = MigrationSet.FromAssembly("data", typeof(DataModule).Assembly);
}
