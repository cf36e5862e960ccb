using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>
/// Turns an entitlement's approval policy into ordered steps with an approver each. Nobody
/// approves their own request (as requester or beneficiary), and nobody approves two steps:
/// such a step goes to the policy's fallback approver (or the resource owner's manager).
/// </summary>
public static class ApprovalRouting
{
    public static async Task<List<ApprovalStep>> StepsForAsync(ReviewPortalDbContext db, Identity requester, Identity beneficiary,
        Entitlement entitlement, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var policy = await db.ApprovalPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.EntitlementId == entitlement.Id, cancellationToken)
            ?? new ApprovalPolicy { EntitlementId = entitlement.Id, Flow = ApprovalFlow.ManagerThenOwner };
        var resource = await db.Resources.AsNoTracking().Where(r => r.Id == entitlement.ResourceId)
            .Select(r => new { r.OwnerId, ParentOwnerId = r.Parent != null ? r.Parent.OwnerId : null,
                OwnerManagerId = r.Owner != null ? r.Owner.ManagerId : null })
            .FirstAsync(cancellationToken);
        var owner = resource.OwnerId ?? resource.ParentOwnerId;
        // The manager of the person who answers for the beneficiary: the requester's own manager for themselves or their NHI.
        var manager = requester.ManagerId;
        var fallback = policy.FallbackApproverId ?? resource.OwnerManagerId;

        var natural = policy.Flow switch
        {
            ApprovalFlow.OwnerOnly => new[] { (ApproverKind.ResourceOwner, owner) },
            ApprovalFlow.TwoOwners => [(ApproverKind.ResourceOwner, owner), (ApproverKind.Named, policy.SecondApproverId)],
            _ => [(ApproverKind.Manager, manager), (ApproverKind.ResourceOwner, owner)],
        };
        var steps = new List<ApprovalStep>();
        var used = new HashSet<int>();
        foreach (var (kind, candidate) in natural)
        {
            var approver = Allowed(candidate) ? candidate!.Value : Allowed(fallback) ? fallback!.Value : (int?)null;
            if (approver is null)
            {
                throw new InvalidOperationException($"No one can approve {entitlement.DisplayName}: configure a fallback approver for it.");
            }
            used.Add(approver.Value);
            steps.Add(new ApprovalStep
            {
                Order = steps.Count + 1,
                ApproverKind = approver == candidate ? kind : ApproverKind.Fallback,
                ApproverId = approver.Value,
                Status = steps.Count == 0 ? ApprovalStatus.Pending : ApprovalStatus.Waiting,
                ActivatedAt = steps.Count == 0 ? now : null,
            });
        }
        return steps;

        bool Allowed(int? id) => id is { } v && v != requester.Id && v != beneficiary.Id && !used.Contains(v);
    }
}
