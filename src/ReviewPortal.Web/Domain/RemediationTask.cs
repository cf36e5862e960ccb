namespace ReviewPortal.Web.Domain;

/// <summary>
/// A revoke or reduce outcome to carry out upstream, then verify by the next sync. Its status moves only through the
/// transitions below (the executor's outcomes, an admin's retry or confirmation, the sync's verdict), each setting the
/// fields that go with it; a new task states where it starts.
/// </summary>
public class RemediationTask
{
    private RemediationStatus _status;
    private int _attempts;
    private DateTimeOffset? _nextAttemptAt;
    private string? _lastError;
    private string? _instructions;
    private DateTimeOffset? _completedAt;
    private DateTimeOffset? _verifiedAt;

    public long Id { get; set; }
    public long? ReviewItemId { get; set; }
    public long GrantId { get; set; }
    public Grant Grant { get; set; } = null!;
    public RemediationAction Action { get; set; }
    /// <summary>Role to move to for reduce actions.</summary>
    public string? TargetValue { get; set; }
    public RemediationStatus Status { get => _status; init => _status = value; }
    public int Attempts { get => _attempts; init => _attempts = value; }
    public DateTimeOffset? NextAttemptAt { get => _nextAttemptAt; init => _nextAttemptAt = value; }
    public string? LastError { get => _lastError; init => _lastError = value; }
    /// <summary>For manual tasks: what an admin must do by hand, and why the API cannot.</summary>
    public string? Instructions { get => _instructions; init => _instructions = value; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get => _completedAt; init => _completedAt = value; }
    public DateTimeOffset? VerifiedAt { get => _verifiedAt; init => _verifiedAt = value; }

    /// <summary>An admin may confirm by hand a manual task, or a failed one the executor gave up on.</summary>
    public bool CanBeMarkedDone => Status == RemediationStatus.ManualRequired || (Status == RemediationStatus.Failed && NextAttemptAt is null);

    public bool CanBeRetried => Status is RemediationStatus.Failed or RemediationStatus.Drift;

    /// <summary>Where a task starts, new or retried: with a person when no API call exists for it, else due for the executor.</summary>
    public static RemediationStatus StartsAs(RemediationAction action) =>
        action == RemediationAction.Manual ? RemediationStatus.ManualRequired : RemediationStatus.Pending;

    /// <summary>The API cannot take calls now: due again when it said, and the claim's attempt is not charged.</summary>
    public void Defer(DateTimeOffset dueAgainAt, string? why)
    {
        _status = RemediationStatus.Pending;
        _attempts = Math.Max(0, Attempts - 1);
        _nextAttemptAt = dueAgainAt;
        _lastError = MaxLengths.Truncate(why, MaxLengths.RemediationTask.LastError);
    }

    /// <summary>Done upstream (by the call, or by an admin by hand): the next directory sync verifies it.</summary>
    public void Succeed(DateTimeOffset at)
    {
        _status = RemediationStatus.Succeeded;
        _completedAt = at;
        _nextAttemptAt = null;
        _lastError = null;
    }

    /// <summary>The API refused in a documented way: a person must do it, following <paramref name="instructions"/>.</summary>
    public void RequireManual(string? apiAnswer, string? instructions)
    {
        _status = RemediationStatus.ManualRequired;
        _nextAttemptAt = null;
        _lastError = MaxLengths.Truncate(apiAnswer, MaxLengths.RemediationTask.LastError);
        _instructions = MaxLengths.Truncate(instructions, MaxLengths.RemediationTask.Instructions);
    }

    /// <summary>The attempt failed: tried again at <paramref name="retryAt"/>, or never (null) once the executor gives up.</summary>
    public void Fail(string? error, DateTimeOffset? retryAt)
    {
        _status = RemediationStatus.Failed;
        _lastError = MaxLengths.Truncate(error, MaxLengths.RemediationTask.LastError);
        _nextAttemptAt = retryAt;
    }

    /// <summary>An admin's retry of a failed or drifted task: from the start, attempts reset (a manual one goes back to a person).</summary>
    public void Retry(DateTimeOffset now)
    {
        _status = StartsAs(Action);
        _nextAttemptAt = _status == RemediationStatus.Pending ? now : null;
        _attempts = 0;
        _completedAt = null;
        _verifiedAt = null;
    }

    /// <summary>The directory sync's verdict: the access is gone (Verified) or still there (Drift), judged at <paramref name="at"/>.</summary>
    public void Judge(bool accessGone, DateTimeOffset at)
    {
        _status = accessGone ? RemediationStatus.Verified : RemediationStatus.Drift;
        _verifiedAt = at;
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
