using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.People;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>
/// A reviewer who leaves cannot decide anything: when the people directory (Entra sync or CSV import) marks people
/// departed, their undecided items in open campaigns move to their manager, else to the campaign's fallback reviewer,
/// in the people apply's own unit (so the departure and the moves commit together), audited per item
/// ("review.reassigned-leaver"). Never to the holder of the access or the owner of the key: then the next in line; an item
/// nobody eligible can take stays where it is, for an admin to reassign from the campaign dashboard.
/// </summary>
public static class ReassignLeaverItems
{
    public const string AuditAction = "review.reassigned-leaver";

    public static async Task<ReviewItemHandOver.Report> ApplyAsync(ReviewPortalDbContext db, IReadOnlyList<SourcePerson> departed, AuditActor actor,
        CancellationToken cancellationToken)
    {
        if (departed.Count == 0)
        {
            return new ReviewItemHandOver.Report(0, []);
        }
        // The directory's people are matched to the portal's as the directory sync matches them: by directory id, else by email.
        var sourceIds = departed.Select(p => p.SourceId).ToList();
        var emails = departed.Select(p => p.Email.ToLowerInvariant()).ToList();
        var leavers = await db.Identities.AsNoTracking()
            .Where(i => i.Kind == IdentityKind.Person
                && ((i.DirectoryId != null && sourceIds.Contains(i.DirectoryId)) || (i.Email != null && emails.Contains(i.Email))))
            .Select(i => new { i.Id, i.ManagerId, i.DirectoryId, i.Email })
            .ToListAsync(cancellationToken);
        if (leavers.Count == 0)
        {
            return new ReviewItemHandOver.Report(0, []);
        }
        var leaverIds = leavers.Select(l => l.Id).ToHashSet();
        var items = await db.ReviewItems.Include(i => i.Identity).Include(i => i.Entitlement).Include(i => i.Campaign)
            .Where(i => leaverIds.Contains(i.ReviewerId) && i.Outcome == null && i.Campaign.Status == CampaignStatus.Active)
            .OrderBy(i => i.Id)
            .ToListAsync(cancellationToken);
        if (items.Count == 0)
        {
            return new ReviewItemHandOver.Report(0, []);
        }
        var managerOf = leavers.ToDictionary(l => l.Id, l => l.ManagerId);
        var candidates = managerOf.Values.OfType<int>().Concat(items.Select(i => i.Campaign.Definition.FallbackReviewerId).OfType<int>())
            .Distinct().ToList();
        // Only people still employed after this change (a manager leaving in the same file is no successor).
        var employed = (await db.Identities.AsNoTracking()
                .Where(i => candidates.Contains(i.Id) && i.Kind == IdentityKind.Person && i.EmploymentStatus == EmploymentStatus.Active)
                .Select(i => i.Id).ToListAsync(cancellationToken))
            .Where(id => !leaverIds.Contains(id)).ToHashSet();

        int? Successor(ReviewItem item)
        {
            int?[] line = [managerOf.GetValueOrDefault(item.ReviewerId), item.Campaign.Definition.FallbackReviewerId];
            return line.FirstOrDefault(r => r is { } id && employed.Contains(id)
                && !ReviewerResolver.IsSelfReview(id, item.IdentityId, item.Identity.OwnerId));
        }

        return await ReviewItemHandOver.MoveAsync(db, items, Successor, actor, AuditAction,
            "The reviewer has left (people directory): their manager, else the campaign's fallback reviewer, reviews it", cancellationToken);
    }
}
