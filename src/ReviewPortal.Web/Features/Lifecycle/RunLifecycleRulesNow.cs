using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Lifecycle;

/// <summary>
/// Admin's "Run rules now": queues the same <see cref="ApplyLifecycleRulesJob"/> Hangfire runs hourly, so an admin who
/// has just switched a rule on sees what it opens. Safe to repeat: a grant already under a micro-review is never proposed twice.
/// </summary>
public sealed class RunLifecycleRulesNow(AdminJobQueue queue)
{
    public const string AuditAction = "lifecycle.run-requested";

    /// <summary>The Hangfire job id, or null when the viewer is not an admin (nothing queued, nothing audited).</summary>
    public Task<string?> HandleAsync(Viewer viewer, string correlationId, CancellationToken cancellationToken = default) =>
        queue.QueueAsync<ApplyLifecycleRulesJob>(viewer, j => j.RunAsync(CancellationToken.None), AuditAction,
            new AuditTarget("Job", ApplyLifecycleRulesJob.JobName), correlationId, cancellationToken);
}
