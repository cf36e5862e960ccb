using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// The Claude entitlement policy, in one place: what the roles mean for governance (which are privileged, what "reduce"
/// moves to), which access people may request and for how long, and whom the directory sync suggests as a workspace's
/// owner when nobody has chosen one.
/// </summary>
public static class ClaudeEntitlements
{
    /// <summary>The longest a requested workspace role may be granted for.</summary>
    public const int MaxRequestDays = 180;

    private static readonly HashSet<string> PrivilegedRoles = ["admin", "owner", "primary_owner", "membership_admin", "workspace_admin"];

    public static bool IsPrivileged(string role) => PrivilegedRoles.Contains(role);

    /// <summary>The lesser role a reduce decision assigns (the Admin API cannot assign admin roles).</summary>
    public static string? ReducesTo(string role) => role switch
    {
        "admin" or "developer" or "billing" or "claude_code_user" => "user",
        "owner" or "membership_admin" => "user",
        "workspace_admin" => "workspace_developer",
        "workspace_developer" => "workspace_user",
        _ => null,
    };

    public static string OrgRoleName(string role, bool console) => (console ? "Console " : "Enterprise ") + role.Replace('_', ' ');

    public static string WorkspaceRoleName(string workspace, string role) => $"{workspace}: {role.Replace("workspace_", "workspace ").Replace('_', ' ')}";

    /// <summary>
    /// Workspace user and developer can be requested, for at most <see cref="MaxRequestDays"/> (an admin may have set
    /// another maximum: kept), and never permanently; workspace admin is granted by an admin, not requested.
    /// </summary>
    public static void ApplyWorkspaceRolePolicy(Entitlement entitlement)
    {
        entitlement.IsRequestable = entitlement.Value is "workspace_user" or "workspace_developer";
        entitlement.MaxDurationDays ??= entitlement.IsRequestable ? MaxRequestDays : null;
        entitlement.AllowsPermanent = !entitlement.IsRequestable;
    }

    /// <summary>A service account's place in a workspace: the workspaces its active keys are in (it acts there through them).</summary>
    public const string ServiceAccountMember = "service_account_member";

    /// <summary>An Admin API key's organization access: it manages users, invites, workspaces and keys (privileged).</summary>
    public const string AdminApiKeyAccess = "admin_api_key";

    /// <summary>A federated workload's (OIDC or cloud gateway) organization access.</summary>
    public const string FederatedAccess = "federated_workload";

    public static string ServiceAccountMemberName(string workspace) => $"{workspace}: service account member";

    /// <summary>
    /// The organization access an NHI the directory does not list (an Admin API key, a federated workload, known from the
    /// Activity Feed) holds while it exists; null for kinds whose grants the directory lists.
    /// </summary>
    public static (string Value, string DisplayName, bool Privileged)? OrganizationAccess(IdentityKind kind, bool console) => kind switch
    {
        IdentityKind.AdminApiKey => (AdminApiKeyAccess, (console ? "Console" : "Enterprise") + " Admin API key (organization admin)", true),
        IdentityKind.Agent => (FederatedAccess, (console ? "Console" : "Enterprise") + " federated workload access", false),
        _ => null,
    };

    /// <summary>A group can be requested unless SCIM provisions it (the identity provider owns its members).</summary>
    public static bool IsGroupRequestable(string? sourceType) => sourceType != "scim";

    /// <summary>
    /// Whom the sync suggests as a workspace's owner: its first employed admin (by key, so the answer is stable). Demo mode
    /// has no owner directory; a real organization's admins choose owners on the setup screens, and their choice stands.
    /// </summary>
    public static Identity? SuggestedOwner(IEnumerable<Identity> workspaceAdmins) => workspaceAdmins
        .Where(i => i.EmploymentStatus == EmploymentStatus.Active).OrderBy(i => i.ExternalId, StringComparer.Ordinal).FirstOrDefault();
}
