using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// Who reviews a grant. Never the holder, and never the accountable owner of the NHI under review
/// (unless the campaign asked owners to attest their own NHIs): such items, and those with no
/// resolvable reviewer, go to the fallback reviewer.
/// </summary>
public static class ReviewerResolver
{
    /// <param name="delegates">Out-of-office delegations in force at launch (reviewer → delegate): an away reviewer's item
    /// goes to their delegate, unless it is about the delegate or a key they own; then it falls on down the line (the fallback
    /// reviewer, …) as if the away reviewer could not take it. Only when nobody else is eligible does it wait for them.</param>
    /// <returns>The reviewer, or null when nobody eligible is left (the fallback itself holds or owns the access).</returns>
    public static int? Resolve(CampaignDefinition definition, ScopedGrant grant, int stage = 1, IReadOnlyDictionary<int, int>? delegates = null)
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
        // The fallback may itself be the holder (an admin reviewing admins): then the holder's own
        // manager, or the resource owner, before giving up.
        int?[] alternatives = [definition.FallbackReviewerId, grant.IsHuman ? grant.ManagerId : grant.OwnerManagerId, grant.ResourceOwnerId];
        var eligible = alternatives.Where(a => IsAllowed(a, grant, ReviewerRule.Manager)).Select(a => a!.Value);
        if (IsAllowed(candidate, grant, rule))
        {
            eligible = eligible.Prepend(candidate!.Value);
        }
        var line = eligible.ToList();
        if (delegates is null || delegates.Count == 0)
        {
            return line.Count > 0 ? line[0] : null;
        }
        foreach (var reviewer in line)
        {
            if (!delegates.TryGetValue(reviewer, out var standIn))
            {
                return reviewer;
            }
            // Delegation never makes anyone review themselves or a key they own, whatever the campaign's rule.
            if (!IsSelfReview(standIn, grant.IdentityId, grant.OwnerId))
            {
                return standIn;
            }
        }
        return line.Count > 0 ? line[0] : null;
    }

    public static bool IsAllowed(int? reviewer, ScopedGrant grant, ReviewerRule rule) =>
        reviewer is { } r && r != grant.IdentityId && (r != grant.OwnerId || rule == ReviewerRule.NhiOwner);

    /// <summary>Self-review guard for reassignment and stage two: the holder, or the owner of the NHI, may not decide.</summary>
    public static bool IsSelfReview(int reviewerId, int identityId, int? ownerId) => reviewerId == identityId || reviewerId == ownerId;
}
