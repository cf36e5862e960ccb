using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Email;

/// <summary>
/// Admin's "Send reminders now": queues the same <see cref="SendRemindersJob"/> Hangfire runs hourly, e.g. right after a
/// launch. Safe to repeat: each mail's deduplication key names its day, so a second run the same day queues nothing new.
/// </summary>
public sealed class SendRemindersNow(AdminJobQueue queue)
{
    public const string AuditAction = "email.reminders-requested";

    /// <summary>The Hangfire job id, or null when the viewer is not an admin (nothing queued, nothing audited).</summary>
    public Task<string?> HandleAsync(Viewer viewer, string correlationId, CancellationToken cancellationToken = default) =>
        queue.QueueAsync<SendRemindersJob>(viewer, j => j.RunAsync(CancellationToken.None), AuditAction, new AuditTarget("Job", SendRemindersJob.JobName),
            correlationId, cancellationToken);
}
