namespace ReviewPortal.Web.Domain;

/// <summary>A request for an entitlement, for oneself or for a non-human identity one owns.</summary>
public class AccessRequest
{
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
    public AccessRequestStatus Status { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    /// <summary>How the approved access was (or must be) provisioned: API call made, or the manual step for an admin.</summary>
    public string? FulfilmentNote { get; set; }
    /// <summary>
    /// While provisioning is the portal's to do: when it is next due (set with the approval, so a crash before the first
    /// attempt loses nothing; the start date; the next retry; or the end of an attempt's claim). Null once it is done or
    /// handed to an admin. Attempts claim it by moving it forward; only the holder of that claim records the outcome.
    /// </summary>
    public DateTimeOffset? ProvisionAt { get; set; }
    /// <summary>Attempts at provisioning through the Admin API so far (deferrals the API asked for not counted).</summary>
    public int ProvisionAttempts { get; set; }

    public List<ApprovalStep> Steps { get; set; } = [];
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

/// <summary>One ordered approval step of a request (manager, then resource owner …).</summary>
public class ApprovalStep
{
    public long Id { get; set; }
    public long AccessRequestId { get; set; }
    public AccessRequest AccessRequest { get; set; } = null!;
    public int Order { get; set; }
    public ApproverKind ApproverKind { get; set; }
    public int ApproverId { get; set; }
    public Identity Approver { get; set; } = null!;
    public ApprovalStatus Status { get; set; }
    public int? DecidedById { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? Comment { get; set; }
    /// <summary>When the step became the one waiting for an answer (escalation counts from here).</summary>
    public DateTimeOffset? ActivatedAt { get; set; }
    public DateTimeOffset? EscalatedAt { get; set; }
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
