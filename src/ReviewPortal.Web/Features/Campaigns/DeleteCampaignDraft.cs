using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>Deletes a draft (it has no items, so nothing else refers to it); a launched campaign is never deleted.</summary>
public sealed class DeleteCampaignDraft(IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    public async Task<Result> HandleAsync(Viewer viewer, int draftId, string correlationId, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "can delete campaign drafts") is { } refused)
        {
            return refused;
        }
        var actor = new AuditActor(viewer.IdentityId, viewer.Name, time.GetUtcNow(), correlationId);
        return await contexts.WriteAsync<Result>(async (db, ct) =>
        {
            var name = await db.Campaigns.Where(c => c.Id == draftId && c.Status == CampaignStatus.Draft).Select(c => c.Name).FirstOrDefaultAsync(ct);
            // Conditional on still being a draft: a launch that committed meanwhile wins.
            if (name is null || await db.Campaigns.Where(c => c.Id == draftId && c.Status == CampaignStatus.Draft).ExecuteDeleteAsync(ct) != 1)
            {
                return Refusal.Conflict("This draft was launched or deleted meanwhile.");
            }
            // The ledger keeps the id (no campaign link: the row is gone, and the ledger's campaign column refers to campaigns).
            db.Audit(actor, "campaign.draft-deleted", new AuditTarget(nameof(Campaign), draftId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                before: new { name });
            return Result.Done;
        }, cancellationToken);
    }
}
