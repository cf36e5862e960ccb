using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Setup;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>A campaign planned without a fallback reviewer gets Setup's default one (while that person is employed).</summary>
public static class CampaignFallback
{
    public static async Task<CampaignDefinition> WithDefaultAsync(IDbContextFactory<ReviewPortalDbContext> contexts, CampaignDefinition definition,
        CancellationToken cancellationToken)
    {
        if (definition.FallbackReviewerId is not null)
        {
            return definition;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var defaults = await GetDefaults.ReadAsync(db, cancellationToken);
        var employed = defaults.FallbackReviewerId is { } id
            && await db.Identities.AnyAsync(i => i.Id == id && i.EmploymentStatus == EmploymentStatus.Active, cancellationToken);
        return employed ? definition with { FallbackReviewerId = defaults.FallbackReviewerId } : definition;
    }
}
