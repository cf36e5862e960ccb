using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Remediation;
using ReviewPortal.Web.Features.Reviews;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// Turns a definition into planned items (grant, reviewer, evidence) and works out what the
/// no-response default would remove, so preview and launch see exactly the same thing.
/// </summary>
public static class CampaignPlanner
{
    public static async Task<CampaignPlan> PlanAsync(ReviewPortalDbContext db, CampaignDefinition definition, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var grants = await CampaignScope.Select(db, definition, now).ToListAsync(cancellationToken);
        var evidence = await EvidenceBuilder.LoadAsync(db, grants, now, cancellationToken);
        var delegates = await ReviewerDelegations.InForceAsync(db, DateOnly.FromDateTime(now.UtcDateTime), cancellationToken);
        var resolved = grants.Select(g => (Grant: g, Reviewer: ReviewerResolver.Resolve(definition, g, delegates: delegates))).ToList();
        var unassignable = resolved.Where(r => r.Reviewer is null)
            .Select(r => $"{r.Grant.IdentityName}: {r.Grant.EntitlementName}").Take(5).ToList();
        var items = resolved.Where(r => r.Reviewer is not null)
            .Select(r =>
            {
                var built = evidence.Build(r.Grant);
                return new PlannedItem(r.Grant, r.Reviewer!.Value, built) { AutoKeep = AutoKeep.Justify(definition.AutoKeep, r.Grant, built) };
            }).ToList();
        // An auto-kept item is decided at launch: the rule for silence never reaches it.
        var removed = items.Where(i => i.AutoKeep is null && WouldLose(definition.UnreviewedOutcome, i.Evidence.Recommendation.Recommendation)).ToList();
        var privilegedLost = removed.Where(i => i.Grant.IsPrivileged).ToList();

        // Never leave an organization or workspace without an admin/owner, counting the removals already under way (other
        // campaigns, lifecycle reviews, the grant expiry) as gone, as the close does (AdminsLeft).
        var lostByResource = privilegedLost.GroupBy(i => i.Grant.ResourceId).ToDictionary(g => g.Key, g => g.Select(i => i.Grant.GrantId).ToHashSet());
        var orphaned = new List<string>();
        if (lostByResource.Count > 0)
        {
            var resourceIds = lostByResource.Keys.ToList();
            var staying = await AdminsLeft.Staying(db, resourceIds, AdminsLeft.Removals.Planned).AsNoTracking().ToListAsync(cancellationToken);
            var names = await db.Resources.AsNoTracking().Where(r => resourceIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Name, cancellationToken);
            orphaned = staying.GroupBy(h => h.ResourceId)
                .Where(g => g.All(h => lostByResource[g.Key].Contains(h.GrantId)))
                .Select(g => names[g.Key]).Order().ToList();
        }
        return new CampaignPlan(items, removed.Count, privilegedLost, orphaned, unassignable);
    }

    public static bool WouldLose(UnreviewedOutcome outcome, Recommendation recommendation) => outcome switch
    {
        UnreviewedOutcome.Revoke => true,
        UnreviewedOutcome.TakeRecommendation => recommendation is Recommendation.Revoke or Recommendation.Reduce,
        _ => false,
    };
}

public sealed record PlannedItem(ScopedGrant Grant, int ReviewerId, ItemEvidence Evidence)
{
    /// <summary>The exception policy's justification when it keeps this item at launch (<see cref="Campaigns.AutoKeep"/>), else null.</summary>
    public string? AutoKeep { get; init; }
}

public sealed record CampaignPlan(IReadOnlyList<PlannedItem> Items, int GrantsRemovedByDefault, IReadOnlyList<PlannedItem> PrivilegedLostByDefault,
    IReadOnlyList<string> ResourcesLeftWithoutAdmin, IReadOnlyList<string> WithoutEligibleReviewer)
{
    public bool Blocked => ResourcesLeftWithoutAdmin.Count > 0 || WithoutEligibleReviewer.Count > 0;

    public string? BlockReason => ResourcesLeftWithoutAdmin.Count > 0
        ? $"The no-response default would remove the last admin/owner of {string.Join(", ", ResourcesLeftWithoutAdmin)}. " +
          "Choose another default for unreviewed items or narrow the scope."
        : WithoutEligibleReviewer.Count > 0
            ? $"Nobody eligible can review {string.Join("; ", WithoutEligibleReviewer)} (the fallback reviewer holds or owns it, and there is no manager or owner). Pick another fallback reviewer."
            : null;
}
