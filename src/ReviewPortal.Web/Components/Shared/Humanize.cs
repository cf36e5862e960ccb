using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Components.Shared;

public static partial class Humanize
{
    public static string Ago(DateTimeOffset at, DateTimeOffset now)
    {
        var span = now - at;
        return span.TotalSeconds switch
        {
            < 0 => "just now",
            < 60 => $"{(int)span.TotalSeconds} s ago",
            < 3600 => $"{(int)span.TotalMinutes} min ago",
            < 86400 => $"{(int)span.TotalHours} h ago",
            _ => $"{(int)span.TotalDays} days ago",
        };
    }

    public static string Date(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd") ?? "—";
    public static string DateTime(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'") ?? "—";

    public static string Kind(IdentityKind kind) => kind switch
    {
        IdentityKind.Person => "Person",
        IdentityKind.ApiKey => "API key",
        IdentityKind.ServiceAccount => "Service account",
        IdentityKind.Agent => "Agent / workload",
        IdentityKind.AdminApiKey => "Admin API key",
        _ => kind.ToString(),
    };

    public static string Approver(ApproverKind kind) => kind switch
    {
        ApproverKind.Manager => "manager",
        ApproverKind.ResourceOwner => "resource owner",
        ApproverKind.Named => "named approver",
        ApproverKind.Fallback => "fallback approver",
        _ => kind.ToString(),
    };

    public static string Flow(ApprovalFlow flow) => flow switch
    {
        ApprovalFlow.ManagerThenOwner => "Manager, then owner",
        ApprovalFlow.OwnerOnly => "Owner only",
        ApprovalFlow.TwoOwners => "Two owners",
        _ => flow.ToString(),
    };

    /// <summary>A review decision in words (the wizard's lists).</summary>
    public static string Outcome(DecisionOutcome outcome) => outcome switch
    {
        DecisionOutcome.Keep => "Keep",
        DecisionOutcome.Revoke => "Revoke",
        DecisionOutcome.Reduce => "Reduce",
        DecisionOutcome.Reassign => "Reassign",
        DecisionOutcome.DontKnow => "Don't know",
        _ => outcome.ToString(),
    };

    /// <summary>What happens to an item nobody decided by the close, in words.</summary>
    public static string Unreviewed(UnreviewedOutcome outcome) => outcome switch
    {
        UnreviewedOutcome.NoChange => "No change",
        UnreviewedOutcome.Revoke => "Revoke",
        UnreviewedOutcome.TakeRecommendation => "Take the recommendation",
        _ => outcome.ToString(),
    };

    /// <summary>An activity category in words (charts, evidence).</summary>
    public static string Category(ActivityCategory category) => category switch
    {
        ActivityCategory.SignIn => "Sign-in",
        ActivityCategory.ChatAndContent => "Chat & content",
        ActivityCategory.ApiKeyUse => "API use",
        ActivityCategory.AdminChange => "Admin change",
        ActivityCategory.ClaudeCode => "Claude Code",
        ActivityCategory.Platform => "Platform",
        ActivityCategory.Compliance => "Compliance API",
        _ => "Other",
    };

    /// <summary>A token count as a reviewer reads it: "950 tokens", "12.5 K tokens", "1.2 M tokens", "3.4 B tokens".</summary>
    public static string Tokens(long tokens) => $"{Compact(tokens)} tokens";

    /// <summary>A large count in a few digits: 950, 12.5 K, 1.2 M, 3.4 B (invariant culture, one decimal at most).</summary>
    public static string Compact(double value) => Math.Abs(value) switch
    {
        >= 1e9 => $"{(value / 1e9).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} B",
        >= 1e6 => $"{(value / 1e6).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} M",
        >= 1e4 => $"{(value / 1e3).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} K",
        _ => value.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>What a decision did to an item, in the past tense ("3 item(s) revoked").</summary>
    public static string Decided(DecisionOutcome outcome) => outcome switch
    {
        DecisionOutcome.Keep => "kept",
        DecisionOutcome.Revoke => "revoked",
        DecisionOutcome.Reduce => "reduced",
        DecisionOutcome.Reassign => "reassigned",
        DecisionOutcome.DontKnow => "handed on",
        _ => outcome.ToString(),
    };

    /// <summary>Counts by outcome in words, keep, revoke, reduce first: "12 keep, 20 revoke, 2 reduce".</summary>
    public static string OutcomeCounts(IReadOnlyDictionary<DecisionOutcome, int> counts) =>
        string.Join(", ", System.Enum.GetValues<DecisionOutcome>().Where(o => counts.GetValueOrDefault(o) > 0)
            .Select(o => $"{counts[o]} {Outcome(o).ToLowerInvariant()}"));

    /// <summary>
    /// A person as lists show them where two could share a name (issue #15, 8): "Vera Fischer · vera.fischer@example.com",
    /// or the department when there is no email, or the bare name when there is neither.
    /// </summary>
    public static string Person(string name, string? email, string? department = null) =>
        PersonDetail(email, department) is { } detail ? $"{name} · {detail}" : name;

    /// <summary>What tells a person apart from a namesake: their email, else their department; null when neither is known.</summary>
    public static string? PersonDetail(string? email, string? department) =>
        !string.IsNullOrWhiteSpace(email) ? email : !string.IsNullOrWhiteSpace(department) ? department : null;

    /// <summary>A campaign's state in words.</summary>
    public static string Campaign(CampaignStatus status) => status switch
    {
        CampaignStatus.Draft => "Draft",
        CampaignStatus.Active => "Active",
        CampaignStatus.Closed => "Closed",
        _ => status.ToString(),
    };
}
