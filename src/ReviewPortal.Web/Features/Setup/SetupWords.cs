using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Setup;

/// <summary>The setup screens' words for actions, actors and kinds (never an enum's name).</summary>
public static class SetupWords
{
    public const string ResourceOwnersChanged = "resource.owners-changed";
    public const string IdentityOwnerChanged = "identity.owner-changed";
    public const string DefaultsChanged = "settings.defaults-changed";
    public const string PolicySaved = "approval-policy.saved";
    public const string PolicyRemoved = "approval-policy.removed";

    public static string Action(string action) => action switch
    {
        ResourceOwnersChanged => "Changed the owners",
        IdentityOwnerChanged => "Changed the owner",
        DefaultsChanged => "Changed the defaults",
        PolicySaved => "Saved the policy",
        PolicyRemoved => "Removed the policy",
        _ => action,
    };

    /// <summary>A job's audit name ("job:sync-directory") as a reader says it.</summary>
    public static string Actor(string actor) => actor switch
    {
        "job:sync-directory" => "The directory sync",
        _ when actor.StartsWith("job:", StringComparison.Ordinal) => $"The {actor[4..].Replace('-', ' ')} job",
        _ => actor,
    };

    public static string Kind(ResourceKind kind, Platform platform) => (kind, platform) switch
    {
        (ResourceKind.Organization, Platform.ClaudeEnterprise) => "Enterprise organization",
        (ResourceKind.Organization, _) => "Console organization",
        (ResourceKind.Workspace, _) => "Console workspace",
        (ResourceKind.Group, _) => "Enterprise group",
        _ => kind.ToString(),
    };

    public static string OwnerSource(bool assigned, bool hasOwner) => assigned ? "Chosen in the portal"
        : hasOwner ? "From the directory (until an admin chooses)" : "Nobody";
}
