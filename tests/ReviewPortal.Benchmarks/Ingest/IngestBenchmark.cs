using System.Buffers;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Benchmarks.Feed;
using ReviewPortal.Benchmarks.Support;
using ReviewPortal.Claude;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Benchmarks.Ingest;

/// <summary>
/// Benchmark 1. End to end: <see cref="IngestActivityJob.RunAsync"/> resolved from the portal's DI, the real
/// ComplianceClient pipeline (resilience, request budget, HTTP message, JSON decoding) over <see cref="FeedHandler"/>,
/// into a fresh migrated SQLite file. Then, in the same process, the raw limit: the very same rows inserted into a
/// second fresh migrated file with one prepared INSERT and one transaction per page.
/// </summary>
internal static class IngestBenchmark
{
    public static async Task<Dictionary<string, object?>> RunAsync(Args args)
    {
        var events = args.Long("events", 1_000_000);
        var pageSize = args.Int("page-size", 5000);
        var folder = Path.Combine(args.String("dir", Path.Combine(Path.GetTempPath(), "reviewportal-bench")), $"ingest-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        var e2eFile = Path.Combine(folder, "e2e.db");
        var rawFile = Path.Combine(folder, "raw.db");

        // The feed: `events` events over the last 85 days, the newest 90 s ago (all visible, some inside the reconcile window).
        var now = DateTimeOffset.UtcNow;
        var feed = new SyntheticFeed(events, now.AddDays(-85), now.AddSeconds(-90));
        var handler = new FeedHandler(feed, TimeProvider.System);

        var pragmas = args.String("pragma", "");
        var services = Portal.Services(e2eFile, new Dictionary<string, string?> { ["Ingestion:PageSize"] = pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        if (pragmas.Length > 0)
        {
            // Prototype of a src change (DatabaseSetup.ConfigureSqlite): per-connection PRAGMAs on every pooled connection.
            services.ConfigureDbContext<SqliteReviewPortalDbContext>(o => o.AddInterceptors(new PragmaInterceptor(pragmas)));
        }
        // Same typed client, same pipeline; only the primary (innermost) handler is ours instead of SocketsHttpHandler.
        services.AddHttpClient<IComplianceClient, ComplianceClient>().ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var provider = services.BuildServiceProvider();
        Progress.Say($"ingest: {events:N0} events, pages of {pageSize:N0}, database {e2eFile}");
        await Portal.MigrateFreshAsync(provider, e2eFile);
        await SeedDirectoryAsync(provider);

        if (args.Flag("breakdown"))
        {
            await ClientOnlyAsync(provider, handler, pageSize);
        }

        // ---- end to end ----
        GC.Collect();
        var pauseBefore = GC.GetTotalPauseDuration();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var gen2Before = GC.CollectionCount(2);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime; // all threads: the job, the GC, SQLite
        var clock = Stopwatch.StartNew();
        IngestionRun run;
        using (var ticker = new Timer(_ => Progress.Say($"  … {handler.Requests} pages served, {Machine.PeakWorkingSetMb()} MB peak"), null, 5000, 5000))
        {
            await using var scope = provider.CreateAsyncScope();
            run = await scope.ServiceProvider.GetRequiredService<IngestActivityJob>().RunAsync();
        }
        clock.Stop();
        var e2eSeconds = clock.Elapsed.TotalSeconds;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        var peakMb = Machine.PeakWorkingSetMb();
        var allocatedGb = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1e9;
        var gen2 = GC.CollectionCount(2) - gen2Before;
        var gcPauseSeconds = (GC.GetTotalPauseDuration() - pauseBefore).TotalSeconds;

        long stored;
        await using (var db = await provider.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>().CreateDbContextAsync())
        {
            stored = await db.ActivityEvents.LongCountAsync();
        }
        if (run.Status != IngestionRunStatus.Succeeded || stored != events || run.Stored != events)
        {
            throw new InvalidOperationException($"Ingestion incomplete: status {run.Status}, stored {stored:N0} rows (run says {run.Stored:N0}) of {events:N0}; {run.Error}");
        }
        var e2eRate = events / e2eSeconds;
        Progress.Say($"end to end: {e2eSeconds:F1} s, {e2eRate:N0} events/s, peak working set {peakMb} MB, {run.Pages} pages, " +
                     $"{run.Duplicates} duplicates (reconcile), feed generation {handler.GenerationTime.TotalSeconds:F1} s");
        var e2eBytes = DatabaseBytes(e2eFile);

        // ---- raw limit ----
        var rawSeconds = double.NaN;
        var rawCpuSeconds = double.NaN;
        if (!args.Flag("skip-raw"))
        {
            var rawServices = Portal.Services(rawFile);
            await using var rawProvider = rawServices.BuildServiceProvider();
            await Portal.MigrateFreshAsync(rawProvider, rawFile);
            var timeKeyed = args.String("raw-schema", "migrated") == "time-key";
            if (timeKeyed)
            {
                TimeKeyedSchema(rawFile);
            }
            (rawSeconds, rawCpuSeconds) = RawInsert(feed, rawFile, pageSize, pragmas, timeKeyed);
        }
        var rawRate = events / rawSeconds;
        Progress.Say($"raw limit: {rawSeconds:F1} s, {rawRate:N0} rows/s; ratio end-to-end/raw = {e2eRate / rawRate:F2}");

        if (!args.Flag("keep"))
        {
            Portal.Delete(e2eFile);
            Portal.Delete(rawFile);
            Directory.Delete(folder, recursive: true);
        }

        return new Dictionary<string, object?>
        {
            ["benchmark"] = "ingest",
            ["events"] = events,
            ["pageSize"] = pageSize,
            ["pages"] = run.Pages,
            ["requests"] = handler.Requests,
            ["duplicatesReconciled"] = run.Duplicates,
            ["e2eSeconds"] = Math.Round(e2eSeconds, 2),
            ["e2eEventsPerSecond"] = Math.Round(e2eRate),
            ["e2eCpuSeconds"] = Math.Round(cpuSeconds, 1),
            ["feedGenerationSeconds"] = Math.Round(handler.GenerationTime.TotalSeconds, 2),
            ["feedMegabytes"] = Math.Round(handler.Bytes / 1e6),
            ["peakWorkingSetMb"] = peakMb,
            ["allocatedGb"] = Math.Round(allocatedGb, 2),
            ["gen2Collections"] = gen2,
            ["gcPauseSeconds"] = Math.Round(gcPauseSeconds, 2),
            ["pragma"] = pragmas,
            ["rawSchema"] = args.String("raw-schema", "migrated"),
            ["e2eDatabaseMb"] = Math.Round(e2eBytes / 1e6),
            ["rawSeconds"] = Math.Round(rawSeconds, 2),
            ["rawRowsPerSecond"] = Math.Round(rawRate),
            ["rawCpuSeconds"] = Math.Round(rawCpuSeconds, 1),
            ["e2eEventsPerCpuSecond"] = Math.Round(events / cpuSeconds),
            ["rawRowsPerCpuSecond"] = Math.Round(events / rawCpuSeconds),
            ["loadAverage"] = LoadAverage(),
            ["ratio"] = Math.Round(e2eRate / rawRate, 3),
        };
    }

    /// <summary>What the directory sync would have created: the 100 people and 40 API keys (service accounts become placeholders).</summary>
    private static async Task SeedDirectoryAsync(IServiceProvider provider)
    {
        await using var db = await provider.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>().CreateDbContextAsync();
        var now = DateTimeOffset.UtcNow.AddDays(-400);
        for (var p = 0; p < SyntheticFeed.People; p++)
        {
            db.Identities.Add(new Identity
            {
                ExternalId = SyntheticFeed.UserId(p), Kind = IdentityKind.Person, DisplayName = SyntheticFeed.Email(p),
                Email = SyntheticFeed.Email(p), CreatedAt = now, Status = "active", LastSyncedAt = now,
            });
        }
        for (var k = 0; k < SyntheticFeed.ApiKeys; k++)
        {
            db.Identities.Add(new Identity
            {
                ExternalId = SyntheticFeed.ApiKeyId(k), Kind = IdentityKind.ApiKey, DisplayName = $"bench-key-{k}",
                CreatedAt = now, Status = "active", LastSyncedAt = now, KeyHint = "sk-ant-api03-…AAAA",
            });
        }
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// The raw limit: one connection, one prepared INSERT, one transaction per page, nothing else. Rows are
    /// built before each page's clock starts (they are what the job would store, byte for byte), so only
    /// SQLite's work is timed.
    /// </summary>
    /// <summary>
    /// Prototype of the proposed schema fix (--raw-schema time-key): deduplicate on (OccurredAt, ActivityId) instead of
    /// ActivityId alone. Rows arrive in created_at order, so that unique index grows at its right edge instead of at a
    /// random leaf per row, and it replaces IX_ActivityEvents_OccurredAt (same leading column).
    /// </summary>
    private static void TimeKeyedSchema(string file)
    {
        using var connection = new SqliteConnection(Portal.ConnectionString(file));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            DROP INDEX "IX_ActivityEvents_ActivityId";
            DROP INDEX "IX_ActivityEvents_OccurredAt";
            CREATE UNIQUE INDEX "IX_ActivityEvents_OccurredAt_ActivityId" ON "ActivityEvents" ("OccurredAt", "ActivityId");
            """;
        command.ExecuteNonQuery();
    }

    private static (double Seconds, double CpuSeconds) RawInsert(SyntheticFeed feed, string file, int pageSize, string pragmas, bool timeKeyed)
    {
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var p = 0; p < SyntheticFeed.People; p++) ids[SyntheticFeed.UserId(p)] = ids.Count + 1;
        for (var k = 0; k < SyntheticFeed.ApiKeys; k++) ids[SyntheticFeed.ApiKeyId(k)] = ids.Count + 1;
        for (var s = 0; s < SyntheticFeed.ServiceAccounts; s++) ids[SyntheticFeed.ServiceAccountId(s)] = ids.Count + 1;

        using var connection = new SqliteConnection(Portal.ConnectionString(file));
        connection.Open();
        if (pragmas.Length > 0)
        {
            using var pragma = connection.CreateCommand();
            pragma.CommandText = PragmaInterceptor.Sql(pragmas);
            pragma.ExecuteNonQuery();
        }
        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO ActivityEvents (ActivityId, OccurredAt, Type, Category, OrganizationUuid, ActorType, ActorExternalId, IdentityId, RawJson)
            VALUES (@id, @at, @type, @category, @org, @actorType, @actor, @identity, @raw)
            """ + (timeKeyed ? " ON CONFLICT(OccurredAt, ActivityId) DO NOTHING" : " ON CONFLICT(ActivityId) DO NOTHING");
        var names = new[] { "@id", "@at", "@type", "@category", "@org", "@actorType", "@actor", "@identity", "@raw" };
        foreach (var name in names)
        {
            insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        var rows = new object[pageSize][];
        var buffer = new ArrayBufferWriter<byte>(1024);
        var timed = TimeSpan.Zero;
        var cpu = TimeSpan.Zero;
        using var self = Process.GetCurrentProcess();
        for (long from = 0; from < feed.Count; from += pageSize)
        {
            var count = (int)Math.Min(pageSize, feed.Count - from);
            for (var r = 0; r < count; r++)
            {
                var index = from + r;
                var shape = SyntheticFeed.ShapeOf(index);
                var external = SyntheticFeed.ExternalIdOf(shape);
                var json = feed.RecordJson(index, buffer);
                rows[r] =
                [
                    SyntheticFeed.IdOf(index), feed.CreatedAt(index).UtcTicks, shape.Type, (int)ActivityCategories.Of(shape.Type, shape.ActorType),
                    shape.Type.StartsWith("sso_", StringComparison.Ordinal) ? DBNull.Value
                        : shape.ActorType == "user_actor" ? SyntheticFeed.ParentOrgUuid : SyntheticFeed.ConsoleOrgUuid,
                    shape.ActorType, (object?)external ?? DBNull.Value,
                    external is not null && ids.TryGetValue(external, out var id) ? id : DBNull.Value, json,
                ];
            }
            self.Refresh();
            var cpuStarted = self.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            using (var transaction = connection.BeginTransaction())
            {
                insert.Transaction = transaction;
                if (from == 0)
                {
                    insert.Prepare();
                }
                for (var r = 0; r < count; r++)
                {
                    var row = rows[r];
                    for (var c = 0; c < row.Length; c++)
                    {
                        insert.Parameters[c].Value = row[c];
                    }
                    insert.ExecuteNonQuery();
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
    /// Diagnostic (--breakdown): the client half alone — every page through the real ComplianceClient (HTTP pipeline,
    /// JSON decoding) with no database — so end-to-end minus this is the job + store half.
    /// </summary>
    private static async Task ClientOnlyAsync(IServiceProvider provider, FeedHandler handler, int pageSize)
    {
        var client = provider.GetRequiredService<IComplianceClient>();
        GC.Collect();
        var pause = GC.GetTotalPauseDuration();
        var generation = handler.GenerationTime;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var query = new ReviewPortal.Claude.Models.ActivityQuery
        {
            CreatedAtGte = DateTimeOffset.UtcNow.AddDays(-90), Order = ReviewPortal.Claude.Models.ActivityOrder.Asc, Limit = pageSize,
        };
        long records = 0;
        while (true)
        {
            var page = await client.ListActivitiesAsync(query);
            records += page.Data.Count;
            if (!page.HasMore || page.LastId is null)
            {
                break;
            }
            query = query with { AfterId = page.LastId };
        }
        clock.Stop();
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        Progress.Say($"breakdown, client only: {records:N0} records in {clock.Elapsed.TotalSeconds:F1} s wall, {cpuSeconds:F1} s CPU " +
                     $"(feed generation {(handler.GenerationTime - generation).TotalSeconds:F1} s, GC pauses {(GC.GetTotalPauseDuration() - pause).TotalSeconds:F1} s)");
    }

    /// <summary>The 1-minute load average when the run ended (the machine is shared: wall-clock figures depend on it).</summary>
    internal static double? LoadAverage() =>
        File.Exists("/proc/loadavg") && double.TryParse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture, out var load)
            ? load : null;

    private static long DatabaseBytes(string file) =>
        new[] { "", "-wal" }.Select(s => new FileInfo(file + s)).Where(f => f.Exists).Sum(f => f.Length);
}
