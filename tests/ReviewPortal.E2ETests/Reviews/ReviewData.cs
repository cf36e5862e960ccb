using Microsoft.EntityFrameworkCore;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.E2ETests.Reviews;

/// <summary>A review item as the tests need it: ids, names the page shows, and the stored evidence hash.</summary>
public sealed record ItemFacts(long Id, int CampaignId, string Identity, string Entitlement, Recommendation Recommendation, string EvidenceHash)
{
    /// <summary>The accessible name of the row's Open button.</summary>
    public string OpenButtonName => $"Open {Identity}: {Entitlement}";
}

/// <summary>Review-specific reads of the app database (expected values computed independently of the page).</summary>
public static class ReviewData
{
    /// <summary>
    /// The reviewer's undecided items with this recommendation in active campaigns, in the queue's default order
    /// (identity name, then id: the same ORDER BY the page's query sends, so SQLite collation agrees).
    /// </summary>
    public static Task<List<ItemFacts>> UndecidedAsync(this DemoData data, int reviewerId, Recommendation recommendation) =>
        data.QueryAsync(db => db.ReviewItems.AsNoTracking()
            .Where(i => i.ReviewerId == reviewerId && i.Outcome == null && i.Campaign.Status == CampaignStatus.Active
                && i.Recommendation == recommendation)
            .OrderBy(i => i.Identity.DisplayName).ThenBy(i => i.Id)
            .Select(i => new ItemFacts(i.Id, i.CampaignId, i.Identity.DisplayName, i.Entitlement.DisplayName, i.Recommendation, i.EvidenceHash))
            .ToListAsync());

    /// <summary>The reviewer's undecided items in active campaigns, in the queue's default order (every recommendation).</summary>
    public static Task<List<ItemFacts>> UndecidedQueueAsync(this DemoData data, int reviewerId) =>
        data.QueryAsync(db => db.ReviewItems.AsNoTracking()
            .Where(i => i.ReviewerId == reviewerId && i.Outcome == null && i.Campaign.Status == CampaignStatus.Active)
            .OrderBy(i => i.Identity.DisplayName).ThenBy(i => i.Id)
            .Select(i => new ItemFacts(i.Id, i.CampaignId, i.Identity.DisplayName, i.Entitlement.DisplayName, i.Recommendation, i.EvidenceHash))
            .ToListAsync());

    /// <summary>(decided, total) for the reviewer's items in active campaigns, as the progress text should show it.</summary>
    public static Task<(int Decided, int Total)> ProgressAsync(this DemoData data, int reviewerId) =>
        data.QueryAsync(async db =>
        {
            var mine = db.ReviewItems.Where(i => i.ReviewerId == reviewerId && i.Campaign.Status == CampaignStatus.Active);
            return (await mine.CountAsync(i => i.Outcome != null), await mine.CountAsync());
        });

    public static Task<ReviewItem> ItemAsync(this DemoData data, long id) =>
        data.QueryAsync(db => db.ReviewItems.AsNoTracking().FirstAsync(i => i.Id == id));

    public static Task<List<ReviewDecision>> DecisionsAsync(this DemoData data, long itemId) =>
        data.QueryAsync(db => db.ReviewDecisions.AsNoTracking().Where(d => d.ReviewItemId == itemId).ToListAsync());

    public static Task<List<AuditEntry>> AuditForItemAsync(this DemoData data, long itemId, string action) =>
        data.QueryAsync(db => db.AuditEntries.AsNoTracking()
            .Where(a => a.Action == action && a.TargetType == nameof(ReviewItem) && a.TargetId == itemId.ToString())
            .ToListAsync());

    /// <summary>The campaign the demo pipeline launched at start-up (the first one).</summary>
    public static Task<Campaign> DemoCampaignAsync(this DemoData data) =>
        data.QueryAsync(db => db.Campaigns.AsNoTracking().OrderBy(c => c.Id).FirstAsync());
}
