using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// The ingestion hot path: plain ADO.NET (and SQLite's own API) on the context's connection and transaction; EF change
/// tracking is ~10× slower for this. An activity is new unless its (OccurredAt, ActivityId) is stored already: the page's
/// keys are compared with those stored in the page's time span (one range read of the unique time-keyed index,
/// docs/decisions/0005-activity-dedupe-index.md) and the first of any key the page carries twice is kept. Only the new
/// events are written, and the rollups and last-active times are computed from them, in the same transaction, with one
/// statement each per page. The unique index stays the guarantee of one row per key: SQLite and SQL Server insert with
/// DO NOTHING / NOT EXISTS on it, and a PostgreSQL COPY that met a stored key would fail the page's unit (the next run
/// re-reads the page) rather than store it twice.
/// </summary>
public sealed class ActivityStore : IAsyncDisposable
{
    private readonly DatabaseProvider _provider;
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private DbCommand? _insertEvent;
    private DbCommand? _upsertRollup;
    private DbCommand? _touchIdentity;
    private DbCommand? _upsertWorkspaceRollup;

    private ActivityStore(ReviewPortalDbContext db, DbConnection connection, DbTransaction transaction)
    {
        _provider = db.Provider;
        _connection = connection;
        _transaction = transaction;
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
        if (events.Count == 0)
        {
            return 0;
        }
        var fresh = await NewEventsAsync(events, cancellationToken);
        if (fresh.Count == 0)
        {
            return 0;
        }
        switch (_connection)
        {
            case SqliteConnection sqlite:
                WriteSqlite(sqlite, fresh);
                break;
            case NpgsqlConnection npgsql:
                await WritePostgresAsync(npgsql, fresh, cancellationToken);
                break;
            default:
                await WriteSqlServerAsync(fresh, cancellationToken);
                break;
        }
        return fresh.Count;
    }

    /// <summary>
    /// The page's events that are not stored yet, in page order, each key once. Pages follow created_at, so the page's span
    /// of the time-keyed index holds little besides the page itself: what an earlier page or run stored of it (the overlap
    /// the re-poll reads again, a page re-read after a crash).
    /// </summary>
    private async Task<List<ActivityEvent>> NewEventsAsync(IReadOnlyList<ActivityEvent> events, CancellationToken cancellationToken)
    {
        var from = long.MaxValue;
        var to = long.MinValue;
        foreach (var e in events)
        {
            var key = Key(e.OccurredAt);
            from = Math.Min(from, key);
            to = Math.Max(to, key);
        }
        HashSet<(long At, string Id)>? stored = null;
        await using (var read = _connection.CreateCommand())
        {
            read.Transaction = _transaction;
            read.CommandText = _provider == DatabaseProvider.SqlServer
                ? "SELECT OccurredAt, ActivityId FROM ActivityEvents WHERE OccurredAt >= @from AND OccurredAt <= @to"
                : """SELECT "OccurredAt", "ActivityId" FROM "ActivityEvents" WHERE "OccurredAt" >= @from AND "OccurredAt" <= @to""";
            Parameter(read, "@from", KeyValue(from));
            Parameter(read, "@to", KeyValue(to));
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var at = _provider switch
                {
                    DatabaseProvider.Sqlite => reader.GetInt64(0),
                    DatabaseProvider.Postgres => reader.GetFieldValue<DateTime>(0).Ticks,
                    _ => reader.GetFieldValue<DateTimeOffset>(0).UtcTicks,
                };
                (stored ??= []).Add((at, reader.GetString(1)));
            }
        }
        if (stored is null && StrictlyAscending(events))
        {
            // Nothing stored in the span and no time twice on the page (the common case of a catch-up): every event is new.
            return events as List<ActivityEvent> ?? [.. events];
        }
        var seen = stored ?? new HashSet<(long At, string Id)>(events.Count);
        var fresh = new List<ActivityEvent>(events.Count);
        foreach (var e in events)
        {
            if (seen.Add((Key(e.OccurredAt), e.ActivityId)))
            {
                fresh.Add(e);
            }
        }
        return fresh;
    }

    /// <summary>Whether every event's time is later than the one before it, so no key can be on the page twice.</summary>
    private bool StrictlyAscending(IReadOnlyList<ActivityEvent> events)
    {
        for (var i = 1; i < events.Count; i++)
        {
            if (Key(events[i].OccurredAt) <= Key(events[i - 1].OccurredAt))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>An instant as the provider stores it, in ticks: PostgreSQL keeps microseconds, the others 100 ns.</summary>
    private long Key(DateTimeOffset at) => _provider == DatabaseProvider.Postgres ? at.UtcTicks - at.UtcTicks % 10 : at.UtcTicks;

    private object KeyValue(long ticks) => _provider switch
    {
        DatabaseProvider.Sqlite => ticks,
        DatabaseProvider.Postgres => new DateTime(ticks, DateTimeKind.Utc),
        _ => new DateTimeOffset(ticks, TimeSpan.Zero),
    };

    private const string SqliteInsertPrefix = """
        INSERT INTO "ActivityEvents" ("ActivityId", "OccurredAt", "Type", "Category", "OrganizationUuid", "ActorType", "ActorExternalId", "IdentityId", "RawJson")
        """;

    private const string SqliteInsertSuffix = """ON CONFLICT ("OccurredAt", "ActivityId") DO NOTHING""";

    /// <summary>SQLite: the new events with 100-row inserts, then one rollup upsert and one last-active update for the page.</summary>
    private static void WriteSqlite(SqliteConnection connection, List<ActivityEvent> fresh)
    {
        var inserted = InsertSqlite(connection, fresh);
        if (inserted != fresh.Count)
        {
            // The page's transaction holds SQLite's write lock from its start, so nothing can have stored a key since the read.
            throw new InvalidOperationException($"Stored {inserted} of {fresh.Count} new activities: the stored keys changed under the page's transaction.");
        }
        SqliteRows.Execute(connection, """INSERT INTO "ActivityRollups" ("IdentityId", "Day", "Category", "Count")""", 4,
            """ON CONFLICT ("IdentityId", "Day", "Category") DO UPDATE SET "Count" = "ActivityRollups"."Count" + excluded."Count" """,
            Rollups(fresh), static (s, p, r) =>
            {
                SqliteRows.Int64(s, p, r.Identity);
                SqliteRows.Text(s, p + 1, r.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                SqliteRows.Int64(s, p + 2, (int)r.Category);
                SqliteRows.Int64(s, p + 3, r.Count);
            });
        var inWorkspaces = WorkspaceRollups(fresh);
        if (inWorkspaces.Count > 0)
        {
            SqliteRows.Execute(connection, """INSERT INTO "WorkspaceActivityRollups" ("IdentityId", "WorkspaceId", "Day", "Category", "Count")""", 5,
                """ON CONFLICT ("Day", "IdentityId", "WorkspaceId", "Category") DO UPDATE SET "Count" = "WorkspaceActivityRollups"."Count" + excluded."Count" """,
                inWorkspaces, static (s, p, r) =>
                {
                    SqliteRows.Int64(s, p, r.Identity);
                    SqliteRows.Text(s, p + 1, r.Workspace);
                    SqliteRows.Text(s, p + 2, r.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                    SqliteRows.Int64(s, p + 3, (int)r.Category);
                    SqliteRows.Int64(s, p + 4, r.Count);
                });
        }
        SqliteRows.Execute(connection, """UPDATE "Identities" SET "LastActiveAt" = v.column2 FROM (""", 2,
            """) AS v WHERE "Identities"."Id" = v.column1 AND ("Identities"."LastActiveAt" IS NULL OR "Identities"."LastActiveAt" < v.column2)""",
            LatestPerIdentity(fresh), static (s, p, l) =>
            {
                SqliteRows.Int64(s, p, l.Identity);
                SqliteRows.Int64(s, p + 1, l.At.UtcTicks);
            });
    }

    /// <summary>
    /// The SQLite insert of events, on its own: the store's statement, also the benchmark's raw limit (the same rows and
    /// statement with nothing around them). Returns how many rows were inserted.
    /// </summary>
    internal static int InsertSqlite(SqliteConnection connection, IReadOnlyList<ActivityEvent> events) =>
        SqliteRows.Execute(connection, SqliteInsertPrefix, 9, SqliteInsertSuffix, events, static (s, p, e) =>
        {
            SqliteRows.Text(s, p, e.ActivityId);
            SqliteRows.Int64(s, p + 1, e.OccurredAt.UtcTicks);
            SqliteRows.Text(s, p + 2, e.Type);
            SqliteRows.Int64(s, p + 3, (int)e.Category);
            SqliteRows.Text(s, p + 4, e.OrganizationUuid);
            SqliteRows.Text(s, p + 5, e.ActorType);
            SqliteRows.Text(s, p + 6, e.ActorExternalId);
            SqliteRows.Int64(s, p + 7, e.IdentityId);
            SqliteRows.Text(s, p + 8, e.RawJson);
        });

    /// <summary>SQL Server: row by row with prepared statements (no live SQL Server here to measure a batched form against).</summary>
    private async Task WriteSqlServerAsync(List<ActivityEvent> fresh, CancellationToken cancellationToken)
    {
        _insertEvent ??= Command("""
            INSERT INTO ActivityEvents (ActivityId, OccurredAt, Type, Category, OrganizationUuid, ActorType, ActorExternalId, IdentityId, RawJson)
            SELECT @id, @at, @type, @category, @org, @actorType, @actor, @identity, @raw
            WHERE NOT EXISTS (SELECT 1 FROM ActivityEvents WITH (UPDLOCK, HOLDLOCK) WHERE OccurredAt = @at AND ActivityId = @id)
            """, "@id", "@at", "@type", "@category", "@org", "@actorType", "@actor", "@identity", "@raw");
        _upsertRollup ??= Command("""
            UPDATE ActivityRollups SET Count = Count + @count WHERE IdentityId = @identity AND Day = @day AND Category = @category;
            IF @@ROWCOUNT = 0 INSERT INTO ActivityRollups (IdentityId, Day, Category, Count) VALUES (@identity, @day, @category, @count);
            """, "@identity", "@day", "@category", "@count");
        _upsertWorkspaceRollup ??= Command("""
            UPDATE WorkspaceActivityRollups SET Count = Count + @count WHERE Day = @day AND IdentityId = @identity AND WorkspaceId = @workspace AND Category = @category;
            IF @@ROWCOUNT = 0 INSERT INTO WorkspaceActivityRollups (IdentityId, WorkspaceId, Day, Category, Count) VALUES (@identity, @workspace, @day, @category, @count);
            """, "@identity", "@workspace", "@day", "@category", "@count");
        _touchIdentity ??= Command(
            "UPDATE Identities SET LastActiveAt = @at WHERE Id = @identity AND (LastActiveAt IS NULL OR LastActiveAt < @at)", "@at", "@identity");
        foreach (var e in fresh)
        {
            var p = _insertEvent.Parameters;
            p[0].Value = e.ActivityId;
            p[1].Value = e.OccurredAt.ToUniversalTime();
            p[2].Value = e.Type;
            p[3].Value = (int)e.Category;
            p[4].Value = (object?)e.OrganizationUuid ?? DBNull.Value;
            p[5].Value = e.ActorType;
            p[6].Value = (object?)e.ActorExternalId ?? DBNull.Value;
            p[7].Value = (object?)e.IdentityId ?? DBNull.Value;
            p[8].Value = e.RawJson;
            if (await _insertEvent.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                throw new InvalidOperationException($"Activity {e.ActivityId} was stored under the page's transaction after it was read as new.");
            }
        }
        foreach (var rollup in Rollups(fresh))
        {
            var p = _upsertRollup.Parameters;
            p[0].Value = rollup.Identity;
            p[1].Value = rollup.Day.ToDateTime(TimeOnly.MinValue);
            p[2].Value = (int)rollup.Category;
            p[3].Value = rollup.Count;
            await _upsertRollup.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var rollup in WorkspaceRollups(fresh))
        {
            var p = _upsertWorkspaceRollup.Parameters;
            p[0].Value = rollup.Identity;
            p[1].Value = rollup.Workspace;
            p[2].Value = rollup.Day.ToDateTime(TimeOnly.MinValue);
            p[3].Value = (int)rollup.Category;
            p[4].Value = rollup.Count;
            await _upsertWorkspaceRollup.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var (identity, at) in LatestPerIdentity(fresh))
        {
            var p = _touchIdentity.Parameters;
            p[0].Value = at.ToUniversalTime();
            p[1].Value = identity;
            await _touchIdentity.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private readonly record struct Rollup(int Identity, DateOnly Day, ActivityCategory Category, int Count);

    /// <summary>The new events counted per identity, UTC day and category: one row each for the page's upsert.</summary>
    private static List<Rollup> Rollups(List<ActivityEvent> fresh)
    {
        var counts = new Dictionary<(int, DateOnly, ActivityCategory), int>();
        foreach (var e in fresh)
        {
            if (e.IdentityId is { } identity)
            {
                var key = (identity, DateOnly.FromDateTime(e.OccurredAt.UtcDateTime), e.Category);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }
        return counts.Select(c => new Rollup(c.Key.Item1, c.Key.Item2, c.Key.Item3, c.Value)).ToList();
    }

    private readonly record struct WorkspaceRollup(int Identity, string Workspace, DateOnly Day, ActivityCategory Category, int Count);

    /// <summary>The new events that carry a workspace id, counted per identity, workspace, UTC day and category (most carry none).</summary>
    private static List<WorkspaceRollup> WorkspaceRollups(List<ActivityEvent> fresh)
    {
        Dictionary<(int, string, DateOnly, ActivityCategory), int>? counts = null;
        foreach (var e in fresh)
        {
            if (e is { IdentityId: { } identity, WorkspaceId: { } workspace })
            {
                counts ??= [];
                var key = (identity, workspace, DateOnly.FromDateTime(e.OccurredAt.UtcDateTime), e.Category);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }
        return counts is null ? [] : counts.Select(c => new WorkspaceRollup(c.Key.Item1, c.Key.Item2, c.Key.Item3, c.Key.Item4, c.Value)).ToList();
    }

    /// <summary>Each identity's newest new event: one row each for the page's last-active update.</summary>
    private static List<(int Identity, DateTimeOffset At)> LatestPerIdentity(List<ActivityEvent> fresh)
    {
        var latest = new Dictionary<int, DateTimeOffset>();
        foreach (var e in fresh)
        {
            if (e.IdentityId is { } identity && (!latest.TryGetValue(identity, out var at) || e.OccurredAt > at))
            {
                latest[identity] = e.OccurredAt;
            }
        }
        return latest.Select(l => (l.Key, l.Value)).ToList();
    }

    private const string CopyEventsSql = """
        COPY "ActivityEvents" ("ActivityId", "OccurredAt", "Type", "Category", "OrganizationUuid", "ActorType", "ActorExternalId", "IdentityId", "RawJson")
        FROM STDIN (FORMAT BINARY)
        """;

    private const string PostgresRollupsSql = """
        INSERT INTO "ActivityRollups" ("IdentityId", "Day", "Category", "Count")
        SELECT * FROM unnest(@identity, @day, @category, @count)
        ON CONFLICT ("IdentityId", "Day", "Category") DO UPDATE SET "Count" = "ActivityRollups"."Count" + excluded."Count"
        """;

    private const string PostgresWorkspaceRollupsSql = """
        INSERT INTO "WorkspaceActivityRollups" ("IdentityId", "WorkspaceId", "Day", "Category", "Count")
        SELECT * FROM unnest(@identity, @workspace, @day, @category, @count)
        ON CONFLICT ("Day", "IdentityId", "WorkspaceId", "Category") DO UPDATE SET "Count" = "WorkspaceActivityRollups"."Count" + excluded."Count"
        """;

    private const string PostgresTouchSql = """
        UPDATE "Identities" AS i SET "LastActiveAt" = latest.at FROM unnest(@identity, @at) AS latest(id, at)
        WHERE i."Id" = latest.id AND (i."LastActiveAt" IS NULL OR i."LastActiveAt" < latest.at)
        """;

    /// <summary>
    /// PostgreSQL: the new events with one binary COPY straight into ActivityEvents (COPY writes a page in multi-row heap
    /// batches; a staging table and INSERT … SELECT … ON CONFLICT wrote every row twice and each through the executor:
    /// docs/performance.md), then the page's rollups and last-active times as one batch of two array statements.
    /// </summary>
    private static async Task WritePostgresAsync(NpgsqlConnection connection, List<ActivityEvent> fresh, CancellationToken cancellationToken)
    {
        await using (var copy = await connection.BeginBinaryImportAsync(CopyEventsSql, cancellationToken))
        {
            foreach (var e in fresh)
            {
                await copy.StartRowAsync(cancellationToken);
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

        var rollups = Rollups(fresh);
        var latest = LatestPerIdentity(fresh);
        if (latest.Count == 0)
        {
            return;
        }
        await using var batch = new NpgsqlBatch(connection);
        var upsert = new NpgsqlBatchCommand(PostgresRollupsSql);
        upsert.Parameters.Add(new NpgsqlParameter<int[]>("identity", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = rollups.Select(r => r.Identity).ToArray() });
        upsert.Parameters.Add(new NpgsqlParameter<DateOnly[]>("day", NpgsqlDbType.Array | NpgsqlDbType.Date) { TypedValue = rollups.Select(r => r.Day).ToArray() });
        upsert.Parameters.Add(new NpgsqlParameter<int[]>("category", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = rollups.Select(r => (int)r.Category).ToArray() });
        upsert.Parameters.Add(new NpgsqlParameter<int[]>("count", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = rollups.Select(r => r.Count).ToArray() });
        var touch = new NpgsqlBatchCommand(PostgresTouchSql);
        touch.Parameters.Add(new NpgsqlParameter<int[]>("identity", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = latest.Select(l => l.Identity).ToArray() });
        touch.Parameters.Add(new NpgsqlParameter<DateTime[]>("at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = latest.Select(l => l.At.UtcDateTime).ToArray() });
        batch.BatchCommands.Add(upsert);
        batch.BatchCommands.Add(touch);
        // In the same round trip: a page with workspace events costs one more statement in the batch, not one more trip.
        var inWorkspaces = WorkspaceRollups(fresh);
        if (inWorkspaces.Count > 0)
        {
            var workspaces = new NpgsqlBatchCommand(PostgresWorkspaceRollupsSql);
            workspaces.Parameters.Add(new NpgsqlParameter<int[]>("identity", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = inWorkspaces.Select(r => r.Identity).ToArray() });
            workspaces.Parameters.Add(new NpgsqlParameter<string[]>("workspace", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { TypedValue = inWorkspaces.Select(r => r.Workspace).ToArray() });
            workspaces.Parameters.Add(new NpgsqlParameter<DateOnly[]>("day", NpgsqlDbType.Array | NpgsqlDbType.Date) { TypedValue = inWorkspaces.Select(r => r.Day).ToArray() });
            workspaces.Parameters.Add(new NpgsqlParameter<int[]>("category", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = inWorkspaces.Select(r => (int)r.Category).ToArray() });
            workspaces.Parameters.Add(new NpgsqlParameter<int[]>("count", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = inWorkspaces.Select(r => r.Count).ToArray() });
            batch.BatchCommands.Add(workspaces);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, type, cancellationToken);

    private static void Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private DbCommand Command(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
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
        foreach (var command in new[] { _insertEvent, _upsertRollup, _upsertWorkspaceRollup, _touchIdentity })
        {
            if (command is not null)
            {
                await command.DisposeAsync();
            }
        }
    }
}
