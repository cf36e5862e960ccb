using Microsoft.SqlServer.TransactSql.ScriptDom;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Tests.Infrastructure.Jobs;

/// <summary>
/// The lease's hand-written statements. SQLite's and PostgreSQL's run in <see cref="DatabaseLeaseTests"/> on each suite's
/// engine; no SQL Server runs here, so its statements are parsed as T-SQL.
/// </summary>
public class LeaseStatementsTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.SqlServer, DatabaseProvider.Postgres];

    [Theory]
    [MemberData(nameof(Providers))]
    public void TakeAndRenew_AnyEngine_SendNoInstantOnlyTheTtl(DatabaseProvider provider)
    {
        // The node's clock never reaches the database: the expiry is computed there, from its own clock.
        foreach (var statement in Statements(provider))
        {
            Assert.Equal(3, statement.Arguments.Length);
            Assert.DoesNotContain(statement.Arguments, a => a is DateTime or DateTimeOffset);
        }
    }

    [Fact]
    public void SqlServer_TakeAndRenew_ParseAsTSql160AndReadTheServerClock()
    {
        foreach (var statement in Statements(DatabaseProvider.SqlServer))
        {
            // EF turns {0}, {1}, {2} into @p0, @p1, @p2.
            var sql = string.Format(System.Globalization.CultureInfo.InvariantCulture, statement.Sql, "@p0", "@p1", "@p2");
            new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
            Assert.True(errors.Count == 0, $"{string.Join("; ", errors.Select(e => e.Message))} in {sql}");
            Assert.Contains("SYSUTCDATETIME()", sql);
        }
    }

    private static LeaseStatements.Statement[] Statements(DatabaseProvider provider) =>
    [
        LeaseStatements.Take(provider, "job", "node:1:abc", TimeSpan.FromMinutes(30)),
        LeaseStatements.Renew(provider, "job", "node:1:abc", TimeSpan.FromMinutes(30)),
    ];
}
