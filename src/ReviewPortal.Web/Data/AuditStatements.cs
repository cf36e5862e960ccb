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
/// column's type mapping, so values are converted exactly as EF would: UTC ticks on SQLite, datetimeoffset on SQL Server).
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
        LockAndReadHead = db.Provider == DatabaseProvider.SqlServer
            ? $"""
              DECLARE @lock int;
              EXEC @lock = sp_getapplock @Resource = 'audit-ledger', @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 30000;
              IF @lock < 0 THROW 51001, 'The audit ledger lock was not granted within 30 s.', 1;
              SELECT TOP (1) {Column(nameof(AuditEntry.Sequence))}, {Column(nameof(AuditEntry.Hash))} FROM {name} ORDER BY {Column(nameof(AuditEntry.Sequence))} DESC;
              """
            : $"SELECT {Column(nameof(AuditEntry.Sequence))}, {Column(nameof(AuditEntry.Hash))} FROM {name} ORDER BY {Column(nameof(AuditEntry.Sequence))} DESC LIMIT 1";
    }

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
