using Microsoft.Data.SqlClient;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Database;

namespace ReviewPortal.Tests.Data;

/// <summary>
/// The ledger's hand-built statements (lock and head read, multi-row insert) come from the EF model for each provider.
/// No SQL Server runs here, so its statements are parsed as T-SQL; SQLite's run in every ledger test, PostgreSQL's (the
/// lock with its timeout, the binary COPY) in every ledger test of the PostgreSQL suite.
/// </summary>
public class AuditStatementsTests
{
    private static readonly int Columns = typeof(AuditEntry).GetProperties().Length;

    private static void AssertParsesAsTSql(string sql)
    {
        new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
        Assert.True(errors.Count == 0, $"{string.Join("; ", errors.Select(e => e.Message))} in {sql}");
    }

    [Fact]
    public void SqlServer_LockAndHeadRead_ParsesAsTSql160AndWaitsTheLockTimeoutParameter()
    {
        using var db = new SqlServerDesignTimeFactory().CreateDbContext([]);
        var statements = AuditStatements.For(db);

        AssertParsesAsTSql(statements.LockAndReadHead);
        Assert.Contains("sp_getapplock", statements.LockAndReadHead);
        Assert.Contains($"@LockTimeout = {AuditStatements.LockTimeoutParameter};", statements.LockAndReadHead);
        Assert.Contains("THROW 51001", statements.LockAndReadHead);
    }

    [Fact]
    public void SqlServer_LockTimeout_BoundAsWholeMilliseconds()
    {
        using var command = new SqlCommand();

        AuditStatements.BindLockTimeout(command, DatabaseProvider.SqlServer, TimeSpan.FromSeconds(1.5));

        Assert.Equal(1500, Assert.Single(command.Parameters.Cast<SqlParameter>()).Value);
    }

    [Fact]
    public void SqlServer_MultiRowInsert_ParsesAsTSql160AndStaysWithinTheParameterLimit()
    {
        using var db = new SqlServerDesignTimeFactory().CreateDbContext([]);
        var statements = AuditStatements.For(db);

        // A full chunk, a single row and a remainder: the three shapes a save sends.
        foreach (var rows in new[] { statements.RowsPerInsert, 1, statements.RowsPerInsert / 3 })
        {
            var insert = statements.InsertRows(rows);
            AssertParsesAsTSql(insert);
            Assert.StartsWith("INSERT INTO [AuditEntries] (", insert);
            Assert.Equal(rows * Columns, insert.Split("@p").Length - 1);
            Assert.Contains($"@p{rows * Columns - 1})", insert);
        }
        Assert.InRange(statements.RowsPerInsert * Columns, 1000, 2100);
    }

    [Fact]
    public void Sqlite_MultiRowInsert_NamesEveryColumnOfEveryRow()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);
        var statements = AuditStatements.For(db);

        var insert = statements.InsertRows(statements.RowsPerInsert);

        Assert.StartsWith("INSERT INTO \"AuditEntries\" (", insert);
        Assert.Equal(statements.RowsPerInsert * Columns, insert.Split("@p").Length - 1);
        Assert.EndsWith("LIMIT 1", statements.LockAndReadHead);
        Assert.Null(statements.Copy);
    }
}
