using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>
/// Moves undecided review items to another reviewer: a delegation taking effect, an admin's bulk reassignment, a leaver's
/// open items. One audit entry per item, so each item's trail says who had it, who has it now and why. The self-review
/// rule holds for every move: an item is never given to the holder of the access or the owner of the key under review;
/// such an item stays where it is and is reported with the reason. Runs inside the caller's unit of work.
/// </summary>
public static class ReviewItemHandOver
{
    /// <summary>An item that was not moved, and why (for the admin's report).</summary>
    public sealed record NotMoved(long ItemId, string Holder, string Entitlement, string Reason);

    public sealed record Report(int Moved, IReadOnlyList<NotMoved> NotMoved);

    /// <param name="items">Tracked, undecided items with <see cref="ReviewItem.Identity"/> and <see cref="ReviewItem.Entitlement"/> loaded.</param>
    /// <param name="target">Who each item goes to, or null when nobody eligible is left.</param>
    /// <param name="action">The audit action ("review.reassigned-bulk", "review.reassigned-leaver", "review.reassigned-delegate").</param>
    /// <param name="reason">Said in each item's audit entry.</param>
    public static async Task<Report> MoveAsync(ReviewPortalDbContext db, IReadOnlyList<ReviewItem> items, Func<ReviewItem, int?> target,
        AuditActor actor, string action, string reason, CancellationToken cancellationToken)
    {
        // A move serialises with a decision and with the close on the campaign's row (ActiveCampaign), so no item changes
        // hands in a campaign that closed meanwhile. Rows in id order, so two moves never wait on each other crosswise.
        var open = new HashSet<int>();
        foreach (var campaignId in items.Select(i => i.CampaignId).Distinct().Order())
        {
            if (await ActiveCampaign.HoldAsync(db, campaignId, cancellationToken))
            {
                open.Add(campaignId);
            }
        }
        var moved = 0;
        var notMoved = new List<NotMoved>();
        foreach (var item in items.Where(i => i.Outcome is null && open.Contains(i.CampaignId)))
        {
            var to = target(item);
            if (to is not { } reviewer)
            {
                notMoved.Add(new NotMoved(item.Id, item.Identity.DisplayName, item.Entitlement.DisplayName,
                    "Nobody eligible is left to review it: it stays where it is."));
                continue;
            }
            if (ReviewerResolver.IsSelfReview(reviewer, item.IdentityId, item.Identity.OwnerId))
            {
                notMoved.Add(new NotMoved(item.Id, item.Identity.DisplayName, item.Entitlement.DisplayName, reviewer == item.IdentityId
                    ? "It is about the new reviewer's own access: nobody reviews themselves."
                    : "The new reviewer owns this key: nobody reviews a key they own."));
                continue;
            }
            if (reviewer == item.ReviewerId)
            {
                continue;
            }
            var before = new { item.ReviewerId };
            // The version moves with it: a reviewer with the item open learns it moved (their decision meets a changed
            // version), rather than deciding it anyway.
            item.Reassign(reviewer);
            db.Audit(actor, action, item, before, new { reviewerId = reviewer, reason }, item.IdentityId, item.CampaignId);
            moved++;
        }
        return new Report(moved, notMoved);
    }
}
