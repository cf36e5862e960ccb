using ReviewPortal.Claude;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Remediation;

/// <summary>
/// The documented Admin API call (claude-api.md §2.4/§2.5) that carries out one task, or why a person has to:
/// the portal's Admin key is a Console admin key, so it can only act on the Console organization, its
/// workspaces and its API keys; Enterprise memberships share the same <c>user_…</c> ids and must never be
/// touched through it.
/// </summary>
internal sealed record RemediationCall(string Endpoint, Func<IAdminClient, CancellationToken, Task>? Execute, string? ManualReason)
{
    public static RemediationCall For(RemediationTask task)
    {
        var grant = task.Grant;
        var holder = grant.Identity;
        var resource = grant.Entitlement.Resource;
        var userId = holder.ExternalId;
        var target = task.TargetValue;
        bool IsUser() => userId.StartsWith("user_", StringComparison.Ordinal);
        bool IsWorkspace() => resource.ExternalId.StartsWith("wrkspc_", StringComparison.Ordinal);
        bool IsKey() => userId.StartsWith("apikey_", StringComparison.Ordinal);
        bool IsConsoleOrg() => resource is { Kind: ResourceKind.Organization, Platform: Platform.ClaudeConsole };

        return task.Action switch
        {
            RemediationAction.RemoveOrgUser when IsUser() && IsConsoleOrg() => new($"DELETE /v1/organizations/users/{userId}",
                (api, ct) => api.DeleteUserAsync(userId, ct), null),
            RemediationAction.ChangeOrgRole when IsUser() && IsConsoleOrg() && !string.IsNullOrEmpty(target) => new(
                $"POST /v1/organizations/users/{userId} {{\"role\":\"{target}\"}}",
                (api, ct) => api.UpdateUserRoleAsync(userId, target, ct), null),
            RemediationAction.RemoveWorkspaceMember when IsUser() && IsWorkspace() => new(
                $"DELETE /v1/organizations/workspaces/{resource.ExternalId}/members/{userId}",
                (api, ct) => api.RemoveWorkspaceMemberAsync(resource.ExternalId, userId, ct), null),
            RemediationAction.ChangeWorkspaceRole when IsUser() && IsWorkspace() && !string.IsNullOrEmpty(target) => new(
                $"POST /v1/organizations/workspaces/{resource.ExternalId}/members/{userId} {{\"workspace_role\":\"{target}\"}}",
                (api, ct) => api.UpdateWorkspaceMemberRoleAsync(resource.ExternalId, userId, target, ct), null),
            RemediationAction.DeactivateApiKey when IsKey() => new($"POST /v1/organizations/api_keys/{userId} {{\"status\":\"inactive\"}}",
                (api, ct) => api.UpdateApiKeyStatusAsync(userId, "inactive", ct), null),
            RemediationAction.ArchiveApiKey when IsKey() => new($"POST /v1/organizations/api_keys/{userId} {{\"status\":\"archived\"}}",
                (api, ct) => api.UpdateApiKeyStatusAsync(userId, "archived", ct), null),
            RemediationAction.Manual => new("", null, task.Instructions ?? $"Remove {holder.DisplayName}'s {grant.Entitlement.DisplayName} by hand."),
            RemediationAction.RemoveOrgUser or RemediationAction.ChangeOrgRole when resource.Platform == Platform.ClaudeEnterprise => new("", null,
                $"The portal's Admin API key manages the Console organization only; {resource.Name} is a Claude Enterprise organization. " +
                ManualStep(task)),
            _ => new("", null, $"No Admin API call fits this task ({Humanize.Remediation(task.Action).ToLowerInvariant()} on {resource.Name} for {holder.DisplayName}). " + ManualStep(task)),
        };
    }

    /// <summary>What an admin does by hand when the API cannot.</summary>
    public static string ManualStep(RemediationTask task)
    {
        var holder = task.Grant.Identity.DisplayName;
        var resource = task.Grant.Entitlement.Resource.Name;
        return task.Action switch
        {
            RemediationAction.RemoveOrgUser => $"Remove {holder} from {resource} in the organization's member settings " +
                "(or in the identity provider when SCIM manages membership), then mark this task done.",
            RemediationAction.ChangeOrgRole => $"Change {holder}'s role in {resource} to '{task.TargetValue}' in the organization's member settings " +
                "(an admin's role must be changed there, or in the identity provider when SSO/SCIM manages roles), then mark this task done.",
            RemediationAction.RemoveWorkspaceMember => $"Remove {holder} from the workspace {resource} in the Claude Console " +
                "(organization admins and billing members must have their organization role changed first), then mark this task done.",
            RemediationAction.ChangeWorkspaceRole => $"Change {holder}'s role in the workspace {resource} to '{task.TargetValue}' in the Claude Console, then mark this task done.",
            RemediationAction.DeactivateApiKey => $"Disable the API key {holder} in the Claude Console (API keys page), then mark this task done.",
            RemediationAction.ArchiveApiKey => $"Archive the API key {holder} in the Claude Console (API keys page), then mark this task done.",
            _ => task.Instructions ?? $"Remove {holder}'s access to {resource} by hand, then mark this task done.",
        };
    }
}
