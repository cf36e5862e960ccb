namespace ReviewPortal.Web.Features.Connectors;

/// <summary>What the Claude roles mean for governance: which are privileged, and what "reduce" moves to.</summary>
public static class ClaudeEntitlements
{
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
}
