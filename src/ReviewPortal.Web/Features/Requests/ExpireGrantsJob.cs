using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Remediation;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>
/// Time-bound grants end at their expiry: each becomes one removal task (executed through the
/// Admin API by remediation, verified by the next sync), exactly once — the grant's "expired"
/// history entry is unique per grant, so a re-run or a second node cannot do it twice.
/// </summary>
public sealed class ExpireGrantsJob(IDbContextFactory<ReviewPortalDbContext> contexts, DatabaseLease leases, TimeProvider time)
{
    public const string JobName = "expire-grants";

    public static readonly JobDescriptor<ExpireGrantsJob> Descriptor = new()
    {
        Id = JobName,
        Title = "the grant expiry",
        Lease = TimeSpan.FromMinutes(10),
        Schedule = JobDescriptor.From<RequestsOptions>(o => o.ExpireCron),
        Run = job => job.RunAsync(CancellationToken.None),
    };

    public Task<int> RunAsync(CancellationToken cancellationToken = default) =>
        leases.RunExclusiveAsync(Descriptor, RunLeasedAsync, () => 0, cancellationToken);

    /// <summary>The run itself, under the job's lease: <paramref name="cancellationToken"/> is cancelled when the lease is lost.</summary>
    private async Task<int> RunLeasedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var due = await db.Grants.Include(g => g.Entitlement).ThenInclude(e => e.Resource).Include(g => g.Identity)
            .Where(g => g.EndedAt == null && g.ExpiresAt != null && g.ExpiresAt <= now
                && !g.History.Any(h => h.ActivityId == "expiry:" + g.Id))
            .ToListAsync(cancellationToken);
        foreach (var grant in due)
        {
            var (action, target, instructions) = RemediationPlanner.For(grant.Entitlement, DecisionOutcome.Revoke, null, grant.Identity.DisplayName);
            grant.History.Add(new GrantEvent
            {
                OccurredAt = now, Kind = "expired", Detail = $"Time-bound access ended {grant.ExpiresAt:yyyy-MM-dd}", ActorDescription = $"job:{JobName}",
                ActivityId = $"expiry:{grant.Id}",
            });
            var task = new RemediationTask
            {
                GrantId = grant.Id, Action = action, TargetValue = target, Instructions = instructions, CreatedAt = now, NextAttemptAt = now,
                Status = action == RemediationAction.Manual ? RemediationStatus.ManualRequired : RemediationStatus.Pending,
            };
            db.RemediationTasks.Add(task);
            db.Audit(AuditActor.System(JobName, now, $"expiry-{grant.Id}"), "grant.expired", grant,
                after: new { grant.ExpiresAt, action }, identityId: grant.IdentityId);
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return 0; // Another node expired the same grants first: the unique history entry refused the duplicate.
        }
        return due.Count;
    }
}
