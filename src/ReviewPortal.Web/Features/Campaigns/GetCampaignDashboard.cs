using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// The campaign as admins and auditors see it: progress, burndown, per-reviewer completion,
/// approve rate and seconds per decision (with rubber-stamp flags), outcomes and remediation.
/// </summary>
public sealed class GetCampaignDashboard(IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    /// <summary>Flag reviewers who keep almost everything, almost instantly.</summary>
    public const double RubberStampKeepRate = 0.98;
    public const double RubberStampSeconds = 3;
    public const int RubberStampMinimumDecisions = 10;

    public async Task<Result<CampaignDashboard>> HandleAsync(Viewer viewer, int campaignId, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsAndCompliance(viewer, "can see a campaign's progress") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        if (campaign is null)
        {
            return Refusal.NotFound("No such campaign.");
        }
        var items = await db.ReviewItems.AsNoTracking().Where(i => i.CampaignId == campaignId)
            .Select(i => new { i.Id, i.ReviewerId, i.Outcome, i.DecidedAt, i.Recommendation, i.Stage, i.AutoKept })
            .ToListAsync(cancellationToken);
        var seconds = await db.ReviewDecisions.AsNoTracking().Where(d => d.ReviewItem.CampaignId == campaignId && d.SecondsToDecide != null)
            .Select(d => new { d.DecidedById, Seconds = d.SecondsToDecide!.Value })
            .ToListAsync(cancellationToken);
        var reviewerIds = items.Select(i => i.ReviewerId).Distinct().ToList();
        // Name and email: two reviewers may share a name (issue #15, 8), and each row stays one reviewer (grouped by id).
        var people = await db.Identities.Where(i => reviewerIds.Contains(i.Id))
            .Select(i => new { i.Id, i.DisplayName, i.Email, i.Department }).ToDictionaryAsync(i => i.Id, cancellationToken);

        // A reviewer's own work: what the exception policy kept (and nobody overrode) is counted apart, not as their items.
        var reviewers = items.Where(i => !i.AutoKept).GroupBy(i => i.ReviewerId).Select(g =>
        {
            var decided = g.Where(i => i.Outcome != null).ToList();
            var keeps = decided.Count(i => i.Outcome == DecisionOutcome.Keep);
            var median = Statistics.Median(seconds.Where(s => s.DecidedById == g.Key).Select(s => s.Seconds));
            var keepRate = decided.Count == 0 ? 0 : (double)keeps / decided.Count;
            var person = people.GetValueOrDefault(g.Key);
            return new ReviewerProgress(g.Key, person?.DisplayName ?? "?", g.Count(), decided.Count, keepRate, median,
                decided.Count >= RubberStampMinimumDecisions && keepRate > RubberStampKeepRate && median is < RubberStampSeconds)
            {
                Detail = Humanize.PersonDetail(person?.Email, person?.Department),
            };
        }).OrderBy(r => r.Decided == r.Items).ThenByDescending(r => r.Items - r.Decided).ToList();

        var launched = campaign.LaunchedAt ?? campaign.CreatedAt;
        var burndown = Burndown.For(items.Where(i => i.DecidedAt != null).Select(i => i.DecidedAt!.Value), items.Count, launched,
            campaign.DueAt, campaign.ClosedAt, time.GetUtcNow());

        var remediation = await db.RemediationTasks.AsNoTracking()
            .Where(t => t.ReviewItemId != null && db.ReviewItems.Any(i => i.Id == t.ReviewItemId && i.CampaignId == campaignId))
            .GroupBy(t => t.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);

        return new CampaignDashboard(campaign.Id, campaign.Name, campaign.Status, launched, campaign.DueAt, campaign.ClosedAt,
            campaign.UnreviewedOutcome, items.Count, items.Count(i => i.Outcome != null),
            items.Where(i => i.Outcome != null).GroupBy(i => i.Outcome!.Value).ToDictionary(g => g.Key, g => g.Count()),
            items.GroupBy(i => i.Recommendation).ToDictionary(g => g.Key, g => g.Count()),
            items.Count(i => i.Outcome != null && !i.AutoKept && Agrees(i.Recommendation, i.Outcome.Value)),
            reviewers, burndown, remediation)
        {
            AutoKept = items.Count(i => i.AutoKept),
        };
    }

    private static bool Agrees(Recommendation recommendation, DecisionOutcome outcome) => (recommendation, outcome) switch
    {
        (Recommendation.Keep, DecisionOutcome.Keep) or (Recommendation.Revoke, DecisionOutcome.Revoke) or (Recommendation.Reduce, DecisionOutcome.Reduce) => true,
        _ => false,
    };

}

public sealed record CampaignDashboard(
    int Id, string Name, CampaignStatus Status, DateTimeOffset LaunchedAt, DateTimeOffset DueAt, DateTimeOffset? ClosedAt,
    UnreviewedOutcome UnreviewedOutcome, int Items, int Decided, IReadOnlyDictionary<DecisionOutcome, int> Outcomes,
    IReadOnlyDictionary<Recommendation, int> Recommendations, int AgreedWithRecommendation, IReadOnlyList<ReviewerProgress> Reviewers,
    IReadOnlyList<BurndownPoint> Burndown, IReadOnlyDictionary<RemediationStatus, int> Remediation)
{
    public double Progress => Items == 0 ? 0 : 100.0 * Decided / Items;

    /// <summary>Items the exception policy kept at launch that no reviewer has decided since (part of <see cref="Decided"/>).</summary>
    public int AutoKept { get; init; }

    /// <summary>Decisions reviewers made (overrides of an auto-keep included).</summary>
    public int DecidedByReviewers => Decided - AutoKept;
}

public sealed record ReviewerProgress(int ReviewerId, string Name, int Items, int Decided, double KeepRate, double? MedianSeconds, bool RubberStamp)
{
    /// <summary>The reviewer's email (or department): what tells two reviewers of the same name apart.</summary>
    public string? Detail { get; init; }

    /// <summary>"Vera Fischer · vera@…": the name as lists show it.</summary>
    public string Label => Detail is null ? Name : $"{Name} · {Detail}";

    public double Completion => Items == 0 ? 0 : 100.0 * Decided / Items;
}

