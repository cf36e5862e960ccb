using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// Groups the Activity Feed's ~470 types (a list that grows monthly) into the few categories a
/// reviewer reads. Decided by name patterns, so new types land in a sensible bucket, never an error.
/// </summary>
public static class ActivityCategories
{
    public static ActivityCategory Of(string type, string actorType)
    {
        if (type == "compliance_api_accessed")
        {
            return ActivityCategory.Compliance;
        }
        if (type.Contains("login", StringComparison.Ordinal) || type.Contains("logged_out", StringComparison.Ordinal)
            || type.StartsWith("session_", StringComparison.Ordinal) || type.StartsWith("phone_code", StringComparison.Ordinal)
            || type.StartsWith("sso_second_factor", StringComparison.Ordinal))
        {
            return ActivityCategory.SignIn;
        }
        if (type.StartsWith("claude_code", StringComparison.Ordinal) || type.StartsWith("ccr_", StringComparison.Ordinal))
        {
            return ActivityCategory.ClaudeCode;
        }
        if (IsAdminChange(type))
        {
            return ActivityCategory.AdminChange;
        }
        if (type.StartsWith("claude_", StringComparison.Ordinal) || type.StartsWith("cowork_", StringComparison.Ordinal)
            || type.StartsWith("design_", StringComparison.Ordinal))
        {
            return ActivityCategory.ChatAndContent;
        }
        if (actorType is "api_actor" or "service_account_actor" or "federated_identity_actor" or "federated_actor")
        {
            return ActivityCategory.ApiKeyUse;
        }
        if (type.StartsWith("platform_", StringComparison.Ordinal))
        {
            return ActivityCategory.Platform;
        }
        return ActivityCategory.Other;
    }

    /// <summary>
    /// The type fragments that make an event an admin change, each with the words a reviewer reads: the "admin rights
    /// unused" recommendation names what it looked for from this list, so the words cannot drift from the rule.
    /// </summary>
    private static readonly (string Marker, string Words)[] AdminMarkers =
    [
        ("_role_", "role changes"), ("role_updated", "role changes"), ("_member_added", "member changes"),
        ("_member_removed", "member changes"), ("_member_updated", "member changes"), ("_invite_", "member invites"),
        ("api_key_created", "key creation or changes"), ("api_key_updated", "key creation or changes"),
        ("api_key_deleted", "key creation or changes"), ("admin_api_key", "key creation or changes"),
        ("_settings_updated", "settings changes"), ("org_user_", "user changes"), ("group_created", "group changes"),
        ("group_deleted", "group changes"), ("group_updated", "group changes"), ("rbac_", "permission changes"),
        ("workspace_created", "workspace changes"), ("workspace_archived", "workspace changes"),
        ("workspace_updated", "workspace changes"), ("primary_owner", "owner transfers"), ("org_sso", "SSO changes"),
        ("org_directory", "directory changes"), ("org_domain", "domain changes"),
        ("service_account_created", "service account changes"), ("service_account_deleted", "service account changes"),
    ];

    /// <summary>The kinds of admin action an admin change is, in words and in the order above: "role changes", "member changes" …</summary>
    public static IReadOnlyList<string> AdminActions { get; } = AdminMarkers.Select(m => m.Words).Distinct().ToList();

    private static bool IsAdminChange(string type) => AdminMarkers.Any(m => type.Contains(m.Marker, StringComparison.Ordinal));
}
