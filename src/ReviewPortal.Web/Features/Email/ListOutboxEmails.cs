using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Email;

/// <summary>The outbox, newest first, one page at a time. Admin only: mails name people and their work.</summary>
public sealed class ListOutboxEmails(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public async Task<Result<OutboxPageResult>> HandleAsync(Viewer viewer, OutboxStatus? status, int page, int pageSize,
        CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "can read the outbox") is { } refused)
        {
            return refused;
        }
        pageSize = Math.Clamp(pageSize, 1, 200);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.OutboxEmails.AsNoTracking();
        if (status is { } s)
        {
            query = query.Where(m => m.Status == s);
        }
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(m => m.Id)
            .Skip(Math.Max(0, page) * pageSize).Take(pageSize)
            .Select(m => new OutboxRow(m.Id, m.Status, m.To, m.Subject, m.CreatedAt, m.SentAt, m.Attempts, m.NextAttemptAt, m.LastError))
            .ToListAsync(cancellationToken);
        return new OutboxPageResult(rows, total);
    }
}

public sealed record OutboxRow(long Id, OutboxStatus Status, string To, string Subject, DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt, int Attempts, DateTimeOffset? NextAttemptAt, string? LastError)
{
    /// <summary>Pending with SentAt set: claimed by a run that has not recorded the result yet.</summary>
    public bool InFlight => Status == OutboxStatus.Pending && SentAt is not null;
}

public sealed record OutboxPageResult(IReadOnlyList<OutboxRow> Rows, int Total);
