using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Remediation;

/// <summary>
/// Admin's "Retry now" for a Failed (including given-up) or Drift task: due at once with a fresh attempt budget, so the
/// next <see cref="ExecuteRemediationJob"/> run (within a minute) makes the call again. A manual task goes back to the
/// manual queue instead, since no API call exists for it.
/// </summary>
public sealed class RetryRemediationTask(IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    public async Task<Result> HandleAsync(Viewer viewer, long taskId, string correlationId, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "can retry remediation tasks") is { } refused)
        {
            return refused;
        }
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var task = await db.RemediationTasks.Include(t => t.Grant).FirstOrDefaultAsync(t => t.Id == taskId, cancellationToken);
        if (task is null)
        {
            return Refusal.NotFound("No such remediation task.");
        }
        if (!task.CanBeRetried)
        {
            return Refusal.Conflict($"Only failed or drifted tasks can be retried; this one is {Humanize.Enum(task.Status).ToLowerInvariant()}.");
        }
        var before = new { task.Status, task.Attempts, task.LastError, task.NextAttemptAt };
        task.Retry(now);
        db.Audit(new AuditActor(viewer.IdentityId, viewer.Name, now, correlationId), "remediation.retry-requested", task,
            before: before, after: new { task.Status, task.NextAttemptAt }, identityId: task.Grant.IdentityId,
            campaignId: await ExecuteRemediationJob.CampaignOfAsync(db, task, cancellationToken));
        await db.SaveChangesAsync(cancellationToken);
        return Result.Done;
    }
}
