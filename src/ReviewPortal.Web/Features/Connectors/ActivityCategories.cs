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

    private static readonly string[] AdminMarkers =
    [
        "_role_", "role_updated", "_member_added", "_member_removed", "_member_updated", "_invite_", "api_key_created",
        "api_key_updated", "api_key_deleted", "admin_api_key", "_settings_updated", "org_user_", "group_created",
        "group_deleted", "group_updated", "rbac_", "workspace_created", "workspace_archived", "workspace_updated",
        "primary_owner", "org_sso", "org_directory", "org_domain", "service_account_created", "service_account_deleted",
    ];

    private static bool IsAdminChange(string type) => AdminMarkers.Any(m => type.Contains(m, StringComparison.Ordinal));
}
