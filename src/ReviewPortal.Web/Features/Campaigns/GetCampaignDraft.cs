using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>A draft's definition, to open it in the wizard again.</summary>
public sealed class GetCampaignDraft(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public async Task<Result<CampaignDefinition>> HandleAsync(Viewer viewer, int draftId, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "can edit campaign drafts") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var draft = await db.Campaigns.AsNoTracking().Where(c => c.Id == draftId)
            .Select(c => new { c.Status, c.Definition }).FirstOrDefaultAsync(cancellationToken);
        if (draft is null)
        {
            return Refusal.NotFound("No such draft.");
        }
        return draft.Status == CampaignStatus.Draft ? draft.Definition : Refusal.Conflict("This campaign was launched: it is no longer a draft.");
    }
}
