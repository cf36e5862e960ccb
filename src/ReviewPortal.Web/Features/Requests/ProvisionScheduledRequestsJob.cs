using Microsoft.EntityFrameworkCore;
using ReviewPortal.Claude.Resilience;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>
/// Provisions every approved request that is due (<see cref="AccessRequest.ProvisionAt"/>): on its start date, after a
/// failed attempt's backoff, or when an attempt was interrupted (its claim lapsed) — through the Admin API where it can,
/// else as an admin's manual step, exactly as on approval. Each attempt claims its request first, so a re-run (or a
/// second node, kept out by the lease, or an approver's attempt) never provisions it twice. While the API is rate limited
/// with a known end the run sends nothing; when it turns out unavailable mid-run, the rest waits for the next run.
/// </summary>
public sealed class ProvisionScheduledRequestsJob(IDbContextFactory<ReviewPortalDbContext> contexts, DatabaseLease leases,
    FulfilAccessRequest fulfil, ClaudeRateLimitGate rateLimit, TimeProvider time, ILogger<ProvisionScheduledRequestsJob> logger)
{
    public const string JobName = "provision-scheduled-requests";

    public static readonly JobDescriptor<ProvisionScheduledRequestsJob> Descriptor = new()
    {
        Id = JobName,
        Title = "the provisioning of scheduled requests",
        Lease = TimeSpan.FromMinutes(10),
        Schedule = JobDescriptor.From<RequestsOptions>(o => o.ProvisionCron),
        Run = job => job.RunAsync(CancellationToken.None),
    };

    /// <returns>How many requests were due.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        if (rateLimit.LimitedUntil is { } until)
        {
            logger.LogInformation("Provisioning run skipped: the Claude API rate limits the organization until {Until:u}", until);
            return 0;
        }
        return await leases.RunExclusiveAsync(Descriptor, RunLeasedAsync, () => 0, cancellationToken);
    }

    /// <summary>The run itself, under the job's lease: <paramref name="cancellationToken"/> is cancelled when the lease is lost.</summary>
    private async Task<int> RunLeasedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<long> due;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            due = await db.AccessRequests.Where(r => r.Status == AccessRequestStatus.Approved && r.ProvisionAt != null && r.ProvisionAt <= now)
                .OrderBy(r => r.ProvisionAt).Select(r => r.Id).ToListAsync(cancellationToken);
        }
        var actor = AuditActor.System(JobName, now, $"{JobName}-{now.UtcTicks}");
        foreach (var id in due)
        {
            var outcome = await fulfil.HandleAsync(id, actor, userFacing: false, cancellationToken);
            if (outcome.State == FulfilmentState.Deferred)
            {
                // The next request would hear the same: it keeps its place (and its attempts) for the next run.
                logger.LogInformation("Provisioning run stopped: the Claude Admin API cannot take calls now; the remaining requests wait for the next run");
                break;
            }
        }
        return due.Count;
    }
}
