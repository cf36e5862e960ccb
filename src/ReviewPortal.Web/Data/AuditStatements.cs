using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Data;

/// <summary>
/// The ledger's hot statements for one provider, built once from the EF model (table and column names, and each
/// column's type mapping, so values are converted exactly as EF would: UTC ticks on SQLite, datetimeoffset on SQL Server,
/// UTC timestamptz on PostgreSQL). The entries of one save are written together, while the ledger lock is held: on
/// PostgreSQL one binary COPY, on SQLite and SQL Server multi-row INSERTs of <see cref="RowsPerInsert"/> rows.
/// </summary>
internal sealed class AuditStatements
{
    private static readonly ConcurrentDictionary<Type, AuditStatements> Cache = new();

    /// <summary>
    /// SQL Server takes at most 2,100 parameters per request (EF's own batches stop at 2,098). SQLite binds each parameter
    /// by name, a scan over the statement's names, so a statement's cost grows with the square of its parameters: of 8,
    /// 32, 128 and 512 rows, 32 (448 parameters) took the least CPU for 100,000 entries (docs/performance.md, ledger).
    /// </summary>
    private const int SqlServerParameterLimit = 2098;
    private const int SqliteRows = 32;

    private readonly (IProperty Property, RelationalTypeMapping Mapping)[] _columns;
    private readonly string _table;
    private readonly string _columnList;
    private readonly Func<NpgsqlBinaryImporter, AuditEntry, CancellationToken, Task>[] _copyColumns = [];

    private AuditStatements(ReviewPortalDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(AuditEntry))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);
        _table = sql.DelimitIdentifier(table.Name, table.Schema);
        _columns = entity.GetProperties().Select(p => (p, (RelationalTypeMapping)p.GetRelationalTypeMapping())).ToArray();
        _columnList = string.Join(", ", _columns.Select(c => sql.DelimitIdentifier(c.Property.GetColumnName(table)!)));
        string ReadHead(string top, string limit) =>
            $"SELECT {top}{Column(nameof(AuditEntry.Sequence))}, {Column(nameof(AuditEntry.Hash))} FROM {_table} ORDER BY {Column(nameof(AuditEntry.Sequence))} DESC{limit}";
        LockAndReadHead = db.Provider switch
        {
            DatabaseProvider.SqlServer => $"""
                DECLARE @lock int;
                EXEC @lock = sp_getapplock @Resource = 'audit-ledger', @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = {LockTimeoutParameter};
                IF @lock < 0 THROW 51001, 'The audit ledger lock was not granted within the lock timeout.', 1;
                {ReadHead("TOP (1) ", "")};
                """,
            // Separate statements in one round trip: under READ COMMITTED each takes its own snapshot, so the head is read
            // after the lock is held (one statement would read a snapshot from before it waited). lock_timeout bounds the
            // wait for the lock alone and is put back before anything else runs in the transaction; the lock itself is
            // released at commit or rollback.
            DatabaseProvider.Postgres => $"""
                SELECT set_config('lock_timeout', {LockTimeoutParameter}, true);
                SELECT pg_advisory_xact_lock({PostgresLedgerLockKey});
                SET LOCAL lock_timeout TO DEFAULT;
                {ReadHead("", " LIMIT 1")}
                """,
            // SQLite: BEGIN IMMEDIATE took the database's write lock, which is the ledger lock, before the unit's first write.
            _ => ReadHead("", " LIMIT 1"),
        };
        RowsPerInsert = db.Provider == DatabaseProvider.SqlServer ? SqlServerParameterLimit / _columns.Length : SqliteRows;
        if (db.Provider == DatabaseProvider.Postgres)
        {
            _copyColumns = _columns.Select(c => CopyColumn(c.Property, c.Mapping, c.Property.GetColumnType(table))).ToArray();
            Copy = $"COPY {_table} ({_columnList}) FROM STDIN (FORMAT BINARY)";
        }
    }

    /// <summary>The advisory lock key of the ledger on PostgreSQL ("ReviewLg" as a 64-bit number).</summary>
    public const long PostgresLedgerLockKey = 0x5265766965774C67;

    /// <summary>The lock statement's one parameter: the lock timeout (SQL Server: int milliseconds; PostgreSQL: a lock_timeout text).</summary>
    public const string LockTimeoutParameter = "@lockTimeout";

    public string LockAndReadHead { get; }

    /// <summary>Rows per multi-row INSERT (SQLite, SQL Server). Settable for the ledger benchmark's --rows-per-insert only.</summary>
    public int RowsPerInsert { get; internal set; }

    /// <summary>PostgreSQL: the binary COPY the entries are written with (null elsewhere).</summary>
    public string? Copy { get; }

    public static AuditStatements For(ReviewPortalDbContext db) => Cache.GetOrAdd(db.GetType(), _ => new AuditStatements(db));

    /// <summary>An INSERT of <paramref name="rows"/> rows; row r's column c is parameter <c>@p{r × columns + c}</c>.</summary>
    public string InsertRows(int rows)
    {
        var text = new StringBuilder($"INSERT INTO {_table} ({_columnList}) VALUES ");
        for (var row = 0; row < rows; row++)
        {
            text.Append(row == 0 ? "(" : ", (");
            for (var column = 0; column < _columns.Length; column++)
            {
                text.Append(column == 0 ? "@p" : ", @p").Append(row * _columns.Length + column);
            }
            text.Append(')');
        }
        return text.ToString();
    }

    /// <summary>Binds the lock timeout to the lock statement in the form its provider expects.</summary>
    public static void BindLockTimeout(DbCommand command, DatabaseProvider provider, TimeSpan timeout)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = LockTimeoutParameter;
        var milliseconds = (long)Math.Ceiling(timeout.TotalMilliseconds);
        parameter.Value = provider == DatabaseProvider.Postgres ? $"{milliseconds}ms" : (object)(int)Math.Min(milliseconds, int.MaxValue);
        command.Parameters.Add(parameter);
    }

    /// <summary>
    /// Writes the sealed <paramref name="entries"/>, in order, on the context's connection and transaction: one binary COPY
    /// on PostgreSQL (no round trip per row), multi-row INSERTs elsewhere.
    /// </summary>
    public async Task WriteAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AuditEntry> entries, int? timeout,
        CancellationToken cancellationToken)
    {
        if (connection is NpgsqlConnection npgsql)
        {
            // The COPY runs in the connection's open transaction, so the entries commit or roll back with the change.
            await using var copy = await npgsql.BeginBinaryImportAsync(Copy!, cancellationToken);
            if (timeout is { } copyTimeout)
            {
                copy.Timeout = TimeSpan.FromSeconds(copyTimeout);
            }
            foreach (var entry in entries)
            {
                await copy.StartRowAsync(cancellationToken);
                foreach (var write in _copyColumns)
                {
                    await write(copy, entry, cancellationToken);
                }
            }
            await copy.CompleteAsync(cancellationToken);
            return;
        }
        DbCommand? full = null;
        try
        {
            for (var start = 0; start < entries.Count; start += RowsPerInsert)
            {
                var rows = Math.Min(RowsPerInsert, entries.Count - start);
                var command = rows == RowsPerInsert ? full ??= Command(connection, transaction, InsertRows(rows), timeout)
                    : Command(connection, transaction, InsertRows(rows), timeout);
                try
                {
                    Bind(command, entries, start, rows);
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }
                finally
                {
                    if (command != full)
                    {
                        await command.DisposeAsync();
                    }
                }
            }
        }
        finally
        {
            if (full is not null)
            {
                await full.DisposeAsync();
            }
        }
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql, int? timeout)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        if (timeout is { } seconds)
        {
            command.CommandTimeout = seconds;
        }
        return command;
    }

    /// <summary>
    /// Replaces the command's parameters with the values of <paramref name="rows"/> entries from <paramref name="start"/>.
    /// Parameters are created afresh by the type mapping each time (as EF does per command): SQL Server sizes a string
    /// parameter by its value, and a reused parameter would keep the first value's size.
    /// </summary>
    private void Bind(DbCommand command, IReadOnlyList<AuditEntry> entries, int start, int rows)
    {
        command.Parameters.Clear();
        for (var row = 0; row < rows; row++)
        {
            var entry = entries[start + row];
            for (var column = 0; column < _columns.Length; column++)
            {
                var (property, mapping) = _columns[column];
                var value = property.GetGetter().GetClrValueUsingContainingEntity(entry);
                command.Parameters.Add(mapping.CreateParameter(command, $"@p{row * _columns.Length + column}", value, property.IsNullable));
            }
        }
    }

    /// <summary>
    /// How one column is written into the binary COPY: its value converted as EF's mapping converts it, sent as the
    /// migrated column's type (binary COPY does not convert: an int sent to a bigint column is refused).
    /// </summary>
    private static Func<NpgsqlBinaryImporter, AuditEntry, CancellationToken, Task> CopyColumn(IProperty property, RelationalTypeMapping mapping,
        string? columnType)
    {
        var baseType = columnType is { } t && t.Contains('(') ? t[..t.IndexOf('(')] : columnType;
        var type = baseType switch
        {
            "bigint" => NpgsqlDbType.Bigint,
            "integer" => NpgsqlDbType.Integer,
            "text" => NpgsqlDbType.Text,
            "character varying" => NpgsqlDbType.Varchar,
            "timestamp with time zone" => NpgsqlDbType.TimestampTz,
            _ => throw new NotSupportedException($"AuditEntries.{property.Name}: no COPY mapping for the column type '{columnType}'."),
        };
        var getter = property.GetGetter();
        var convert = mapping.Converter?.ConvertToProvider;
        return (copy, entry, cancellationToken) =>
        {
            var value = getter.GetClrValueUsingContainingEntity(entry);
            if (value is not null && convert is not null)
            {
                value = convert(value);
            }
            return value switch
            {
                null => copy.WriteNullAsync(cancellationToken),
                long v => copy.WriteAsync(v, type, cancellationToken),
                int v => copy.WriteAsync(v, type, cancellationToken),
                string v => copy.WriteAsync(v, type, cancellationToken),
                DateTimeOffset v => copy.WriteAsync(v, type, cancellationToken),
                _ => throw new NotSupportedException($"AuditEntries.{property.Name}: no COPY conversion for {value.GetType().Name}."),
            };
        };
    }
}
