namespace ReviewPortal.Web.Domain;

/// <summary>
/// A revoke or reduce outcome to carry out upstream, then verify by the next sync. Its status moves only through the
/// transitions below (the executor's outcomes, an admin's retry or confirmation, the sync's verdict), each setting the
/// fields that go with it; a new task states where it starts.
/// </summary>
public class RemediationTask
{
    private RemediationStatus _status;

    public long Id { get; set; }
    public long? ReviewItemId { get; set; }
    public long GrantId { get; set; }
    public Grant Grant { get; set; } = null!;
    public RemediationAction Action { get; set; }
    /// <summary>Role to move to for reduce actions.</summary>
    public string? TargetValue { get; set; }
    public RemediationStatus Status { get => _status; init => _status = value; }
    public int Attempts { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    /// <summary>For manual tasks: what an admin must do by hand, and why the API cannot.</summary>
    public string? Instructions { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset? VerifiedAt { get; set; }

    /// <summary>An admin may confirm by hand a manual task, or a failed one the executor gave up on.</summary>
    public bool CanBeMarkedDone => Status == RemediationStatus.ManualRequired || (Status == RemediationStatus.Failed && NextAttemptAt is null);

    public bool CanBeRetried => Status is RemediationStatus.Failed or RemediationStatus.Drift;

    /// <summary>The API cannot take calls now: due again when it said, and the claim's attempt is not charged.</summary>
    public void Defer(DateTimeOffset dueAgainAt, string? why)
    {
        _status = RemediationStatus.Pending;
        Attempts = Math.Max(0, Attempts - 1);
        NextAttemptAt = dueAgainAt;
        LastError = MaxLengths.Truncate(why, MaxLengths.RemediationTask.LastError);
    }

    /// <summary>Done upstream (by the call, or by an admin by hand): the next directory sync verifies it.</summary>
    public void Succeed(DateTimeOffset at)
    {
        _status = RemediationStatus.Succeeded;
        CompletedAt = at;
        NextAttemptAt = null;
        LastError = null;
    }

    /// <summary>The API refused in a documented way: a person must do it, following <paramref name="instructions"/>.</summary>
    public void RequireManual(string? apiAnswer, string? instructions)
    {
        _status = RemediationStatus.ManualRequired;
        NextAttemptAt = null;
        LastError = MaxLengths.Truncate(apiAnswer, MaxLengths.RemediationTask.LastError);
        Instructions = MaxLengths.Truncate(instructions, MaxLengths.RemediationTask.Instructions);
    }

    /// <summary>The attempt failed: tried again at <paramref name="retryAt"/>, or never (null) once the executor gives up.</summary>
    public void Fail(string? error, DateTimeOffset? retryAt)
    {
        _status = RemediationStatus.Failed;
        LastError = MaxLengths.Truncate(error, MaxLengths.RemediationTask.LastError);
        NextAttemptAt = retryAt;
    }

    /// <summary>An admin's retry of a failed or drifted task: from the start, attempts reset (a manual one goes back to a person).</summary>
    public void Retry(DateTimeOffset now)
    {
        _status = Action == RemediationAction.Manual ? RemediationStatus.ManualRequired : RemediationStatus.Pending;
        NextAttemptAt = _status == RemediationStatus.Pending ? now : null;
        Attempts = 0;
        CompletedAt = null;
        VerifiedAt = null;
    }

    /// <summary>The directory sync's verdict: the access is gone (Verified) or still there (Drift), judged at <paramref name="at"/>.</summary>
    public void Judge(bool accessGone, DateTimeOffset at)
    {
        _status = accessGone ? RemediationStatus.Verified : RemediationStatus.Drift;
        VerifiedAt = at;
    }
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
