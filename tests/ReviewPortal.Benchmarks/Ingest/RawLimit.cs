using System.Buffers;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using ReviewPortal.Benchmarks.Feed;
using ReviewPortal.Benchmarks.Support;
using ReviewPortal.Web.Domain;
using ActivityEvent = ReviewPortal.Web.Domain.ActivityEvent;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Benchmarks.Ingest;

/// <summary>
/// The raw limit of the schema: the rows the job would store, byte for byte, written into a fresh migrated database
/// with the statement the store uses (the cheapest path we have for each engine) and nothing else (no rollups, no
/// last-active, no cursor, no EF), one transaction per page. Rows are built before each page's clock starts, so only the database's work (and the driver's) is timed.
/// </summary>
internal static class RawLimit
{
    /// <summary>
    /// SQLite: the store's own insert statement (<see cref="ActivityStore.InsertSqlite"/>: 100-row <c>INSERT … ON CONFLICT DO
    /// NOTHING</c> bound through SQLite's API) on one connection, with nothing around it: no read of stored keys, no rollups,
    /// no last-active, no cursor.
    /// </summary>
    public static (double Seconds, double CpuSeconds) Sqlite(SyntheticFeed feed, string file, int pageSize, string pragmas)
    {
        using var connection = new SqliteConnection(Portal.ConnectionString(file));
        connection.Open();
        if (pragmas.Length > 0)
        {
            using var pragma = connection.CreateCommand();
            pragma.CommandText = PragmaInterceptor.Sql(pragmas);
            pragma.ExecuteNonQuery();
        }

        var rows = new Row[pageSize];
        var events = new List<ActivityEvent>(pageSize);
        var timed = TimeSpan.Zero;
        var cpu = TimeSpan.Zero;
        using var self = Process.GetCurrentProcess();
        for (long from = 0; from < feed.Count; from += pageSize)
        {
            var count = Build(feed, from, rows);
            events.Clear();
            for (var r = 0; r < count; r++)
            {
                var row = rows[r];
                events.Add(new ActivityEvent
                {
                    ActivityId = row.Id, OccurredAt = row.At, Type = row.Type, Category = (ActivityCategory)row.Category, OrganizationUuid = row.Org,
                    ActorType = row.ActorType, ActorExternalId = row.Actor, IdentityId = row.Identity, RawJson = row.Json,
                });
            }
            self.Refresh();
            var cpuStarted = self.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            using (var transaction = connection.BeginTransaction())
            {
                if (ActivityStore.InsertSqlite(connection, events) != count)
                {
                    throw new InvalidOperationException("The raw loop's rows are distinct: every one must be inserted.");
                }
                transaction.Commit();
            }
            timed += Stopwatch.GetElapsedTime(started);
            self.Refresh();
            cpu += self.TotalProcessorTime - cpuStarted;
        }
        return (timed.TotalSeconds, cpu.TotalSeconds);
    }

    /// <summary>
    /// One binary COPY straight into <c>ActivityEvents</c> per page (PostgreSQL). COPY cannot skip conflicts; the rows
    /// are distinct, so the unique (OccurredAt, ActivityId) index is maintained and checked on every row, as on the job's path.
    /// Returns the process's CPU and the server's (the cluster's processes) over the timed pages.
    /// </summary>
    public static (double Seconds, double CpuSeconds, double ServerCpuSeconds) Postgres(SyntheticFeed feed, BenchDatabase database, int pageSize)
    {
        using var connection = new NpgsqlConnection(database.ConnectionString);
        connection.Open();
        var rows = new Row[pageSize];
        var timed = TimeSpan.Zero;
        var cpu = TimeSpan.Zero;
        var server = 0.0;
        using var self = Process.GetCurrentProcess();
        for (long from = 0; from < feed.Count; from += pageSize)
        {
            var count = Build(feed, from, rows);
            var serverStarted = database.ServerCpuSeconds();
            self.Refresh();
            var cpuStarted = self.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            using (var transaction = connection.BeginTransaction())
            {
                using (var copy = connection.BeginBinaryImport("""
                    COPY "ActivityEvents" ("ActivityId", "OccurredAt", "Type", "Category", "OrganizationUuid", "ActorType", "ActorExternalId", "IdentityId", "RawJson")
                    FROM STDIN (FORMAT BINARY)
                    """))
                {
                    for (var r = 0; r < count; r++)
                    {
                        var row = rows[r];
                        copy.StartRow();
                        copy.Write(row.Id, NpgsqlDbType.Varchar);
                        copy.Write(row.At.UtcDateTime, NpgsqlDbType.TimestampTz);
                        copy.Write(row.Type, NpgsqlDbType.Varchar);
                        copy.Write(row.Category, NpgsqlDbType.Integer);
                        WriteOrNull(copy, row.Org, NpgsqlDbType.Varchar);
                        copy.Write(row.ActorType, NpgsqlDbType.Varchar);
                        WriteOrNull(copy, row.Actor, NpgsqlDbType.Varchar);
                        if (row.Identity is { } identity)
                        {
                            copy.Write(identity, NpgsqlDbType.Integer);
                        }
                        else
                        {
                            copy.WriteNull();
                        }
                        copy.Write(row.Json, NpgsqlDbType.Text);
                    }
                    copy.Complete();
                }
                transaction.Commit();
            }
            timed += Stopwatch.GetElapsedTime(started);
            self.Refresh();
            cpu += self.TotalProcessorTime - cpuStarted;
            server += database.ServerCpuSeconds() - serverStarted;
        }
        return (timed.TotalSeconds, cpu.TotalSeconds, server);
    }

    private static void WriteOrNull(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(value, type);
        }
    }

    private sealed record Row(string Id, DateTimeOffset At, string Type, int Category, string? Org, string ActorType, string? Actor, int? Identity,
        string Json);

    private static readonly Dictionary<string, int> Identities = IdentityIds();

    /// <summary>The identity ids the job resolves to in a fresh database: people, then API keys, then service-account placeholders.</summary>
    private static Dictionary<string, int> IdentityIds()
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var p = 0; p < SyntheticFeed.People; p++) ids[SyntheticFeed.UserId(p)] = ids.Count + 1;
        for (var k = 0; k < SyntheticFeed.ApiKeys; k++) ids[SyntheticFeed.ApiKeyId(k)] = ids.Count + 1;
        for (var s = 0; s < SyntheticFeed.ServiceAccounts; s++) ids[SyntheticFeed.ServiceAccountId(s)] = ids.Count + 1;
        return ids;
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    /// <summary>The page starting at <paramref name="from"/>, as the job would store it.</summary>
    private static int Build(SyntheticFeed feed, long from, Row[] rows)
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(1024);
        var count = (int)Math.Min(rows.Length, feed.Count - from);
        for (var r = 0; r < count; r++)
        {
            var index = from + r;
            var shape = SyntheticFeed.ShapeOf(index);
            var external = SyntheticFeed.ExternalIdOf(shape);
            rows[r] = new Row(
                SyntheticFeed.IdOf(index), feed.CreatedAt(index), shape.Type, (int)ActivityCategories.Of(shape.Type, shape.ActorType),
                shape.Type.StartsWith("sso_", StringComparison.Ordinal) ? null
                    : shape.ActorType == "user_actor" ? SyntheticFeed.ParentOrgUuid : SyntheticFeed.ConsoleOrgUuid,
                shape.ActorType, external,
                external is not null && Identities.TryGetValue(external, out var id) ? id : null,
                feed.RecordJson(index, buffer));
        }
        return count;
    }
}
