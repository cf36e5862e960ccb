using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>
/// The close's side of "keep until": a grant whose final decision (the latest stage's) is a keep with an end date gets
/// that date as its expiry, audited ("grant.keep-until"). From there the grant expiry takes over, as for any time-bound
/// grant: the reminder run gives the holder (or the key's owner) notice before, and the expiry job opens the removal task
/// at the end. An earlier expiry the grant already has stands: a review never lengthens time-bound access.
/// </summary>
public static class KeepUntil
{
    public const string AuditAction = "grant.keep-until";

    /// <param name="items">All the campaign's items, as the close read them.</param>
    /// <returns>How many grants got an end date.</returns>
    public static async Task<int> ApplyAsync(ReviewPortalDbContext db, IReadOnlyCollection<ReviewItem> items, AuditActor actor,
        CancellationToken cancellationToken)
    {
        var kept = items.GroupBy(i => i.GrantId).Select(g => g.OrderByDescending(i => i.Stage).First())
            .Where(i => i.Outcome == DecisionOutcome.Keep && i.KeepUntil is not null)
            .ToDictionary(i => i.GrantId);
        if (kept.Count == 0)
        {
            return 0;
        }
        var grantIds = kept.Keys.ToList();
        var grants = await db.Grants.Where(g => grantIds.Contains(g.Id) && g.EndedAt == null).ToListAsync(cancellationToken);
        var applied = 0;
        foreach (var grant in grants)
        {
            var item = kept[grant.Id];
            var until = item.KeepUntil!.Value;
            if (grant.ExpiresAt is { } earlier && earlier <= until)
            {
                continue;
            }
            var before = new { grant.ExpiresAt };
            grant.ExpiresAt = until;
            db.Audit(actor, AuditAction, grant, before, new { expiresAt = until, reviewItemId = item.Id, decidedById = item.DecidedById },
                grant.IdentityId, item.CampaignId);
            applied++;
        }
        return applied;
    }
}
