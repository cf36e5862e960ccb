using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Setup;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>
/// Turns the approval policy a request follows (<see cref="ApprovalPolicies"/>: the entitlement's, its resource's, the
/// default one, or manager-then-owner) into ordered steps with an approver each. Nobody
/// approves their own request (as requester or beneficiary), and nobody approves two steps:
/// an owner step goes to the resource's backup owner, and any such step to the policy's fallback approver (else Setup's
/// default fallback approver, else the resource owner's manager). A departed owner is passed over like one who may not approve.
/// </summary>
public static class ApprovalRouting
{
    public static async Task<List<ApprovalStep>> StepsForAsync(ReviewPortalDbContext db, Identity requester, Identity beneficiary,
        Entitlement entitlement, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var policy = await ApprovalPolicies.ForAsync(db, entitlement.Id, entitlement.ResourceId, cancellationToken);
        var resource = await db.Resources.AsNoTracking().Where(r => r.Id == entitlement.ResourceId)
            .Select(r => new { r.OwnerId, ParentOwnerId = r.Parent != null ? r.Parent.OwnerId : null,
                OwnerDeparted = r.Owner != null && r.Owner.EmploymentStatus == EmploymentStatus.Departed,
                r.BackupOwnerId, BackupDeparted = r.BackupOwner != null && r.BackupOwner.EmploymentStatus == EmploymentStatus.Departed,
                OwnerManagerId = r.Owner != null ? r.Owner.ManagerId : null })
            .FirstAsync(cancellationToken);
        var defaults = await GetDefaults.ReadAsync(db, cancellationToken);
        var owner = resource.OwnerId is null ? resource.ParentOwnerId : resource.OwnerDeparted ? null : resource.OwnerId;
        var backupOwner = resource.BackupDeparted ? null : resource.BackupOwnerId;
        // The manager of the person who answers for the beneficiary: the requester's own manager for themselves or their NHI.
        var manager = requester.ManagerId;
        var fallback = policy.FallbackApproverId ?? defaults.FallbackApproverId ?? resource.OwnerManagerId;

        // Each step: its natural approver, then (for an owner step) the backup owner, then the fallback approver.
        var natural = policy.Flow switch
        {
            ApprovalFlow.OwnerOnly => new[] { new Candidates(ApproverKind.ResourceOwner, owner, backupOwner) },
            ApprovalFlow.TwoOwners => [new(ApproverKind.ResourceOwner, owner, backupOwner),
                policy.SecondApproverId is { } second ? new(ApproverKind.Named, second, null) : new(ApproverKind.ResourceOwner, backupOwner, null)],
            _ => [new(ApproverKind.Manager, manager, null), new(ApproverKind.ResourceOwner, owner, backupOwner)],
        };
        var steps = new List<ApprovalStep>();
        var used = new HashSet<int>();
        foreach (var (kind, candidate, backup) in natural)
        {
            var (approver, approverKind) = Allowed(candidate) ? (candidate, kind)
                : Allowed(backup) ? (backup, ApproverKind.ResourceOwner)
                : Allowed(fallback) ? (fallback, ApproverKind.Fallback) : ((int?)null, kind);
            if (approver is null)
            {
                throw new InvalidOperationException($"No one can approve {entitlement.DisplayName}: configure a fallback approver for it.");
            }
            used.Add(approver.Value);
            steps.Add(new ApprovalStep
            {
                Order = steps.Count + 1,
                ApproverKind = approverKind,
                ApproverId = approver.Value,
                Status = steps.Count == 0 ? ApprovalStatus.Pending : ApprovalStatus.Waiting,
                ActivatedAt = steps.Count == 0 ? now : null,
            });
        }
        return steps;

        bool Allowed(int? id) => id is { } v && v != requester.Id && v != beneficiary.Id && !used.Contains(v);
    }

    private sealed record Candidates(ApproverKind Kind, int? Approver, int? Backup);
}
