using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Database;

namespace ReviewPortal.Tests.Data;

/// <summary>All three migration sets are current (PostgreSQL's is applied live in ReviewPortal.Tests.Postgres), apply to an empty database and install the append-only ledger.</summary>
public class MigrationTests
{
    [Fact]
    public void SqliteModel_ComparedWithMigrations_HasNoPendingChanges()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Run: dotnet ef migrations add <Name> --context SqliteReviewPortalDbContext");
    }

    [Fact]
    public void SqlServerModel_ComparedWithMigrations_HasNoPendingChanges()
    {
        using var db = new SqlServerDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Run: dotnet ef migrations add <Name> --context SqlServerReviewPortalDbContext");
    }

    [Fact]
    public void PostgresModel_ComparedWithMigrations_HasNoPendingChanges()
    {
        using var db = new PostgresDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Run: dotnet ef migrations add <Name> --context PostgresReviewPortalDbContext");
    }

    [Fact]
    public async Task SqliteMigrations_EmptyDatabase_ApplyAllAndInstallLedgerTriggersAndTextIndex()
    {
        var folder = Path.Combine(Path.GetTempPath(), "reviewportal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var options = new DbContextOptionsBuilder<SqliteReviewPortalDbContext>();
        DatabaseSetup.ConfigureSqlite(options, $"Data Source={Path.Combine(folder, "migrate.db")}");
        try
        {
            var migrator = new DatabaseMigrator(new Contexts(options.Options), NullLogger<DatabaseMigrator>.Instance);

            var applied = await migrator.MigrateAsync();
            var appliedAgain = await migrator.MigrateAsync();

            await using var db = new SqliteReviewPortalDbContext(options.Options);
            Assert.NotEmpty(applied);
            Assert.Equal(db.Database.GetMigrations(), applied);
            Assert.Empty(appliedAgain);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            var triggers = await db.Database
                .SqlQueryRaw<string>("SELECT name AS Value FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'AuditEntries' ORDER BY name")
                .ToListAsync();
            Assert.Equal(["AuditEntries_NoDelete", "AuditEntries_NoUpdate", "AuditEntries_Text"], triggers);
            // The free-text index needs FTS5 with the trigram tokenizer in the bundled SQLite (3.34 or later).
            Assert.Equal(0, await db.Database.SqlQueryRaw<int>("SELECT count(*) AS Value FROM AuditText WHERE AuditText MATCH '\"abc\"'").SingleAsync());
            var journal = await db.Database.SqlQueryRaw<string>("SELECT journal_mode AS Value FROM pragma_journal_mode").SingleAsync();
            Assert.Equal("wal", journal);
            Assert.Equal(0, await db.Identities.CountAsync());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void SqlServerIdempotentScript_ParsedAsTSql160_HasNoErrorsAndCreatesAppendOnlyTrigger()
    {
        using var db = new SqlServerDesignTimeFactory().CreateDbContext([]);
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        var batches = SplitBatches(script);
        Assert.NotEmpty(batches);
        var triggers = new List<CreateTriggerStatement>();
        foreach (var batch in batches)
        {
            triggers.AddRange(ParseCollectingTriggers(batch));
        }

        var trigger = Assert.Single(triggers);
        Assert.Equal("AuditEntries_AppendOnly", trigger.Name.BaseIdentifier.Value);
        Assert.Equal("AuditEntries", trigger.TriggerObject.Name.BaseIdentifier.Value);
        Assert.Equal(TriggerType.InsteadOf, trigger.TriggerType);
        Assert.Equal(
            [TriggerActionType.Delete, TriggerActionType.Update],
            trigger.TriggerActions.Select(a => a.TriggerActionType).Order());
        Assert.Contains("AuditEntries_AppendOnly", script);
        Assert.Contains("IF NOT EXISTS", script);
    }

    private static List<string> SplitBatches(string script) =>
        System.Text.RegularExpressions.Regex.Split(script, @"^\s*GO\s*$", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Where(b => !string.IsNullOrWhiteSpace(b))
            .ToList();

    /// <summary>
    /// Parses one batch with zero tolerance for errors, then the SQL inside every EXEC(N'…') the same
    /// way (the idempotent script wraps each step in one, and CREATE TRIGGER sits two levels down).
    /// </summary>
    private static List<CreateTriggerStatement> ParseCollectingTriggers(string sql)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        var fragment = parser.Parse(reader, out var errors);
        Assert.True(errors.Count == 0,
            $"T-SQL parse errors:{Environment.NewLine}{string.Join(Environment.NewLine, errors.Select(e => $"line {e.Line}: {e.Message}"))}"
            + $"{Environment.NewLine}in:{Environment.NewLine}{sql}");
        var visitor = new TriggerAndExecVisitor();
        fragment.Accept(visitor);
        var triggers = new List<CreateTriggerStatement>(visitor.Triggers);
        foreach (var inner in visitor.ExecutedSql)
        {
            triggers.AddRange(ParseCollectingTriggers(inner));
        }
        return triggers;
    }

    private sealed class TriggerAndExecVisitor : TSqlFragmentVisitor
    {
        public List<CreateTriggerStatement> Triggers { get; } = [];
        public List<string> ExecutedSql { get; } = [];

        public override void Visit(CreateTriggerStatement node) => Triggers.Add(node);

        public override void Visit(ExecutableStringList node)
        {
            if (node.Strings.All(s => s is StringLiteral))
            {
                ExecutedSql.Add(string.Concat(node.Strings.Cast<StringLiteral>().Select(s => s.Value)));
            }
        }
    }

    private sealed class Contexts(DbContextOptions<SqliteReviewPortalDbContext> options) : IDbContextFactory<ReviewPortalDbContext>
    {
        public ReviewPortalDbContext CreateDbContext() => new SqliteReviewPortalDbContext(options);
    }
}
