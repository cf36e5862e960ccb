using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// Who reviews a grant. Never the holder, and never the accountable owner of the NHI under review
/// (unless the campaign asked owners to attest their own NHIs): such items, and those with no
/// resolvable reviewer, go to the fallback reviewer.
/// </summary>
public static class ReviewerResolver
{
    /// <returns>The reviewer, or null when nobody eligible is left (the fallback itself holds or owns the access).</returns>
    public static int? Resolve(CampaignDefinition definition, ScopedGrant grant, int stage = 1)
    {
        var rule = stage == 2 ? ReviewerRule.ResourceOwner : definition.Reviewer;
        int? candidate = rule switch
        {
            ReviewerRule.Manager => grant.IsHuman ? grant.ManagerId : grant.OwnerManagerId,
            ReviewerRule.ResourceOwner => grant.ResourceOwnerId,
            ReviewerRule.NhiOwner => grant.IsHuman ? grant.ManagerId : grant.OwnerId,
            ReviewerRule.Named when definition.NamedReviewerIds.Count > 0 =>
                definition.NamedReviewerIds[grant.IdentityId % definition.NamedReviewerIds.Count],
            _ => null,
        };
        if (IsAllowed(candidate, grant, rule))
        {
            return candidate!.Value;
        }
        // The fallback may itself be the holder (an admin reviewing admins): then the holder's own
        // manager, or the resource owner, before giving up.
        int?[] alternatives = [definition.FallbackReviewerId, grant.IsHuman ? grant.ManagerId : grant.OwnerManagerId, grant.ResourceOwnerId];
        return alternatives.FirstOrDefault(a => IsAllowed(a, grant, ReviewerRule.Manager));
    }

    public static bool IsAllowed(int? reviewer, ScopedGrant grant, ReviewerRule rule) =>
        reviewer is { } r && r != grant.IdentityId && (r != grant.OwnerId || rule == ReviewerRule.NhiOwner);

    /// <summary>Self-review guard for reassignment and stage two: the holder, or the owner of the NHI, may not decide.</summary>
    public static bool IsSelfReview(int reviewerId, int identityId, int? ownerId) => reviewerId == identityId || reviewerId == ownerId;
}
