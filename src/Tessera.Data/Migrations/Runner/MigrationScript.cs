using System.Globalization;
using System.Text.RegularExpressions;
using Tessera.Core.Hashing;

namespace Tessera.Data.Migrations;

/// <summary>One versioned SQL script. The checksum covers its text with line endings normalized.</summary>
public sealed partial record MigrationScript(int Version, string Name, string Sql)
{
    public string Checksum { get; } = Sha256Hex.Of(Sql.Replace("\r\n", "\n", StringComparison.Ordinal));

    /// <summary>Parses a file name like <c>0003_add_jobs.sql</c> into its version and name.</summary>
    public static MigrationScript FromFile(string fileName, string sql)
    {
        var match = FileNamePattern().Match(fileName);
        if (!match.Success)
            throw new InvalidOperationException($"Migration file '{fileName}' must be named NNNN_description.sql.");
        return new MigrationScript(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Value, sql);
    }

    [GeneratedRegex(@"^(\d{4})_([a-z0-9_]+)\.sql$")]
    private static partial Regex FileNamePattern();
}
