namespace ReviewPortal.Claude.Models;

/// <summary>Cursor envelope of the Admin API lists: pass <see cref="LastId"/> as <c>after_id</c> until <see cref="HasMore"/> is false.</summary>
public sealed record CursorPage<T>
{
    public IReadOnlyList<T> Data { get; init; } = [];
    public bool HasMore { get; init; }
    public string? FirstId { get; init; }
    public string? LastId { get; init; }
}

/// <summary>An organization member as the Admin API sees it.</summary>
public sealed record AdminUser
{
    public string Id { get; init; } = "";
    public string Type { get; init; } = "user";
    public string Email { get; init; } = "";
    public string? Name { get; init; }
    public string Role { get; init; } = "";
    public DateTimeOffset? AddedAt { get; init; }
}

/// <summary>A Console workspace (<c>wrkspc_…</c>). The Default Workspace is never listed.</summary>
public sealed record Workspace
{
    public string Id { get; init; } = "";
    public string Type { get; init; } = "workspace";
    public string Name { get; init; } = "";
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? ArchivedAt { get; init; }
    public string? DisplayColor { get; init; }
}

/// <summary>A workspace membership with its <c>workspace_role</c>.</summary>
public sealed record WorkspaceMember
{
    public string Type { get; init; } = "workspace_member";
    public string UserId { get; init; } = "";
    public string WorkspaceId { get; init; } = "";

    /// <summary><c>workspace_admin</c>, <c>workspace_developer</c>, <c>workspace_restricted_developer</c>, <c>workspace_user</c>, <c>workspace_billing</c>.</summary>
    public string WorkspaceRole { get; init; } = "";
}

/// <summary>Reference to who created a key or whom it acts as: <c>{id, type}</c>.</summary>
public sealed record PrincipalRef
{
    public string Id { get; init; } = "";

    /// <summary><c>user</c> or <c>service_account</c>.</summary>
    public string Type { get; init; } = "";
}

/// <summary>A Console API key (<c>apikey_…</c>); never contains the secret.</summary>
public sealed record ApiKey
{
    public string Id { get; init; } = "";
    public string Type { get; init; } = "api_key";
    public string Name { get; init; } = "";

    /// <summary><c>active</c>, <c>inactive</c>, <c>archived</c> or <c>expired</c>.</summary>
    public string Status { get; init; } = "";
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Null for legacy, federated or system-created keys.</summary>
    public PrincipalRef? CreatedBy { get; init; }

    /// <summary>The identity the key acts as.</summary>
    public PrincipalRef? Principal { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public string? PartialKeyHint { get; init; }

    /// <summary>Null means the Default Workspace.</summary>
    public string? WorkspaceId { get; init; }
}

/// <summary>Filters for <c>GET /v1/organizations/api_keys</c>.</summary>
public sealed record ApiKeyFilter(string? Status = null, string? WorkspaceId = null, string? CreatedByUserId = null);

/// <summary>Values of <c>status</c> accepted by <c>POST /v1/organizations/api_keys/{id}</c>.</summary>
public static class ApiKeyStatus
{
    public const string Active = "active";
    public const string Inactive = "inactive";
    public const string Archived = "archived";
    public const string Expired = "expired";
}
