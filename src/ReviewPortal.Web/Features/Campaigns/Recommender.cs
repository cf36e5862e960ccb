using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// The explained recommendation: the first rule that fires wins, and its reason quotes its inputs
/// ("Revoke: no activity for 41 days", "Look closer: 9× the peer median", "Keep: active 22 of 30 days").
/// </summary>
public static class Recommender
{
    public const int DormantDays = 30;
    public const double UnusualRatio = 5.0;

    public static RecommendationResult For(ActivityEvidence activity, PeerEvidence peers, RoleContext role, bool privileged,
        bool canReduce, DateTimeOffset grantedAt, DateTimeOffset asOf)
    {
        var inputs = new Dictionary<string, string>
        {
            ["activeDays"] = activity.ActiveDays.ToString(),
            ["daysSinceActive"] = activity.DaysSinceActive?.ToString() ?? "never",
            ["events30d"] = activity.TotalEvents.ToString(),
            ["peerMedian"] = peers.PeerMedian.ToString("0.#"),
        };
        if (!role.Employed)
        {
            return new(Recommendation.Revoke, "Revoke: the holder has left the company", "departed-holder", inputs);
        }
        if (role.OwnerEmployed == false)
        {
            return new(Recommendation.LookCloser, $"Look closer: the accountable owner {role.Owner} has left — reassign or revoke",
                "departed-owner", inputs);
        }
        var grantAgeDays = (int)(asOf - grantedAt).TotalDays;
        if (activity.DaysSinceActive is null && grantAgeDays >= DormantDays)
        {
            return new(Recommendation.Revoke, $"Revoke: never active in {grantAgeDays} days of holding it", "dormant", inputs);
        }
        if (activity.DaysSinceActive is { } idle && idle >= DormantDays)
        {
            return new(Recommendation.Revoke, $"Revoke: no activity for {idle} days", "dormant", inputs);
        }
        if (privileged && canReduce && activity.AdminChangeEvents == 0)
        {
            return new(Recommendation.Reduce, $"Reduce: admin rights unused for {DormantDays} days", "unused-privilege", inputs);
        }
        if (peers is { PeerCount: >= 3, PeerMedian: > 0, Ratio: { } ratio } && ratio >= UnusualRatio)
        {
            return new(Recommendation.LookCloser, $"Look closer: {ratio:0.#}× the peer median ({peers.Group})", "unusual-volume", inputs);
        }
        return new(Recommendation.Keep, $"Keep: active {activity.ActiveDays} of 30 days", "in-use", inputs);
    }
}
