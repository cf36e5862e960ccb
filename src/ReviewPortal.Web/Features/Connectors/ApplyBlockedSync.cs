using System.Globalization;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Jobs;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// "Apply anyway" for a directory sync the mass-change guard blocked, once an admin has checked upstream that the large
/// change is genuine: queues one sync that may close as many grants as the blocked run would have, and no more (if
/// upstream now says even less, it is blocked again). Only the latest directory sync can be applied, while it is
/// blocked. Admin-only here, whatever the page shows; the request is audited with who asked (target: the blocked run),
/// and the sync it queues audits what it changed and which blocked run allowed it.
/// </summary>
public sealed class ApplyBlockedSync(IDbContextFactory<ReviewPortalDbContext> contexts, RequestedJobQueue queue)
{
    public const string AuditAction = "connector.directory-sync-approved";

    /// <returns>What to tell the admin: the queued job and how many grants it may close.</returns>
    public async Task<Result<string>> HandleAsync(Viewer viewer, long blockedRunId, string correlationId,
        CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "can apply a blocked directory sync") is { } refused)
        {
            return refused;
        }
        BlockedDirectorySync? blocked;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            blocked = await BlockedDirectorySync.LatestAsync(db, cancellationToken);
        }
        if (blocked is null || blocked.RunId != blockedRunId)
        {
            return Refusal.Conflict("That blocked sync is no longer the latest directory sync; nothing was queued. Refresh the page.");
        }
        var closures = blocked.Change.Removing;
        var id = await queue.QueueAsync(viewer, jobs => jobs.Enqueue<SyncDirectoryJob>(j => j.RunApprovedAsync(blockedRunId, closures, CancellationToken.None)),
            AuditAction, new AuditTarget("IngestionRun", blockedRunId.ToString(CultureInfo.InvariantCulture)), correlationId, cancellationToken);
        return $"Queued (background job {id}): one directory sync that may close up to {closures} grants.";
    }
}
