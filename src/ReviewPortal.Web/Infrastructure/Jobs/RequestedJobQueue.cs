using Hangfire;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Web.Infrastructure.Jobs;

/// <summary>
/// Queues a job a person asked for and records who asked in the ledger, the job id with it. Deciding who may ask is the
/// caller's (<see cref="RunJobNow"/>, "apply a blocked sync"), done before this is called.
/// </summary>
public sealed class RequestedJobQueue(IBackgroundJobClient jobs, IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    /// <returns>The Hangfire id <paramref name="enqueue"/> answered.</returns>
    public async Task<string> QueueAsync(Viewer viewer, Func<IBackgroundJobClient, string> enqueue, string auditAction, AuditTarget target,
        string correlationId, CancellationToken cancellationToken)
    {
        var id = enqueue(jobs);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Audit(new AuditActor(viewer.IdentityId, viewer.Name, time.GetUtcNow(), correlationId), auditAction, target,
            after: new { hangfireJob = id });
        await db.SaveChangesAsync(cancellationToken);
        return id;
    }
}
