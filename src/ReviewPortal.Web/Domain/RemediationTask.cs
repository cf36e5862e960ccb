namespace ReviewPortal.Web.Domain;

/// <summary>A revoke or reduce outcome to carry out upstream, then verify by the next sync.</summary>
public class RemediationTask
{
    public long Id { get; set; }
    public long? ReviewItemId { get; set; }
    public long GrantId { get; set; }
    public Grant Grant { get; set; } = null!;
    public RemediationAction Action { get; set; }
    /// <summary>Role to move to for reduce actions.</summary>
    public string? TargetValue { get; set; }
    public RemediationStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    /// <summary>For manual tasks: what an admin must do by hand, and why the API cannot.</summary>
    public string? Instructions { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset? VerifiedAt { get; set; }
}

public enum RemediationAction
{
    RemoveOrgUser = 0,
    ChangeOrgRole = 1,
    RemoveWorkspaceMember = 2,
    ChangeWorkspaceRole = 3,
    DeactivateApiKey = 4,
    ArchiveApiKey = 5,
    Manual = 6,
}

public enum RemediationStatus
{
    Pending = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,
    ManualRequired = 4,
    Verified = 5,
    Drift = 6,
}
