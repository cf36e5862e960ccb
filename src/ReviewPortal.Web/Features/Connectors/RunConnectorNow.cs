using Hangfire;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>Admin's "run now": queues the same job Hangfire runs on schedule (the lease prevents overlap).</summary>
public sealed class RunConnectorNow(IBackgroundJobClient jobs, IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    public enum Job { IngestActivity, SyncDirectory }

    public async Task<string?> HandleAsync(Viewer viewer, Job job, string correlationId, CancellationToken cancellationToken = default)
    {
        if (!viewer.IsAdmin)
        {
            return null;
        }
        var id = job == Job.IngestActivity
            ? jobs.Enqueue<IngestActivityJob>(j => j.RunAsync(CancellationToken.None))
            : jobs.Enqueue<SyncDirectoryJob>(j => j.RunAsync(CancellationToken.None));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Audit(new AuditActor(viewer.IdentityId, viewer.Name, time.GetUtcNow(), correlationId), "connector.run-requested",
            new AuditTarget("Connector", job.ToString()), after: new { hangfireJob = id });
        await db.SaveChangesAsync(cancellationToken);
        return id;
    }
}
