using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Database;

namespace ReviewPortal.Tests.Data;

/// <summary>The SQL Server migration set on a live server (only when one is given by environment).</summary>
public class SqlServerLedgerTests
{
    [Fact]
    public async Task SqlServerMigrations_FreshDatabase_TriggerRefusesUpdateAndDelete()
    {
        var builder = new SqlConnectionStringBuilder(SqlServerTestDatabase.ServerConnectionString)
        {
            InitialCatalog = $"ReviewPortalTest_{Guid.NewGuid():N}",
        };
        var options = new DbContextOptionsBuilder<SqlServerReviewPortalDbContext>();
        DatabaseSetup.ConfigureSqlServer(options, builder.ConnectionString);
        await using var db = new SqlServerReviewPortalDbContext(options.Options);
        try
        {
            var applied = await new DatabaseMigrator(new Contexts(options.Options), NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
            Assert.Equal(db.Database.GetMigrations(), applied);

            db.Audit(new AuditActor(null, "test-runner", PortalAppFactory.Now, "sqlserver"), "test.protected",
                new AuditTarget("Setting", "x"));
            await db.SaveChangesAsync();
            var entry = await db.AuditEntries.AsNoTracking().SingleAsync();
            Assert.Equal(1, entry.Sequence);

            var update = await Assert.ThrowsAsync<SqlException>(() =>
                db.Database.ExecuteSqlRawAsync("UPDATE AuditEntries SET Actor = N'tampered'"));
            Assert.Contains("append-only", update.Message);
            var delete = await Assert.ThrowsAsync<SqlException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM AuditEntries"));
            Assert.Contains("append-only", delete.Message);
            Assert.Equal("test-runner", (await db.AuditEntries.AsNoTracking().SingleAsync()).Actor);
        }
        finally
        {
            await db.Database.EnsureDeletedAsync();
        }
    }

    private sealed class Contexts(DbContextOptions<SqlServerReviewPortalDbContext> options) : IDbContextFactory<ReviewPortalDbContext>
    {
        public ReviewPortalDbContext CreateDbContext() => new SqlServerReviewPortalDbContext(options);
    }
}
