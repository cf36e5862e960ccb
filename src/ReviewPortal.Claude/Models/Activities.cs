using System.Text.Json;

namespace ReviewPortal.Claude.Models;

/// <summary>
/// One Activity Feed record. Common fields are typed; everything type-specific stays in
/// <see cref="RawJson"/> because the type enum grows every month (§1.4.6).
/// </summary>
public sealed record Activity(
    string Id,
    DateTimeOffset CreatedAt,
    string Type,
    string? OrganizationId,
    string? OrganizationUuid,
    ActivityActor Actor,
    string RawJson)
{
    private JsonElement? _root;

    /// <summary>The top-level <c>workspace_id</c> the record's type carries (agent sessions, workspace changes …); null without one.</summary>
    public string? WorkspaceId { get; init; }

    /// <summary>Reads a top-level string property of the raw record, e.g. <c>GetString("api_key_id")</c>; null when absent or not a string.</summary>
    public string? GetString(string propertyName) =>
        Root.TryGetProperty(propertyName, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>Reads a top-level array of strings (e.g. <c>member_ids</c>); empty when absent.</summary>
    public IReadOnlyList<string> GetStringArray(string propertyName)
    {
        if (!Root.TryGetProperty(propertyName, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return value.EnumerateArray()
            .Where(e => e.ValueKind == JsonValueKind.String)
            .Select(e => e.GetString()!)
            .ToArray();
    }

    /// <summary>The parsed raw record, for type-specific fields that are not plain strings.</summary>
    public JsonElement Root => _root ??= JsonDocument.Parse(RawJson).RootElement.Clone();
}

/// <summary>
/// The actor union of §1.4.5 flattened into one record. <see cref="Type"/> is <c>"unknown"</c> when the
/// record has no (or a non-string) <c>actor.type</c>; <see cref="RawJson"/> keeps the original object.
/// </summary>
public sealed record ActivityActor
{
    public const string UnknownType = "unknown";

    public string Type { get; init; } = UnknownType;
    public string? UserId { get; init; }
    public string? EmailAddress { get; init; }
    public string? UnauthenticatedEmailAddress { get; init; }
    public string? ApiKeyId { get; init; }
    public string? AdminApiKeyId { get; init; }
    public string? ServiceAccountId { get; init; }
    public string? Issuer { get; init; }
    public string? Subject { get; init; }
    public IReadOnlyList<string>? Audience { get; init; }
    public string? IpAddress { get; init; }
    public string? UserAgent { get; init; }
    public string? Service { get; init; }
    public string? WorkosEventId { get; init; }
    public string? DirectoryId { get; init; }
    public string? IdpConnectionType { get; init; }

    /// <summary><c>provider.type</c> of a <c>federated_actor</c> (<c>aws</c>, <c>azure</c>, <c>gcp</c>, <c>oidc</c>).</summary>
    public string? ProviderType { get; init; }
    public string? ExternalClientId { get; init; }
    public string? KidHash { get; init; }

    /// <summary>The actor object exactly as received (<c>null</c> when the record had none).</summary>
    public string? RawJson { get; init; }

    /// <summary>The stable identifier of whoever acted, whichever variant this is (user, key, service account, subject).</summary>
    public string? PrincipalId => UserId ?? ApiKeyId ?? AdminApiKeyId ?? ServiceAccountId ?? Subject ?? ExternalClientId;
}

/// <summary>A feed record that could not be used (no <c>id</c>, bad <c>created_at</c>, not an object); kept raw so nothing is lost.</summary>
public sealed record MalformedActivity(string RawJson, string Reason);

/// <summary>One page of <c>GET /v1/compliance/activities</c>.</summary>
public sealed record ActivityPage(
    IReadOnlyList<Activity> Data,
    IReadOnlyList<MalformedActivity> Malformed,
    bool HasMore,
    string? FirstId,
    string? LastId)
{
    /// <summary>The <c>request-id</c> response header, for support and completeness evidence.</summary>
    public string? RequestId { get; init; }
}

/// <summary>Sort order of the Activity Feed (<c>order</c> parameter); the API default is <see cref="Desc"/>.</summary>
public enum ActivityOrder
{
    Desc,
    Asc,
}
