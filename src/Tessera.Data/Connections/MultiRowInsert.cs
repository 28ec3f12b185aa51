using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;

namespace Tessera.Data;

/// <summary>
/// Inserts many rows with few statements: each chunk of rows is one <c>INSERT … VALUES (…), (…)</c>. A statement
/// per row costs a round trip on PostgreSQL and a parse and bind on SQLite, which dominates large uploads.
/// </summary>
public static class MultiRowInsert
{
    /// <summary>Parameters per statement, below SQLite's and PostgreSQL's limits (32,766 and 65,535).</summary>
    private const int MaxParameters = 30_000;

    /// <summary>Rows per statement at most, so one statement's text stays small.</summary>
    private const int MaxRows = 500;

    /// <param name="connection">An open connection.</param>
    /// <param name="transaction">The transaction the rows belong to.</param>
    /// <param name="table">Target table.</param>
    /// <param name="columns">Column names, in the order <paramref name="values"/> returns them.</param>
    /// <param name="rows">The rows.</param>
    /// <param name="values">One row's column values.</param>
    /// <param name="suffix">Text after the VALUES list, e.g. <c>ON CONFLICT (id) DO NOTHING</c>.</param>
    /// <param name="cancellationToken">Cancels between and within statements.</param>
    /// <returns>Rows affected.</returns>
    public static async Task<int> ExecuteAsync<T>(
        DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<string> columns, IEnumerable<T> rows,
        Func<T, object?[]> values, string suffix = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(values);
        var perStatement = Math.Clamp(MaxParameters / columns.Count, 1, MaxRows);
        var head = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ";
        var affected = 0;
        foreach (var chunk in rows.Chunk(perStatement))
        {
            var sql = new StringBuilder(head, head.Length + chunk.Length * columns.Count * 8);
            var parameters = new DynamicParameters();
            for (var r = 0; r < chunk.Length; r++)
            {
                var row = values(chunk[r]);
                if (row.Length != columns.Count) throw new ArgumentException($"A row has {row.Length} values for {columns.Count} columns.", nameof(values));
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < row.Length; c++)
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"p{r}_{c}");
                    if (c > 0) sql.Append(", ");
                    sql.Append('@').Append(name);
                    parameters.Add(name, row[c]);
                }
                sql.Append(')');
            }
            if (suffix.Length > 0) sql.Append(' ').Append(suffix);
            affected += await connection.ExecuteAsync(new CommandDefinition(sql.ToString(), parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        return affected;
    }
}
