using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Benchmarks.Feed;
using ReviewPortal.Benchmarks.Ingest;
using ReviewPortal.Benchmarks.Support;
using ReviewPortal.Claude;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Benchmarks.Retention;

/// <summary>
/// Issue #18, 3: a 10 M-event database trimmed to <c>--keep-days</c> by <see cref="PruneActivityEventsJob"/> while
/// <see cref="IngestActivityJob"/> keeps storing new events. Two copies of the <c>summary</c> verb's database (10 M events
/// over 90 days): on the first, the ingestion of <c>--ingest</c> events alone; on the second, the same ingestion with the
/// trim running beside it. Reports both ingestion rates, the trim's time, rows and batches, and checks that the trim left
/// the rollups and the ingested events alone.
/// </summary>
internal static class RetentionBenchmark
{
    public static async Task<Dictionary<string, object?>> RunAsync(Args args)
    {
        var folder = args.String("dir", Path.Combine(Path.GetTempPath(), "reviewportal-bench"));
        var source = args.String("from", Path.Combine(folder, "summary-10000000-50000.db"));
        if (!File.Exists(source))
        {
            throw new ArgumentException($"{source} does not exist: build it with the summary verb (--events 10000000 --identities 50000) or name one with --from.");
        }
        var keepDays = args.Int("keep-days", 30);
        var ingest = args.Long("ingest", 1_000_000);
        using (var connection = new SqliteConnection($"Data Source={source}"))
        {
            // A copy of the file alone must hold everything.
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            checkpoint.ExecuteNonQuery();
        }

        var alone = await RunAsync(source, folder, "alone", keepDays, ingest, trim: false);
        var during = await RunAsync(source, folder, "trim", keepDays, ingest, trim: true);
        var result = new Dictionary<string, object?>
        {
            ["benchmark"] = "retention",
            ["sourceEvents"] = alone["eventsBefore"],
            ["keepDays"] = keepDays,
            ["ingestEvents"] = ingest,
            ["loadAverage"] = IngestBenchmark.LoadAverage(),
        };
        foreach (var (key, value) in alone) result[$"alone.{key}"] = value;
        foreach (var (key, value) in during) result[$"trim.{key}"] = value;
        result["ingestDuringTrimToAlone"] = Math.Round((double)during["ingestEventsPerSecond"]! / (double)alone["ingestEventsPerSecond"]!, 3);
        return result;
    }

    private static async Task<Dictionary<string, object?>> RunAsync(string source, string folder, string label, int keepDays, long ingest, bool trim)
    {
        var file = Path.Combine(folder, $"retention-{label}-{Environment.ProcessId}.db");
        Portal.Delete(file);
        File.Copy(source, file);
        try
        {
            var database = BenchDatabase.Sqlite(file);
            var now = DateTimeOffset.UtcNow;
            // New events inside the kept window, so the trim never deletes what the ingestion stores.
            var feed = new SyntheticFeed(ingest, now.AddDays(-(keepDays - 2)), now.AddSeconds(-90));
            var handler = new FeedHandler(feed, TimeProvider.System);
            var services = Portal.Services(database, new Dictionary<string, string?>
            {
                ["Ingestion:RetentionDays"] = keepDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            services.AddHttpClient<IComplianceClient, ComplianceClient>().ConfigurePrimaryHttpMessageHandler(() => handler);
            await using var provider = services.BuildServiceProvider();
            await IngestBenchmark.SeedDirectoryAsync(provider);
            var contexts = provider.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>();
            // The rollups of the days the trim empties: the ingestion adds none there (its events are inside the window).
            var cutoff = RetentionWindow.Cutoff(now, keepDays)!.Value;
            var cutoffDay = DateOnly.FromDateTime(cutoff.UtcDateTime);
            long eventsBefore, rollupsBefore, oldRollupsBefore;
            await using (var db = await contexts.CreateDbContextAsync())
            {
                eventsBefore = await db.ActivityEvents.LongCountAsync();
                rollupsBefore = await db.ActivityRollups.LongCountAsync();
                oldRollupsBefore = await db.ActivityRollups.Where(r => r.Day < cutoffDay).SumAsync(r => (long)r.Count);
            }
            Progress.Say($"retention ({label}): {eventsBefore:N0} events, ingesting {ingest:N0}{(trim ? $", trimming to {keepDays} days at the same time" : "")}");

            var clock = Stopwatch.StartNew();
            var ingestion = Task.Run(async () =>
            {
                await using var scope = provider.CreateAsyncScope();
                var run = await scope.ServiceProvider.GetRequiredService<IngestActivityJob>().RunAsync();
                return (Run: run, Seconds: clock.Elapsed.TotalSeconds);
            });
            var pruning = trim
                ? Task.Run(async () =>
                {
                    var run = await ActivatorUtilities.CreateInstance<PruneActivityEventsJob>(provider).RunAsync();
                    return (Run: (RetentionRun?)run, Seconds: clock.Elapsed.TotalSeconds);
                })
                : Task.FromResult<(RetentionRun? Run, double Seconds)>((null, 0));
            var (ingested, ingestSeconds) = await ingestion;
            var (pruned, pruneSeconds) = await pruning;
            if (ingested.Status != IngestionRunStatus.Succeeded || ingested.Stored != ingest)
            {
                throw new InvalidOperationException($"Ingestion ended {ingested.Status} with {ingested.Stored:N0} of {ingest:N0} stored: {ingested.Error}");
            }

            await using var check = await contexts.CreateDbContextAsync();
            var result = new Dictionary<string, object?>
            {
                ["eventsBefore"] = eventsBefore,
                ["ingestSeconds"] = Math.Round(ingestSeconds, 2),
                ["ingestEventsPerSecond"] = Math.Round(ingest / ingestSeconds),
                ["eventsAfter"] = await check.ActivityEvents.LongCountAsync(),
                ["rollupsBefore"] = rollupsBefore,
                ["rollupsAfter"] = await check.ActivityRollups.LongCountAsync(),
                // Events counted by the rollups of the days before the window: the same after a trim that deleted those days' events.
                ["rollupCountsBeforeWindowBefore"] = oldRollupsBefore,
                ["rollupCountsBeforeWindowAfter"] = await check.ActivityRollups.Where(r => r.Day < cutoffDay).SumAsync(r => (long)r.Count),
            };
            if (pruned is { } run)
            {
                var older = await check.ActivityEvents.LongCountAsync(e => e.OccurredAt < cutoff);
                result["trimStatus"] = run.Status.ToString();
                result["trimSeconds"] = Math.Round(pruneSeconds, 2);
                result["trimDeleted"] = run.Deleted;
                result["trimBatches"] = run.Batches;
                result["trimRowsPerSecond"] = Math.Round(run.Deleted / pruneSeconds);
                result["olderThanWindowLeft"] = older;
                result["trimAuditEntries"] = await check.AuditEntries.LongCountAsync(a => a.Action == PruneActivityEventsJob.AuditAction);
                Progress.Say($"  trim: {run.Deleted:N0} events deleted in {run.Batches} batches, {pruneSeconds:F1} s; {older:N0} older than the window left");
            }
            Progress.Say($"  ingestion: {ingest / ingestSeconds:N0} events/s ({ingestSeconds:F1} s)");
            return result;
        }
        finally
        {
            Portal.Delete(file);
        }
    }
}
