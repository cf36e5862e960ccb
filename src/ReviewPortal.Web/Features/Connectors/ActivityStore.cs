using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// The ingestion hot path: plain ADO.NET on the context's own connection and transaction (EF change tracking is ~10×
/// slower for this). An activity is new unless its (OccurredAt, ActivityId) is stored already: the unique time-keyed
/// index (docs/decisions/0005-activity-dedupe-index.md) turns at-least-once delivery into exactly one row, and the
/// rollups and last-active times move in the same transaction as the events they count, computed from the rows that
/// were new. SQLite and SQL Server insert row by row with one prepared statement; on PostgreSQL a page is one binary COPY
/// into a staging table and one statement (<see cref="PostgresPageSql"/>) instead of a round trip per row.
/// </summary>
public sealed class ActivityStore : IAsyncDisposable
{
    private readonly DatabaseProvider _provider;
    private readonly NpgsqlConnection? _npgsql;
    private readonly DbCommand? _insertEvent;
    private readonly DbCommand? _upsertRollup;
    private readonly DbCommand? _touchIdentity;

    private ActivityStore(ReviewPortalDbContext db, DbConnection connection, DbTransaction transaction)
    {
        _provider = db.Provider;
        if (connection is NpgsqlConnection npgsql)
        {
            _npgsql = npgsql;
            return;
        }
        _insertEvent = Command(connection, transaction, _provider switch
            {
                DatabaseProvider.SqlServer => """
                    INSERT INTO ActivityEvents (ActivityId, OccurredAt, Type, Category, OrganizationUuid, ActorType, ActorExternalId, IdentityId, RawJson)
                    SELECT @id, @at, @type, @category, @org, @actorType, @actor, @identity, @raw
                    WHERE NOT EXISTS (SELECT 1 FROM ActivityEvents WITH (UPDLOCK, HOLDLOCK) WHERE OccurredAt = @at AND ActivityId = @id)
                    """,
                _ => """
                    INSERT INTO "ActivityEvents" ("ActivityId", "OccurredAt", "Type", "Category", "OrganizationUuid", "ActorType", "ActorExternalId", "IdentityId", "RawJson")
                    VALUES (@id, @at, @type, @category, @org, @actorType, @actor, @identity, @raw) ON CONFLICT ("OccurredAt", "ActivityId") DO NOTHING
                    """,
            },
            "@id", "@at", "@type", "@category", "@org", "@actorType", "@actor", "@identity", "@raw");
        _upsertRollup = Command(connection, transaction, _provider switch
            {
                DatabaseProvider.SqlServer => """
                    UPDATE ActivityRollups SET Count = Count + @count WHERE IdentityId = @identity AND Day = @day AND Category = @category;
                    IF @@ROWCOUNT = 0 INSERT INTO ActivityRollups (IdentityId, Day, Category, Count) VALUES (@identity, @day, @category, @count);
                    """,
                _ => """
                    INSERT INTO "ActivityRollups" ("IdentityId", "Day", "Category", "Count") VALUES (@identity, @day, @category, @count)
                    ON CONFLICT ("IdentityId", "Day", "Category") DO UPDATE SET "Count" = "ActivityRollups"."Count" + excluded."Count"
                    """,
            },
            "@identity", "@day", "@category", "@count");
        _touchIdentity = Command(connection, transaction,
            """UPDATE "Identities" SET "LastActiveAt" = @at WHERE "Id" = @identity AND ("LastActiveAt" IS NULL OR "LastActiveAt" < @at)""",
            "@at", "@identity");
        if (_provider == DatabaseProvider.Sqlite)
        {
            // Compiled once for the page rather than on each row's first use.
            _insertEvent.Prepare();
        }
    }

    /// <summary>Binds to the context's open transaction (the caller owns commit and rollback).</summary>
    public static ActivityStore Create(ReviewPortalDbContext db)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("ActivityStore needs an open transaction on the context.");
        return new ActivityStore(db, db.Database.GetDbConnection(), transaction);
    }

    /// <summary>Stores the events that are new, returns how many were; rollups count only those.</summary>
    public async Task<int> WriteAsync(IReadOnlyList<ActivityEvent> events, CancellationToken cancellationToken)
    {
        if (_npgsql is not null)
        {
            return await WritePostgresAsync(_npgsql, events, cancellationToken);
        }
        var stored = _provider == DatabaseProvider.Sqlite
            ? InsertSqlite(events)
            : await InsertSqlServerAsync(events, cancellationToken);

        foreach (var rollup in Rollups(stored))
        {
            var p = _upsertRollup!.Parameters;
            p[0].Value = rollup.Identity;
            p[1].Value = Day(rollup.Day);
            p[2].Value = (int)rollup.Category;
            p[3].Value = rollup.Count;
            await _upsertRollup.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var (identity, at) in LatestPerIdentity(stored))
        {
            var p = _touchIdentity!.Parameters;
            p[0].Value = Time(at);
            p[1].Value = identity;
            await _touchIdentity.ExecuteNonQueryAsync(cancellationToken);
        }
        return stored.Count;
    }

    // Microsoft.Data.Sqlite runs synchronously underneath: the async overload would only add a Task per row.
    private List<ActivityEvent> InsertSqlite(IReadOnlyList<ActivityEvent> events)
    {
        var stored = new List<ActivityEvent>(events.Count);
        foreach (var e in events)
        {
            Bind(_insertEvent!.Parameters, e);
            if (_insertEvent.ExecuteNonQuery() == 1)
            {
                stored.Add(e);
            }
        }
        return stored;
    }

    private async Task<List<ActivityEvent>> InsertSqlServerAsync(IReadOnlyList<ActivityEvent> events, CancellationToken cancellationToken)
    {
        var stored = new List<ActivityEvent>(events.Count);
        foreach (var e in events)
        {
            Bind(_insertEvent!.Parameters, e);
            if (await _insertEvent.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                stored.Add(e);
            }
        }
        return stored;
    }

    private void Bind(DbParameterCollection p, ActivityEvent e)
    {
        p[0].Value = e.ActivityId;
        p[1].Value = Time(e.OccurredAt);
        p[2].Value = e.Type;
        p[3].Value = (int)e.Category;
        p[4].Value = (object?)e.OrganizationUuid ?? DBNull.Value;
        p[5].Value = e.ActorType;
        p[6].Value = (object?)e.ActorExternalId ?? DBNull.Value;
        p[7].Value = (object?)e.IdentityId ?? DBNull.Value;
        p[8].Value = e.RawJson;
    }

    private readonly record struct Rollup(int Identity, DateOnly Day, ActivityCategory Category, int Count);

    /// <summary>The newly stored events counted per identity, UTC day and category: one upsert each, not one per event.</summary>
    private static IEnumerable<Rollup> Rollups(IEnumerable<ActivityEvent> stored) => stored.Where(e => e.IdentityId is not null)
        .GroupBy(e => (Identity: e.IdentityId!.Value, Day: DateOnly.FromDateTime(e.OccurredAt.UtcDateTime), e.Category))
        .Select(g => new Rollup(g.Key.Identity, g.Key.Day, g.Key.Category, g.Count()));

    private static IEnumerable<(int Identity, DateTimeOffset At)> LatestPerIdentity(IEnumerable<ActivityEvent> stored) => stored
        .Where(e => e.IdentityId is not null).GroupBy(e => e.IdentityId!.Value).Select(g => (g.Key, g.Max(e => e.OccurredAt)));

    /// <summary>
    /// The page's new events, their rollups and the identities' last-active times in one statement over the staged page.
    /// Data-modifying CTEs all see the snapshot the statement started with, so the rollups and last-active times are
    /// computed from what the INSERT returns (the rows it stored), never by reading ActivityEvents back: a duplicate
    /// already stored by an earlier page returns nothing and counts nothing.
    /// </summary>
    internal const string PostgresPageSql = """
        WITH inserted AS (
            INSERT INTO "ActivityEvents" ("ActivityId", "OccurredAt", "Type", "Category", "OrganizationUuid", "ActorType", "ActorExternalId", "IdentityId", "RawJson")
            SELECT "ActivityId", "OccurredAt", "Type", "Category", "OrganizationUuid", "ActorType", "ActorExternalId", "IdentityId", "RawJson"
            FROM pg_temp.activity_staging ORDER BY "Ordinal"
            ON CONFLICT ("OccurredAt", "ActivityId") DO NOTHING
            RETURNING "OccurredAt", "Category", "IdentityId"
        ), rollups AS (
            INSERT INTO "ActivityRollups" ("IdentityId", "Day", "Category", "Count")
            SELECT "IdentityId", ("OccurredAt" AT TIME ZONE 'UTC')::date, "Category", count(*)
            FROM inserted WHERE "IdentityId" IS NOT NULL
            GROUP BY "IdentityId", ("OccurredAt" AT TIME ZONE 'UTC')::date, "Category"
            ON CONFLICT ("IdentityId", "Day", "Category") DO UPDATE SET "Count" = "ActivityRollups"."Count" + excluded."Count"
        ), touched AS (
            UPDATE "Identities" AS i SET "LastActiveAt" = latest."At"
            FROM (SELECT "IdentityId", max("OccurredAt") AS "At" FROM inserted WHERE "IdentityId" IS NOT NULL GROUP BY "IdentityId") AS latest
            WHERE i."Id" = latest."IdentityId" AND (i."LastActiveAt" IS NULL OR i."LastActiveAt" < latest."At")
        )
        SELECT count(*) FROM inserted
        """;

    // The staging table takes its column types from ActivityEvents itself, so the COPY below writes exactly the
    // target's types and the INSERT needs no casts. ON COMMIT DROP: it never outlives the unit of work, so a retried
    // attempt (a new transaction, perhaps a new connection) creates its own. Emptied first, so a second page in the
    // same transaction does not carry the first one's rows through the INSERT again.
    private const string CreateStagingSql = """
        CREATE TEMP TABLE IF NOT EXISTS activity_staging ON COMMIT DROP AS
        SELECT 0 AS "Ordinal", "ActivityId", "OccurredAt", "Type", "Category", "OrganizationUuid", "ActorType", "ActorExternalId", "IdentityId", "RawJson"
        FROM "ActivityEvents" WITH NO DATA;
        TRUNCATE pg_temp.activity_staging
        """;

    private const string CopyStagingSql = """
        COPY pg_temp.activity_staging ("Ordinal", "ActivityId", "OccurredAt", "Type", "Category", "OrganizationUuid", "ActorType", "ActorExternalId", "IdentityId", "RawJson")
        FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>
    /// PostgreSQL: binary COPY of the page into the staging table, then <see cref="PostgresPageSql"/>. A page that carries
    /// the same activity twice keeps the first, as the row-by-row path does: the INSERT reads the staged rows in page order
    /// and DO NOTHING skips a row that conflicts with one the same statement has just inserted.
    /// </summary>
    private static async Task<int> WritePostgresAsync(NpgsqlConnection connection, IReadOnlyList<ActivityEvent> events,
        CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return 0;
        }
        await using (var create = new NpgsqlCommand(CreateStagingSql, connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var copy = await connection.BeginBinaryImportAsync(CopyStagingSql, cancellationToken))
        {
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(i, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(e.ActivityId, NpgsqlDbType.Varchar, cancellationToken);
                await copy.WriteAsync(e.OccurredAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(e.Type, NpgsqlDbType.Varchar, cancellationToken);
                await copy.WriteAsync((int)e.Category, NpgsqlDbType.Integer, cancellationToken);
                await WriteNullableAsync(copy, e.OrganizationUuid, NpgsqlDbType.Varchar, cancellationToken);
                await copy.WriteAsync(e.ActorType, NpgsqlDbType.Varchar, cancellationToken);
                await WriteNullableAsync(copy, e.ActorExternalId, NpgsqlDbType.Varchar, cancellationToken);
                if (e.IdentityId is { } identity)
                {
                    await copy.WriteAsync(identity, NpgsqlDbType.Integer, cancellationToken);
                }
                else
                {
                    await copy.WriteNullAsync(cancellationToken);
                }
                await copy.WriteAsync(e.RawJson, NpgsqlDbType.Text, cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        await using var page = new NpgsqlCommand(PostgresPageSql, connection);
        return (int)(long)(await page.ExecuteScalarAsync(cancellationToken))!;
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, type, cancellationToken);

    // Same storage formats as the EF model: SQLite keeps UTC ticks and ISO dates.
    private object Time(DateTimeOffset at) => _provider == DatabaseProvider.Sqlite ? at.UtcTicks : at.ToUniversalTime();
    private object Day(DateOnly day) => _provider == DatabaseProvider.Sqlite
        ? day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
        : day.ToDateTime(TimeOnly.MinValue);

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in new[] { _insertEvent, _upsertRollup, _touchIdentity })
        {
            if (command is not null)
            {
                await command.DisposeAsync();
            }
        }
    }
}
