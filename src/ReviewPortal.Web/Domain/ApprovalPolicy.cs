namespace ReviewPortal.Web.Domain;

/// <summary>How requests for one entitlement are approved; entitlements without one use manager → resource owner.</summary>
public class ApprovalPolicy
{
    public int Id { get; set; }
    public int EntitlementId { get; set; }
    public Entitlement Entitlement { get; set; } = null!;
    public ApprovalFlow Flow { get; set; }
    /// <summary>The second owner for <see cref="ApprovalFlow.TwoOwners"/>.</summary>
    public int? SecondApproverId { get; set; }
    /// <summary>Takes steps that cannot go to their natural approver (self-approval, same person twice, nobody) and escalations.</summary>
    public int? FallbackApproverId { get; set; }
    public int EscalateAfterDays { get; set; } = 3;
}

public enum ApprovalFlow
{
    ManagerThenOwner = 0,
    OwnerOnly = 1,
    TwoOwners = 2,
}
