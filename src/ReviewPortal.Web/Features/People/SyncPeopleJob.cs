using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.People;

/// <summary>
/// The Entra ID people sync (hourly, <see cref="PeopleOptions.SyncCron"/>): one delta round from the kept delta link,
/// applied by <see cref="ApplyPeopleRead"/>. The directory sync then gives Claude's people their department, title,
/// manager and employment from what this stored.
/// </summary>
public sealed class SyncPeopleJob(
    IDbContextFactory<ReviewPortalDbContext> contexts,
    EntraPeopleSource entra,
    ApplyPeopleRead apply,
    DatabaseLease leases,
    TimeProvider time,
    ILogger<SyncPeopleJob> logger)
{
    public const string JobName = "sync-people";

    public static readonly JobDescriptor<SyncPeopleJob> Descriptor = new()
    {
        Id = JobName,
        Title = "the people sync",
        Lease = TimeSpan.FromMinutes(30),
        Schedule = JobDescriptor.From<PeopleOptions>(o => o.Source == PeopleSource.EntraId ? o.SyncCron : null),
        RunNowAuditAction = "connector.run-requested",
        RunNowTarget = new("Connector", "SyncPeople"),
        Then = SyncDirectoryJob.Descriptor,
        Run = job => job.RunAsync(CancellationToken.None),
    };

    public Task<IngestionRun> RunAsync(CancellationToken cancellationToken = default) =>
        leases.RunExclusiveAsync(Descriptor, RunLeasedAsync, () => new IngestionRun { Job = JobName, Status = IngestionRunStatus.Skipped, StartedAt = time.GetUtcNow() }, cancellationToken);

    /// <summary>The run itself, under the job's lease: <paramref name="cancellationToken"/> is cancelled when the lease is lost.</summary>
    private async Task<IngestionRun> RunLeasedAsync(CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var actor = AuditActor.System(JobName, started, $"people-{Guid.NewGuid():N}");
        try
        {
            string? deltaLink;
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                deltaLink = (await db.IngestionCursors.AsNoTracking().SingleOrDefaultAsync(c => c.Name == ApplyPeopleRead.EntraCursor, cancellationToken))?.Cursor;
            }
            var read = await entra.ReadAsync(deltaLink, cancellationToken);
            var (run, changes) = await apply.ApplyAsync(read, JobName, "Entra ID people sync", actor, cancellationToken);
            logger.LogInformation("People sync {Status}: {Added} new, {Moved} moved, {Departed} departed, {Returned} returned",
                run.Status, changes.New.Count, changes.Moved.Count, changes.Departed.Count, changes.Returned.Count);
            return run;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "People sync failed");
            var run = new IngestionRun
            {
                Job = JobName, Status = IngestionRunStatus.Failed, StartedAt = started, EndedAt = time.GetUtcNow(),
                Error = Describe(ex),
            };
            await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
            db.IngestionRuns.Add(run);
            db.Audit(actor, "people.sync-failed", new AuditTarget("Connector", "people"), after: new { run.Error });
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>Graph's status and error code with its message (never a token), held to the run's error column.</summary>
    private static string Describe(Exception ex) => ex is Microsoft.Graph.Models.ODataErrors.ODataError graph
        ? MaxLengths.Truncate($"Microsoft Graph {graph.ResponseStatusCode} {graph.Error?.Code}: {graph.Error?.Message}", MaxLengths.IngestionRun.Error)
        : ConnectorError.Describe(ex);
}
