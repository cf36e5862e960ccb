namespace ReviewPortal.Web.Domain;

/// <summary>
/// One grantable unit of access on a resource: an org role, a workspace role, a group
/// membership, an Enterprise seat, or an API key's own existence.
/// </summary>
public class Entitlement
{
    public int Id { get; set; }
    public int ResourceId { get; set; }
    public Resource Resource { get; set; } = null!;
    public EntitlementKind Kind { get; set; }

    /// <summary>The upstream value: "admin", "workspace_developer", "member", "active" …</summary>
    public required string Value { get; set; }
    public required string DisplayName { get; set; }

    /// <summary>Admin/owner-level access: reviewed more strictly, never removed from the last holder.</summary>
    public bool IsPrivileged { get; set; }
    public bool IsRequestable { get; set; }
    public int? MaxDurationDays { get; set; }
    public bool AllowsPermanent { get; set; } = true;

    /// <summary>The lesser entitlement a "reduce" decision moves a holder to, if any.</summary>
    public int? ReducesToId { get; set; }
    public Entitlement? ReducesTo { get; set; }
}

public enum EntitlementKind
{
    OrgRole = 0,
    WorkspaceRole = 1,
    GroupMembership = 2,
    Seat = 3,
    ApiKey = 4,
}
