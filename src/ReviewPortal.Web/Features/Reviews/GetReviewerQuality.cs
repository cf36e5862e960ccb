using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>
/// Reviewer quality across campaigns, for Compliance and admins: each reviewer's keep rate, seconds per decision and
/// rubber-stamp flags, each flag with its inputs in words. Counts every decision a person made (one at a time, a bulk
/// selection or "accept recommendations": a bulk decision records its share of the time on screen, so 200 items in 10 s
/// are 0.05 s each); leaves out the system's auto-keeps and the close's defaults, which no reviewer chose.
/// </summary>
public sealed class GetReviewerQuality(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    /// <summary>Below this many decisions a reviewer is listed but never flagged: too few to say anything.</summary>
    public const int MinimumDecisions = 10;
    public const double KeepRateFlag = 0.98;
    public const double MedianSecondsFlag = 5;
    /// <summary>More than this many decisions within any 60 seconds.</summary>
    public const int PerMinuteFlag = 50;

    public async Task<Result<ReviewerQuality>> HandleAsync(Viewer viewer, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsAndCompliance(viewer, "can see reviewer quality") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.ReviewDecisions.AsNoTracking()
            .Where(d => d.DecidedById != null
                && (d.Outcome == DecisionOutcome.Keep || d.Outcome == DecisionOutcome.Revoke || d.Outcome == DecisionOutcome.Reduce)
                && (d.Justification == null || !d.Justification.StartsWith(ReviewItem.DefaultJustification)))
            .Select(d => new Row(d.DecidedById!.Value, d.Outcome, d.DecidedAt, d.SecondsToDecide, d.ReviewItem.Recommendation, d.ReviewItem.CampaignId))
            .ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.ReviewerId).Distinct().ToList();
        var people = await db.Identities.AsNoTracking().Where(i => ids.Contains(i.Id))
            .Select(i => new { i.Id, i.DisplayName, i.Email, i.Department }).ToDictionaryAsync(i => i.Id, cancellationToken);
        var reviewers = rows.GroupBy(r => r.ReviewerId).Select(g =>
        {
            var person = people.GetValueOrDefault(g.Key);
            return Assess(g.Key, person?.DisplayName ?? "?", Humanize.PersonDetail(person?.Email, person?.Department), g.ToList());
        }).OrderByDescending(r => r.Flags.Count).ThenByDescending(r => r.Decisions).ThenBy(r => r.Name).ToList();
        return new ReviewerQuality(reviewers);
    }

    private sealed record Row(int ReviewerId, DecisionOutcome Outcome, DateTimeOffset At, double? Seconds, Recommendation Recommendation, int CampaignId);

    private static ReviewerQualityRow Assess(int id, string name, string? detail, IReadOnlyList<Row> rows)
    {
        var keeps = rows.Count(r => r.Outcome == DecisionOutcome.Keep);
        var keepRate = (double)keeps / rows.Count;
        var timed = rows.Where(r => r.Seconds is not null).Select(r => r.Seconds!.Value).ToList();
        var median = Statistics.Median(timed);
        var followed = rows.Count(r => Follows(r.Recommendation, r.Outcome));
        var (busiest, busiestAt) = BusiestMinute(rows.Select(r => r.At).Order().ToList());
        var flags = new List<string>();
        if (rows.Count >= MinimumDecisions)
        {
            if (keepRate >= KeepRateFlag)
            {
                flags.Add($"Approves {Percent(keepRate)} of items: kept {keeps} of {rows.Count} decisions (flagged at {Percent(KeepRateFlag)} or more).");
            }
            if (median is { } m && m < MedianSecondsFlag)
            {
                flags.Add($"Median {Seconds(m)} per decision over {timed.Count} timed decisions (flagged under {MedianSecondsFlag:0} s).");
            }
            if (followed == rows.Count)
            {
                flags.Add($"Accepted every recommendation: followed it on all {rows.Count} decisions.");
            }
        }
        if (busiest > PerMinuteFlag)
        {
            flags.Add($"Decided {busiest} items within one minute (from {busiestAt!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC; flagged above {PerMinuteFlag}).");
        }
        return new ReviewerQualityRow(id, name, detail, rows.Count, rows.Select(r => r.CampaignId).Distinct().Count(), keepRate, median,
            rows.Count == 0 ? 0 : (double)followed / rows.Count, busiest, flags);
    }

    /// <summary>A "look closer" item has no recommendation to follow, so deciding it never counts as following one.</summary>
    private static bool Follows(Recommendation recommendation, DecisionOutcome outcome) => (recommendation, outcome) switch
    {
        (Recommendation.Keep, DecisionOutcome.Keep) or (Recommendation.Revoke, DecisionOutcome.Revoke) or (Recommendation.Reduce, DecisionOutcome.Reduce) => true,
        _ => false,
    };

    /// <summary>The most decisions in any 60-second window (a sliding window over the sorted times), and when it began.</summary>
    private static (int Count, DateTimeOffset? Start) BusiestMinute(IReadOnlyList<DateTimeOffset> sorted)
    {
        var best = (Count: 0, Start: (DateTimeOffset?)null);
        var start = 0;
        for (var end = 0; end < sorted.Count; end++)
        {
            while (sorted[end] - sorted[start] >= TimeSpan.FromMinutes(1))
            {
                start++;
            }
            if (end - start + 1 > best.Count)
            {
                best = (end - start + 1, sorted[start]);
            }
        }
        return best;
    }

    private static string Seconds(double seconds) =>
        seconds.ToString(seconds < 1 ? "0.##" : "0.#", CultureInfo.InvariantCulture) + " s";

    private static string Percent(double rate) => (rate * 100).ToString("0", CultureInfo.InvariantCulture) + " %";
}

public sealed record ReviewerQuality(IReadOnlyList<ReviewerQualityRow> Reviewers);

/// <param name="Flags">Each rubber-stamp flag that fired, with its inputs in words; empty when none did.</param>
public sealed record ReviewerQualityRow(int ReviewerId, string Name, string? Detail, int Decisions, int Campaigns, double KeepRate,
    double? MedianSeconds, double FollowedRate, int BusiestMinute, IReadOnlyList<string> Flags)
{
    public string Label => Detail is null ? Name : $"{Name} · {Detail}";
}
