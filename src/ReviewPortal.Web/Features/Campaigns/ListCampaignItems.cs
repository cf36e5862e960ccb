using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// The drill-down behind a campaign dashboard's figures: a page of the campaign's items with who reviews them, what was
/// decided, by whom, when and why, filtered by reviewer and by outcome (or undecided), paged in SQL. Admins and
/// compliance only, as the dashboard.
/// </summary>
public sealed class ListCampaignItems(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public sealed record Query
    {
        public int? ReviewerId { get; init; }
        /// <summary>Only items with this outcome; with <see cref="Undecided"/> set, only undecided items.</summary>
        public DecisionOutcome? Outcome { get; init; }
        public bool Undecided { get; init; }
        public string? Search { get; init; }
        public int Page { get; init; }
        public int PageSize { get; init; } = 50;
    }

    public async Task<Result<CampaignItemList>> HandleAsync(Viewer viewer, int campaignId, Query query,
        CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsAndCompliance(viewer, "can see a campaign's items and decisions") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var campaign = await db.Campaigns.AsNoTracking().Where(c => c.Id == campaignId)
            .Select(c => new { c.Name }).FirstOrDefaultAsync(cancellationToken);
        if (campaign is null)
        {
            return Refusal.NotFound("No such campaign.");
        }

        var items = db.ReviewItems.AsNoTracking().Where(i => i.CampaignId == campaignId);
        if (query.ReviewerId is { } reviewer) items = items.Where(i => i.ReviewerId == reviewer);
        if (query.Undecided) items = items.Where(i => i.Outcome == null);
        else if (query.Outcome is { } outcome) items = items.Where(i => i.Outcome == outcome);
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = query.Search.Trim().ToLower();
            items = items.Where(i => i.Identity.DisplayName.ToLower().Contains(term)
                || (i.Identity.Email != null && i.Identity.Email.ToLower().Contains(term))
                || i.Entitlement.DisplayName.ToLower().Contains(term));
        }

        var total = await items.CountAsync(cancellationToken);
        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        var rows = await items.OrderBy(i => i.Identity.DisplayName).ThenBy(i => i.Id)
            .Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize)
            .Select(i => new CampaignItemRow(i.Id, i.IdentityId, i.Identity.DisplayName, i.Identity.Email, i.Identity.Kind,
                i.Entitlement.DisplayName, i.ReviewerId, i.Reviewer.DisplayName, i.Reviewer.Email, i.Stage, i.Recommendation,
                i.Outcome, i.DecidedById,
                // No decider is the system: the exception policy at launch, or else the campaign's default at close.
                db.Identities.Where(p => p.Id == i.DecidedById).Select(p => p.DisplayName).FirstOrDefault() ?? (i.AutoKept ? AutoKeep.Decider : null),
                i.DecidedAt, i.Justification))
            .ToListAsync(cancellationToken);

        string? reviewerName = null;
        if (query.ReviewerId is { } id)
        {
            reviewerName = await db.Identities.Where(p => p.Id == id).Select(p => p.DisplayName).FirstOrDefaultAsync(cancellationToken);
        }
        return new CampaignItemList(campaign.Name, reviewerName, rows, total);
    }
}

public sealed record CampaignItemList(string CampaignName, string? ReviewerName, IReadOnlyList<CampaignItemRow> Rows, int Total);

public sealed record CampaignItemRow(long Id, int IdentityId, string Identity, string? IdentityEmail, IdentityKind IdentityKind,
    string Entitlement, int ReviewerId, string Reviewer, string? ReviewerEmail, int Stage, Recommendation Recommendation,
    DecisionOutcome? Outcome, int? DecidedById, string? DecidedBy, DateTimeOffset? DecidedAt, string? Justification);
