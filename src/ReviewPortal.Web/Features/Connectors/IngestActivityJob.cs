using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Models;
using ReviewPortal.Claude.Resilience;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// Incremental Activity Feed catch-up. Walks forward (<c>order=asc</c>, <c>after_id</c>) from the
/// stored cursor; each page's events, quarantined records, rollups and the advanced cursor commit
/// in one transaction, so a crash between pages resumes exactly where the last page ended. Then
/// re-polls from the overlap before the last completed re-poll for late-indexed events; the unique
/// (created_at, activity id) key absorbs the duplicates, and <see cref="ReconcileAnomalies"/> quarantines an id
/// stored in the re-read window under two created_at values. The first run backfills <see cref="IngestionOptions.BackfillDays"/>.
/// Rate limited beyond Claude:MaxRetryAfter, the run ends at once (a failed run naming when the limit ends, not an
/// exception for Hangfire to retry into the limit); runs while it lasts are skipped, and the first after it resumes from
/// the cursor.
/// </summary>
public sealed class IngestActivityJob(
    IDbContextFactory<ReviewPortalDbContext> contexts,
    IComplianceClient compliance,
    DatabaseLease leases,
    ClaudeRateLimitGate rateLimit,
    IngestionOptions options,
    TimeProvider time,
    ILogger<IngestActivityJob> logger)
{
    public const string JobName = "ingest-activity";

    public static readonly JobDescriptor<IngestActivityJob> Descriptor = new()
    {
        Id = JobName,
        Title = "the activity ingestion",
        Lease = TimeSpan.FromMinutes(30),
        Schedule = JobDescriptor.From<IngestionOptions>(o => o.ActivityCron),
        RunNowAuditAction = "connector.run-requested",
        RunNowTarget = new("Connector", "IngestActivity"),
        Run = job => job.RunAsync(CancellationToken.None),
    };

    public const string CursorName = "activity-feed";

    public async Task<IngestionRun> RunAsync(CancellationToken cancellationToken = default)
    {
        if (rateLimit.LimitedUntil is { } limitedUntil)
        {
            // Every request would only hear 429 again (and spend the organization's budget): no run, no record.
            logger.LogInformation("Activity ingestion skipped: the Claude API rate limits the organization until {Until:u}", limitedUntil);
            return new IngestionRun { Job = JobName, Status = IngestionRunStatus.Skipped, StartedAt = time.GetUtcNow() };
        }
        return await leases.RunExclusiveAsync(Descriptor, RunLeasedAsync,
            () => new IngestionRun { Job = JobName, Status = IngestionRunStatus.Skipped, StartedAt = time.GetUtcNow() }, cancellationToken);
    }

    /// <summary>The run itself, under the job's lease, which stops it when lost.</summary>
    private async Task<IngestionRun> RunLeasedAsync(HeldLease lease)
    {
        var cancellationToken = lease.Token;
        var run = await StartRunAsync(cancellationToken);
        try
        {
            var cursor = await CatchUpAsync(run, cancellationToken);
            await ReconcileAsync(run, cancellationToken);
            run.Status = IngestionRunStatus.Succeeded;
            run.LastCursor = cursor;
        }
        catch (OperationCanceledException) when (lease.IsLost)
        {
            // Another node may hold the lease now and go on from the last committed page; the record says why this run stopped.
            run.Status = IngestionRunStatus.Failed;
            run.Error = "Stopped: the ingestion lease was lost (see the log), so another node may run ingestion now.";
            throw;
        }
        catch (ClaudeApiException ex) when (ex.RetryAt is { } until)
        {
            // Ended, not thrown: the stored pages and the cursor stand, and the first run after the limit goes on from there.
            run.Status = IngestionRunStatus.Failed;
            run.Error = MaxLengths.Truncate($"Rate limited by the Claude API until {Humanize.DateTime(until)}: runs before then are skipped, and the " +
                $"next one resumes from the stored cursor. ({ConnectorError.Describe(ex)})", MaxLengths.IngestionRun.Error);
            logger.LogWarning("Activity ingestion run {RunId} ended: rate limited until {Until:u}", run.Id, until);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            run.Status = IngestionRunStatus.Failed;
            run.Error = ConnectorError.Describe(ex);
            logger.LogError(ex, "Activity ingestion run {RunId} failed", run.Id);
            throw;
        }
        finally
        {
            await FinishRunAsync(run);
        }
        return run;
    }

    private async Task<string?> CatchUpAsync(IngestionRun run, CancellationToken cancellationToken)
    {
        ActivityQuery query;
        ActorResolver resolver;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var cursor = await db.IngestionCursors.AsNoTracking().FirstOrDefaultAsync(c => c.Name == CursorName, cancellationToken);
            run.FirstCursor = cursor?.Cursor;
            query = cursor?.Cursor is { } after
                ? new ActivityQuery { AfterId = after, Order = ActivityOrder.Asc, Limit = options.PageSize }
                : new ActivityQuery
                {
                    CreatedAtGte = time.GetUtcNow().AddDays(-options.BackfillDays), Order = ActivityOrder.Asc, Limit = options.PageSize,
                };
            resolver = await ActorResolver.LoadAsync(db, cancellationToken);
        }
        return await IngestAsync(run, query, resolver, run.FirstCursor, moveCursor: true, cancellationToken);
    }

    /// <summary>
    /// Reads the feed from <paramref name="query"/> to its end and stores every page. The reads go one request at a time
    /// and run ahead of the writes by up to <see cref="IngestionOptions.PagesAhead"/> pages, so fetching, decoding and
    /// preparing the rows (<see cref="PreparedPage"/>, on the second core) overlap with storing; the store takes every
    /// page already waiting as one unit of work. A backfill or a catch-up after an outage, where the store is the slower
    /// side, commits a few pages at a time; a feed that is caught up stores each page as it arrives. The stored cursor only
    /// moves with stored pages. Returns it.
    /// </summary>
    private async Task<string?> IngestAsync(IngestionRun run, ActivityQuery query, ActorResolver resolver, string? position,
        bool moveCursor, CancellationToken cancellationToken)
    {
        var ahead = Math.Max(1, options.PagesAhead);
        var fetched = Channel.CreateBounded<PreparedPage>(new BoundedChannelOptions(ahead) { SingleReader = true, SingleWriter = true });
        using var stopFetching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var fetching = FetchAsync(query, fetched.Writer, stopFetching.Token);
        var unit = new List<PreparedPage>(ahead);
        try
        {
            while (await fetched.Reader.WaitToReadAsync(cancellationToken))
            {
                unit.Clear();
                while (unit.Count < ahead && fetched.Reader.TryRead(out var page))
                {
                    unit.Add(page);
                }
                var after = position;
                foreach (var page in unit)
                {
                    after = page.Cursor ?? after;
                }
                await StorePagesAsync(run, unit, resolver, moveCursor ? after : null, cancellationToken);
                position = after;
            }
        }
        catch
        {
            // A failed store ends the run: stop reading ahead, and observe the read so its outcome is not left unobserved.
            await stopFetching.CancelAsync();
            await fetching.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        // Every page read before a failed request has been stored; now that failure ends the run.
        await fetching;
        return position;
    }

    private async Task FetchAsync(ActivityQuery query, ChannelWriter<PreparedPage> pages, CancellationToken cancellationToken)
    {
        var actors = new ActorDescriptions();
        try
        {
            while (true)
            {
                var page = await compliance.ListActivitiesAsync(query, cancellationToken);
                await pages.WriteAsync(PreparedPage.Prepare(page, actors), cancellationToken);
                if (!page.HasMore || page.LastId is null)
                {
                    return;
                }
                query = query with { AfterId = page.LastId };
            }
        }
        finally
        {
            pages.Complete();
        }
    }

    /// <summary>
    /// Late-indexed events can appear behind the cursor: re-read from the overlap before the last completed
    /// reconciliation (<see cref="ReconcileWindow"/>), keep what is new, and only then move that point to this run.
    /// </summary>
    private async Task ReconcileAsync(IngestionRun run, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var resolver = await ActorResolver.LoadAsync(db, cancellationToken);
        var now = time.GetUtcNow();
        var reconciledAt = await db.IngestionCursors.AsNoTracking().Where(c => c.Name == CursorName)
            .Select(c => c.ReconciledAt).FirstOrDefaultAsync(cancellationToken);
        var window = ReconcileWindow.For(now, reconciledAt, options);
        if (window.Capped)
        {
            logger.LogWarning("Activity reconciliation last completed at {ReconciledAt}; re-reading only the last {Hours} h (Ingestion:MaxReconcileHours): " +
                "events indexed late before {From} are not looked for again", reconciledAt, options.MaxReconcileHours, window.From);
        }
        var query = new ActivityQuery
        {
            CreatedAtGte = window.From,
            CreatedAtLt = window.To,
            Order = ActivityOrder.Asc,
            Limit = options.PageSize,
        };
        await IngestAsync(run, query, resolver, position: null, moveCursor: false, cancellationToken);
        var anomalies = await contexts.WriteAsync(async (db, ct) =>
        {
            var found = await ReconcileAnomalies.QuarantineAsync(db, window, run.Id, now, ct);
            if (found > 0)
            {
                var progressed = run.Copy();
                progressed.Quarantined += found;
                db.IngestionRuns.Attach(progressed).State = EntityState.Modified;
            }
            var cursor = await db.IngestionCursors.FindAsync([CursorName], ct);
            if (cursor is null)
            {
                // A feed with no event yet has no cursor; the point is kept all the same.
                db.IngestionCursors.Add(new IngestionCursor { Name = CursorName, UpdatedAt = now, ReconciledAt = now });
            }
            else if (cursor.ReconciledAt is not { } last || last < now)
            {
                cursor.ReconciledAt = now;
            }
            return found;
        }, cancellationToken);
        if (anomalies > 0)
        {
            run.Quarantined += anomalies;
            logger.LogWarning("Activity reconciliation found {Count} activities stored under two created_at values in [{From}, {To}); " +
                "quarantined as anomalies (ADR 0005)", anomalies, window.From, window.To);
        }
        run.Details = System.Text.Json.JsonSerializer.Serialize(new { reconciled = new { window.From, window.To, window.Capped }, anomalies });
    }

    /// <summary>
    /// Pages stored together are one unit of work: placeholders for new actors, the new events with their rollups,
    /// quarantined records, the run's progress and the moved cursor commit together. A retried unit starts again from its
    /// pages; the run and the resolver learn the outcome only once it has committed.
    /// </summary>
    private async Task StorePagesAsync(IngestionRun run, IReadOnlyList<PreparedPage> pages, ActorResolver resolver, string? moveCursorTo,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // One list for the store, sized once (grown by doubling, a unit's list would be a large object).
        var events = new List<ActivityEvent>(pages.Sum(p => p.Events.Count));
        foreach (var page in pages)
        {
            events.AddRange(page.Events);
        }
        var unusable = pages.SelectMany(p => p.Unusable).ToList();
        var recorded = await contexts.WriteAsync(async (db, ct) =>
        {
            await resolver.AttributeAsync(db, pages, now, ct);
            int stored;
            await using (var store = ActivityStore.Create(db))
            {
                stored = await store.WriteAsync(events, ct);
            }
            db.QuarantinedRecords.AddRange(unusable.Select(m => new QuarantinedRecord
            {
                // A decoder reason can quote the upstream value it could not read.
                IngestionRunId = run.Id, ReceivedAt = now, Reason = MaxLengths.Truncate(m.Reason, MaxLengths.QuarantinedRecord.Reason),
                RawJson = m.RawJson,
            }));
            if (moveCursorTo is not null)
            {
                var cursor = await db.IngestionCursors.FindAsync([CursorName], ct);
                if (cursor is null)
                {
                    db.IngestionCursors.Add(new IngestionCursor { Name = CursorName, Cursor = moveCursorTo, UpdatedAt = now });
                }
                else
                {
                    cursor.Cursor = moveCursorTo;
                    cursor.UpdatedAt = now;
                }
            }
            var recorded = new IngestedPages(pages.Count, events.Count, unusable.Count, stored, pages[^1].RequestId,
                events.Count > 0 ? events.Max(e => e.OccurredAt) : null);
            var progressed = run.Copy();
            progressed.Record(recorded);
            db.IngestionRuns.Attach(progressed).State = EntityState.Modified;
            return recorded;
        }, cancellationToken);
        run.Record(recorded);
        resolver.Committed();
    }

    private async Task<IngestionRun> StartRunAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var run = new IngestionRun { Job = JobName, Status = IngestionRunStatus.Running, StartedAt = time.GetUtcNow() };
        db.IngestionRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        return run;
    }

    private async Task FinishRunAsync(IngestionRun run)
    {
        run.EndedAt = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync();
        db.IngestionRuns.Attach(run).State = EntityState.Modified;
        if (run.Status == IngestionRunStatus.Succeeded)
        {
            await AccessChangeHistory.AttachAsync(db, run.EndedAt.Value, CancellationToken.None);
        }
        db.Audit(AuditActor.System(JobName, run.EndedAt.Value, $"ingestion-run-{run.Id}"), "connector.activity-run", run,
            after: new { run.Status, run.Pages, run.Fetched, run.Stored, run.Duplicates, run.Quarantined, run.FirstCursor, run.LastCursor, run.LastRequestId, run.Error, run.Details });
        await db.SaveChangesAsync();
    }
}

