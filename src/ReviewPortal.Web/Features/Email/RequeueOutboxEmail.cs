using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Web.Features.Email;

/// <summary>
/// An admin's decision to try a dead-lettered mail again (after fixing SMTP, or after checking the
/// mail server log for an "in doubt" mail). Audited: it may knowingly cause a second delivery.
/// </summary>
public sealed class RequeueOutboxEmail(IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    public async Task<bool> HandleAsync(Viewer viewer, long id, CancellationToken cancellationToken = default)
    {
        if (!viewer.IsAdmin)
        {
            return false;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var mail = await db.OutboxEmails.FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (mail is not { Status: OutboxStatus.DeadLetter })
        {
            return false;
        }
        var now = time.GetUtcNow();
        var before = new { mail.Status, mail.Attempts, mail.LastError };
        mail.Status = OutboxStatus.Pending;
        mail.Attempts = 0;
        mail.SentAt = null;
        mail.NextAttemptAt = now;
        db.Audit(new AuditActor(viewer.IdentityId, viewer.Name, now, $"requeue:{Guid.NewGuid():N}"), "email.requeued", mail,
            before: before, after: new { mail.Status, mail.To, mail.Subject });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
