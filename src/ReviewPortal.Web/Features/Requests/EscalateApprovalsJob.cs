using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Setup;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>
/// A step unanswered for the policy's N days moves to the fallback approver (the policy's, else Setup's default; or the approver's
/// manager), once, audited. Scan-and-act: re-running finds nothing new to do.
/// </summary>
public sealed class EscalateApprovalsJob(IDbContextFactory<ReviewPortalDbContext> contexts, DatabaseLease leases, TimeProvider time)
{
    public const string JobName = "escalate-approvals";

    public static readonly JobDescriptor<EscalateApprovalsJob> Descriptor = new()
    {
        Id = JobName,
        Title = "the approval escalation",
        Lease = TimeSpan.FromMinutes(10),
        Schedule = JobDescriptor.From<RequestsOptions>(o => o.EscalateCron),
        Run = job => job.RunAsync(CancellationToken.None),
    };

    public Task<int> RunAsync(CancellationToken cancellationToken = default) =>
        leases.RunExclusiveAsync(Descriptor, RunLeasedAsync, () => 0, cancellationToken);

    /// <summary>The run itself, under the job's lease: <paramref name="cancellationToken"/> is cancelled when the lease is lost.</summary>
    private async Task<int> RunLeasedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var waiting = await db.ApprovalSteps.Include(s => s.AccessRequest).ThenInclude(r => r.Steps)
            .Include(s => s.AccessRequest).ThenInclude(r => r.Entitlement).Include(s => s.Approver)
            .Where(s => s.Status == ApprovalStatus.Pending && s.EscalatedAt == null && s.ActivatedAt != null)
            .ToListAsync(cancellationToken);
        var policies = await ApprovalPolicies.LoadAsync(db, cancellationToken);
        var defaults = await GetDefaults.ReadAsync(db, cancellationToken);
        var escalated = 0;
        foreach (var step in waiting)
        {
            var policy = policies.For(step.AccessRequest.EntitlementId, step.AccessRequest.Entitlement.ResourceId);
            if (now - step.ActivatedAt!.Value < TimeSpan.FromDays(policy.EscalateAfterDays))
            {
                continue;
            }
            var request = step.AccessRequest;
            var decidedBy = request.Steps.Where(s => s.DecidedById != null).Select(s => s.DecidedById!.Value).ToHashSet();
            // Nobody may end up holding two steps of one request (they could approve only one of them).
            var assigned = request.Steps.Where(s => s.Id != step.Id && s.Status is ApprovalStatus.Waiting or ApprovalStatus.Pending)
                .Select(s => s.ApproverId).ToHashSet();
            var target = new[] { policy.FallbackApproverId ?? defaults.FallbackApproverId, step.Approver.ManagerId }
                .FirstOrDefault(id => id is { } v && v != step.ApproverId && v != request.RequesterId && v != request.BeneficiaryId
                    && !decidedBy.Contains(v) && !assigned.Contains(v));
            var from = step.ApproverId;
            step.Escalate(target, now);
            if (target is { } to)
            {
                db.Audit(AuditActor.System(JobName, now, $"escalate-{step.Id}"), "request.escalated", request,
                    before: new { approver = from }, after: new { approver = to, step = step.Order }, identityId: request.BeneficiaryId);
            }
            else
            {
                db.Audit(AuditActor.System(JobName, now, $"escalate-{step.Id}"), "request.escalation-impossible", request,
                    after: new { step = step.Order, reason = "no fallback approver or manager eligible" }, identityId: request.BeneficiaryId);
            }
            escalated++;
        }
        await db.SaveChangesAsync(cancellationToken);
        return escalated;
    }
}
