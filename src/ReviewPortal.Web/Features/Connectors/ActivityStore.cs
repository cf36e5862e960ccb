using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// The ingestion hot path: prepared ADO.NET statements on the context's own connection and
/// transaction (EF change tracking is ~10× slower for this). Insert-if-new on the unique activity
/// id turns at-least-once delivery into exactly one row, and the rollups and last-active times
/// move in the same transaction as the events they count.
/// </summary>
public sealed class ActivityStore : IAsyncDisposable
{
    private readonly DatabaseProvider _provider;
    private readonly DbCommand _insertEvent;
    private readonly DbCommand _upsertRollup;
    private readonly DbCommand _touchIdentity;

    private ActivityStore(ReviewPortalDbContext db, DbConnection connection, DbTransaction transaction)
    {
        _provider = db.Provider;
        _insertEvent = Command(connection, transaction, _provider switch
            {
                DatabaseProvider.SqlServer => """
                    INSERT INTO ActivityEvents (ActivityId, OccurredAt, Type, Category, OrganizationUuid, ActorType, ActorExternalId, IdentityId, RawJson)
                    SELECT @id, @at, @type, @category, @org, @actorType, @actor, @identity, @raw
                    WHERE NOT EXISTS (SELECT 1 FROM ActivityEvents WITH (UPDLOCK, HOLDLOCK) WHERE ActivityId = @id)
                    """,
                // SQLite and PostgreSQL share the upsert syntax; PostgreSQL needs the model's names quoted.
                _ => """
                    INSERT INTO "ActivityEvents" ("ActivityId", "OccurredAt", "Type", "Category", "OrganizationUuid", "ActorType", "ActorExternalId", "IdentityId", "RawJson")
                    VALUES (@id, @at, @type, @category, @org, @actorType, @actor, @identity, @raw) ON CONFLICT ("ActivityId") DO NOTHING
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
        var stored = new List<ActivityEvent>(events.Count);
        foreach (var e in events)
        {
            var p = _insertEvent.Parameters;
            p[0].Value = e.ActivityId;
            p[1].Value = Time(e.OccurredAt);
            p[2].Value = e.Type;
            p[3].Value = (int)e.Category;
            p[4].Value = (object?)e.OrganizationUuid ?? DBNull.Value;
            p[5].Value = e.ActorType;
            p[6].Value = (object?)e.ActorExternalId ?? DBNull.Value;
            p[7].Value = (object?)e.IdentityId ?? DBNull.Value;
            p[8].Value = e.RawJson;
            if (await _insertEvent.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                stored.Add(e);
            }
        }

        foreach (var rollup in stored.Where(e => e.IdentityId is not null)
                     .GroupBy(e => (Identity: e.IdentityId!.Value, Day: DateOnly.FromDateTime(e.OccurredAt.UtcDateTime), e.Category)))
        {
            var p = _upsertRollup.Parameters;
            p[0].Value = rollup.Key.Identity;
            p[1].Value = Day(rollup.Key.Day);
            p[2].Value = (int)rollup.Key.Category;
            p[3].Value = rollup.Count();
            await _upsertRollup.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var latest in stored.Where(e => e.IdentityId is not null).GroupBy(e => e.IdentityId!.Value))
        {
            var p = _touchIdentity.Parameters;
            p[0].Value = Time(latest.Max(e => e.OccurredAt));
            p[1].Value = latest.Key;
            await _touchIdentity.ExecuteNonQueryAsync(cancellationToken);
        }
        return stored.Count;
    }

    // Same storage formats as the EF model: SQLite keeps UTC ticks and ISO dates; PostgreSQL timestamptz (UTC) and date.
    private object Time(DateTimeOffset at) => _provider == DatabaseProvider.Sqlite ? at.UtcTicks : at.ToUniversalTime();
    private object Day(DateOnly day) => _provider switch
    {
        DatabaseProvider.Sqlite => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        DatabaseProvider.Postgres => day,
        _ => day.ToDateTime(TimeOnly.MinValue),
    };

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
        await _insertEvent.DisposeAsync();
        await _upsertRollup.DisposeAsync();
        await _touchIdentity.DisposeAsync();
    }
}
