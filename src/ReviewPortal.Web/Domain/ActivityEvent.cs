namespace ReviewPortal.Web.Domain;

/// <summary>
/// One Activity Feed record, kept raw so types the portal does not know yet are never lost.
/// Unique on (<see cref="OccurredAt"/>, <see cref="ActivityId"/>): at-least-once delivery becomes exactly one row
/// (an activity's created_at never changes; docs/decisions/0005-activity-dedupe-index.md).
/// </summary>
public class ActivityEvent
{
    public long Id { get; set; }
    public required string ActivityId { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public required string Type { get; set; }
    public ActivityCategory Category { get; set; }
    public string? OrganizationUuid { get; set; }
    public required string ActorType { get; set; }
    /// <summary>user_…, apikey_…, svac_…, issuer|subject … whatever identifies the actor upstream.</summary>
    public string? ActorExternalId { get; set; }
    /// <summary>The portal identity the actor resolved to; null for system/anthropic/unknown actors.</summary>
    public int? IdentityId { get; set; }
    public required string RawJson { get; set; }

    /// <summary>
    /// The record's top-level <c>workspace_id</c>, where its type carries one: counted into <see cref="WorkspaceActivityRollup"/>
    /// when stored, not a column (the raw JSON keeps it, and the rollup rebuild reads it from there).
    /// </summary>
    public string? WorkspaceId { get; set; }
}

/// <summary>Per identity, per UTC day, per category event count: the 30-day evidence is read from here.</summary>
public class ActivityRollup
{
    public int IdentityId { get; set; }
    public DateOnly Day { get; set; }
    public ActivityCategory Category { get; set; }
    public int Count { get; set; }
}

/// <summary>
/// Per identity, per workspace, per UTC day, per category feed event count, for the events that carry a workspace id: the
/// evidence of a workspace role (activity elsewhere says nothing about the role in this workspace).
/// </summary>
public class WorkspaceActivityRollup
{
    public int IdentityId { get; set; }
    public required string WorkspaceId { get; set; }
    public DateOnly Day { get; set; }
    public ActivityCategory Category { get; set; }
    public int Count { get; set; }
}

public enum ActivityCategory
{
    Other = 0,
    SignIn = 1,
    ChatAndContent = 2,
    ApiKeyUse = 3,
    AdminChange = 4,
    ClaudeCode = 5,
    Platform = 6,
    Compliance = 7,
}
