using ReviewPortal.Web.Components.Shared;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>
/// The reviewer's queue: only items assigned to the viewer, in active campaigns, filtered, sorted
/// and paged in SQL; each row carries its sparkline and explained recommendation.
/// </summary>
public sealed class ListMyReviewItems(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public sealed record Query
    {
        public int? CampaignId { get; init; }
        public Recommendation? Recommendation { get; init; }
        public EntitlementKind? EntitlementKind { get; init; }
        public IdentityKind? IdentityKind { get; init; }
        public bool PrivilegedOnly { get; init; }
        public bool? Decided { get; init; }
        /// <summary>
        /// Exception review: leave out the items the campaign's exception policy kept (and nobody has decided since). On by
        /// default; off lists them too, marked auto-kept, for a reviewer to open and override.
        /// </summary>
        public bool ExceptionsOnly { get; init; } = true;
        public string? Search { get; init; }
        public string SortBy { get; init; } = "identity";
        public bool Descending { get; init; }
        public int Page { get; init; }
        public int PageSize { get; init; } = 50;
    }

    public async Task<Result<ReviewQueue>> HandleAsync(Viewer viewer, Query query, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var me = viewer.IdentityId ?? -1;
        var mine = db.ReviewItems.AsNoTracking().Where(i => i.ReviewerId == me && i.Campaign.Status == CampaignStatus.Active);
        string? campaignName = null;
        if (query.CampaignId is { } campaign)
        {
            mine = mine.Where(i => i.CampaignId == campaign);
            campaignName = await db.Campaigns.Where(c => c.Id == campaign).Select(c => c.Name).FirstOrDefaultAsync(cancellationToken);
        }
        var total = await mine.CountAsync(cancellationToken);
        var decided = await mine.CountAsync(i => i.Outcome != null, cancellationToken);

        var items = Filter(mine, query);
        var filtered = await items.CountAsync(cancellationToken);
        items = (query.SortBy, query.Descending) switch
        {
            ("recommendation", false) => items.OrderBy(i => i.Recommendation).ThenBy(i => i.Id),
            ("recommendation", true) => items.OrderByDescending(i => i.Recommendation).ThenBy(i => i.Id),
            ("entitlement", false) => items.OrderBy(i => i.Entitlement.DisplayName).ThenBy(i => i.Id),
            ("entitlement", true) => items.OrderByDescending(i => i.Entitlement.DisplayName).ThenBy(i => i.Id),
            ("lastActive", false) => items.OrderBy(i => i.Identity.LastActiveAt).ThenBy(i => i.Id),
            ("lastActive", true) => items.OrderByDescending(i => i.Identity.LastActiveAt).ThenBy(i => i.Id),
            ("identity", true) => items.OrderByDescending(i => i.Identity.DisplayName).ThenBy(i => i.Id),
            _ => items.OrderBy(i => i.Identity.DisplayName).ThenBy(i => i.Id),
        };
        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        var rows = await items.Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize)
            .Select(i => new
            {
                i.Id, i.CampaignId, i.IdentityId, Identity = i.Identity.DisplayName, i.Identity.Email, i.Identity.Department, i.Identity.Kind, i.Identity.LastActiveAt,
                Entitlement = i.Entitlement.DisplayName, EntitlementKind = i.Entitlement.Kind, i.Entitlement.IsPrivileged,
                Resource = i.Entitlement.Resource.Name, i.Recommendation, i.RecommendationReason, i.Outcome, i.DecidedAt, i.Version,
                i.EvidenceJson, i.Stage, i.AutoKept,
            })
            .ToListAsync(cancellationToken);
        return new ReviewQueue(total, decided, filtered, campaignName, rows.Select(r =>
        {
            var (daily, tokens) = Sparkline(r.EvidenceJson);
            return new ReviewRow(r.Id, r.CampaignId, r.IdentityId, r.Identity, r.Kind, r.Entitlement, r.EntitlementKind, r.Resource, r.IsPrivileged,
                r.Recommendation, r.RecommendationReason, r.Outcome, r.DecidedAt, r.LastActiveAt, r.Version, r.Stage, daily,
                Humanize.PersonDetail(r.Email, r.Department)) { AutoKept = r.AutoKept, DailyTokens = tokens };
        }).ToList());
    }

    /// <summary>
    /// Every undecided item of the viewer's that the query's filter matches, on every page, at its current version: what
    /// "accept recommendations" without a selection is previewed and applied on. The same scope and filter as the list.
    /// </summary>
    public async Task<IReadOnlyList<SeenItem>> UndecidedMatchingAsync(Viewer viewer, Query query, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var me = viewer.IdentityId ?? -1;
        var mine = db.ReviewItems.AsNoTracking().Where(i => i.ReviewerId == me && i.Campaign.Status == CampaignStatus.Active);
        if (query.CampaignId is { } campaign)
        {
            mine = mine.Where(i => i.CampaignId == campaign);
        }
        return await Filter(mine, query with { Decided = false }).OrderBy(i => i.Id)
            .Select(i => new SeenItem(i.Id, i.Version)).ToListAsync(cancellationToken);
    }

    private static IQueryable<ReviewItem> Filter(IQueryable<ReviewItem> items, Query query)
    {
        if (query.Recommendation is { } rec) items = items.Where(i => i.Recommendation == rec);
        if (query.EntitlementKind is { } ek) items = items.Where(i => i.Entitlement.Kind == ek);
        if (query.IdentityKind is { } ik) items = items.Where(i => i.Identity.Kind == ik);
        if (query.PrivilegedOnly) items = items.Where(i => i.Entitlement.IsPrivileged);
        if (query.ExceptionsOnly) items = items.Where(i => !i.AutoKept);
        if (query.Decided is { } d) items = d ? items.Where(i => i.Outcome != null) : items.Where(i => i.Outcome == null);
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = query.Search.Trim().ToLower();
            items = items.Where(i => i.Identity.DisplayName.ToLower().Contains(term) || i.Entitlement.DisplayName.ToLower().Contains(term));
        }
        return items;
    }

    /// <summary>
    /// Only the entitlement's daily events and tokens are read from the snapshot, without materialising the rest; evidence
    /// from before usage was counted has no tokens.
    /// </summary>
    private static (int[] Daily, long[]? Tokens) Sparkline(string evidenceJson)
    {
        using var doc = JsonDocument.Parse(evidenceJson);
        if (!doc.RootElement.TryGetProperty("activity", out var a))
        {
            return ([], null);
        }
        int[] daily = a.TryGetProperty("daily", out var d) ? [.. d.EnumerateArray().Select(e => e.GetInt32())] : [];
        long[]? tokens = a.TryGetProperty("dailyTokens", out var t) && t.ValueKind == JsonValueKind.Array ? [.. t.EnumerateArray().Select(e => e.GetInt64())] : null;
        return (daily, tokens);
    }
}

/// <param name="CampaignName">The campaign the queue is narrowed to (a mail's link), null for every campaign.</param>
public sealed record ReviewQueue(int Total, int Decided, int Filtered, string? CampaignName, IReadOnlyList<ReviewRow> Rows)
{
    public double Progress => Total == 0 ? 0 : 100.0 * Decided / Total;

    /// <summary>What "accept recommendations" decides: the rows on screen still undecided whose recommendation is not "look closer".</summary>
    public IReadOnlyList<SeenItem> AcceptableRecommendations() =>
        Rows.Where(r => r.Outcome is null && r.Recommendation != Recommendation.LookCloser).Select(r => r.Seen).ToList();
}

public sealed record ReviewRow(long Id, int CampaignId, int IdentityId, string Identity, IdentityKind IdentityKind, string Entitlement,
    EntitlementKind EntitlementKind, string Resource, bool IsPrivileged, Recommendation Recommendation, string RecommendationReason,
    DecisionOutcome? Outcome, DateTimeOffset? DecidedAt, DateTimeOffset? LastActiveAt, int Version, int Stage, int[] Daily,
    string? IdentityDetail = null)
{
    /// <summary>The exception policy kept it at launch and no reviewer has decided it since.</summary>
    public bool AutoKept { get; init; }

    /// <summary>The entitlement's tokens per day beside <see cref="Daily"/>'s events; null on evidence from before usage was counted.</summary>
    public long[]? DailyTokens { get; init; }

    /// <summary>
    /// This row as a bulk decision takes it: a change since the list was read is reported, not overwritten, and the
    /// decision records the digest of what the row showed.
    /// </summary>
    public SeenItem Seen => new(Id, Version, ShownDigest.Of(this));
}
