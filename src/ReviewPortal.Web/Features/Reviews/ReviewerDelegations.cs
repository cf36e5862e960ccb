using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>
/// Out-of-office delegations in force, and the hand-over of an away reviewer's undecided items to their delegate.
/// <para>
/// Why move the items rather than only mail the delegate: only the assigned reviewer may decide an item
/// (<see cref="ReviewRules.CanDecide"/>), so a delegate who is merely reminded could not act, and a second "acts for"
/// rule would have to be taught to every decision path, list and page. Moved items are the delegate's in every respect:
/// they see them in My reviews, decide them, and the reminders (which follow the assigned reviewer) go to them. Items
/// stay with the delegate when the delegation ends; the delegate can reassign any of them back.
/// </para>
/// </summary>
public static class ReviewerDelegations
{
    public const string HandOverAction = "review.reassigned-delegate";

    /// <summary>
    /// Who stands in for whom on <paramref name="day"/>: reviewer → delegate. A delegate who is away themselves stands in
    /// for nobody (the items would otherwise bounce between two people who are both away), nor does one who has left.
    /// </summary>
    public static async Task<IReadOnlyDictionary<int, int>> InForceAsync(ReviewPortalDbContext db, DateOnly day, CancellationToken cancellationToken)
    {
        var inForce = await db.ReviewerDelegations.AsNoTracking()
            .Where(d => d.From <= day && d.Until >= day && d.Delegate.EmploymentStatus == EmploymentStatus.Active)
            .Select(d => new { d.ReviewerId, d.DelegateId })
            .ToListAsync(cancellationToken);
        var away = inForce.Select(d => d.ReviewerId).ToHashSet();
        return inForce.Where(d => !away.Contains(d.DelegateId)).ToDictionary(d => d.ReviewerId, d => d.DelegateId);
    }

    /// <summary>
    /// Hands the undecided items (open campaigns) of every reviewer away on <paramref name="day"/> — or of
    /// <paramref name="onlyReviewerId"/> — to their delegate, inside the caller's unit. Items about the delegate or a key
    /// they own stay with the reviewer. Idempotent: a second run finds nothing left to move.
    /// </summary>
    public static async Task<int> HandOverAsync(ReviewPortalDbContext db, DateOnly day, AuditActor actor, CancellationToken cancellationToken,
        int? onlyReviewerId = null)
    {
        var delegates = await InForceAsync(db, day, cancellationToken);
        var away = delegates.Keys.Where(r => onlyReviewerId is null || r == onlyReviewerId).ToList();
        if (away.Count == 0)
        {
            return 0;
        }
        var items = await db.ReviewItems.Include(i => i.Identity).Include(i => i.Entitlement)
            .Where(i => away.Contains(i.ReviewerId) && i.Outcome == null && i.Campaign.Status == CampaignStatus.Active)
            .ToListAsync(cancellationToken);
        // Only the items the delegate may review: the rest are not moves refused, they simply wait for the reviewer.
        var movable = items.Where(i => !Campaigns.ReviewerResolver.IsSelfReview(delegates[i.ReviewerId], i.IdentityId, i.Identity.OwnerId)).ToList();
        var report = await ReviewItemHandOver.MoveAsync(db, movable, i => delegates[i.ReviewerId], actor, HandOverAction,
            "The reviewer is away: their delegate reviews it", cancellationToken);
        return report.Moved;
    }

    /// <summary>
    /// The hourly hand-over, in a unit of its own (called by the reminder run before it counts who has what pending): a
    /// delegation that starts on a later day takes effect on that day, and items reaching an away reviewer by another path
    /// (a second stage, a reassignment, a lifecycle micro-review) reach their delegate.
    /// </summary>
    public static Task<int> HandOverDueAsync(IDbContextFactory<ReviewPortalDbContext> contexts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var actor = AuditActor.System("delegation-hand-over", now, $"delegation-{Guid.NewGuid():N}");
        return contexts.WriteAsync((db, ct) => HandOverAsync(db, DateOnly.FromDateTime(now.UtcDateTime), actor, ct), cancellationToken);
    }
}
