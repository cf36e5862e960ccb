using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Campaigns;

public sealed class ListCampaigns(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public async Task<Result<IReadOnlyList<CampaignRow>>> HandleAsync(Viewer viewer, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsAndCompliance(viewer, "can see the campaigns") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Campaigns.AsNoTracking().OrderByDescending(c => c.Id)
            .Select(c => new CampaignRow(c.Id, c.Name, c.Status, c.LaunchedAt, c.DueAt, c.ClosedAt,
                c.Items.Count(), c.Items.Count(i => i.Outcome != null), c.Items.Select(i => i.ReviewerId).Distinct().Count()))
            .ToListAsync(cancellationToken);
    }
}

public sealed record CampaignRow(int Id, string Name, CampaignStatus Status, DateTimeOffset? LaunchedAt, DateTimeOffset DueAt,
    DateTimeOffset? ClosedAt, int Items, int Decided, int Reviewers)
{
    public double Progress => Items == 0 ? 0 : 100.0 * Decided / Items;
}
