using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ReviewPortal.Benchmarks.Support;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Benchmarks.Campaign;

/// <summary>
/// Benchmark 3: launching a campaign over <c>--items</c> open grants on the 10 M-event summary database
/// (<see cref="LaunchCampaign"/>), the first page of My reviews for a reviewer with ~2,000 items
/// (<see cref="ListMyReviewItems"/>), and a bulk decision of 1,000 items (<see cref="BulkDecide"/>).
/// The database is a copy of <c>summary-&lt;events&gt;-&lt;identities&gt;.db</c>, migrated to the current schema by
/// <c>DatabaseMigrator</c>, with <see cref="DirectoryData"/> added; it is built once and reused. With
/// <c>--provider postgres</c> the same rows are copied into a PostgreSQL database (<see cref="PostgresCampaignDatabase"/>).
/// Each run deletes the campaigns it launched, so every run starts from the same data.
/// </summary>
internal static class CampaignBenchmark
{
    public const int NamedReviewers = 50;

    public static string DatabaseFile(Args args)
    {
        var folder = args.String("dir", Path.Combine(Path.GetTempPath(), "reviewportal-bench"));
        return Path.Combine(folder, $"campaign-{args.Long("events", 10_000_000)}-{args.Int("identities", 50_000)}-{args.Int("items", 100_000)}.db");
    }

    /// <summary>The database a run measures: the SQLite file, or its PostgreSQL copy with <c>--provider postgres</c>.</summary>
    public static BenchDatabase Database(Args args) => BenchDatabase.Providers(args) switch
    {
        ["sqlite"] => BenchDatabase.Sqlite(DatabaseFile(args)),
        ["postgres"] => BenchDatabase.Postgres(args,
            $"rp_bench_campaign_{args.Long("events", 10_000_000)}_{args.Int("identities", 50_000)}_{args.Int("items", 100_000)}"),
        _ => throw new ArgumentException("One provider per process: Program runs --provider both as one child per provider."),
    };

    public static async Task EnsureDatabaseAsync(Args args)
    {
        if (Database(args) is PostgresBenchDatabase postgres)
        {
            // Built from the SQLite file, so both engines hold the same data (--rebuild rebuilds the copy, not the file).
            if (!File.Exists(DatabaseFile(args)))
            {
                await EnsureDatabaseAsync(args.With("provider", "sqlite"));
            }
            if (postgres.Exists() && !args.Flag("rebuild"))
            {
                Progress.Say($"campaign (postgres): reusing {postgres.Name} ({postgres.SizeBytes() / 1e9:F2} GB)");
                return;
            }
            await PostgresCampaignDatabase.BuildAsync(DatabaseFile(args), postgres, args);
            return;
        }
        var file = DatabaseFile(args);
        if (File.Exists(file) && !args.Flag("rebuild"))
        {
            Progress.Say($"campaign: reusing {file} ({new FileInfo(file).Length / 1e9:F2} GB)");
            // A file built before usage evidence: migrated to today's schema and given its usage rows, once.
            var reused = Portal.Services(file);
            await using (var provider = reused.BuildServiceProvider())
            {
                await provider.GetRequiredService<Web.Infrastructure.Database.DatabaseMigrator>().MigrateAsync();
            }
            await using (var connection = new SqliteConnection(Portal.ConnectionString(file)))
            {
                await connection.OpenAsync();
                var (usageRows, workspaceRows) = UsageData.Insert(connection, DateTimeOffset.UtcNow);
                if (usageRows > 0)
                {
                    Progress.Say($"  usage: {usageRows:N0} usage rows, {workspaceRows:N0} workspace feed rows added");
                }
            }
            SqliteConnection.ClearAllPools();
            return;
        }
        var events = args.Long("events", 10_000_000);
        var identities = args.Int("identities", 50_000);
        var items = args.Int("items", 100_000);
        var summary = Path.Combine(Path.GetDirectoryName(file)!, $"summary-{events}-{identities}.db");
        if (!File.Exists(summary))
        {
            // The summary benchmark builds (and keeps) the events, rollups and identities.
            await Summary.SummaryBenchmark.RunAsync(new Args(["summary", "--events", $"{events}", "--identities", $"{identities}", "--samples", "1",
                "--dir", Path.GetDirectoryName(file)!]));
        }
        var clock = Stopwatch.StartNew();
        var building = file + ".building";
        var copy = file + ".copy"; // a plain copy of the summary file, kept if an earlier build was interrupted
        if (!File.Exists(copy) || new FileInfo(copy).Length != new FileInfo(summary).Length)
        {
            Progress.Say($"campaign: copying {summary}");
            File.Copy(summary, copy, overwrite: true);
        }
        File.Move(copy, building, overwrite: true);
        var services = Portal.Services(building);
        await using (var provider = services.BuildServiceProvider())
        {
            var applied = await provider.GetRequiredService<Web.Infrastructure.Database.DatabaseMigrator>().MigrateAsync();
            Progress.Say($"  migrated: {string.Join(", ", applied)}");
            await using var connection = new SqliteConnection(Portal.ConnectionString(building));
            await connection.OpenAsync();
            Execute(connection, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;");
            DirectoryData.Organise(connection, identities);
            var open = DirectoryData.InsertAccess(connection, identities, items, DateTimeOffset.UtcNow);
            Execute(connection, "PRAGMA synchronous=FULL; PRAGMA wal_checkpoint(TRUNCATE);");
            Progress.Say($"  directory: {open:N0} open grants");
            var (usageRows, workspaceRows) = UsageData.Insert(connection, DateTimeOffset.UtcNow);
            Progress.Say($"  usage: {usageRows:N0} usage rows, {workspaceRows:N0} workspace feed rows");
        }
        SqliteConnection.ClearAllPools();
        File.Delete(building + "-wal");
        File.Delete(building + "-shm");
        File.Move(building, file, overwrite: true);
        Progress.Say($"campaign: built in {clock.Elapsed.TotalSeconds:F0} s ({new FileInfo(file).Length / 1e9:F2} GB)");
    }

    public static async Task<Dictionary<string, object?>> RunAsync(Args args)
    {
        await EnsureDatabaseAsync(args);
        var database = Database(args);
        var listCalls = args.Int("samples", 200);
        var bulkSize = args.Int("bulk", 1000);
        var services = Portal.Services(database);
        if (args.Flag("sql"))
        {
            services.AddLogging(l => l.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Information));
        }
        await using var provider = services.BuildServiceProvider();
        var contexts = provider.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>();
        await CleanUpAsync(database);

        int openGrants, admin, fallback;
        List<int> reviewers;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            openGrants = await db.Grants.CountAsync(g => g.EndedAt == null);
            // Persons 1–55 without the API keys (10, 20, …): 50 named reviewers; 1 is the admin, 60 the fallback.
            reviewers = Enumerable.Range(1, 60).Where(i => i % 10 != 0).Take(NamedReviewers).ToList();
            admin = 1;
            fallback = 61;
        }
        var viewer = new Viewer(admin, "Person 1", new HashSet<string> { Roles.Admin });
        var definition = new CampaignDefinition
        {
            Name = "Benchmark: all access",
            EntitlementKinds = Enum.GetValues<EntitlementKind>().ToList(),
            IdentityKinds = Enum.GetValues<IdentityKind>().ToList(),
            Reviewer = ReviewerRule.Named,
            NamedReviewerIds = reviewers,
            FallbackReviewerId = fallback,
            DueAt = DateTimeOffset.UtcNow.AddDays(14),
        };
        var launch = provider.GetRequiredService<LaunchCampaign>();

        // Warm-up: a small campaign (one group's members) through the same code, so JIT, the EF model and the page cache
        // are warm as in a running portal; then it is deleted again.
        // By default the first group, which by construction has no open grants: the warm-up plans and is refused, so the
        // timed launch is the process's first to build evidence and write items (JIT tiering included). --warm-items picks
        // the first group with open grants instead: the warm-up writes items too, as a portal that has launched before.
        var warm = Stopwatch.StartNew();
        var warmItems = args.Flag("warm-items");
        int smallResource;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            smallResource = await db.Resources.Where(r => r.Kind == ResourceKind.Group)
                .Where(r => !warmItems || db.Grants.Any(g => g.EndedAt == null && g.Entitlement.ResourceId == r.Id))
                .OrderBy(r => r.Id).Select(r => r.Id).FirstAsync();
        }
        var warmResult = await launch.HandleAsync(viewer, definition with { Name = "Benchmark: warm-up", ResourceIds = [smallResource] }, "bench-warm");
        warm.Stop();
        await CleanUpAsync(database);
        Progress.Say($"campaign: warm-up launch of {warmResult.Value?.Items} items in {warm.Elapsed.TotalSeconds:F1} s");

        if (args.Flag("prototype"))
        {
            if (database.Provider != DatabaseProvider.Sqlite)
            {
                throw new ArgumentException("--prototype replays SQLite's launch.");
            }
            var proto = new Dictionary<string, object?> { ["benchmark"] = "campaign-prototype" };
            foreach (var raw in new[] { false, true })
            {
                foreach (var (k, v) in await LaunchPrototype.RunAsync(contexts, viewer, definition, raw))
                {
                    proto[k] = v;
                }
                await CleanUpAsync(database);
            }
            proto["loadAverage"] = Ingest.IngestBenchmark.LoadAverage();
            return proto;
        }

        // (a) Launch
        using var process = Process.GetCurrentProcess();
        var gen2Before = GC.CollectionCount(2);
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var gcPauseBefore = GC.GetTotalPauseDuration();
        var serverBefore = database.ServerCpuSeconds();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var launchThread = Environment.CurrentManagedThreadId;
        var threadCpuBefore = ThreadCpu.NowMs();
        var clock = Stopwatch.StartNew();
        var result = await launch.HandleAsync(viewer, definition, "bench-launch");
        clock.Stop();
        // Only meaningful if the launch ended on the thread it started on (SQLite's calls complete synchronously;
        // PostgreSQL's awaits may resume elsewhere).
        double? threadCpu = Environment.CurrentManagedThreadId == launchThread ? ThreadCpu.NowMs() - threadCpuBefore : null;
        process.Refresh();
        var launchProcessCpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var launchServerCpu = database.ServerCpuSeconds() - serverBefore;
        var launchCpu = launchProcessCpu + launchServerCpu;
        var launchPeak = Machine.PeakWorkingSetMb();
        var launchAllocatedGb = (GC.GetTotalAllocatedBytes() - allocatedBefore) / 1e9;
        var launchGen2 = GC.CollectionCount(2) - gen2Before;
        var launchGcPause = (GC.GetTotalPauseDuration() - gcPauseBefore).TotalSeconds;
        if (!result.Ok)
        {
            throw new InvalidOperationException($"Launch refused: {result.Refusal.Message}");
        }
        var campaignId = result.Value.CampaignId;
        Progress.Say($"campaign ({database.Label}): launched {result.Value.Items:N0} items in {clock.Elapsed.TotalSeconds:F1} s " +
                     $"(CPU {launchProcessCpu:F1} s process + {launchServerCpu:F1} s server, peak {launchPeak} MB)");

        long evidenceBytes;
        Dictionary<int, int> perReviewer;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            evidenceBytes = await db.ReviewItems.Where(i => i.CampaignId == campaignId).SumAsync(i => (long)i.EvidenceJson.Length);
            perReviewer = await db.ReviewItems.Where(i => i.CampaignId == campaignId).GroupBy(i => i.ReviewerId)
                .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
        }

        // (b) My reviews, first page, for the named reviewer with the most items.
        var listReviewer = perReviewer.Where(kv => reviewers.Contains(kv.Key)).OrderByDescending(kv => kv.Value).First();
        var list = provider.GetRequiredService<ListMyReviewItems>();
        var reviewerViewer = new Viewer(listReviewer.Key, $"Person {listReviewer.Key}", new HashSet<string>());
        var query = new ListMyReviewItems.Query();
        var firstList = Stopwatch.StartNew();
        var queue = (await list.HandleAsync(reviewerViewer, query)).Value!;
        firstList.Stop();
        for (var i = 0; i < 10; i++)
        {
            await list.HandleAsync(reviewerViewer, query);
        }
        var listMs = new List<double>(listCalls);
        var listCpu = new List<double>(listCalls);
        for (var i = 0; i < listCalls; i++)
        {
            var thread = Environment.CurrentManagedThreadId;
            var cpuStart = ThreadCpu.NowMs();
            var start = Stopwatch.GetTimestamp();
            queue = (await list.HandleAsync(reviewerViewer, query)).Value!;
            listMs.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (Environment.CurrentManagedThreadId == thread)
            {
                listCpu.Add(ThreadCpu.NowMs() - cpuStart);
            }
        }
        Progress.Say($"campaign: My reviews p50 {Stats.Percentile(listMs, 50):F1} ms, p95 {Stats.Percentile(listMs, 95):F1} ms " +
                     $"({queue.Total} items, {queue.Rows.Count} rows, sparkline length {queue.Rows.FirstOrDefault()?.Daily.Length})");

        // (c) Bulk decision of 1,000 items of another reviewer (Keep with a justification: some go against a revoke recommendation).
        var bulkReviewer = perReviewer.Where(kv => reviewers.Contains(kv.Key) && kv.Key != listReviewer.Key).OrderByDescending(kv => kv.Value).First();
        List<SeenItem> ids;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            // As the reviewer's list shows them: each with its version.
            ids = await db.ReviewItems.Where(i => i.CampaignId == campaignId && i.ReviewerId == bulkReviewer.Key).OrderBy(i => i.Id)
                .Select(i => new SeenItem(i.Id, i.Version)).Take(bulkSize).ToListAsync();
        }
        var bulk = provider.GetRequiredService<BulkDecide>();
        var bulkViewer = new Viewer(bulkReviewer.Key, $"Person {bulkReviewer.Key}", new HashSet<string>());
        serverBefore = database.ServerCpuSeconds();
        process.Refresh();
        cpuBefore = process.TotalProcessorTime;
        var bulkClock = Stopwatch.StartNew();
        var bulkDecided = await bulk.HandleAsync(bulkViewer, new BulkDecide.Command(ids, DecisionOutcome.Keep, "Still needed for the quarterly close (benchmark)."), "bench-bulk");
        bulkClock.Stop();
        if (!bulkDecided.Ok)
        {
            throw new InvalidOperationException($"Bulk decision refused: {bulkDecided.Refusal.Message}");
        }
        var bulkResult = bulkDecided.Value;
        process.Refresh();
        var bulkProcessCpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var bulkServerCpu = database.ServerCpuSeconds() - serverBefore;
        var bulkCpu = bulkProcessCpu + bulkServerCpu;
        Progress.Say($"campaign ({database.Label}): bulk decision saved {bulkResult.Saved}, skipped {bulkResult.Skipped} in {bulkClock.Elapsed.TotalSeconds:F2} s " +
                     $"(CPU {bulkProcessCpu:F2} s process + {bulkServerCpu:F2} s server) {string.Join(" | ", bulkResult.Problems)}");

        var breakdown = args.Flag("breakdown") ? await BreakdownAsync(contexts, definition) : null;
        await CleanUpAsync(database);

        var result2 = new Dictionary<string, object?>
        {
            ["benchmark"] = "campaign",
            ["provider"] = database.Label,
            ["database"] = database.Describe(),
            ["events"] = args.Long("events", 10_000_000),
            ["identities"] = args.Int("identities", 50_000),
            ["openGrants"] = openGrants,
            ["databaseGb"] = Math.Round(database.SizeBytes() / 1e9, 2),
            ["launchItems"] = result.Value.Items,
            ["launchSeconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2),
            // Process CPU (SQLite runs inside the process) plus, on PostgreSQL, the server's.
            ["launchCpuSeconds"] = Math.Round(launchCpu, 2),
            ["launchProcessCpuSeconds"] = Math.Round(launchProcessCpu, 2),
            ["launchServerCpuSeconds"] = Math.Round(launchServerCpu, 2),
            ["launchThreadCpuSeconds"] = threadCpu is { } ms ? Math.Round(ms / 1000, 2) : null,
            ["launchPeakWorkingSetMb"] = launchPeak,
            ["launchAllocatedGb"] = Math.Round(launchAllocatedGb, 2),
            ["launchGen2"] = launchGen2,
            ["launchGcPauseSeconds"] = Math.Round(launchGcPause, 2),
            ["warmupLaunchSeconds"] = Math.Round(warm.Elapsed.TotalSeconds, 2),
            ["warmupItems"] = warmResult.Value?.Items,
            ["warmupWritesItems"] = warmItems,
            ["evidenceMeanBytes"] = Math.Round((double)evidenceBytes / Math.Max(1, result.Value.Items)),
            ["reviewers"] = perReviewer.Count,
            ["listReviewerItems"] = queue.Total,
            ["listRows"] = queue.Rows.Count,
            ["listFirstCallMs"] = Math.Round(firstList.Elapsed.TotalMilliseconds, 1),
            ["listP50Ms"] = Math.Round(Stats.Percentile(listMs, 50), 2),
            ["listP95Ms"] = Math.Round(Stats.Percentile(listMs, 95), 2),
            ["listMaxMs"] = Math.Round(listMs.Max(), 2),
            ["listCpuP50Ms"] = listCpu.Count > 0 ? Math.Round(Stats.Percentile(listCpu, 50), 2) : null,
            ["listCpuP95Ms"] = listCpu.Count > 0 ? Math.Round(Stats.Percentile(listCpu, 95), 2) : null,
            ["listCpuSamples"] = listCpu.Count,
            ["bulkItems"] = ids.Count,
            ["bulkSaved"] = bulkResult.Saved,
            ["bulkSeconds"] = Math.Round(bulkClock.Elapsed.TotalSeconds, 3),
            ["bulkCpuSeconds"] = Math.Round(bulkCpu, 3),
            ["bulkProcessCpuSeconds"] = Math.Round(bulkProcessCpu, 3),
            ["bulkServerCpuSeconds"] = Math.Round(bulkServerCpu, 3),
            ["peakWorkingSetMb"] = Machine.PeakWorkingSetMb(),
            ["loadAverage"] = Ingest.IngestBenchmark.LoadAverage(),
        };
        foreach (var (key, value) in breakdown ?? [])
        {
            result2[key] = value;
        }
        return result2;
    }

    /// <summary>The launch's phases timed one by one, in a fresh context (wall and process CPU seconds).</summary>
    private static async Task<Dictionary<string, object?>> BreakdownAsync(IDbContextFactory<ReviewPortalDbContext> contexts, CampaignDefinition definition)
    {
        var phases = new Dictionary<string, object?>();
        using var process = Process.GetCurrentProcess();
        var now = DateTimeOffset.UtcNow;
        await using var db = await contexts.CreateDbContextAsync();
        async Task<T> Phase<T>(string name, Func<Task<T>> body)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var value = await body();
            process.Refresh();
            phases[$"phase_{name}_s"] = Math.Round(clock.Elapsed.TotalSeconds, 2);
            phases[$"phase_{name}_cpu_s"] = Math.Round((process.TotalProcessorTime - cpu).TotalSeconds, 2);
            Progress.Say($"  phase {name}: {clock.Elapsed.TotalSeconds:F2} s (CPU {(process.TotalProcessorTime - cpu).TotalSeconds:F2} s)");
            return value;
        }
        var grants = await Phase("scope", () => CampaignScope.Select(db, definition, now).ToListAsync());
        var evidence = await Phase("evidenceLoad", () => EvidenceBuilder.LoadAsync(db, grants, now, CancellationToken.None));
        var built = await Phase("evidenceBuild", () => Task.FromResult(grants.Select(evidence.Build).ToList()));
        await Phase("jsonAndHash", () => Task.FromResult(built.Select(e => e.ToJsonAndHash()).Count()));
        return phases;
    }

    /// <summary>Deletes every campaign with its items and decisions (the audit entries stay: the ledger is append-only).</summary>
    private static async Task CleanUpAsync(BenchDatabase database)
    {
        if (database.Provider == DatabaseProvider.Postgres)
        {
            await using var pg = new NpgsqlConnection(database.ConnectionString);
            await pg.OpenAsync();
            await using (var delete = new NpgsqlCommand("""
                BEGIN;
                DELETE FROM "ReviewDecisions";
                DELETE FROM "RemediationTasks" WHERE "ReviewItemId" IS NOT NULL;
                DELETE FROM "ReviewItems";
                DELETE FROM "Campaigns";
                COMMIT;
                """, pg) { CommandTimeout = 0 })
            {
                await delete.ExecuteNonQueryAsync();
            }
            // Every run starts from tables without the previous run's dead rows, as SQLite's DELETE leaves free pages.
            await using var vacuum = new NpgsqlCommand("""VACUUM (ANALYZE) "ReviewDecisions", "RemediationTasks", "ReviewItems", "Campaigns" """, pg)
            {
                CommandTimeout = 0,
            };
            await vacuum.ExecuteNonQueryAsync();
            return;
        }
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        Execute(connection, """
            BEGIN;
            DELETE FROM ReviewDecisions;
            DELETE FROM RemediationTasks WHERE ReviewItemId IS NOT NULL;
            DELETE FROM ReviewItems;
            DELETE FROM Campaigns;
            COMMIT;
            """);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }
}
