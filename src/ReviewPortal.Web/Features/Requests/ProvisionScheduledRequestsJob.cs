using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>
/// Requests approved before their start date are provisioned when it comes: through the Admin API where it can, else as
/// an admin's manual step, exactly as on approval. Fulfilment clears <c>ProvisionAt</c> in its own save, so a re-run (or a
/// second node, kept out by the lease) finds nothing to do.
/// </summary>
public sealed class ProvisionScheduledRequestsJob(IDbContextFactory<ReviewPortalDbContext> contexts, DatabaseLease leases,
    FulfilAccessRequest fulfil, TimeProvider time)
{
    public const string JobName = "provision-scheduled-requests";

    /// <returns>How many requests were due.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        await using var lease = await leases.TryAcquireAsync(JobName, TimeSpan.FromMinutes(10), cancellationToken);
        if (lease is null)
        {
            return 0;
        }
        // From here on the run stops when its lease is lost (another node has taken it over).
        cancellationToken = lease.Token;
        var now = time.GetUtcNow();
        List<long> due;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            due = await db.AccessRequests.Where(r => r.Status == AccessRequestStatus.Approved && r.ProvisionAt != null && r.ProvisionAt <= now)
                .OrderBy(r => r.ProvisionAt).Select(r => r.Id).ToListAsync(cancellationToken);
        }
        foreach (var id in due)
        {
            await fulfil.HandleAsync(id, AuditActor.System(JobName, now, $"{JobName}-{now.UtcTicks}"), cancellationToken);
        }
        return due.Count;
    }
}
