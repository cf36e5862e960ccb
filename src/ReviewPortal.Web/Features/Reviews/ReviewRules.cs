using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>The rules every decision path shares (single, bulk, accept recommendations).</summary>
public static class ReviewRules
{
    /// <summary>Only the assigned reviewer decides, only in an open campaign, never about their own access.</summary>
    /// <returns>Why the viewer may not decide the item, or null when they may.</returns>
    public static Refusal? CanDecide(Viewer viewer, ReviewItem? item)
    {
        if (item is null)
        {
            return Refusal.NotFound("No such review item.");
        }
        if (viewer.IdentityId is null || item.ReviewerId != viewer.IdentityId)
        {
            return Refusal.Forbidden("Only the assigned reviewer can decide this item.");
        }
        var ownerAttests = item.Identity.OwnerId == viewer.IdentityId && item.IdentityId != viewer.IdentityId
            && item.Campaign.Definition.Reviewer == ReviewerRule.NhiOwner;
        if (ReviewerResolver.IsSelfReview(viewer.IdentityId.Value, item.IdentityId, item.Identity.OwnerId) && !ownerAttests)
        {
            return Refusal.Forbidden("You cannot review your own access.");
        }
        if (item.Campaign.Status != CampaignStatus.Active)
        {
            return Refusal.Forbidden("This campaign is closed: decisions can no longer change.");
        }
        return null;
    }

    public static bool JustificationRequired(CampaignDefinition definition, Recommendation recommendation, DecisionOutcome outcome) =>
        definition.JustificationRequiredFor.Contains(outcome)
        || (definition.JustifyKeepAgainstRecommendation && outcome == DecisionOutcome.Keep
            && recommendation is Recommendation.Revoke or Recommendation.Reduce);

    public static string Describe(DecisionOutcome outcome, Recommendation recommendation) =>
        outcome == DecisionOutcome.Keep && recommendation is Recommendation.Revoke or Recommendation.Reduce
            ? $"keeping access the recommendation says to {recommendation.ToString().ToLowerInvariant()}"
            : $"a {outcome} decision";

    /// <summary>
    /// Lifecycle ownership decision: keeping a departed person's key, service account or agent makes the reviewer
    /// its accountable owner, audited in the decision's transaction, and kept by later directory syncs. Changing the
    /// decision later leaves the new owner in place (they decided about it as its owner).
    /// </summary>
    public static void TakeOverOwnership(ReviewPortalDbContext db, CampaignDefinition definition, ReviewItem item, AuditActor actor)
    {
        if (definition.LifecycleRule != LifecycleRule.DepartedOwner || item.Outcome != DecisionOutcome.Keep
            || item.DecidedById is not { } reviewer || item.Identity.OwnerId == reviewer)
        {
            return;
        }
        var before = new { ownerId = item.Identity.OwnerId };
        item.Identity.OwnerId = reviewer;
        // A person's choice: the directory sync keeps it (it would otherwise put the departed creator back within the hour).
        item.Identity.OwnerAssignedAt = actor.At;
        item.Identity.OwnerAssignedById = reviewer;
        item.Identity.OwnerVersion++;
        db.Audit(actor, "identity.owner-changed", item.Identity, before,
            new { ownerId = reviewer, reason = "Kept in a lifecycle micro-review: the previous owner has left", reviewItemId = item.Id },
            item.IdentityId, item.CampaignId);
    }

    /// <summary>
    /// Multi-stage: a stage-one outcome the campaign routes onward opens a stage-two item for the resource owner. A changed
    /// stage-one decision that no longer routes onward withdraws a stage-two item nobody has decided yet (audited), so the
    /// owner is not asked to confirm access the reviewer now wants removed. A stage-two decision already made stands.
    /// </summary>
    public static async Task OpenSecondStageAsync(ReviewPortalDbContext db, CampaignDefinition definition, ReviewItem item, AuditActor actor,
        CancellationToken cancellationToken)
    {
        if (!definition.SecondStage || item.Stage != 1)
        {
            return;
        }
        var stageTwo = await db.ReviewItems.FirstOrDefaultAsync(i => i.CampaignId == item.CampaignId && i.GrantId == item.GrantId && i.Stage == 2,
            cancellationToken);
        if (item.Outcome is not { } outcome || !definition.SecondStageOutcomes.Contains(outcome))
        {
            if (stageTwo is { Outcome: null })
            {
                db.ReviewItems.Remove(stageTwo);
                db.Audit(actor, "review.stage-two-withdrawn", stageTwo, before: new { stageTwo.ReviewerId, stage = 2 },
                    after: new { reason = $"Stage one changed to {(item.Outcome is { } o ? Humanize.Outcome(o) : "undecided")}", stageOneItemId = item.Id }, identityId: item.IdentityId,
                    campaignId: item.CampaignId);
            }
            return;
        }
        if (stageTwo is not null)
        {
            return;
        }
        var owner = await db.Grants.Where(g => g.Id == item.GrantId)
            .Select(g => g.Entitlement.Resource.OwnerId ?? (g.Entitlement.Resource.Parent != null ? g.Entitlement.Resource.Parent.OwnerId : null))
            .FirstOrDefaultAsync(cancellationToken);
        var reviewer = new[] { owner, definition.FallbackReviewerId }
            .FirstOrDefault(r => r is { } id && !ReviewerResolver.IsSelfReview(id, item.IdentityId, item.Identity.OwnerId));
        if (reviewer is null || reviewer == item.ReviewerId)
        {
            return;
        }
        db.ReviewItems.Add(new ReviewItem
        {
            CampaignId = item.CampaignId, GrantId = item.GrantId, IdentityId = item.IdentityId, EntitlementId = item.EntitlementId,
            ReviewerId = reviewer.Value, Stage = 2, Recommendation = item.Recommendation, RecommendationReason = item.RecommendationReason,
            EvidenceJson = item.EvidenceJson, EvidenceAsOf = item.EvidenceAsOf, EvidenceHash = item.EvidenceHash,
        });
    }
}
