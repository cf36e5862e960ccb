using System.Globalization;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// The explained recommendation on the entitlement's own evidence (<see cref="EntitlementEvidencePolicy"/>): the first rule
/// that fires wins, and its reason quotes its inputs ("Revoke: no activity for 41 days", "Look closer: 9× the peer median",
/// "Keep: used 22 of 30 days, 1.2 M tokens"). Every input a rule reads is in <see cref="RecommendationResult.Inputs"/>, in words.
/// </summary>
public static class Recommender
{
    public const int DormantDays = 30;
    public const double UnusualRatio = 5.0;

    /// <summary>Token spike: the last <see cref="SpikeRecentDays"/> days' tokens per day at least this many times those of the days before.</summary>
    public const double SpikeFactor = 5.0;
    public const int SpikeRecentDays = 7;

    /// <summary>Below this many tokens in the recent days a jump is noise (a key going from 20 to 2,000 tokens a day).</summary>
    public const long SpikeMinTokens = 1_000_000;

    /// <param name="overall">The identity's overall activity, where the entitlement's evidence is narrower (a workspace, a key).</param>
    /// <param name="within">Where the narrower evidence was counted, in words ("in workspace Research", "by this key").</param>
    public static RecommendationResult For(ActivityEvidence activity, PeerEvidence peers, RoleContext role, bool privileged,
        bool canReduce, DateTimeOffset grantedAt, DateTimeOffset asOf, ActivityEvidence? overall = null, string? within = null)
    {
        var days = activity.Daily.Length;
        var inputs = new Dictionary<string, string>
        {
            ["evidence"] = activity.Source ?? EntitlementEvidencePolicy.OverallSource,
            ["active days"] = $"{activity.ActiveDays} of {days}",
            ["last use"] = activity.DaysSinceActive is { } since ? $"{since} days ago" : $"none in {days} days",
            ["events"] = activity.TotalEvents.ToString("N0", CultureInfo.InvariantCulture),
            ["tokens"] = Humanize.Tokens(activity.Tokens),
            ["requests"] = activity.Requests.ToString("N0", CultureInfo.InvariantCulture),
            ["peers"] = $"{peers.PeerCount} other active {peers.Group} (the holder not counted)",
            ["peer median"] = $"{peers.PeerMedian.ToString("0.#", CultureInfo.InvariantCulture)} {peers.Measure ?? "events"}",
        };
        if (overall is not null)
        {
            inputs["overall active days"] = $"{overall.ActiveDays} of {overall.Daily.Length}";
        }
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
            // Scoped evidence is read for the window only, so "never" would claim more than is known.
            return new(Recommendation.Revoke, overall is null
                    ? $"Revoke: never active in {grantAgeDays} days of holding it"
                    : $"Revoke: no use {within} in {days} days{Elsewhere(overall)}",
                "dormant", inputs);
        }
        if (activity.DaysSinceActive is { } idle && idle >= DormantDays)
        {
            return new(Recommendation.Revoke, $"Revoke: no activity {(overall is null ? "" : $"{within} ")}for {idle} days{Elsewhere(overall)}",
                "dormant", inputs);
        }
        if (privileged)
        {
            inputs["admin actions looked for"] = string.Join(", ", ActivityCategories.AdminActions);
            inputs["admin actions"] = activity.AdminChangeEvents.ToString("N0", CultureInfo.InvariantCulture);
            if (canReduce && activity.AdminChangeEvents == 0)
            {
                return new(Recommendation.Reduce, $"Reduce: admin rights unused: no {Or(ActivityCategories.AdminActions)} in {DormantDays} days",
                    "unused-privilege", inputs);
            }
        }
        if (activity.DailyTokens is { Length: > SpikeRecentDays } tokens)
        {
            var before = tokens.Length - SpikeRecentDays;
            var recent = tokens[before..].Sum();
            var prior = tokens[..before].Sum();
            var recentPerDay = (double)recent / SpikeRecentDays;
            var priorPerDay = (double)prior / before;
            inputs[$"tokens per day, last {SpikeRecentDays} days"] = Humanize.Compact(recentPerDay);
            inputs[$"tokens per day, {before} days before"] = Humanize.Compact(priorPerDay);
            inputs["spike threshold"] = $"{SpikeFactor:0.#}× and at least {Humanize.Tokens(SpikeMinTokens)} in {SpikeRecentDays} days";
            if (recent >= SpikeMinTokens && recentPerDay >= SpikeFactor * priorPerDay)
            {
                return new(Recommendation.LookCloser, prior == 0
                        ? $"Look closer: {Humanize.Tokens(recent)} in the last {SpikeRecentDays} days after none in the {before} days before"
                        : $"Look closer: tokens up {recentPerDay / priorPerDay:0.#}× ({Humanize.Compact(recentPerDay)} a day in the last {SpikeRecentDays} days vs {Humanize.Compact(priorPerDay)} in the {before} days before)",
                    "token-spike", inputs);
            }
        }
        if (peers is { PeerCount: >= 3, PeerMedian: > 0, Ratio: { } ratio } && ratio >= UnusualRatio)
        {
            return new(Recommendation.LookCloser, $"Look closer: {ratio:0.#}× the peer median ({peers.Group})", "unusual-volume", inputs);
        }
        return new(Recommendation.Keep, activity.Tokens > 0
            ? $"Keep: used {activity.ActiveDays} of {days} days, {Humanize.Tokens(activity.Tokens)}"
            : $"Keep: active {activity.ActiveDays} of {days} days", "in-use", inputs);
    }

    private static string Elsewhere(ActivityEvidence? overall) =>
        overall is { ActiveDays: > 0 } o ? $"; the holder is active elsewhere ({o.ActiveDays} of {o.Daily.Length} days)" : "";

    /// <summary>"a, b or c".</summary>
    private static string Or(IReadOnlyList<string> words) =>
        words.Count <= 1 ? string.Concat(words) : $"{string.Join(", ", words.Take(words.Count - 1))} or {words[^1]}";
}
