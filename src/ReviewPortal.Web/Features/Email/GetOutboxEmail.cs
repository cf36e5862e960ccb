using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Email;

/// <summary>One mail with its bodies, for reading what was (or will be) sent.</summary>
public sealed class GetOutboxEmail(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public async Task<Result<OutboxEmailDetail>> HandleAsync(Viewer viewer, long id, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "can read the outbox") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var mail = await db.OutboxEmails.AsNoTracking().Where(m => m.Id == id)
            .Select(m => new OutboxEmailDetail(m.Id, m.DeduplicationKey, m.Status, m.To, m.Subject, m.HtmlBody, m.TextBody,
                m.CreatedAt, m.SentAt, m.Attempts, m.NextAttemptAt, m.LastError))
            .FirstOrDefaultAsync(cancellationToken);
        return mail is null ? Refusal.NotFound("No such mail in the outbox.") : mail;
    }
}

public sealed record OutboxEmailDetail(long Id, string DeduplicationKey, OutboxStatus Status, string To, string Subject,
    string HtmlBody, string TextBody, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, int Attempts, DateTimeOffset? NextAttemptAt,
    string? LastError);
