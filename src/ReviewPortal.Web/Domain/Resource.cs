namespace ReviewPortal.Web.Domain;

/// <summary>
/// Something access is granted to: a Claude organization (Enterprise or Console), a Console
/// workspace, or a group. Workspaces and groups belong to an organization.
/// </summary>
public class Resource
{
    public int Id { get; set; }
    public required string ExternalId { get; set; }
    public ResourceKind Kind { get; set; }
    public Platform Platform { get; set; }
    public required string Name { get; set; }

    public int? ParentId { get; set; }
    public Resource? Parent { get; set; }

    /// <summary>The app owner who approves requests for and reviews access to this resource.</summary>
    public int? OwnerId { get; set; }
    public Identity? Owner { get; set; }
    /// <summary>Takes the owner's approval step when the owner cannot (the owner asked, or has left), and is the second owner of a two-owner policy.</summary>
    public int? BackupOwnerId { get; set; }
    public Identity? BackupOwner { get; set; }
    /// <summary>The directory sync's guess (a workspace's first employed workspace admin), refreshed every sync; shown to admins as a suggestion.</summary>
    public int? SuggestedOwnerId { get; set; }
    public Identity? SuggestedOwner { get; set; }
    /// <summary>Set when an admin chose the owners in the portal: from then on the directory sync never changes them.</summary>
    public DateTimeOffset? OwnerAssignedAt { get; set; }
    public int? OwnerAssignedById { get; set; }
    /// <summary>Moves on every change of the owners (a concurrency token): an edit made on an older version is refused.</summary>
    public int OwnerVersion { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ArchivedAt { get; set; }

    public List<Entitlement> Entitlements { get; set; } = [];
}

public enum ResourceKind
{
    Organization = 0,
    Workspace = 1,
    Group = 2,
}

public enum Platform
{
    ClaudeEnterprise = 0,
    ClaudeConsole = 1,
}
