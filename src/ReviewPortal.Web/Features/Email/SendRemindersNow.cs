using Hangfire;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Web.Features.Email;

/// <summary>
/// Admin's "Send reminders now": queues the same <see cref="SendRemindersJob"/> Hangfire runs hourly, e.g. right after a
/// launch. Safe to repeat: each mail's deduplication key names its day, so a second run the same day queues nothing new.
/// </summary>
public sealed class SendRemindersNow(IBackgroundJobClient jobs, IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    public const string AuditAction = "email.reminders-requested";

    /// <summary>The Hangfire job id, or null when the viewer is not an admin (nothing queued, nothing audited).</summary>
    public async Task<string?> HandleAsync(Viewer viewer, string correlationId, CancellationToken cancellationToken = default)
    {
        if (!viewer.IsAdmin)
        {
            return null;
        }
        var id = jobs.Enqueue<SendRemindersJob>(j => j.RunAsync(CancellationToken.None));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Audit(new AuditActor(viewer.IdentityId, viewer.Name, time.GetUtcNow(), correlationId), AuditAction,
            new AuditTarget("Job", SendRemindersJob.JobName), after: new { hangfireJob = id });
        await db.SaveChangesAsync(cancellationToken);
        return id;
    }
}
