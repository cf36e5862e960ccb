using Hangfire;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Web.Features.Remediation;

/// <summary>
/// Admin's "Run remediation now": queues the same <see cref="ExecuteRemediationJob"/> Hangfire runs on schedule, so due
/// tasks are carried out without waiting for the next minute (its lease prevents two runs overlapping).
/// </summary>
public sealed class RunRemediationNow(IBackgroundJobClient jobs, IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    public const string AuditAction = "remediation.run-requested";

    /// <summary>The Hangfire job id, or null when the viewer is not an admin (nothing queued, nothing audited).</summary>
    public async Task<string?> HandleAsync(Viewer viewer, string correlationId, CancellationToken cancellationToken = default)
    {
        if (!viewer.IsAdmin)
        {
            return null;
        }
        var id = jobs.Enqueue<ExecuteRemediationJob>(j => j.RunAsync(CancellationToken.None));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Audit(new AuditActor(viewer.IdentityId, viewer.Name, time.GetUtcNow(), correlationId), AuditAction,
            new AuditTarget("Job", ExecuteRemediationJob.JobName), after: new { hangfireJob = id });
        await db.SaveChangesAsync(cancellationToken);
        return id;
    }
}
