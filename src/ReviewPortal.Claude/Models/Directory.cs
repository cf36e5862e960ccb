namespace ReviewPortal.Claude.Models;

/// <summary>Page-token envelope of the Compliance directory endpoints: pass <see cref="NextPage"/> back as <c>page</c>.</summary>
public sealed record TokenPage<T>
{
    public IReadOnlyList<T> Data { get; init; } = [];
    public bool HasMore { get; init; }
    public string? NextPage { get; init; }
}

/// <summary>An organization in the tenant (<c>GET /v1/compliance/organizations</c>); <see cref="Uuid"/> equals <c>organization_uuid</c> on activities.</summary>
public sealed record ComplianceOrganization
{
    public string Uuid { get; init; } = "";
    public string Name { get; init; } = "";
    public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>A current member of an organization (<c>/organizations/{org_uuid}/users</c>).</summary>
public sealed record ComplianceUser
{
    public string Id { get; init; } = "";
    public string Email { get; init; } = "";
    public string? FullName { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Built-in membership level: <c>admin</c>, <c>billing</c>, <c>claude_code_user</c>, <c>developer</c>, <c>managed</c>, <c>membership_admin</c>, <c>owner</c>, <c>primary_owner</c>, <c>user</c>.</summary>
    public string? OrganizationRole { get; init; }
}

/// <summary>A custom RBAC role (<c>rbac_role_…</c>).</summary>
public sealed record ComplianceRole
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>A group (<c>rbac_group_…</c>); <see cref="SourceType"/> is <c>direct</c> or <c>scim</c>.</summary>
public sealed record ComplianceGroup
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public string? SourceType { get; init; }
    public IReadOnlyList<string>? Roles { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>A group membership; there is no name, join on <see cref="UserId"/> with the users list.</summary>
public sealed record ComplianceGroupMember
{
    public string UserId { get; init; } = "";
    public string? Email { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
}
