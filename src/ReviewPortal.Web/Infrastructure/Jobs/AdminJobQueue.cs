using System.Linq.Expressions;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Web.Infrastructure.Jobs;

/// <summary>
/// The one way an admin's "run now" button queues a recurring job: the same job Hangfire runs on schedule (its lease
/// prevents two runs overlapping), with who asked recorded in the ledger. Anyone else gets nothing queued, nothing audited.
/// </summary>
public sealed class AdminJobQueue(IBackgroundJobClient jobs, IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    /// <returns>The Hangfire job id, or null when the viewer is not an admin.</returns>
    public async Task<string?> QueueAsync<TJob>(Viewer viewer, Expression<Func<TJob, Task>> run, string auditAction, AuditTarget target,
        string correlationId, CancellationToken cancellationToken)
    {
        if (!viewer.IsAdmin)
        {
            return null;
        }
        var id = jobs.Enqueue(run);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Audit(new AuditActor(viewer.IdentityId, viewer.Name, time.GetUtcNow(), correlationId), auditAction, target,
            after: new { hangfireJob = id });
        await db.SaveChangesAsync(cancellationToken);
        return id;
    }
}
