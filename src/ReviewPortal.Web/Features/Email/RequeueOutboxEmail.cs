using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Email;

/// <summary>
/// An admin's decision to try a dead-lettered mail again (after fixing SMTP, or after checking the
/// mail server log for an "in doubt" mail). Audited: it may knowingly cause a second delivery.
/// </summary>
public sealed class RequeueOutboxEmail(IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    public async Task<Result> HandleAsync(Viewer viewer, long id, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "can send a mail again") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var mail = await db.OutboxEmails.FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (mail is null)
        {
            return Refusal.NotFound("No such mail in the outbox.");
        }
        if (mail.Status != OutboxStatus.DeadLetter)
        {
            // Sent, or queued again already (by another admin, from a page opened earlier).
            return Refusal.Conflict($"Only dead-lettered mails can be sent again; this one is {mail.Status.ToString().ToLowerInvariant()}.");
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
        return Result.Done;
    }
}
