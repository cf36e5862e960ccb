using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Remediation;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>
/// Time-bound grants end at their expiry: each becomes one removal task, opened by <see cref="OpenRemovalTask"/> like
/// every other (executed through the Admin API by remediation, verified by the next sync), exactly once — the grant's "expired"
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
        var staying = await OpenRemovalTask.AdminsStayingAsync(db, due.Select(g => g.Entitlement), cancellationToken);
        foreach (var grant in due)
        {
            var actor = AuditActor.System(JobName, now, $"expiry-{grant.Id}");
            grant.History.Add(new GrantEvent
            {
                OccurredAt = now, Kind = "expired", Detail = $"Time-bound access ended {grant.ExpiresAt:yyyy-MM-dd}", ActorDescription = $"job:{JobName}",
                ActivityId = $"expiry:{grant.Id}",
            });
            var task = OpenRemovalTask.Open(db, actor, new Removal(grant.Id, grant.IdentityId, grant.Identity.DisplayName, grant.Entitlement, DecisionOutcome.Revoke)
            {
                Reason = $"Time-bound access ended {grant.ExpiresAt:yyyy-MM-dd}",
            }, staying, now);
            db.Audit(actor, "grant.expired", grant, after: new { grant.ExpiresAt, task.Action }, identityId: grant.IdentityId);
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
