using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>
/// Which policy a request follows: its entitlement's, else its resource's, else the default policy, else the built-in
/// manager-then-owner. Routing, escalation, the request form and the catalog all ask here, so they never disagree.
/// </summary>
public sealed class ApprovalPolicies
{
    private readonly Dictionary<int, ApprovalPolicy> _byEntitlement;
    private readonly Dictionary<int, ApprovalPolicy> _byResource;
    private readonly ApprovalPolicy? _default;

    private ApprovalPolicies(IReadOnlyCollection<ApprovalPolicy> policies)
    {
        _byEntitlement = policies.Where(p => p is { Scope: ApprovalPolicyScope.Entitlement, EntitlementId: not null })
            .ToDictionary(p => p.EntitlementId!.Value);
        _byResource = policies.Where(p => p is { Scope: ApprovalPolicyScope.Resource, ResourceId: not null }).ToDictionary(p => p.ResourceId!.Value);
        _default = policies.FirstOrDefault(p => p.Scope == ApprovalPolicyScope.Default);
    }

    /// <summary>Every policy, for a caller that resolves many requests (escalation, the catalog).</summary>
    public static async Task<ApprovalPolicies> LoadAsync(ReviewPortalDbContext db, CancellationToken cancellationToken) =>
        new(await db.ApprovalPolicies.AsNoTracking().ToListAsync(cancellationToken));

    /// <summary>Only the policies that could apply to one entitlement.</summary>
    public static async Task<ApprovalPolicy> ForAsync(ReviewPortalDbContext db, int entitlementId, int resourceId, CancellationToken cancellationToken)
    {
        var candidates = await db.ApprovalPolicies.AsNoTracking()
            .Where(p => p.EntitlementId == entitlementId || p.ResourceId == resourceId || p.Scope == ApprovalPolicyScope.Default)
            .ToListAsync(cancellationToken);
        return new ApprovalPolicies(candidates).For(entitlementId, resourceId);
    }

    public ApprovalPolicy For(int entitlementId, int resourceId) =>
        _byEntitlement.GetValueOrDefault(entitlementId) ?? _byResource.GetValueOrDefault(resourceId) ?? _default ?? ApprovalPolicy.BuiltIn;

    /// <summary>The longest a request may last under both the entitlement's own limit and its policy's (null: no limit).</summary>
    public static int? MaxDurationDays(Entitlement entitlement, ApprovalPolicy policy) =>
        (entitlement.MaxDurationDays, policy.MaxDurationDays) switch
        {
            ({ } own, { } policyMax) => Math.Min(own, policyMax),
            (var own, var policyMax) => own ?? policyMax,
        };

    /// <summary>A policy with a maximum duration makes every request for it time-bound.</summary>
    public static bool AllowsPermanent(Entitlement entitlement, ApprovalPolicy policy) => entitlement.AllowsPermanent && policy.MaxDurationDays is null;
}
