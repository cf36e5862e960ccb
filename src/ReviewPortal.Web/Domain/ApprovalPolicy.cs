namespace ReviewPortal.Web.Domain;

/// <summary>
/// How requests are approved: for one entitlement, for every entitlement of one resource, or by default. A request uses
/// its entitlement's policy, else its resource's, else the default one, else <see cref="BuiltIn"/> (manager, then owner).
/// </summary>
public class ApprovalPolicy
{
    public const int DefaultEscalateAfterDays = 3;

    public int Id { get; set; }
    public ApprovalPolicyScope Scope { get; set; }
    /// <summary>Set exactly when <see cref="Scope"/> is <see cref="ApprovalPolicyScope.Entitlement"/>.</summary>
    public int? EntitlementId { get; set; }
    public Entitlement? Entitlement { get; set; }
    /// <summary>Set exactly when <see cref="Scope"/> is <see cref="ApprovalPolicyScope.Resource"/>.</summary>
    public int? ResourceId { get; set; }
    public Resource? Resource { get; set; }
    public ApprovalFlow Flow { get; set; }
    /// <summary>The second owner for <see cref="ApprovalFlow.TwoOwners"/>; none means the resource's backup owner.</summary>
    public int? SecondApproverId { get; set; }
    /// <summary>Takes steps that cannot go to their natural approver (self-approval, same person twice, nobody) and escalations.</summary>
    public int? FallbackApproverId { get; set; }
    public int EscalateAfterDays { get; set; } = DefaultEscalateAfterDays;
    /// <summary>The longest a request may last; the entitlement's own limit applies too (the shorter wins).</summary>
    public int? MaxDurationDays { get; set; }
    /// <summary>Moves on every save (a concurrency token): a save made on an older version is refused.</summary>
    public int Version { get; set; }
    public DateTimeOffset? UpdatedAt { get; set; }
    public int? UpdatedById { get; set; }

    /// <summary>What a request uses when no policy applies: manager, then owner, escalating after three days.</summary>
    public static ApprovalPolicy BuiltIn => new() { Scope = ApprovalPolicyScope.Default, Flow = ApprovalFlow.ManagerThenOwner };

    /// <summary>The audit target's id: stable across removing and re-creating a policy, so its history stays whole.</summary>
    public string ScopeKey => ScopeKeyOf(Scope, EntitlementId, ResourceId);

    public static string ScopeKeyOf(ApprovalPolicyScope scope, int? entitlementId, int? resourceId) => scope switch
    {
        ApprovalPolicyScope.Entitlement => $"entitlement:{entitlementId}",
        ApprovalPolicyScope.Resource => $"resource:{resourceId}",
        _ => "default",
    };
}

public enum ApprovalFlow
{
    ManagerThenOwner = 0,
    OwnerOnly = 1,
    TwoOwners = 2,
}

/// <summary>What a policy applies to. Entitlement is 0 so the policies that existed before scopes keep their meaning.</summary>
public enum ApprovalPolicyScope
{
    Entitlement = 0,
    Resource = 1,
    Default = 2,
}
