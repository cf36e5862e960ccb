using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Data;

/// <summary>
/// The ledger's two hot statements for one provider, built once from the EF model (table and column names, and each
/// column's type mapping, so values are converted exactly as EF would: UTC ticks on SQLite, datetimeoffset on SQL Server, UTC timestamptz on PostgreSQL).
/// </summary>
internal sealed class AuditStatements
{
    private static readonly ConcurrentDictionary<Type, AuditStatements> Cache = new();

    private readonly (string Name, IProperty Property, RelationalTypeMapping Mapping)[] _columns;

    private AuditStatements(ReviewPortalDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(AuditEntry))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);
        var name = sql.DelimitIdentifier(table.Name, table.Schema);
        _columns = entity.GetProperties()
            .Select((p, i) => ($"@p{i}", p, (RelationalTypeMapping)p.GetRelationalTypeMapping()))
            .ToArray();
        Insert = $"INSERT INTO {name} ({string.Join(", ", _columns.Select(c => sql.DelimitIdentifier(c.Property.GetColumnName(table)!)))}) " +
                 $"VALUES ({string.Join(", ", _columns.Select(c => c.Name))})";
        string ReadHead(string top, string limit) =>
            $"SELECT {top}{Column(nameof(AuditEntry.Sequence))}, {Column(nameof(AuditEntry.Hash))} FROM {name} ORDER BY {Column(nameof(AuditEntry.Sequence))} DESC{limit}";
        LockAndReadHead = db.Provider switch
        {
            DatabaseProvider.SqlServer => $"""
                DECLARE @lock int;
                EXEC @lock = sp_getapplock @Resource = 'audit-ledger', @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 30000;
                IF @lock < 0 THROW 51001, 'The audit ledger lock was not granted within 30 s.', 1;
                {ReadHead("TOP (1) ", "")};
                """,
            // Two statements in one round trip: under READ COMMITTED each takes its own snapshot, so the head is read
            // after the lock is held (one statement would read a snapshot from before it waited). The lock is released
            // at commit or rollback.
            DatabaseProvider.Postgres => $"SELECT pg_advisory_xact_lock({PostgresLedgerLockKey}); {ReadHead("", " LIMIT 1")}",
            _ => ReadHead("", " LIMIT 1"),
        };
    }

    /// <summary>The advisory lock key of the ledger on PostgreSQL ("ReviewLg" as a 64-bit number).</summary>
    public const long PostgresLedgerLockKey = 0x5265766965774C67;

    public string Insert { get; }

    public string LockAndReadHead { get; }

    public static AuditStatements For(ReviewPortalDbContext db) => Cache.GetOrAdd(db.GetType(), _ => new AuditStatements(db));

    /// <summary>Replaces the command's parameters with the entry's values.</summary>
    public void Bind(DbCommand command, AuditEntry entry)
    {
        command.Parameters.Clear();
        foreach (var (name, property, mapping) in _columns)
        {
            var value = property.GetGetter().GetClrValueUsingContainingEntity(entry);
            command.Parameters.Add(mapping.CreateParameter(command, name, value, property.IsNullable));
        }
    }
}
