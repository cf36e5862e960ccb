using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Infrastructure.Jobs;

/// <summary>
/// Every "run now" button: queues the same job Hangfire runs on schedule (its lease prevents two runs overlapping), and,
/// once it has succeeded, the job its descriptor names to follow (a people sync is followed by the directory sync that
/// gives Claude's people what it stored). Who may ask is the descriptor's rule, checked here whatever the page shows; the
/// request is audited with who asked.
/// </summary>
public sealed class RunJobNow(JobRegistry jobs, RequestedJobQueue queue)
{
    /// <returns>The Hangfire id of the job queued first.</returns>
    public async Task<Result<string>> HandleAsync(Viewer viewer, string jobId, string correlationId, CancellationToken cancellationToken = default)
    {
        if (jobs.Find(jobId) is not { RunNowAuditAction: { } auditAction } job)
        {
            return Refusal.NotFound($"There is no job '{jobId}' to run now.");
        }
        if (!job.MayRunNow(viewer))
        {
            return Refusal.Forbidden($"Only admins can run {job.Title} now.");
        }
        return await queue.QueueAsync(viewer, client =>
        {
            var first = job.Enqueue(client);
            for (var (parent, next) = (first, job.Then); next is not null; next = next.Then)
            {
                parent = next.ContinueWith(client, parent);
            }
            return first;
        }, auditAction, job.RunNowTarget ?? new AuditTarget("Job", job.Id), correlationId, cancellationToken);
    }
}
