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
/// into a fresh migrated database (a SQLite file, or a PostgreSQL database with <c>--provider postgres</c>). Then, in the
/// same process, the raw limit (<see cref="RawLimit"/>): the very same rows written into a second fresh migrated
/// database, one transaction per page.
/// </summary>
internal static class IngestBenchmark
{
    public static async Task<Dictionary<string, object?>> RunAsync(Args args)
    {
        var events = args.Long("events", 1_000_000);
        var pageSize = args.Int("page-size", 5000);
        // The portal's default (IngestionOptions.PagesAhead) unless the run names one.
        var pagesAhead = args.Int("pages-ahead", new IngestionOptions().PagesAhead);
        var engine = BenchDatabase.Providers(args) is [var one] ? one
            : throw new ArgumentException("One provider per process: Program runs --provider both as one child per provider.");
        var folder = Path.Combine(args.String("dir", Path.Combine(Path.GetTempPath(), "reviewportal-bench")), $"ingest-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        var e2eDatabase = engine == "postgres"
            ? BenchDatabase.Postgres(args, $"rp_bench_ingest_{Environment.ProcessId}")
            : BenchDatabase.Sqlite(Path.Combine(folder, "e2e.db"));
        var rawDatabase = engine == "postgres"
            ? BenchDatabase.Postgres(args, $"rp_bench_ingest_raw_{Environment.ProcessId}")
            : BenchDatabase.Sqlite(Path.Combine(folder, "raw.db"));

        // The feed: `events` events over the last 85 days, the newest 90 s ago (all visible, some inside the reconcile window).
        var now = DateTimeOffset.UtcNow;
        var feed = new SyntheticFeed(events, now.AddDays(-85), now.AddSeconds(-90));
        var handler = new FeedHandler(feed, TimeProvider.System);
        // The API's servers render its pages, not the portal's machine: the catch-up's pages are rendered before the timed
        // window and read back from a file during it (--render-live renders every page on request, as before 2026-12-07).
        var preRendered = !args.Flag("render-live");
        if (preRendered)
        {
            var rendering = Stopwatch.StartNew();
            handler.RenderCatchUp(Path.Combine(folder, "feed.json"), pageSize);
            Progress.Say($"feed: {events:N0} events rendered ahead in {rendering.Elapsed.TotalSeconds:F1} s");
        }

        var pragmas = args.String("pragma", "");
        if (engine == "postgres" && pragmas.Length > 0)
        {
            throw new ArgumentException("--pragma is a SQLite prototype.");
        }
        var services = Portal.Services(e2eDatabase, IngestionSettings(pageSize, pagesAhead));
        if (pragmas.Length > 0)
        {
            // Prototype of a src change (DatabaseSetup.ConfigureSqlite): per-connection PRAGMAs on every pooled connection.
            services.ConfigureDbContext<SqliteReviewPortalDbContext>(o => o.AddInterceptors(new PragmaInterceptor(pragmas)));
        }
        // Same typed client, same pipeline; only the primary (innermost) handler is ours instead of SocketsHttpHandler.
        services.AddHttpClient<IComplianceClient, ComplianceClient>().ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var provider = services.BuildServiceProvider();
        Progress.Say($"ingest ({engine}): {events:N0} events, pages of {pageSize:N0}, database {(e2eDatabase is SqliteBenchDatabase f ? f.File : ((PostgresBenchDatabase)e2eDatabase).Name)}");
        await Portal.MigrateFreshAsync(provider, e2eDatabase);
        await SeedDirectoryAsync(provider);

        if (args.Flag("breakdown"))
        {
            await ClientOnlyAsync(provider, handler, pageSize);
        }
        var warmup = args.Long("warmup", 0);
        if (warmup > 0)
        {
            await WarmUpAsync(args, engine, folder, warmup, pageSize, pagesAhead);
        }

        // ---- end to end ----
        GC.Collect();
        var pauseBefore = GC.GetTotalPauseDuration();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var gen2Before = GC.CollectionCount(2);
        var serverCpuBefore = e2eDatabase.ServerCpuSeconds();
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
        var processCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        var serverCpuSeconds = e2eDatabase.ServerCpuSeconds() - serverCpuBefore;
        var cpuSeconds = processCpuSeconds + serverCpuSeconds;
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
        Progress.Say($"end to end: {e2eSeconds:F1} s, {e2eRate:N0} events/s, CPU {processCpuSeconds:F1} s process + {serverCpuSeconds:F1} s server, " +
                     $"peak working set {peakMb} MB, {run.Pages} pages, {run.Duplicates} duplicates (reconcile), feed generation {handler.GenerationTime.TotalSeconds:F1} s");
        var e2eBytes = e2eDatabase.SizeBytes();

        // ---- raw limit ----
        var rawSeconds = double.NaN;
        var rawCpuSeconds = double.NaN;
        var rawServerCpuSeconds = 0.0;
        if (!args.Flag("skip-raw"))
        {
            await using var rawProvider = Portal.Services(rawDatabase).BuildServiceProvider();
            await Portal.MigrateFreshAsync(rawProvider, rawDatabase);
            if (rawDatabase is SqliteBenchDatabase rawFile)
            {
                (rawSeconds, rawCpuSeconds) = RawLimit.Sqlite(feed, rawFile.File, pageSize, pragmas);
            }
            else
            {
                double processCpu;
                (rawSeconds, processCpu, rawServerCpuSeconds) = RawLimit.Postgres(feed, rawDatabase, pageSize);
                rawCpuSeconds = processCpu + rawServerCpuSeconds;
            }
        }
        var rawRate = events / rawSeconds;
        Progress.Say($"raw limit: {rawSeconds:F1} s, {rawRate:N0} rows/s, CPU {rawCpuSeconds:F1} s (server {rawServerCpuSeconds:F1} s); " +
                     $"ratio end-to-end/raw = {e2eRate / rawRate:F2}");

        if (!args.Flag("keep"))
        {
            e2eDatabase.Drop();
            rawDatabase.Drop();
            Directory.Delete(folder, recursive: true);
        }

        return new Dictionary<string, object?>
        {
            ["benchmark"] = "ingest",
            ["provider"] = engine,
            ["database"] = e2eDatabase.Describe(),
            ["events"] = events,
            ["pageSize"] = pageSize,
            ["pagesAhead"] = pagesAhead,
            ["pages"] = run.Pages,
            ["requests"] = handler.Requests,
            ["duplicatesReconciled"] = run.Duplicates,
            ["e2eSeconds"] = Math.Round(e2eSeconds, 2),
            ["e2eEventsPerSecond"] = Math.Round(e2eRate),
            // Process CPU (every thread: job, GC, and SQLite, which runs in the process) plus, on PostgreSQL, the server's.
            ["e2eCpuSeconds"] = Math.Round(cpuSeconds, 1),
            ["e2eProcessCpuSeconds"] = Math.Round(processCpuSeconds, 1),
            ["e2eServerCpuSeconds"] = Math.Round(serverCpuSeconds, 1),
            ["feedPreRendered"] = preRendered,
            // Serving pages inside the timed window: rendering them (--render-live, and the reconcile page) or reading them back.
            ["feedGenerationSeconds"] = Math.Round(handler.GenerationTime.TotalSeconds, 2),
            ["feedMegabytes"] = Math.Round(handler.Bytes / 1e6),
            ["peakWorkingSetMb"] = peakMb,
            ["allocatedGb"] = Math.Round(allocatedGb, 2),
            ["gen2Collections"] = gen2,
            ["gcPauseSeconds"] = Math.Round(gcPauseSeconds, 2),
            ["pragma"] = pragmas,
            ["warmupEvents"] = warmup,
            ["e2eDatabaseMb"] = Math.Round(e2eBytes / 1e6),
            ["rawSeconds"] = Math.Round(rawSeconds, 2),
            ["rawRowsPerSecond"] = Math.Round(rawRate),
            ["rawCpuSeconds"] = Math.Round(rawCpuSeconds, 1),
            ["rawServerCpuSeconds"] = Math.Round(rawServerCpuSeconds, 1),
            ["e2eEventsPerCpuSecond"] = Math.Round(events / cpuSeconds),
            ["rawRowsPerCpuSecond"] = Math.Round(events / rawCpuSeconds),
            ["loadAverage"] = LoadAverage(),
            ["ratio"] = Math.Round(e2eRate / rawRate, 3),
            ["ratioCpu"] = Math.Round(rawCpuSeconds / cpuSeconds, 3),
        };
    }

    /// <summary>What the directory sync would have created: the 100 people and 40 API keys (service accounts become placeholders).</summary>
    internal static async Task SeedDirectoryAsync(IServiceProvider provider)
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
    /// Diagnostic (--warmup N): one ingestion of N other events into a database of its own, in this process, before the
    /// timed run, so the timed run starts with the ingestion path already compiled (tier 1) as in a portal that has run the
    /// job before. Without it the timed window includes the process's first JIT of that path, which the raw loop (run
    /// after it, in the same process) does not pay.
    /// </summary>
    private static Dictionary<string, string?> IngestionSettings(int pageSize, int pagesAhead) => new()
    {
        ["Ingestion:PageSize"] = pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Ingestion:PagesAhead"] = pagesAhead.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static async Task WarmUpAsync(Args args, string engine, string folder, long events, int pageSize, int pagesAhead)
    {
        var clock = Stopwatch.StartNew();
        var database = engine == "postgres"
            ? BenchDatabase.Postgres(args, $"rp_bench_ingest_warm_{Environment.ProcessId}")
            : BenchDatabase.Sqlite(Path.Combine(folder, "warm.db"));
        var now = DateTimeOffset.UtcNow;
        var feed = new SyntheticFeed(events, now.AddDays(-85), now.AddSeconds(-90));
        var services = Portal.Services(database, IngestionSettings(pageSize, pagesAhead));
        services.AddHttpClient<IComplianceClient, ComplianceClient>().ConfigurePrimaryHttpMessageHandler(() => new FeedHandler(feed, TimeProvider.System));
        await using (var provider = services.BuildServiceProvider())
        {
            await Portal.MigrateFreshAsync(provider, database);
            await SeedDirectoryAsync(provider);
            await using var scope = provider.CreateAsyncScope();
            var run = await scope.ServiceProvider.GetRequiredService<IngestActivityJob>().RunAsync();
            if (run.Status != IngestionRunStatus.Succeeded)
            {
                throw new InvalidOperationException($"Warm-up ingestion failed: {run.Error}");
            }
        }
        database.Drop();
        Progress.Say($"warm-up: {events:N0} events ingested into a database of their own in {clock.Elapsed.TotalSeconds:F1} s");
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
}
