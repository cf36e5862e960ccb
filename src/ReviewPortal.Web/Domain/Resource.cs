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
