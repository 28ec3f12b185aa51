using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Tessera.Data;

/// <summary>
/// Inserts many rows fast on both dialects. PostgreSQL pays a round trip per statement, so each chunk of rows is
/// one <c>INSERT … VALUES (…), (…)</c>; SQLite runs in-process and binds parameters by a linear name search, so
/// there one prepared single-row statement is re-executed with new values.
/// </summary>
public static class BulkInsert
{
    /// <summary>Parameters per PostgreSQL statement (its limit is 65,535).</summary>
    private const int MaxParameters = 30_000;

    /// <summary>Rows per PostgreSQL statement at most, so one statement's text stays small.</summary>
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
    public static Task<int> ExecuteAsync<T>(
        DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<string> columns, IEnumerable<T> rows,
        Func<T, object?[]> values, string suffix = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(values);
        var head = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ";
        var tail = suffix.Length > 0 ? " " + suffix : "";
        return connection is SqliteConnection sqlite
            ? RowByRowAsync(sqlite, (SqliteTransaction)transaction, head, tail, columns.Count, rows, values, cancellationToken)
            : ChunkedAsync(connection, transaction, head, tail, columns.Count, rows, values, cancellationToken);
    }

    private static async Task<int> RowByRowAsync<T>(
        SqliteConnection connection, SqliteTransaction transaction, string head, string tail, int columns, IEnumerable<T> rows,
        Func<T, object?[]> values, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = head + "(" + string.Join(", ", Enumerable.Range(0, columns).Select(c => "$p" + c.ToString(CultureInfo.InvariantCulture))) + ")" + tail;
        var parameters = Enumerable.Range(0, columns).Select(c => command.Parameters.Add(new SqliteParameter { ParameterName = "$p" + c.ToString(CultureInfo.InvariantCulture) })).ToArray();
        var affected = 0;
        foreach (var row in rows)
        {
            var rowValues = Checked(values(row), columns);
            // Raw values, bound by the provider exactly as Dapper's statements bind them (same text for ids and instants).
            for (var c = 0; c < columns; c++) parameters[c].Value = rowValues[c] ?? DBNull.Value;
            affected += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return affected;
    }

    private static async Task<int> ChunkedAsync<T>(
        DbConnection connection, DbTransaction transaction, string head, string tail, int columns, IEnumerable<T> rows,
        Func<T, object?[]> values, CancellationToken cancellationToken)
    {
        var perStatement = Math.Clamp(MaxParameters / columns, 1, MaxRows);
        var affected = 0;
        foreach (var chunk in rows.Chunk(perStatement))
        {
            var sql = new StringBuilder(head, head.Length + chunk.Length * columns * 8);
            var parameters = new DynamicParameters();
            for (var r = 0; r < chunk.Length; r++)
            {
                var row = Checked(values(chunk[r]), columns);
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < columns; c++)
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"p{r}_{c}");
                    if (c > 0) sql.Append(", ");
                    sql.Append('@').Append(name);
                    parameters.Add(name, row[c]);
                }
                sql.Append(')');
            }
            sql.Append(tail);
            affected += await connection.ExecuteAsync(new CommandDefinition(sql.ToString(), parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        return affected;
    }

    private static object?[] Checked(object?[] row, int columns) =>
        row.Length == columns ? row : throw new ArgumentException($"A row has {row.Length} values for {columns} columns.", nameof(row));
}
