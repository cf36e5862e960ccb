using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Benchmarks.Support;
using ReviewPortal.Claude;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Benchmarks.Usage;

/// <summary>
/// Issue #16's usage benchmark: <see cref="IngestUsageJob.RunAsync"/> resolved from the portal's DI, the real UsageClient
/// pipeline (resilience, request budget, HTTP message, JSON decoding) over <see cref="UsageHandler"/>, from an empty cursor
/// with <c>Ingestion:UsageBackfillDays</c> = <c>--days</c>, into a fresh migrated database (SQLite file, or PostgreSQL with
/// <c>--provider postgres</c>). The directory holds the <c>--keys</c> API keys and the members the actor rows name. Then a
/// second run, as the hourly schedule would: it re-reads the last <c>Ingestion:UsageRereadDays</c> (3) days, which the
/// handler now serves revised (late data), and the rows it changed are counted against a copy taken before it.
/// </summary>
internal static class UsageBenchmark
{
    public static async Task<Dictionary<string, object?>> RunAsync(Args args)
    {
        var keys = args.Int("keys", 20_000);
        var days = args.Int("days", 90);
        var options = new IngestionOptions();
        var pageSize = options.UsagePageSize;
        var rereadDays = options.UsageRereadDays;
        var engine = BenchDatabase.Providers(args) is [var one] ? one
            : throw new ArgumentException("One provider per process: Program runs --provider both as one child per provider.");
        var folder = Path.Combine(args.String("dir", Path.Combine(Path.GetTempPath(), "reviewportal-bench")), $"usage-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        var database = engine == "postgres"
            ? BenchDatabase.Postgres(args, $"rp_bench_usage_{Environment.ProcessId}")
            : BenchDatabase.Sqlite(Path.Combine(folder, "usage.db"));

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var from = today.AddDays(-(days - 1));
        var rendering = Stopwatch.StartNew();
        using var handler = UsageHandler.Render(Path.Combine(folder, "usage.json"), from, today, rereadDays, keys, pageSize);
        Progress.Say($"usage: {keys:N0} keys and {keys:N0} (member, workspace) pairs x {days} days rendered ahead in {rendering.Elapsed.TotalSeconds:F1} s");

        // The same settings as the ingest verb: the portal's defaults (Claude:RequestsPerMinute 600 included), except the
        // backfill. --requests-per-minute N is a diagnostic that lifts the request budget (not used for the reported figures).
        var settings = new Dictionary<string, string?>
        {
            ["Ingestion:UsageBackfillDays"] = days.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (args.Int("requests-per-minute", 0) is > 0 and var perMinute)
        {
            settings["Claude:RequestsPerMinute"] = perMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var requestsPerMinute = args.Int("requests-per-minute", new ClaudeOptions().RequestsPerMinute);
        var services = Portal.Services(database, settings);
        services.AddHttpClient<IUsageClient, UsageClient>().ConfigurePrimaryHttpMessageHandler(() => handler).SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        await using var provider = services.BuildServiceProvider();
        Progress.Say($"usage ({engine}): database {(database is SqliteBenchDatabase f ? f.File : ((PostgresBenchDatabase)database).Name)}, " +
                     $"request budget {requestsPerMinute}/min");
        await Portal.MigrateFreshAsync(provider, database);
        await SeedDirectoryAsync(provider, keys);
        var contexts = provider.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>();

        // ---- first run: the backfill ----
        GC.Collect();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var serverCpuBefore = database.ServerCpuSeconds();
        var clock = Stopwatch.StartNew();
        IngestionRun run;
        using (var ticker = new Timer(_ => Progress.Say($"  … {handler.Requests} requests served, {Machine.PeakWorkingSetMb()} MB peak"), null, 10_000, 10_000))
        {
            await using var scope = provider.CreateAsyncScope();
            run = await scope.ServiceProvider.GetRequiredService<IngestUsageJob>().RunAsync();
        }
        clock.Stop();
        var seconds = clock.Elapsed.TotalSeconds;
        var processCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        var serverCpuSeconds = database.ServerCpuSeconds() - serverCpuBefore;
        var peakMb = Machine.PeakWorkingSetMb();
        var requests = handler.Requests;
        var analyticsRequests = handler.AnalyticsRequests;
        var claudeCodeRequests = handler.ClaudeCodeRequests;

        // The job asks two groupings per day (per key; per member in each workspace): keys rows each, every day.
        var expected = (long)keys * days * 2;
        long stored;
        long storedOutput;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            stored = await db.UsageRollups.LongCountAsync();
            storedOutput = await db.UsageRollups.SumAsync(u => u.OutputTokens);
        }
        var servedOutput = ServedOutput(0, from, today, keys);
        if (run.Status != IngestionRunStatus.Succeeded || stored != expected || storedOutput != servedOutput)
        {
            throw new InvalidOperationException($"Usage ingestion incomplete: status {run.Status}, stored {stored:N0} rows of {expected:N0}, " +
                                                $"output tokens {storedOutput:N0} of {servedOutput:N0}; {run.Error}");
        }
        // Lower bound the request budget puts on the run: the sliding window lets a minute's permits through at once, then
        // the rest at requestsPerMinute.
        var budgetFloorSeconds = Math.Max(0, requests - requestsPerMinute) * 60.0 / requestsPerMinute;
        Progress.Say($"first run: {stored:N0} rows in {seconds:F1} s ({stored / seconds:N0} rows/s), {requests} requests " +
                     $"({analyticsRequests} analytics, {claudeCodeRequests} Claude Code), CPU {processCpuSeconds:F1} s process + {serverCpuSeconds:F1} s server, " +
                     $"peak working set {peakMb} MB; request budget floor {budgetFloorSeconds:F0} s");

        // ---- second run: the re-read of the last days, served revised ----
        var rereadFrom = today.AddDays(-(rereadDays - 1));
        Dictionary<(UsageSubject, string, string, DateOnly), (long, long, long, long, long, long)> before;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            before = await db.UsageRollups.AsNoTracking().Where(u => u.Day >= rereadFrom)
                .ToDictionaryAsync(u => (u.Subject, u.SubjectId, u.WorkspaceId, u.Day),
                    u => (u.Requests, u.UncachedInputTokens, u.CacheReadInputTokens, u.CacheCreationInputTokens, u.OutputTokens, u.WebSearchRequests));
        }
        handler.Revision = 1;
        var requestsBefore = handler.Requests;
        var clock2 = Stopwatch.StartNew();
        IngestionRun rerun;
        await using (var scope = provider.CreateAsyncScope())
        {
            rerun = await scope.ServiceProvider.GetRequiredService<IngestUsageJob>().RunAsync();
        }
        clock2.Stop();
        long storedAfter;
        long changed = 0;
        long storedOutputAfter;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            storedAfter = await db.UsageRollups.LongCountAsync();
            storedOutputAfter = await db.UsageRollups.SumAsync(u => u.OutputTokens);
            var after = await db.UsageRollups.AsNoTracking().Where(u => u.Day >= rereadFrom)
                .Select(u => new { u.Subject, u.SubjectId, u.WorkspaceId, u.Day, u.Requests, u.UncachedInputTokens, u.CacheReadInputTokens,
                    u.CacheCreationInputTokens, u.OutputTokens, u.WebSearchRequests }).ToListAsync();
            foreach (var u in after)
            {
                if (!before.TryGetValue((u.Subject, u.SubjectId, u.WorkspaceId, u.Day), out var old)
                    || old != (u.Requests, u.UncachedInputTokens, u.CacheReadInputTokens, u.CacheCreationInputTokens, u.OutputTokens, u.WebSearchRequests))
                {
                    changed++;
                }
            }
        }
        var servedOutputAfter = ServedOutput(0, from, rereadFrom.AddDays(-1), keys) + ServedOutput(1, rereadFrom, today, keys);
        var expectedChanged = (long)keys * 2 * rereadDays;
        if (rerun.Status != IngestionRunStatus.Succeeded || storedAfter != expected || storedOutputAfter != servedOutputAfter || changed != expectedChanged)
        {
            throw new InvalidOperationException($"Re-read wrong: status {rerun.Status}, {storedAfter:N0} rows (expected {expected:N0}), {changed:N0} changed " +
                                                $"(expected {expectedChanged:N0}), output tokens {storedOutputAfter:N0} of {servedOutputAfter:N0}; {rerun.Error}");
        }
        var rerunRequests = handler.Requests - requestsBefore;
        Progress.Say($"second run (re-read of {rereadDays} days, revised upstream): {clock2.Elapsed.TotalSeconds:F1} s, {rerunRequests} requests, " +
                     $"{rerun.Stored:N0} rows written, {changed:N0} rows changed, {storedAfter:N0} rows in all");
        var databaseMb = Math.Round(database.SizeBytes() / 1e6);

        if (!args.Flag("keep"))
        {
            database.Drop();
        }
        handler.Dispose();
        if (!args.Flag("keep"))
        {
            Directory.Delete(folder, recursive: true);
        }

        return new Dictionary<string, object?>
        {
            ["benchmark"] = "usage",
            ["provider"] = engine,
            ["database"] = database.Describe(),
            ["keys"] = keys,
            ["days"] = days,
            ["groupings"] = 2,
            ["pageSize"] = pageSize,
            ["requestsPerMinute"] = requestsPerMinute,
            ["rowsStored"] = stored,
            ["rowsExpected"] = expected,
            ["seconds"] = Math.Round(seconds, 2),
            ["rowsPerSecond"] = Math.Round(stored / seconds),
            ["requests"] = requests,
            ["analyticsRequests"] = analyticsRequests,
            ["claudeCodeRequests"] = claudeCodeRequests,
            ["budgetFloorSeconds"] = Math.Round(budgetFloorSeconds, 1),
            ["processCpuSeconds"] = Math.Round(processCpuSeconds, 1),
            ["serverCpuSeconds"] = Math.Round(serverCpuSeconds, 1),
            ["rowsPerCpuSecond"] = Math.Round(stored / (processCpuSeconds + serverCpuSeconds)),
            ["feedMegabytes"] = Math.Round(handler.Bytes / 1e6),
            ["peakWorkingSetMb"] = peakMb,
            ["rerunSeconds"] = Math.Round(clock2.Elapsed.TotalSeconds, 2),
            ["rerunRequests"] = rerunRequests,
            ["rerunRowsWritten"] = rerun.Stored,
            ["rerunRowsChanged"] = changed,
            ["rowsAfterRerun"] = storedAfter,
            ["databaseMb"] = databaseMb,
            ["loadAverage"] = Ingest.IngestBenchmark.LoadAverage(),
        };
    }

    /// <summary>The output tokens <see cref="UsageHandler"/> serves for days [first, last] of one revision, both groupings.</summary>
    private static long ServedOutput(int revision, DateOnly first, DateOnly last, int keys)
    {
        long sum = 0;
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            for (var grouping = 0; grouping < 2; grouping++)
            {
                for (var i = 0; i < keys; i++)
                {
                    sum += UsageHandler.Counts(revision, day, grouping, i).Output;
                }
            }
        }
        return sum;
    }

    /// <summary>What the directory sync would have created: the API keys, and the members the actor rows name.</summary>
    private static async Task SeedDirectoryAsync(IServiceProvider provider, int keys)
    {
        await using var db = await provider.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>().CreateDbContextAsync();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var now = DateTimeOffset.UtcNow.AddDays(-400);
        for (var p = 0; p < (keys + UsageHandler.WorkspacesPerPerson - 1) / UsageHandler.WorkspacesPerPerson; p++)
        {
            db.Identities.Add(new Identity
            {
                ExternalId = UsageHandler.UserId(p), Kind = IdentityKind.Person, DisplayName = UsageHandler.Email(p),
                Email = UsageHandler.Email(p), CreatedAt = now, Status = "active", LastSyncedAt = now,
            });
        }
        for (var k = 0; k < keys; k++)
        {
            db.Identities.Add(new Identity
            {
                ExternalId = UsageHandler.KeyId(k), Kind = IdentityKind.ApiKey, DisplayName = $"bench-key-{k}",
                CreatedAt = now, Status = "active", LastSyncedAt = now, KeyHint = "sk-ant-api03-…AAAA",
            });
        }
        await db.SaveChangesAsync();
    }
}
