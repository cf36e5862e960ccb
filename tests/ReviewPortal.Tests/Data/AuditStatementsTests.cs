using Microsoft.SqlServer.TransactSql.ScriptDom;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Database;

namespace ReviewPortal.Tests.Data;

/// <summary>
/// The ledger's hand-built statements (head read, insert) come from the EF model for each provider. No SQL Server runs
/// here, so its statements are parsed as T-SQL; SQLite's run in every ledger test.
/// </summary>
public class AuditStatementsTests
{
    private static readonly int Columns = typeof(AuditEntry).GetProperties().Length;

    [Fact]
    public void SqlServer_HeadReadAndInsert_ParseAsTSql160AndNameEveryColumn()
    {
        using var db = new SqlServerDesignTimeFactory().CreateDbContext([]);
        var statements = AuditStatements.For(db);

        foreach (var sql in new[] { statements.LockAndReadHead, statements.Insert })
        {
            new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
            Assert.True(errors.Count == 0, $"{string.Join("; ", errors.Select(e => e.Message))} in {sql}");
        }
        Assert.Contains("sp_getapplock", statements.LockAndReadHead);
        Assert.Contains("THROW", statements.LockAndReadHead);
        Assert.StartsWith("INSERT INTO [AuditEntries] (", statements.Insert);
        Assert.Equal(Columns, statements.Insert.Split("@p").Length - 1);
    }

    [Fact]
    public void Sqlite_Insert_NamesEveryColumn()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);
        var statements = AuditStatements.For(db);

        Assert.StartsWith("INSERT INTO \"AuditEntries\" (", statements.Insert);
        Assert.Equal(Columns, statements.Insert.Split("@p").Length - 1);
        Assert.EndsWith("LIMIT 1", statements.LockAndReadHead);
    }
}
