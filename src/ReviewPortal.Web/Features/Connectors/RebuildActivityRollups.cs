using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// Repair: recomputes actor resolution, the daily rollups and last-active times from the raw
/// events in one transaction (the incremental path keeps them current; this fixes drift).
/// </summary>
public sealed class RebuildActivityRollups(IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    // SQLite keeps OccurredAt as UTC ticks since 0001-01-01; SQL Server as datetimeoffset.
    private const string SqliteRollupSql = """
        INSERT INTO ActivityRollups (IdentityId, Day, Category, Count)
        SELECT IdentityId, date((OccurredAt - 621355968000000000) / 10000000, 'unixepoch'), Category, COUNT(*) FROM ActivityEvents
        WHERE IdentityId IS NOT NULL GROUP BY IdentityId, date((OccurredAt - 621355968000000000) / 10000000, 'unixepoch'), Category
        """;

    private const string SqlServerRollupSql = """
        INSERT INTO ActivityRollups (IdentityId, Day, Category, Count)
        SELECT IdentityId, CAST(SWITCHOFFSET(OccurredAt, '+00:00') AS date), Category, COUNT(*) FROM ActivityEvents
        WHERE IdentityId IS NOT NULL GROUP BY IdentityId, CAST(SWITCHOFFSET(OccurredAt, '+00:00') AS date), Category
        """;

    public async Task<object> RunAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var sqlite = db.Provider == DatabaseProvider.Sqlite;
        var resolved = await db.Database.ExecuteSqlRawAsync("""
            UPDATE ActivityEvents SET IdentityId = (SELECT i.Id FROM Identities i WHERE i.ExternalId = ActivityEvents.ActorExternalId)
            WHERE IdentityId IS NULL AND EXISTS (SELECT 1 FROM Identities i WHERE i.ExternalId = ActivityEvents.ActorExternalId)
            """, cancellationToken);
        await db.Database.ExecuteSqlRawAsync("DELETE FROM ActivityRollups", cancellationToken);
        var rollups = await db.Database.ExecuteSqlRawAsync(sqlite ? SqliteRollupSql : SqlServerRollupSql, cancellationToken);
        await db.Database.ExecuteSqlRawAsync("""
            UPDATE Identities SET LastActiveAt = (SELECT MAX(e.OccurredAt) FROM ActivityEvents e WHERE e.IdentityId = Identities.Id)
            """, cancellationToken);
        db.Audit(AuditActor.System("rebuild-rollups", time.GetUtcNow(), Guid.NewGuid().ToString("N")), "connector.rollups-rebuilt",
            new AuditTarget("ActivityRollups", "all"), after: new { resolved, rollups });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new { resolved, rollups };
    }
}
