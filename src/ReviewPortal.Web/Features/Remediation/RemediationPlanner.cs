using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Remediation;

/// <summary>
/// Which Admin API call removes or lowers a grant, or why a person must do it by hand: the API
/// cannot remove Console admins or Enterprise owners, assign admin roles, or change SCIM-managed
/// groups, seats are managed in claude.ai, and the portal's (Console) Admin key cannot act on the Enterprise org.
/// </summary>
public static class RemediationPlanner
{
    private static readonly HashSet<string> ApiProtectedOrgRoles = ["admin", "owner", "primary_owner", "membership_admin"];

    public static (RemediationAction Action, string? Target, string? Instructions) For(Entitlement entitlement, DecisionOutcome outcome,
        Entitlement? reduceTo, string holder)
    {
        var resource = entitlement.Resource.Name;
        return (entitlement.Kind, outcome) switch
        {
            // No Admin API call removes these (issue #16, 6): a person does it in the Console.
            (EntitlementKind.OrgRole, _) when entitlement.Value == Connectors.ClaudeEntitlements.AdminApiKeyAccess => (RemediationAction.Manual, null,
                $"Delete the Admin API key {holder} in Console > Settings > Admin keys."),
            (EntitlementKind.OrgRole, _) when entitlement.Value == Connectors.ClaudeEntitlements.FederatedAccess => (RemediationAction.Manual, null,
                $"Remove the federation rule that lets {holder} authenticate, in the Console's workload identity settings."),
            (EntitlementKind.WorkspaceRole, _) when entitlement.Value == Connectors.ClaudeEntitlements.ServiceAccountMember => (RemediationAction.Manual, null,
                $"Remove the service account {holder} from {resource} (and deactivate its keys there) in the Console."),
            (EntitlementKind.OrgRole, _) when ApiProtectedOrgRoles.Contains(entitlement.Value) => (RemediationAction.Manual, reduceTo?.Value,
                $"The Admin API cannot remove or change the '{entitlement.Value}' role. In {resource}'s settings, " +
                (outcome == DecisionOutcome.Reduce ? $"change {holder}'s role to '{reduceTo?.Value}'." : $"remove {holder} from the organization.")),
            // The portal's Admin key is a Console admin key; Enterprise members share the same user_… ids, so a DELETE or
            // role POST would hit the Console membership instead of the Enterprise one.
            (EntitlementKind.OrgRole, _) when entitlement.Resource.Platform == Platform.ClaudeEnterprise => (RemediationAction.Manual, reduceTo?.Value,
                $"The portal's Admin API key manages the Console organization only. In claude.ai organization settings for {resource} " +
                "(or in the identity provider when SCIM manages membership), " +
                (outcome == DecisionOutcome.Reduce ? $"change {holder}'s role to '{reduceTo?.Value}'." : $"remove {holder} from the organization.")),
            (EntitlementKind.OrgRole, DecisionOutcome.Reduce) => (RemediationAction.ChangeOrgRole, reduceTo?.Value, null),
            (EntitlementKind.OrgRole, _) => (RemediationAction.RemoveOrgUser, null, null),
            (EntitlementKind.WorkspaceRole, DecisionOutcome.Reduce) => (RemediationAction.ChangeWorkspaceRole, reduceTo?.Value, null),
            (EntitlementKind.WorkspaceRole, _) => (RemediationAction.RemoveWorkspaceMember, null, null),
            (EntitlementKind.ApiKey, _) => (RemediationAction.DeactivateApiKey, "inactive", null),
            (EntitlementKind.GroupMembership, _) => (RemediationAction.Manual, null,
                $"Remove {holder} from the group '{resource}' (in the identity provider if the group is SCIM-managed)."),
            _ => (RemediationAction.Manual, null, $"Remove {holder}'s {entitlement.DisplayName} in claude.ai organization settings."),
        };
    }
}
