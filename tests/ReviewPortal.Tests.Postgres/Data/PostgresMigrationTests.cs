using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Database;

namespace ReviewPortal.Tests.Data;

/// <summary>The PostgreSQL migration set applies to an empty database and installs what the model alone cannot say.</summary>
public sealed class PostgresMigrationTests
{
    [Fact]
    public async Task Migrations_EmptyDatabase_ApplyAllAndInstallLedgerTriggersAndTrigramIndexes()
    {
        var server = PostgresTestDatabase.ServerConnectionString!;
        var name = $"rp_migrate_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        var options = new DbContextOptionsBuilder<PostgresReviewPortalDbContext>();
        DatabaseSetup.ConfigurePostgres(options, new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString());
        try
        {
            var migrator = new DatabaseMigrator(new Contexts(options.Options), NullLogger<DatabaseMigrator>.Instance);

            var applied = await migrator.MigrateAsync();
            var appliedAgain = await migrator.MigrateAsync();

            await using var db = new PostgresReviewPortalDbContext(options.Options);
            Assert.Equal(db.Database.GetMigrations(), applied);
            Assert.Empty(appliedAgain);
            var triggers = await db.Database.SqlQueryRaw<string>("""
                SELECT tgname AS "Value" FROM pg_trigger WHERE tgrelid = '"AuditEntries"'::regclass AND NOT tgisinternal ORDER BY tgname
                """).ToListAsync();
            Assert.Equal(["AuditEntries_AppendOnly", "AuditEntries_NoTruncate"], triggers);
            var trigramIndexes = await db.Database.SqlQueryRaw<string>("""
                SELECT indexname AS "Value" FROM pg_indexes WHERE tablename = 'AuditEntries' AND indexdef LIKE '%gin_trgm_ops%' ORDER BY indexname
                """).ToListAsync();
            Assert.Equal(["IX_AuditEntries_After_Trgm", "IX_AuditEntries_Before_Trgm", "IX_AuditEntries_TargetId_Trgm"], trigramIndexes);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(server);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private sealed class Contexts(DbContextOptions<PostgresReviewPortalDbContext> options) : IDbContextFactory<ReviewPortalDbContext>
    {
        public ReviewPortalDbContext CreateDbContext() => new PostgresReviewPortalDbContext(options);
    }
}
