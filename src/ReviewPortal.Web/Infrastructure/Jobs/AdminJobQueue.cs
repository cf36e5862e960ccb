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
    public Task<string?> QueueAsync<TJob>(Viewer viewer, Expression<Func<TJob, Task>> run, string auditAction, AuditTarget target,
        string correlationId, CancellationToken cancellationToken) =>
        QueueAsync(viewer, jobs => jobs.Enqueue(run), auditAction, target, correlationId, cancellationToken);

    /// <summary>Queues <paramref name="run"/> and, once it has succeeded, <paramref name="then"/> (a job that uses what it stored).</summary>
    /// <returns>The first job's Hangfire id, or null when the viewer is not an admin.</returns>
    public Task<string?> QueueThenAsync<TJob, TThen>(Viewer viewer, Expression<Func<TJob, Task>> run, Expression<Func<TThen, Task>> then,
        string auditAction, AuditTarget target, string correlationId, CancellationToken cancellationToken) =>
        QueueAsync(viewer, jobs =>
        {
            var id = jobs.Enqueue(run);
            jobs.ContinueJobWith(id, then);
            return id;
        }, auditAction, target, correlationId, cancellationToken);

    private async Task<string?> QueueAsync(Viewer viewer, Func<IBackgroundJobClient, string> enqueue, string auditAction, AuditTarget target,
        string correlationId, CancellationToken cancellationToken)
    {
        if (!viewer.IsAdmin)
        {
            return null;
        }
        var id = enqueue(jobs);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Audit(new AuditActor(viewer.IdentityId, viewer.Name, time.GetUtcNow(), correlationId), auditAction, target,
            after: new { hangfireJob = id });
        await db.SaveChangesAsync(cancellationToken);
        return id;
    }
}
