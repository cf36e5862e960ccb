using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// Decisions and the close serialise on the campaign's row. Reading the status is not enough: on PostgreSQL and SQL
/// Server a read takes no lock, so a close could commit between a decision's read and its commit (and close moves the
/// version only of the items it defaults, so the item's version check would not notice), and a decision could commit
/// between the close's read of the items and its commit (a revoke without a removal task). So every unit that decides
/// or closes first runs this no-op conditional update of the row (its status set to itself, no migration): it finds the
/// row only while the campaign is active and holds the row's write lock until the unit commits. Whoever comes second
/// waits at that row, then sees the other's outcome. On SQLite the unit holds the database's write lock from its first
/// statement, so the two never interleave at all.
/// </summary>
public static class ActiveCampaign
{
    /// <summary>Takes the campaign row's write lock for the caller's unit of work; false when it is not (or no longer) active.</summary>
    public static async Task<bool> HoldAsync(ReviewPortalDbContext db, int campaignId, CancellationToken cancellationToken) =>
        await db.Campaigns.Where(c => c.Id == campaignId && c.Status == CampaignStatus.Active)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, c => c.Status), cancellationToken) == 1;
}
