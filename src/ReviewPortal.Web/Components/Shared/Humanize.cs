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
}
