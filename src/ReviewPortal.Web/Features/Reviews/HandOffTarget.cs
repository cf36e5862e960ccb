using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Setup;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>
/// Who takes an item its reviewer does not know about: the owner of the resource (set on the Owners page; a workspace
/// without one, its organization's), else the campaign's fallback reviewer, else Setup's default fallback. Never the
/// holder or the owner of the key under review (<see cref="ReviewerResolver.IsSelfReview"/>), never the reviewer who
/// hands it off, and only a person still employed.
/// </summary>
public static class HandOffTarget
{
    public static async Task<HandOff?> FindAsync(ReviewPortalDbContext db, ReviewItem item, CampaignDefinition definition,
        CancellationToken cancellationToken)
    {
        var owner = await db.Grants.Where(g => g.Id == item.GrantId)
            .Select(g => g.Entitlement.Resource.OwnerId ?? (g.Entitlement.Resource.Parent != null ? g.Entitlement.Resource.Parent.OwnerId : null))
            .FirstOrDefaultAsync(cancellationToken);
        var defaults = await GetDefaults.ReadAsync(db, cancellationToken);
        (int? Id, string Role)[] candidates =
        [
            (owner, "resource owner"), (definition.FallbackReviewerId, "fallback reviewer"), (defaults.FallbackReviewerId, "fallback reviewer"),
        ];
        foreach (var (id, role) in candidates)
        {
            if (id is not { } reviewer || reviewer == item.ReviewerId || ReviewerResolver.IsSelfReview(reviewer, item.IdentityId, item.Identity.OwnerId))
            {
                continue;
            }
            if (await db.Identities.AnyAsync(i => i.Id == reviewer && i.Kind == IdentityKind.Person && i.EmploymentStatus == EmploymentStatus.Active,
                    cancellationToken))
            {
                return new HandOff(reviewer, role);
            }
        }
        return null;
    }
}

/// <summary>The person an item is handed to, and in what capacity (said in the audit entry).</summary>
public sealed record HandOff(int ReviewerId, string Role);
