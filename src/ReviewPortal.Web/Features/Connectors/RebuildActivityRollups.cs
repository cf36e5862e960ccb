using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// Repair: recomputes actor resolution, the daily rollups and last-active times from the raw
/// events in one unit of work (the incremental path keeps them current; this fixes drift).
/// With raw event retention on (<see cref="IngestionOptions.RetentionDays"/>), only the days inside the window are
/// recounted: before it the raw events are (being) deleted, and those days' rollups are all that is left of them. Likewise
/// an identity with no raw event left keeps its last-active time.
/// </summary>
public sealed class RebuildActivityRollups(IDbContextFactory<ReviewPortalDbContext> contexts, IngestionOptions ingestion, TimeProvider time)
{
    // SQLite keeps OccurredAt as UTC ticks since 0001-01-01; SQL Server as datetimeoffset; PostgreSQL as timestamptz.
    private const string SqliteRollupSql = """
        INSERT INTO ActivityRollups (IdentityId, Day, Category, Count)
        SELECT IdentityId, date((OccurredAt - 621355968000000000) / 10000000, 'unixepoch'), Category, COUNT(*) FROM ActivityEvents
        WHERE IdentityId IS NOT NULL AND OccurredAt >= {0} GROUP BY IdentityId, date((OccurredAt - 621355968000000000) / 10000000, 'unixepoch'), Category
        """;

    private const string PostgresRollupSql = """
        INSERT INTO "ActivityRollups" ("IdentityId", "Day", "Category", "Count")
        SELECT "IdentityId", ("OccurredAt" AT TIME ZONE 'UTC')::date, "Category", COUNT(*) FROM "ActivityEvents"
        WHERE "IdentityId" IS NOT NULL AND "OccurredAt" >= {0} GROUP BY "IdentityId", ("OccurredAt" AT TIME ZONE 'UTC')::date, "Category"
        """;

    private const string SqlServerRollupSql = """
        INSERT INTO ActivityRollups (IdentityId, Day, Category, Count)
        SELECT IdentityId, CAST(SWITCHOFFSET(OccurredAt, '+00:00') AS date), Category, COUNT(*) FROM ActivityEvents
        WHERE IdentityId IS NOT NULL AND OccurredAt >= {0} GROUP BY IdentityId, CAST(SWITCHOFFSET(OccurredAt, '+00:00') AS date), Category
        """;

    // The workspace an event happened in is only in its raw JSON (a top-level workspace_id, as the store reads it on ingestion).
    private const string SqliteWorkspaceRollupSql = """
        INSERT INTO WorkspaceActivityRollups (IdentityId, WorkspaceId, Day, Category, Count)
        SELECT IdentityId, Workspace, Day, Category, COUNT(*) FROM (
            SELECT IdentityId, json_extract(RawJson, '$.workspace_id') AS Workspace,
                   date((OccurredAt - 621355968000000000) / 10000000, 'unixepoch') AS Day, Category FROM ActivityEvents
            WHERE IdentityId IS NOT NULL AND OccurredAt >= {0} AND json_type(RawJson, '$.workspace_id') = 'text')
        WHERE length(Workspace) <= 200 GROUP BY IdentityId, Workspace, Day, Category
        """;

    private const string PostgresWorkspaceRollupSql = """
        INSERT INTO "WorkspaceActivityRollups" ("IdentityId", "WorkspaceId", "Day", "Category", "Count")
        SELECT "IdentityId", w, d, "Category", COUNT(*) FROM (
            SELECT "IdentityId", "RawJson"::jsonb ->> 'workspace_id' AS w, jsonb_typeof("RawJson"::jsonb -> 'workspace_id') AS t,
                   ("OccurredAt" AT TIME ZONE 'UTC')::date AS d, "Category" FROM "ActivityEvents"
            WHERE "IdentityId" IS NOT NULL AND "OccurredAt" >= {0}) e
        WHERE t = 'string' AND length(w) <= 200 GROUP BY "IdentityId", w, d, "Category"
        """;

    private const string SqlServerWorkspaceRollupSql = """
        INSERT INTO WorkspaceActivityRollups (IdentityId, WorkspaceId, Day, Category, Count)
        SELECT IdentityId, w, d, Category, COUNT(*) FROM (
            SELECT IdentityId, JSON_VALUE(RawJson, '$.workspace_id') AS w, CAST(SWITCHOFFSET(OccurredAt, '+00:00') AS date) AS d, Category
            FROM ActivityEvents WHERE IdentityId IS NOT NULL AND OccurredAt >= {0} AND ISJSON(RawJson) = 1) e
        WHERE w IS NOT NULL AND LEN(w) <= 200 GROUP BY IdentityId, w, d, Category
        """;

    public async Task<object> RunAsync(CancellationToken cancellationToken = default)
    {
        var (resolved, rollups) = await contexts.WriteAsync(async (db, ct) =>
        {
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
            var resolved = await db.Database.ExecuteSqlRawAsync(ResolveActorsSql, ct);
            // Whole UTC days: the window's first day is one the retention job never touches.
            var from = RetentionWindow.Cutoff(time.GetUtcNow(), ingestion.RetentionDays) ?? DateTimeOffset.MinValue;
            var firstDay = DateOnly.FromDateTime(from.UtcDateTime);
            await db.ActivityRollups.Where(r => r.Day >= firstDay).ExecuteDeleteAsync(ct);
            var rollups = await db.Database.ExecuteSqlRawAsync(RollupSql(db.Provider), [Instant(db.Provider, from)], ct);
            await db.WorkspaceActivityRollups.Where(r => r.Day >= firstDay).ExecuteDeleteAsync(ct);
            await db.Database.ExecuteSqlRawAsync(WorkspaceRollupSql(db.Provider), [Instant(db.Provider, from)], ct);
            await db.Database.ExecuteSqlRawAsync(LastActiveSql, ct);
            db.Audit(AuditActor.System("rebuild-rollups", time.GetUtcNow(), CorrelationId.New()), "connector.rollups-rebuilt",
                new AuditTarget("ActivityRollups", "all"), after: new { resolved, rollups });
            return (resolved, rollups);
        }, cancellationToken);
        return new { resolved, rollups };
    }

    // Double-quoted names are standard SQL and read the same on all three providers (PostgreSQL would fold bare names
    // to lower case; SQL Server connections run with QUOTED_IDENTIFIER ON).
    private const string ResolveActorsSql = """
        UPDATE "ActivityEvents" SET "IdentityId" = (SELECT i."Id" FROM "Identities" i WHERE i."ExternalId" = "ActivityEvents"."ActorExternalId")
        WHERE "IdentityId" IS NULL AND EXISTS (SELECT 1 FROM "Identities" i WHERE i."ExternalId" = "ActivityEvents"."ActorExternalId")
        """;

    private const string LastActiveSql = """
        UPDATE "Identities" SET "LastActiveAt" = (SELECT MAX(e."OccurredAt") FROM "ActivityEvents" e WHERE e."IdentityId" = "Identities"."Id")
        WHERE EXISTS (SELECT 1 FROM "ActivityEvents" e WHERE e."IdentityId" = "Identities"."Id")
        """;

    // As each provider stores OccurredAt: SQLite UTC ticks, PostgreSQL timestamptz (a UTC DateTime), SQL Server datetimeoffset.
    private static object Instant(DatabaseProvider provider, DateTimeOffset at) => provider switch
    {
        DatabaseProvider.Sqlite => at.UtcTicks,
        DatabaseProvider.Postgres => at == DateTimeOffset.MinValue ? DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc) : at.UtcDateTime,
        _ => at,
    };

    private static string WorkspaceRollupSql(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => SqliteWorkspaceRollupSql,
        DatabaseProvider.SqlServer => SqlServerWorkspaceRollupSql,
        _ => PostgresWorkspaceRollupSql,
    };

    private static string RollupSql(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => SqliteRollupSql,
        DatabaseProvider.SqlServer => SqlServerRollupSql,
        _ => PostgresRollupSql,
    };
}
