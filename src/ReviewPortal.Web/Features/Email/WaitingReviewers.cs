using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;

namespace ReviewPortal.Web.Features.Email;

/// <summary>
/// The reviewers a campaign is still waiting for, with their undecided count and where to mail them (and their manager,
/// for escalations): read when a mail is due, never at launch, so nobody with nothing left hears from the portal.
/// </summary>
public static class WaitingReviewers
{
    public sealed record Reviewer(int ReviewerId, int Pending, string DisplayName, string? Email, string? ManagerName, string? ManagerEmail);

    public static Task<List<Reviewer>> InCampaignAsync(ReviewPortalDbContext db, int campaignId, CancellationToken cancellationToken) =>
        db.ReviewItems.AsNoTracking()
            .Where(i => i.CampaignId == campaignId && i.Outcome == null)
            .GroupBy(i => i.ReviewerId)
            .Select(g => new { ReviewerId = g.Key, Pending = g.Count() })
            .Join(db.Identities, p => p.ReviewerId, i => i.Id, (p, i) => new Reviewer(p.ReviewerId, p.Pending, i.DisplayName, i.Email,
                i.Manager == null ? null : i.Manager.DisplayName, i.Manager == null ? null : i.Manager.Email))
            .ToListAsync(cancellationToken);
}
