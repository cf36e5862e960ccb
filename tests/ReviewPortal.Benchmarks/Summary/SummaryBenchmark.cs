using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Benchmarks.Support;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Features.Identities;
using ReviewPortal.Web.Features.Reviews;

namespace ReviewPortal.Benchmarks.Summary;

/// <summary>
/// Benchmark 2: <see cref="ActivitySummary.LoadAsync"/> (30 days, one identity) against a database of
/// <c>--events</c> events over 90 days for <c>--identities</c> identities. The database is built once per size
/// (bulk prepared inserts, indexes recreated afterwards, rollups and last-active times by the real
/// <see cref="RebuildActivityRollups"/>) and reused by later runs.
/// </summary>
internal static class SummaryBenchmark
{
    private const string MarkerName = "benchmark-summary-now";

    public static async Task<Dictionary<string, object?>> RunAsync(Args args)
    {
        var events = args.Long("events", 10_000_000);
        var identities = args.Int("identities", 50_000);
        var samples = args.Int("samples", 1000);
        var folder = args.String("dir", Path.Combine(Path.GetTempPath(), "reviewportal-bench"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"summary-{events}-{identities}.db");
        if (args.Flag("rebuild") || !File.Exists(file))
        {
            await BuildAsync(file, events, identities);
        }
        else
        {
            Progress.Say($"summary: reusing {file} ({new FileInfo(file).Length / 1e9:F2} GB)");
        }

        var services = Portal.Services(file);
        await using var provider = services.BuildServiceProvider();
        var contexts = provider.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>();
        DateTimeOffset now;
        long rollupRows;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            var marker = await db.IngestionCursors.AsNoTracking().SingleAsync(c => c.Name == MarkerName);
            now = new DateTimeOffset(long.Parse(marker.Cursor!, CultureInfo.InvariantCulture), TimeSpan.Zero);
            rollupRows = await db.ActivityRollups.LongCountAsync();
        }

        // First call of the process: EF model, query compilation, connection open, cold SQLite page cache.
        var random = new Random(20261126);
        var first = Stopwatch.StartNew();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            await ActivitySummary.LoadAsync(db, random.Next(1, identities + 1), now, 30, CancellationToken.None);
        }
        first.Stop();
        for (var i = 0; i < 50; i++)
        {
            await using var db = await contexts.CreateDbContextAsync();
            await ActivitySummary.LoadAsync(db, random.Next(1, identities + 1), now, 30, CancellationToken.None);
        }

        var load = new List<double>(samples);
        var withContext = new List<double>(samples);
        var cpu = new List<double>(samples);
        var sameThread = 0;
        var activeDays = new List<int>(samples);
        var totals = new List<int>(samples);
        for (var i = 0; i < samples; i++)
        {
            var identity = random.Next(1, identities + 1);
            var outer = Stopwatch.GetTimestamp();
            await using var db = await contexts.CreateDbContextAsync();
            var thread = Environment.CurrentManagedThreadId;
            var cpuStart = ThreadCpu.NowMs();
            var inner = Stopwatch.GetTimestamp();
            var summary = await ActivitySummary.LoadAsync(db, identity, now, 30, CancellationToken.None);
            var end = Stopwatch.GetTimestamp();
            if (Environment.CurrentManagedThreadId == thread) // SQLite completes synchronously, so normally always
            {
                cpu.Add(ThreadCpu.NowMs() - cpuStart);
                sameThread++;
            }
            load.Add(Stopwatch.GetElapsedTime(inner, end).TotalMilliseconds);
            withContext.Add(Stopwatch.GetElapsedTime(outer, end).TotalMilliseconds);
            activeDays.Add(summary.ActiveDays);
            totals.Add(summary.TotalEvents);
        }

        // The drill-down into raw events (issue #18, 4): a review item's top activity types over its 30 days, straight from
        // ActivityEvents (10 M rows), for as many random identities, after the same kind of warm-up.
        for (var i = 0; i < 50; i++)
        {
            await using var db = await contexts.CreateDbContextAsync();
            await ActivityDrillDown.TopTypesAsync(db, random.Next(1, identities + 1), now, 30, 8, CancellationToken.None);
        }
        var drill = new List<double>(samples);
        var drillCpu = new List<double>(samples);
        var drillEvents = new List<int>(samples);
        for (var i = 0; i < samples; i++)
        {
            var identity = random.Next(1, identities + 1);
            await using var db = await contexts.CreateDbContextAsync();
            var thread = Environment.CurrentManagedThreadId;
            var cpuStart = ThreadCpu.NowMs();
            var start = Stopwatch.GetTimestamp();
            var types = await ActivityDrillDown.TopTypesAsync(db, identity, now, 30, 8, CancellationToken.None);
            drill.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (Environment.CurrentManagedThreadId == thread)
            {
                drillCpu.Add(ThreadCpu.NowMs() - cpuStart);
            }
            drillEvents.Add(types.Sum(t => t.Count));
        }

        var result = new Dictionary<string, object?>
        {
            ["benchmark"] = "summary",
            ["events"] = events,
            ["identities"] = identities,
            ["rollupRows"] = rollupRows,
            ["databaseGb"] = Math.Round(new FileInfo(file).Length / 1e9, 2),
            ["samples"] = samples,
            ["p50Ms"] = Math.Round(Stats.Percentile(load, 50), 3),
            ["p95Ms"] = Math.Round(Stats.Percentile(load, 95), 3),
            ["p99Ms"] = Math.Round(Stats.Percentile(load, 99), 3),
            ["maxMs"] = Math.Round(load.Max(), 3),
            ["meanMs"] = Math.Round(load.Average(), 3),
            ["withContextP50Ms"] = Math.Round(Stats.Percentile(withContext, 50), 3),
            ["withContextP95Ms"] = Math.Round(Stats.Percentile(withContext, 95), 3),
            // CPU the call itself consumed (its own thread): wall minus this is time spent waiting for a core.
            ["cpuP50Ms"] = cpu.Count > 0 ? Math.Round(Stats.Percentile(cpu, 50), 3) : null,
            ["cpuP95Ms"] = cpu.Count > 0 ? Math.Round(Stats.Percentile(cpu, 95), 3) : null,
            ["cpuMaxMs"] = cpu.Count > 0 ? Math.Round(cpu.Max(), 3) : null,
            ["cpuSamples"] = sameThread,
            ["loadAverage"] = Ingest.IngestBenchmark.LoadAverage(),
            ["firstCallMs"] = Math.Round(first.Elapsed.TotalMilliseconds, 1),
            ["meanActiveDays"] = Math.Round(activeDays.Average(), 1),
            ["maxEventsIn30Days"] = totals.Max(),
            ["medianEventsIn30Days"] = Stats.Median(totals.Select(t => (double)t)),
            ["drillDownP50Ms"] = Math.Round(Stats.Percentile(drill, 50), 3),
            ["drillDownP95Ms"] = Math.Round(Stats.Percentile(drill, 95), 3),
            ["drillDownP99Ms"] = Math.Round(Stats.Percentile(drill, 99), 3),
            ["drillDownMaxMs"] = Math.Round(drill.Max(), 3),
            ["drillDownCpuP50Ms"] = drillCpu.Count > 0 ? Math.Round(Stats.Percentile(drillCpu, 50), 3) : null,
            ["drillDownCpuP95Ms"] = drillCpu.Count > 0 ? Math.Round(Stats.Percentile(drillCpu, 95), 3) : null,
            ["drillDownMaxEventsCounted"] = drillEvents.Max(),
            ["drillDownMedianEventsCounted"] = Stats.Median(drillEvents.Select(t => (double)t)),
        };
        Progress.Say($"summary: p50 {result["p50Ms"]} ms, p95 {result["p95Ms"]} ms, max {result["maxMs"]} ms over {samples} identities " +
                     $"(first call {result["firstCallMs"]} ms); own-thread CPU p50 {result["cpuP50Ms"]} ms, p95 {result["cpuP95Ms"]} ms");
        Progress.Say($"drill-down: p50 {result["drillDownP50Ms"]} ms, p95 {result["drillDownP95Ms"]} ms, max {result["drillDownMaxMs"]} ms; " +
                     $"own-thread CPU p95 {result["drillDownCpuP95Ms"]} ms; events counted median {result["drillDownMedianEventsCounted"]}, max {result["drillDownMaxEventsCounted"]}");
        return result;
    }

    private static async Task BuildAsync(string file, long events, int identities)
    {
        var building = file + ".building";
        var clock = Stopwatch.StartNew();
        Progress.Say($"summary: building {file}: {events:N0} events, {identities:N0} identities (once per size)");
        var services = Portal.Services(building);
        await using (var provider = services.BuildServiceProvider())
        {
            await Portal.MigrateFreshAsync(provider, building);
            var now = DateTimeOffset.UtcNow;
            now = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

            await using (var connection = new SqliteConnection(Portal.ConnectionString(building)))
            {
                await connection.OpenAsync();
                Execute(connection, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;");
                // Bulk load without the secondary indexes, then recreate them exactly as migrated.
                var indexes = new List<(string Name, string Sql)>();
                await using (var list = connection.CreateCommand())
                {
                    list.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ActivityEvents' AND sql IS NOT NULL";
                    await using var reader = await list.ExecuteReaderAsync();
                    while (await reader.ReadAsync())
                    {
                        indexes.Add((reader.GetString(0), reader.GetString(1)));
                    }
                }
                foreach (var (name, _) in indexes)
                {
                    Execute(connection, $"DROP INDEX \"{name}\"");
                }

                InsertIdentities(connection, identities, now);
                InsertEvents(connection, events, identities, now);
                foreach (var (name, sql) in indexes)
                {
                    var started = Stopwatch.StartNew();
                    Execute(connection, sql);
                    Progress.Say($"  index {name} recreated in {started.Elapsed.TotalSeconds:F0} s");
                }
                Execute(connection, "PRAGMA synchronous=FULL;");
            }

            var rebuild = Stopwatch.StartNew();
            await using (var scope = provider.CreateAsyncScope())
            {
                var outcome = await scope.ServiceProvider.GetRequiredService<RebuildActivityRollups>().RunAsync();
                Progress.Say($"  RebuildActivityRollups: {outcome} in {rebuild.Elapsed.TotalSeconds:F0} s");
            }
            await using (var db = await provider.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>().CreateDbContextAsync())
            {
                db.IngestionCursors.Add(new IngestionCursor { Name = MarkerName, Cursor = now.UtcTicks.ToString(CultureInfo.InvariantCulture), UpdatedAt = now });
                await db.SaveChangesAsync();
            }
        }
        await using (var connection = new SqliteConnection(Portal.ConnectionString(building)))
        {
            await connection.OpenAsync();
            Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        }
        SqliteConnection.ClearAllPools();
        File.Delete(building + "-wal");
        File.Delete(building + "-shm");
        File.Move(building, file, overwrite: true);
        Progress.Say($"summary: built in {clock.Elapsed.TotalMinutes:F1} min ({new FileInfo(file).Length / 1e9:F2} GB)");
    }

    private static void InsertIdentities(SqliteConnection connection, int identities, DateTimeOffset now)
    {
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO Identities (ExternalId, Kind, DisplayName, Email, EmploymentStatus, Status, CreatedAt, LastSyncedAt, OwnerVersion)
            VALUES (@external, @kind, @name, @email, 0, 'active', @created, @created, 0)
            """;
        var external = insert.Parameters.Add("@external", SqliteType.Text);
        var kind = insert.Parameters.Add("@kind", SqliteType.Integer);
        var name = insert.Parameters.Add("@name", SqliteType.Text);
        var email = insert.Parameters.Add("@email", SqliteType.Text);
        insert.Parameters.AddWithValue("@created", now.AddDays(-400).UtcTicks);
        insert.Prepare();
        for (var i = 1; i <= identities; i++)
        {
            var person = i % 10 != 0; // one in ten is an API key
            external.Value = person ? $"user_01Bench{i:D8}" : $"apikey_01Bench{i:D8}";
            kind.Value = (int)(person ? IdentityKind.Person : IdentityKind.ApiKey);
            name.Value = person ? $"Person {i}" : $"key-{i}";
            email.Value = person ? $"person{i}@northwind.example" : DBNull.Value;
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
        Progress.Say($"  {identities:N0} identities");
    }

    private static readonly string[] PersonTypes =
        ["claude_chat_created", "claude_chat_created", "claude_chat_created", "claude_file_uploaded", "claude_project_created",
         "claude_code_session_started", "sso_login_succeeded", "sso_login_succeeded", "claude_user_role_updated"];
    private static readonly string[] KeyTypes = ["platform_file_uploaded", "platform_agent_session_created", "platform_file_content_downloaded"];

    /// <summary>
    /// Events in time order over the 90 days before <paramref name="now"/>. Identity i ∝ skewed (u² over the id range:
    /// a few very active identities, a long quiet tail); 3 % are system events that resolve to nobody. RawJson is a
    /// compact record (the summary never reads it; full records would only make the build slower).
    /// </summary>
    private static void InsertEvents(SqliteConnection connection, long events, int identities, DateTimeOffset now)
    {
        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO ActivityEvents (ActivityId, OccurredAt, Type, Category, OrganizationUuid, ActorType, ActorExternalId, IdentityId, RawJson)
            VALUES (@id, @at, @type, @category, @org, @actorType, @actor, @identity, @raw)
            """;
        var p = new SqliteParameter[9];
        string[] names = ["@id", "@at", "@type", "@category", "@org", "@actorType", "@actor", "@identity", "@raw"];
        for (var c = 0; c < names.Length; c++)
        {
            p[c] = insert.Parameters.Add(new SqliteParameter { ParameterName = names[c] });
        }
        var start = now.AddDays(-90);
        var span = (now - start).Ticks;
        var random = new Random(90);
        var clock = Stopwatch.StartNew();
        SqliteTransaction? transaction = null;
        for (long i = 0; i < events; i++)
        {
            if (i % 100_000 == 0)
            {
                transaction?.Commit();
                transaction?.Dispose();
                transaction = connection.BeginTransaction();
                insert.Transaction = transaction;
                if (i == 0)
                {
                    insert.Prepare();
                }
                if (i % 1_000_000 == 0 && i > 0)
                {
                    Progress.Say($"  {i:N0} events ({i / clock.Elapsed.TotalSeconds:N0}/s)");
                }
            }
            var at = start.AddTicks((long)((Int128)i * span / events));
            var id = $"activity_01Bench{i:D12}";
            int? identity = null;
            string type, actorType;
            string? external;
            if (random.Next(100) < 3)
            {
                type = "platform_agent_session_archived";
                actorType = "system_actor";
                external = "session-reaper";
            }
            else
            {
                var u = random.NextDouble();
                var n = 1 + (int)(u * u * identities);
                identity = n;
                var person = n % 10 != 0;
                type = person ? PersonTypes[random.Next(PersonTypes.Length)] : KeyTypes[random.Next(KeyTypes.Length)];
                actorType = person ? "user_actor" : "api_actor";
                external = person ? $"user_01Bench{n:D8}" : $"apikey_01Bench{n:D8}";
            }
            p[0].Value = id;
            p[1].Value = at.UtcTicks;
            p[2].Value = type;
            p[3].Value = (int)ActivityCategories.Of(type, actorType);
            p[4].Value = "5b7f3a52-8c1e-4d6a-9f3b-2a71c0e4d8b1";
            p[5].Value = actorType;
            p[6].Value = external;
            p[7].Value = (object?)identity ?? DBNull.Value;
            p[8].Value = $"{{\"id\":\"{id}\",\"created_at\":\"{at:yyyy-MM-ddTHH:mm:ss.fffZ}\",\"type\":\"{type}\",\"actor\":{{\"type\":\"{actorType}\"}}}}";
            insert.ExecuteNonQuery();
        }
        transaction?.Commit();
        transaction?.Dispose();
        Progress.Say($"  {events:N0} events in {clock.Elapsed.TotalSeconds:F0} s");
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }
}
