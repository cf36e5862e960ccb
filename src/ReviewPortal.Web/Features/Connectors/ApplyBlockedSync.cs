using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// "Apply anyway" for a directory sync the mass-change guard blocked, once an admin has checked upstream that the large
/// change is genuine: queues one sync that may close as many grants as the blocked run would have, and no more (if
/// upstream now says even less, it is blocked again). Only the latest directory sync can be applied, while it is
/// blocked. Admin-only here, whatever the page shows; the request is audited with who asked (target: the blocked run),
/// and the sync it queues audits what it changed and which blocked run allowed it.
/// </summary>
public sealed class ApplyBlockedSync(IDbContextFactory<ReviewPortalDbContext> contexts, AdminJobQueue queue)
{
    public const string AuditAction = "connector.directory-sync-approved";

    public async Task<ApplyBlockedSyncResult> HandleAsync(Viewer viewer, long blockedRunId, string correlationId,
        CancellationToken cancellationToken = default)
    {
        if (!viewer.IsAdmin)
        {
            return new ApplyBlockedSyncResult(null, "Only admins can apply a blocked directory sync.");
        }
        BlockedDirectorySync? blocked;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            blocked = await BlockedDirectorySync.LatestAsync(db, cancellationToken);
        }
        if (blocked is null || blocked.RunId != blockedRunId)
        {
            return new ApplyBlockedSyncResult(null, "That blocked sync is no longer the latest directory sync; nothing was queued. Refresh the page.");
        }
        var closures = blocked.Change.Removing;
        var id = await queue.QueueAsync<SyncDirectoryJob>(viewer, j => j.RunApprovedAsync(blockedRunId, closures, CancellationToken.None),
            AuditAction, new AuditTarget("IngestionRun", blockedRunId.ToString(CultureInfo.InvariantCulture)), correlationId, cancellationToken);
        return id is null
            ? new ApplyBlockedSyncResult(null, "Only admins can apply a blocked directory sync.")
            : new ApplyBlockedSyncResult(id, $"Queued (background job {id}): one directory sync that may close up to {closures} grants.");
    }
}

/// <summary>The queued job's id, or null when nothing was queued; and what to tell the admin.</summary>
public sealed record ApplyBlockedSyncResult(string? JobId, string Message);
