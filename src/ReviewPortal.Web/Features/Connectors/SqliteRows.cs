using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// Multi-row statements on SQLite's own API, for the ingestion hot path: <c>prefix VALUES (…),(…)… suffix</c> over a
/// list of rows, <see cref="RowsPerStatement"/> rows per execution, every value bound by position. Through
/// Microsoft.Data.Sqlite each execution looked every parameter up by name and copied every string to a new UTF-8 array,
/// and each row was its own statement execution: that was most of the managed cost of storing an event. Runs on the
/// connection's open transaction (SQLite has one per connection). Returns the rows changed, as <c>sqlite3_changes</c> counts them.
/// </summary>
internal static class SqliteRows
{
    public const int RowsPerStatement = 100;

    public delegate void Binder<in T>(sqlite3_stmt statement, int firstParameter, T row);

    public static int Execute<T>(SqliteConnection connection, string prefix, int columns, string suffix, IReadOnlyList<T> rows, Binder<T> bind)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var changed = 0;
        var full = rows.Count / RowsPerStatement;
        if (full > 0)
        {
            changed += Run(db, Sql(prefix, columns, RowsPerStatement, suffix), columns, rows, 0, full, RowsPerStatement, bind);
        }
        var rest = rows.Count - full * RowsPerStatement;
        if (rest > 0)
        {
            changed += Run(db, Sql(prefix, columns, rest, suffix), columns, rows, full * RowsPerStatement, 1, rest, bind);
        }
        return changed;
    }

    private static int Run<T>(sqlite3 db, string sql, int columns, IReadOnlyList<T> rows, int first, int executions, int rowsEach, Binder<T> bind)
    {
        Check(raw.sqlite3_prepare_v2(db, sql, out var statement), db);
        try
        {
            var changed = 0;
            for (var execution = 0; execution < executions; execution++)
            {
                var offset = first + execution * rowsEach;
                for (var r = 0; r < rowsEach; r++)
                {
                    bind(statement, r * columns + 1, rows[offset + r]);
                }
                var rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE)
                {
                    Check(rc, db);
                }
                changed += raw.sqlite3_changes(db);
                Check(raw.sqlite3_reset(statement), db);
            }
            return changed;
        }
        finally
        {
            statement.Dispose();
        }
    }

    private static string Sql(string prefix, int columns, int rowCount, string suffix)
    {
        var row = "(" + string.Join(", ", Enumerable.Repeat("?", columns)) + ")";
        return $"{prefix} VALUES {string.Join(", ", Enumerable.Repeat(row, rowCount))} {suffix}";
    }

    public static void Text(sqlite3_stmt statement, int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_text16(statement, index, value), statement);

    public static void Int64(sqlite3_stmt statement, int index, long? value) =>
        Check(value is { } v ? raw.sqlite3_bind_int64(statement, index, v) : raw.sqlite3_bind_null(statement, index), statement);

    private static void Check(int rc, sqlite3_stmt statement)
    {
        if (rc != raw.SQLITE_OK)
        {
            Check(rc, raw.sqlite3_db_handle(statement));
        }
    }

    private static void Check(int rc, sqlite3 db)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }
}
