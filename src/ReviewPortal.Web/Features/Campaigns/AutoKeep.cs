using System.Globalization;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// The exception policy's one rule, used by the preview and the launch alike (through <see cref="CampaignPlanner"/>), so the
/// count the wizard shows is the count the launch keeps. Reads the item's launch evidence as built; never recomputes it.
/// </summary>
public static class AutoKeep
{
    /// <summary>How every auto-keep justification starts (the queue and the history tell system decisions by the decider, not by this).</summary>
    public const string Prefix = "Auto-kept by the exception policy: ";

    /// <summary>Who the audit names for the system's decisions (like "job:…" for a job): not a person.</summary>
    public const string Actor = "system:exception-policy";

    /// <summary>Who decided an auto-kept item, in words, where a person's name would stand.</summary>
    public const string Decider = "the exception policy";

    /// <summary>The audit action of a reviewer's decision on an item the policy had kept (one of <see cref="OverrideAction"/> per override).</summary>
    public const string OverrideAction = "review.auto-keep-overridden";

    /// <summary>
    /// The justification the system's keep decision carries (the rule and its inputs, in words), or null when the item is
    /// an exception a reviewer must decide. An item the recommender says to revoke or reduce is always an exception: the
    /// policy keeps what the evidence supports, it never overrules the evidence.
    /// </summary>
    public static string? Justify(AutoKeepPolicy? policy, ScopedGrant grant, ItemEvidence evidence)
    {
        if (policy is not { AnyCondition: true }
            || evidence.Recommendation.Recommendation is Recommendation.Revoke or Recommendation.Reduce)
        {
            return null;
        }
        var inputs = new List<string>();
        if (policy.RequireActiveDays)
        {
            if (evidence.Activity.ActiveDays < policy.MinActiveDays)
            {
                return null;
            }
            inputs.Add($"used {evidence.Activity.ActiveDays} of {AutoKeepPolicy.WindowDays} days (>= {policy.MinActiveDays})");
        }
        if (policy.RequireWithinPeers)
        {
            if (evidence.Peers.Ratio is { } ratio && ratio > policy.MaxPeerRatio)
            {
                return null;
            }
            inputs.Add(evidence.Peers.Ratio is { } r
                ? $"{Number(r)}x peers (<= {Number(policy.MaxPeerRatio)}x)"
                : "no peers to compare with");
        }
        if (policy.RequireNotPrivileged)
        {
            if (grant.IsPrivileged)
            {
                return null;
            }
            inputs.Add("not privileged");
        }
        if (policy.RequireOwnerEmployed)
        {
            if (!evidence.Role.Employed || evidence.Role.OwnerEmployed == false)
            {
                return null;
            }
            inputs.Add(evidence.Role.OwnerEmployed is null ? "holder employed" : "owner employed");
        }
        if (policy.RequireApprovedRequest)
        {
            if (grant.AccessRequestId is null)
            {
                return null;
            }
            inputs.Add($"granted through approved request #{grant.AccessRequestId}");
        }
        return Prefix + string.Join(", ", inputs);
    }

    /// <summary>The policy in words (the wizard's summary, the launch's audit entry), or null when it keeps nothing.</summary>
    public static string? Describe(AutoKeepPolicy? policy)
    {
        if (policy is not { AnyCondition: true })
        {
            return null;
        }
        var conditions = new List<string>();
        if (policy.RequireActiveDays) conditions.Add($"used on at least {policy.MinActiveDays} of the last {AutoKeepPolicy.WindowDays} days");
        if (policy.RequireWithinPeers) conditions.Add($"at most {Number(policy.MaxPeerRatio)}x the peers' activity (or no peers)");
        if (policy.RequireNotPrivileged) conditions.Add("not privileged");
        if (policy.RequireOwnerEmployed) conditions.Add("holder and owner employed");
        if (policy.RequireApprovedRequest) conditions.Add("granted through an approved request");
        return "Keep automatically what is " + string.Join(", ", conditions) + ", unless recommended for revoke or reduce";
    }

    private static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
