using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>What counts as use of an entitlement, by its kind: the one place that says so.</summary>
public enum EvidenceScope
{
    /// <summary>Org role or seat: the holder's overall feed activity and usage.</summary>
    Overall = 0,

    /// <summary>Workspace role: feed events carrying that workspace's id, and the holder's usage in that workspace.</summary>
    Workspace = 1,

    /// <summary>API key: the key's usage (usage report, Claude Code) and its own feed events.</summary>
    ApiKey = 2,

    /// <summary>Group membership: what the group grants is not known to the portal, so the holder's overall activity.</summary>
    GroupOverall = 3,
}

/// <param name="WorkspaceId">
/// For <see cref="EvidenceScope.Workspace"/>: the workspace id as the feed and usage rows carry it ("" for the Default
/// Workspace, which usage reports as no workspace and feed events never name).
/// </param>
/// <param name="Source">What was counted, in words, for the drawer and the recommendation's inputs.</param>
/// <param name="Within">Where, for the reasons of scoped evidence: "in workspace Research", "by this key"; "" when overall.</param>
public sealed record EntitlementEvidencePolicy(EvidenceScope Scope, string? WorkspaceId, string Source, string Within = "")
{
    public static EntitlementEvidencePolicy For(EntitlementKind kind, string resourceExternalId, string resourceName) => kind switch
    {
        EntitlementKind.WorkspaceRole => new(EvidenceScope.Workspace, WorkspaceKey(resourceExternalId),
            $"Activity in workspace {resourceName} (its feed events and usage there)", $"in workspace {resourceName}"),
        EntitlementKind.ApiKey => new(EvidenceScope.ApiKey, null, KeySource, "by this key"),
        EntitlementKind.GroupMembership => new(EvidenceScope.GroupOverall, null,
            "Overall activity: the group's grants are unknown"),
        _ => new(EvidenceScope.Overall, null, "Overall activity (all feed events and usage)"),
    };

    /// <summary>The label of an API key's own evidence (the drawer reads it as usage first).</summary>
    public const string KeySource = "Usage of this key (usage report) and its feed events";

    /// <summary>The label of the identity's overall activity, shown beside the entitlement's own.</summary>
    public const string OverallSource = "Overall activity (all feed events and usage)";

    /// <summary>Whether the entitlement's evidence is narrower than the identity's overall activity.</summary>
    public bool IsScoped => Scope is EvidenceScope.Workspace or EvidenceScope.ApiKey;

    private static string WorkspaceKey(string resourceExternalId) =>
        resourceExternalId.StartsWith(SyncDirectoryJob.DefaultWorkspacePrefix, StringComparison.Ordinal) ? "" : resourceExternalId;
}
