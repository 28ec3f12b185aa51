using System.Reflection;

namespace Tessera.Data.Migrations;

/// <summary>
/// The migrations one module owns, per dialect. Modules embed their scripts as
/// <c>migrations/Sqlite/NNNN_name.sql</c> and <c>migrations/Postgres/NNNN_name.sql</c>; a store of the module's own
/// beside the main database (e.g. one per organization) embeds its scripts under another root.
/// </summary>
public sealed class MigrationSet
{
    public MigrationSet(string module, IEnumerable<MigrationScript> sqlite, IEnumerable<MigrationScript> postgres)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(module);
        Module = module;
        Sqlite = Ordered(module, sqlite);
        Postgres = Ordered(module, postgres);
        RequirePairs(module, Sqlite, Postgres);
    }

    public string Module { get; }
    public IReadOnlyList<MigrationScript> Sqlite { get; }
    public IReadOnlyList<MigrationScript> Postgres { get; }

    public IReadOnlyList<MigrationScript> For(SqlDialect dialect) => dialect == SqlDialect.Sqlite ? Sqlite : Postgres;

    public static MigrationSet FromAssembly(string module, Assembly assembly, string root = "migrations")
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return new MigrationSet(module, Load(assembly, root, "Sqlite"), Load(assembly, root, "Postgres"));
    }

    private static List<MigrationScript> Load(Assembly assembly, string root, string dialect)
    {
        var prefix = $"{root}/{dialect}/";
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add(MigrationScript.FromFile(resource[prefix.Length..], reader.ReadToEnd()));
        }
        return scripts;
    }

    /// <summary>Each dialect has the same scripts (number and name): a schema change written for one dialect only is refused at start.</summary>
    private static void RequirePairs(string module, IReadOnlyList<MigrationScript> sqlite, IReadOnlyList<MigrationScript> postgres)
    {
        var sqliteNames = sqlite.Select(s => $"{s.Version:D4}_{s.Name}").ToList();
        var postgresNames = postgres.Select(s => $"{s.Version:D4}_{s.Name}").ToList();
        var onlySqlite = sqliteNames.Except(postgresNames).ToList();
        var onlyPostgres = postgresNames.Except(sqliteNames).ToList();
        if (onlySqlite.Count == 0 && onlyPostgres.Count == 0) return;
        var missing = onlySqlite.Select(n => $"{n}.sql has no PostgreSQL script").Concat(onlyPostgres.Select(n => $"{n}.sql has no SQLite script"));
        throw new InvalidOperationException($"Module '{module}' migrations do not pair up by dialect: {string.Join("; ", missing)}.");
    }

    private static List<MigrationScript> Ordered(string module, IEnumerable<MigrationScript> scripts)
    {
        var list = scripts.OrderBy(s => s.Version).ToList();
        for (var i = 1; i < list.Count; i++)
        {
            if (list[i].Version == list[i - 1].Version)
                throw new InvalidOperationException($"Module '{module}' has two migrations numbered {list[i].Version}.");
        }
        return list;
    }
}
