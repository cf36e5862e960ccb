using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Remediation;

/// <summary>Remediation tasks with their status, for Admin and Compliance (read-only for Compliance).</summary>
public sealed class ListRemediationTasks(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public async Task<Result<IReadOnlyList<RemediationRow>>> HandleAsync(Viewer viewer, int? campaignId, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsAndCompliance(viewer, "can see remediation tasks") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var tasks = db.RemediationTasks.AsNoTracking();
        if (campaignId is { } id)
        {
            tasks = tasks.Where(t => db.ReviewItems.Any(i => i.Id == t.ReviewItemId && i.CampaignId == id));
        }
        return await tasks.OrderBy(t => t.Status).ThenBy(t => t.Id).Take(500)
            .Select(t => new RemediationRow(t.Id, t.ReviewItemId, t.Grant.IdentityId, t.Grant.Identity.DisplayName, t.Grant.Entitlement.DisplayName,
                t.Action, t.TargetValue, t.Status, t.Attempts, t.LastError, t.Instructions, t.CreatedAt, t.CompletedAt, t.VerifiedAt))
            .ToListAsync(cancellationToken);
    }
}

public sealed record RemediationRow(long Id, long? ReviewItemId, int IdentityId, string Identity, string Entitlement, RemediationAction Action,
    string? Target, RemediationStatus Status, int Attempts, string? LastError, string? Instructions, DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt, DateTimeOffset? VerifiedAt);
