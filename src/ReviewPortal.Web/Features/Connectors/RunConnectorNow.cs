using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>Admin's "run now": queues the same job Hangfire runs on schedule (the lease prevents overlap).</summary>
public sealed class RunConnectorNow(AdminJobQueue queue)
{
    public enum Job { IngestActivity, SyncDirectory, SyncPeople }

    public Task<string?> HandleAsync(Viewer viewer, Job job, string correlationId, CancellationToken cancellationToken = default)
    {
        var target = new AuditTarget("Connector", job.ToString());
        return job switch
        {
            Job.IngestActivity => queue.QueueAsync<IngestActivityJob>(viewer, j => j.RunAsync(CancellationToken.None), "connector.run-requested", target, correlationId, cancellationToken),
            // What the people sync stores reaches Claude's people (managers, leavers) through the directory sync: run now, it
            // follows at once rather than at its next hour.
            Job.SyncPeople => queue.QueueThenAsync<People.SyncPeopleJob, SyncDirectoryJob>(viewer, j => j.RunAsync(CancellationToken.None),
                j => j.RunAsync(CancellationToken.None), "connector.run-requested", target, correlationId, cancellationToken),
            _ => queue.QueueAsync<SyncDirectoryJob>(viewer, j => j.RunAsync(CancellationToken.None), "connector.run-requested", target, correlationId, cancellationToken),
        };
    }
}
