using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// Raw event retention (issue #18, 3): deletes the Activity Feed events that happened before the retention window,
/// <see cref="IngestionOptions.RetentionDays"/> whole UTC days back from today (0 = keep forever). In batches of
/// <see cref="IngestionOptions.RetentionBatchSize"/>, oldest first, each batch its own unit of work with its audit entry
/// (what was deleted, up to when, how many), so a run stopped half-way has deleted nothing it did not audit and the next
/// run goes on. Only raw events go: the daily rollups, quarantined records and grant histories stay. The window's cut
/// follows the time-keyed index (docs/decisions/0005-activity-dedupe-index.md), so each batch is a range at its left edge.
/// </summary>
public sealed class PruneActivityEventsJob(
    IDbContextFactory<ReviewPortalDbContext> contexts,
    DatabaseLease leases,
    IngestionOptions options,
    TimeProvider time,
    ILogger<PruneActivityEventsJob> logger)
{
    public const string JobName = "prune-activity-events";

    public static readonly JobDescriptor<PruneActivityEventsJob> Descriptor = new()
    {
        Id = JobName,
        Title = "the activity retention",
        Lease = TimeSpan.FromHours(1),
        Schedule = JobDescriptor.From<IngestionOptions>(o => o.RetentionCron),
        Run = job => job.RunAsync(CancellationToken.None),
    };

    public const string AuditAction = "connector.activity-retention";

    public async Task<RetentionRun> RunAsync(CancellationToken cancellationToken = default)
    {
        if (options.RetentionDays <= 0)
        {
            return new RetentionRun(RetentionRunStatus.KeepForever, null, 0, 0);
        }
        return await leases.RunExclusiveAsync(Descriptor, RunLeasedAsync, () => new RetentionRun(RetentionRunStatus.Skipped, null, 0, 0), cancellationToken);
    }

    /// <summary>The run itself, under the job's lease: <paramref name="cancellationToken"/> is cancelled when the lease is lost.</summary>
    private async Task<RetentionRun> RunLeasedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cutoff = RetentionWindow.Cutoff(now, options.RetentionDays)!.Value;
        var correlationId = $"{JobName}-{now.UtcDateTime:yyyyMMddHHmmss}";
        var batchSize = Math.Max(1, options.RetentionBatchSize);
        var deleted = 0L;
        var batches = 0;
        while (true)
        {
            var batch = batches + 1;
            var count = await contexts.WriteAsync(async (db, ct) =>
            {
                // Oldest first, in the time-keyed index's order, a bounded batch: one short write transaction each, however large the backlog.
                var count = await db.ActivityEvents.Where(e => e.OccurredAt < cutoff).OrderBy(e => e.OccurredAt)
                    .Take(batchSize).ExecuteDeleteAsync(ct);
                if (count > 0)
                {
                    db.Audit(AuditActor.System(JobName, now, correlationId), AuditAction, new AuditTarget("ActivityEvents", "retention"),
                        after: new { options.RetentionDays, DeletedBefore = cutoff, Deleted = count, Batch = batch });
                }
                return count;
            }, cancellationToken);
            if (count == 0)
            {
                break;
            }
            deleted += count;
            batches++;
            if (count < batchSize)
            {
                break;
            }
        }
        if (deleted > 0)
        {
            logger.LogInformation("Activity event retention deleted {Deleted} events before {Cutoff} in {Batches} batches", deleted, cutoff, batches);
        }
        return new RetentionRun(RetentionRunStatus.Completed, cutoff, deleted, batches);
    }
}

/// <summary>Where the retention window starts: whole UTC days, so a day's rollup always counts a whole day of raw events.</summary>
public static class RetentionWindow
{
    /// <summary>Events before this are deleted; null when they are kept forever.</summary>
    public static DateTimeOffset? Cutoff(DateTimeOffset now, int retentionDays) => retentionDays <= 0
        ? null
        : new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-retentionDays);
}

public enum RetentionRunStatus
{
    Completed,
    Skipped,
    KeepForever,
}

/// <summary>What one retention run did.</summary>
public sealed record RetentionRun(RetentionRunStatus Status, DateTimeOffset? DeletedBefore, long Deleted, int Batches);
