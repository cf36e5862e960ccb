namespace ReviewPortal.Web.Domain;

/// <summary>
/// A request for an entitlement, for oneself or for a non-human identity one owns. Its status moves only through
/// <see cref="Decide"/> (its approval steps' answers) and <see cref="Fulfil"/>; a new request states where it starts.
/// </summary>
public class AccessRequest
{
    private AccessRequestStatus _status;
    private DateTimeOffset? _completedAt;
    private string? _fulfilmentNote;
    private DateTimeOffset? _provisionAt;
    private int _provisionAttempts;
    private int _version;

    public long Id { get; set; }
    public int RequesterId { get; set; }
    public Identity Requester { get; set; } = null!;
    /// <summary>Who would hold the access: the requester, or an NHI they own.</summary>
    public int BeneficiaryId { get; set; }
    public Identity Beneficiary { get; set; } = null!;
    public int EntitlementId { get; set; }
    public Entitlement Entitlement { get; set; } = null!;

    public required string Justification { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    /// <summary>Null means permanent (only where the entitlement allows it).</summary>
    public int? DurationDays { get; set; }
    public AccessRequestStatus Status { get => _status; init => _status = value; }
    public DateTimeOffset? CompletedAt { get => _completedAt; init => _completedAt = value; }
    /// <summary>How the approved access was (or must be) provisioned: API call made, or the manual step for an admin.</summary>
    public string? FulfilmentNote { get => _fulfilmentNote; init => _fulfilmentNote = value; }
    /// <summary>
    /// While provisioning is the portal's to do: when it is next due (set with the approval, so a crash before the first
    /// attempt loses nothing; the start date; the next retry; or the end of an attempt's claim). Null once it is done or
    /// handed to an admin. Attempts claim it by moving it forward; only the holder of that claim records the outcome.
    /// </summary>
    public DateTimeOffset? ProvisionAt { get => _provisionAt; init => _provisionAt = value; }
    /// <summary>Attempts at provisioning through the Admin API so far (deferrals the API asked for not counted).</summary>
    public int ProvisionAttempts { get => _provisionAttempts; init => _provisionAttempts = value; }

    public List<ApprovalStep> Steps { get; set; } = [];

    /// <summary>
    /// Optimistic concurrency: every transition moves it on, so of two writers that read the same request (Approve in one
    /// tab and Deny in another, two confirmations, an approval and a provisioning attempt) only the first saves.
    /// </summary>
    public int Version { get => _version; init => _version = value; }

    /// <summary>
    /// The pending <paramref name="step"/>'s answer. A denial ends the request and skips the steps after it; an approval
    /// hands the request to the next step, or after the last approves it, due for provisioning from now on (so a crash
    /// before the first attempt loses nothing: the provisioning job finds it).
    /// </summary>
    /// <returns>The step that now waits for an answer; null when the request is decided.</returns>
    public ApprovalStep? Decide(ApprovalStep step, bool approve, int? decidedById, string? comment, DateTimeOffset now)
    {
        step.Answer(approve, decidedById, comment, now);
        _version++;
        var waiting = Steps.Where(s => s.Status == ApprovalStatus.Waiting).OrderBy(s => s.Order).ToList();
        if (!approve)
        {
            waiting.ForEach(s => s.Skip());
            _status = AccessRequestStatus.Denied;
            _completedAt = now;
            return null;
        }
        if (waiting.FirstOrDefault() is { } next)
        {
            next.Activate(now);
            return next;
        }
        _status = AccessRequestStatus.Approved;
        _provisionAt = now;
        return null;
    }

    /// <summary>The access is granted (the grant is recorded beside it): nothing is left to provision.</summary>
    public void Fulfil(DateTimeOffset now)
    {
        _status = AccessRequestStatus.Fulfilled;
        _completedAt = now;
        _provisionAt = null;
        _version++;
    }

    /// <summary>
    /// An attempt at provisioning ended without the access: due again at <paramref name="retryAt"/>, or handed to an admin
    /// (null). <paramref name="countsAsAttempt"/> is false when the API could not take calls at all: not this request's failure.
    /// </summary>
    public void ProvisioningNotDone(DateTimeOffset? retryAt, bool countsAsAttempt, string note)
    {
        if (!countsAsAttempt)
        {
            _provisionAttempts = Math.Max(0, ProvisionAttempts - 1);
        }
        _provisionAt = retryAt;
        _version++;
        Noted(note);
    }

    /// <summary>What the requester and admins read about provisioning (it may quote the Admin API: shortened to its column).</summary>
    public void Noted(string note) => _fulfilmentNote = MaxLengths.Truncate(note, MaxLengths.AccessRequest.FulfilmentNote);
}

public enum AccessRequestStatus
{
    Pending = 0,
    Approved = 1,
    Denied = 2,
    Fulfilled = 3,
    Cancelled = 4,
    Expired = 5,
}

/// <summary>One ordered approval step of a request (manager, then resource owner …); its request moves it on.</summary>
public class ApprovalStep
{
    private ApprovalStatus _status;
    private ApproverKind _approverKind;
    private int _approverId;
    private int? _decidedById;
    private DateTimeOffset? _decidedAt;
    private string? _comment;
    private DateTimeOffset? _activatedAt;
    private DateTimeOffset? _escalatedAt;
    private int _version;

    public long Id { get; set; }
    public long AccessRequestId { get; set; }
    public AccessRequest AccessRequest { get; set; } = null!;
    public int Order { get; set; }
    public ApproverKind ApproverKind { get => _approverKind; init => _approverKind = value; }
    public int ApproverId { get => _approverId; init => _approverId = value; }
    public Identity Approver { get; set; } = null!;
    public ApprovalStatus Status { get => _status; init => _status = value; }
    public int? DecidedById { get => _decidedById; init => _decidedById = value; }
    public DateTimeOffset? DecidedAt { get => _decidedAt; init => _decidedAt = value; }
    public string? Comment { get => _comment; init => _comment = value; }
    /// <summary>When the step became the one waiting for an answer (escalation counts from here).</summary>
    public DateTimeOffset? ActivatedAt { get => _activatedAt; init => _activatedAt = value; }
    public DateTimeOffset? EscalatedAt { get => _escalatedAt; init => _escalatedAt = value; }
    /// <summary>
    /// Optimistic concurrency: the approver's page carries the version it showed, and every transition (answered, opened,
    /// skipped, escalated) moves it on, so a second click or another tab's answer on what the approver saw is refused.
    /// </summary>
    public int Version { get => _version; init => _version = value; }

    internal void Answer(bool approve, int? decidedById, string? comment, DateTimeOffset at)
    {
        _status = approve ? ApprovalStatus.Approved : ApprovalStatus.Denied;
        _decidedById = decidedById;
        _decidedAt = at;
        _comment = comment;
        _version++;
    }

    internal void Activate(DateTimeOffset at)
    {
        _status = ApprovalStatus.Pending;
        _activatedAt = at;
        _version++;
    }

    internal void Skip()
    {
        _status = ApprovalStatus.Skipped;
        _version++;
    }

    /// <summary>Unanswered too long: handed to <paramref name="fallbackApproverId"/>, waiting from now; or, with nobody eligible, only marked.</summary>
    public void Escalate(int? fallbackApproverId, DateTimeOffset at)
    {
        _escalatedAt = at;
        _version++;
        if (fallbackApproverId is { } to)
        {
            _approverId = to;
            _approverKind = ApproverKind.Fallback;
            _activatedAt = at;
        }
    }
}

public enum ApproverKind
{
    Manager = 0,
    ResourceOwner = 1,
    Named = 2,
    Fallback = 3,
}

public enum ApprovalStatus
{
    Waiting = 0,
    Pending = 1,
    Approved = 2,
    Denied = 3,
    Skipped = 4,
}
