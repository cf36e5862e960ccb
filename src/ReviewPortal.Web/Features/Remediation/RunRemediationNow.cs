using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Remediation;

/// <summary>
/// Admin's "Run remediation now": queues the same <see cref="ExecuteRemediationJob"/> Hangfire runs on schedule, so due
/// tasks are carried out without waiting for the next minute (its lease prevents two runs overlapping).
/// </summary>
public sealed class RunRemediationNow(AdminJobQueue queue)
{
    public const string AuditAction = "remediation.run-requested";

    /// <summary>The Hangfire job id, or null when the viewer is not an admin (nothing queued, nothing audited).</summary>
    public Task<string?> HandleAsync(Viewer viewer, string correlationId, CancellationToken cancellationToken = default) =>
        queue.QueueAsync<ExecuteRemediationJob>(viewer, j => j.RunAsync(CancellationToken.None), AuditAction, new AuditTarget("Job", ExecuteRemediationJob.JobName),
            correlationId, cancellationToken);
}
