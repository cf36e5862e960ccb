using Microsoft.EntityFrameworkCore;
using ReviewPortal.Claude;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Features.Remediation;
using ReviewPortal.Web.Features.Setup;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// Directory sync: the Compliance directory (organizations, users with their org role, groups and
/// members), the Admin API (workspaces and members, API keys) and HR context become identities,
/// resources, entitlements and grants. Three steps in one unit of work: identities (<see cref="DirectoryModel"/>, written
/// a chunk at a time), resources and desired grants (under the <see cref="ClaudeEntitlements"/> policy), then the
/// <see cref="GrantReconciler"/>, which closes a grant that disappeared upstream with its end time, never deletes it, and
/// audits every grant opened or closed. A sync that would close too many grants at once is blocked by the
/// <see cref="MassChangeGuard"/> and changes nothing.
/// </summary>
public sealed class SyncDirectoryJob(
    IDbContextFactory<ReviewPortalDbContext> contexts,
    IComplianceClient compliance,
    IAdminClient admin,
    IHrDirectory hr,
    DatabaseLease leases,
    VerifyRemediation verifyRemediation,
    IngestionOptions options,
    AdminAlerts alerts,
    TimeProvider time,
    ILogger<SyncDirectoryJob> logger)
{
    public const string JobName = "sync-directory";

    public static readonly JobDescriptor<SyncDirectoryJob> Descriptor = new()
    {
        Id = JobName,
        Title = "the directory sync",
        Lease = TimeSpan.FromMinutes(30),
        Schedule = JobDescriptor.From<IngestionOptions>(o => o.DirectoryCron),
        RunNowAuditAction = "connector.run-requested",
        RunNowTarget = new("Connector", "SyncDirectory"),
        Run = job => job.RunAsync(CancellationToken.None),
    };

    /// <summary>The key of the Console organization's Default Workspace (never listed by the Admin API) is this and the org's uuid.</summary>
    public const string DefaultWorkspacePrefix = "default-workspace:";

    public Task<IngestionRun> RunAsync(CancellationToken cancellationToken = default) => SyncAsync(approval: null, cancellationToken);

    /// <summary>
    /// An admin's "apply anyway" (<see cref="ApplyBlockedSync"/>): one sync that may close up to
    /// <paramref name="approvedClosures"/> grants, what the blocked run <paramref name="blockedRunId"/> would have closed.
    /// A bigger change is blocked again.
    /// </summary>
    public Task<IngestionRun> RunApprovedAsync(long blockedRunId, int approvedClosures, CancellationToken cancellationToken = default) =>
        SyncAsync(new Approval(blockedRunId, approvedClosures), cancellationToken);

    private sealed record Approval(long BlockedRunId, int Closures);

    private Task<IngestionRun> SyncAsync(Approval? approval, CancellationToken cancellationToken) =>
        leases.RunExclusiveAsync(Descriptor, ct => SyncLeasedAsync(approval, ct),
            () => new IngestionRun { Job = JobName, Status = IngestionRunStatus.Skipped, StartedAt = time.GetUtcNow() }, cancellationToken);

    /// <summary>The sync itself, under the job's lease: <paramref name="cancellationToken"/> is cancelled when the lease is lost.</summary>
    private async Task<IngestionRun> SyncLeasedAsync(Approval? approval, CancellationToken cancellationToken)
    {
        var run = new IngestionRun { Job = JobName, Status = IngestionRunStatus.Running, StartedAt = time.GetUtcNow() };
        try
        {
            var snapshot = await DirectorySnapshot.ReadAsync(compliance, admin, hr, cancellationToken);
            run.Fetched = snapshot.Organizations.Sum(o => o.Users.Count) + snapshot.Groups.Sum(g => g.Members.Count)
                + snapshot.Workspaces.Sum(w => w.Members.Count) + snapshot.ApiKeys.Count;
            // One record whose key is too long for its column is left out, not allowed to fail the whole sync.
            snapshot = DirectoryLimits.Screen(snapshot);
            foreach (var reason in snapshot.Skipped)
            {
                logger.LogWarning("Directory sync skipped {Record}", reason);
            }
            run.Quarantined = snapshot.Skipped.Count;
            run = await ApplyAsync(snapshot, run, approval, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            run.Status = IngestionRunStatus.Failed;
            run.Error = ConnectorError.Describe(ex);
            run.EndedAt = time.GetUtcNow();
            logger.LogError(ex, "Directory sync failed");
            await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
            db.IngestionRuns.Add(run);
            db.Audit(AuditActor.System(JobName, run.EndedAt.Value, CorrelationId.New()), "connector.directory-sync-failed",
                new AuditTarget("Connector", "claude"), after: new { run.Error });
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }
        if (run.Status == IngestionRunStatus.Succeeded)
        {
            await VerifyRemediationAsync(run, cancellationToken);
        }
        return run;
    }

    /// <summary>
    /// After the sync has committed, still under its lease (no other sync can move grants meanwhile). Not inside the
    /// sync's transaction: a verification problem must neither roll back nor fail a good sync, and verification is a
    /// scan of task states, so if it is skipped the next sync verifies the same tasks.
    /// </summary>
    private async Task VerifyRemediationAsync(IngestionRun run, CancellationToken cancellationToken)
    {
        try
        {
            await verifyRemediation.RunAsync(run.StartedAt, $"sync-run-{run.Id}", cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Remediation verification after directory sync {RunId} failed; the next sync retries it", run.Id);
        }
    }

    /// <summary>The whole sync is one unit of work; it returns the run as saved.</summary>
    private async Task<IngestionRun> ApplyAsync(DirectorySnapshot snapshot, IngestionRun run, Approval? approval, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var actor = AuditActor.System(JobName, now, $"sync-{Guid.NewGuid():N}");
        var (saved, opened, closed) = await contexts.WriteAsync((db, ct) => WriteSnapshotAsync(db, snapshot, run.Copy(), approval, actor, now, ct), cancellationToken);
        if (saved.Status == IngestionRunStatus.Blocked)
        {
            logger.LogError("Directory sync {RunId} blocked, nothing changed: {Reason}", saved.Id, saved.Error);
        }
        else
        {
            logger.LogInformation("Directory sync: {Opened} grants opened, {Closed} closed", opened, closed);
        }
        return saved;
    }

    private async Task<(IngestionRun Run, int Opened, int Closed)> WriteSnapshotAsync(ReviewPortalDbContext db, DirectorySnapshot snapshot,
        IngestionRun run, Approval? approval, AuditActor actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A sync the guard blocks changes nothing, though it has written identities before the guard judges (a chunk at a time,
        // to keep its memory bounded): they are rolled back to here.
        const string beforeSync = "before-directory-sync";
        await db.Database.CurrentTransaction!.CreateSavepointAsync(beforeSync, cancellationToken);
        var model = await DirectoryModel.LoadAsync(db, cancellationToken);

        var people = await DirectoryMapping.SyncIdentitiesAsync(model, snapshot, now, cancellationToken);
        await model.LoadResourcesAsync(cancellationToken);
        // NHIs only the Activity Feed names (Admin API keys, federated workloads): no listing says they exist.
        var feedNhiIds = await db.Identities.AsNoTracking().Where(i => i.Kind == IdentityKind.AdminApiKey || i.Kind == IdentityKind.Agent)
            .Select(i => i.ExternalId).ToListAsync(cancellationToken);
        var (desired, ownedResources) = DirectoryMapping.MapResourcesAndGrants(model, snapshot, now, feedNhiIds);
        var shortened = people.Shortened + model.ShortenDisplayText();

        var plan = await GrantReconciler.PlanAsync(db, desired, cancellationToken);
        var change = MassChangeGuard.ForGrants(options).Judge(plan.Governed, plan.Closing.Count, approval?.Closures ?? 0);
        if (change.Blocked)
        {
            // Everything staged or saved above (identities, resources, entitlements) is dropped: a blocked sync changes nothing.
            await db.Database.CurrentTransaction!.RollbackToSavepointAsync(beforeSync, cancellationToken);
            db.ChangeTracker.Clear();
            return (await BlockAsync(db, run, change, approval, actor, now, cancellationToken), 0, 0);
        }
        // Audited only once the guard let the sync through (a blocked sync's staged changes are dropped, so must its entries be).
        foreach (var (nhi, before, after) in people.OwnerChanges)
        {
            db.Audit(actor, SetupWords.IdentityOwnerChanged, nhi, Ownership.Words(before, "the directory"),
                Ownership.Words(after, "the directory (the key's creator or sponsor)"), identityId: nhi.Id);
        }
        foreach (var (resource, owner) in ownedResources)
        {
            db.Audit(actor, SetupWords.ResourceOwnersChanged, resource, Ownership.Words(null, "nobody"),
                Ownership.Words(owner, "the directory sync (the workspace's first employed admin)"));
        }
        // Resources and entitlements saved (identities were): from here on the sync needs their ids only.
        await db.SaveChunkAsync(cancellationToken);

        var (opened, closed) = await GrantReconciler.ApplyAsync(db, plan, actor, now, cancellationToken);
        var history = await AccessChangeHistory.AttachAsync(db, now, cancellationToken);
        run.Stored = opened;
        run.Details = System.Text.Json.JsonSerializer.Serialize(new
        {
            opened, closed, history, identities = model.IdentityCount, resources = model.ResourceCount, shortened,
            skipped = snapshot.Skipped.Take(20), approvedRun = approval?.BlockedRunId, sharedEmails = people.SharedEmails.Take(20),
        });
        run.EndedAt = time.GetUtcNow();
        run.Status = IngestionRunStatus.Succeeded;
        db.IngestionRuns.Add(run);
        db.Audit(actor, "connector.directory-sync", run, after: new
        {
            opened, closed, run.Fetched, skipped = run.Quarantined, approvedRun = approval?.BlockedRunId, approvedClosures = approval?.Closures,
        });
        await db.SaveChangesAsync(cancellationToken);
        return (run, opened, closed);
    }

    /// <summary>
    /// The blocked run, its audit entry and the IAM team's alert, in the sync's unit of work. Every blocked run is
    /// recorded and audited; the alert mail goes out once a day (<see cref="AdminAlerts"/>).
    /// </summary>
    private async Task<IngestionRun> BlockAsync(ReviewPortalDbContext db, IngestionRun run, MassChange change, Approval? approval,
        AuditActor actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        run.Status = IngestionRunStatus.Blocked;
        run.Error = MaxLengths.Truncate(BlockedDirectorySync.Describe(change, options), MaxLengths.IngestionRun.Error);
        run.Details = BlockedDirectorySync.DetailsJson(change, approval?.BlockedRunId);
        run.EndedAt = time.GetUtcNow();
        db.IngestionRuns.Add(run);
        var alerted = await alerts.EnqueueAsync(db, BlockedDirectorySync.AlertCondition,
            mail => EmailMessages.DirectorySyncBlocked(mail, change.Removing, change.Total, change.Limit, now), now, cancellationToken);
        db.Audit(actor, "connector.directory-sync-blocked", run, after: new
        {
            wouldClose = change.Removing, openGrants = change.Total, change.Limit, run.Fetched, approvedRun = approval?.BlockedRunId,
            alertedTo = alerts.To, alertQueued = alerted,
        });
        await db.SaveChangesAsync(cancellationToken);
        return run;
    }
}
