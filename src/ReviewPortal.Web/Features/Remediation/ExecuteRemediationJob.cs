using System.Net;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Resilience;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Remediation;

/// <summary>
/// Scan and act: every due task (Pending, or Failed whose backoff has passed, or Running long enough that its node
/// must have died) is claimed with a conditional update, marked Running, and carried out with its documented Admin
/// API call. Success (or 404: already gone) → Succeeded; a documented 400 refusal → ManualRequired quoting the API;
/// anything else → Failed with exponential backoff until <see cref="RemediationOptions.MaxAttempts"/>, then it gives
/// up and waits for an admin. Claims, outcomes and their audit entries are committed before/after the call, so a
/// re-run after success finds nothing to do and calls nothing. When the API cannot take calls now (rate limited beyond
/// Claude:MaxRetryAfter, or its circuit open), the task is due again when the API said, without being charged an
/// attempt, and the run ends: the tasks behind it would only hear the same. While a rate limit lasts, runs send nothing.
/// A removal that would leave its resource without an admin/owner is not called but left to a person (<see cref="AdminsLeft"/>).
/// </summary>
public sealed class ExecuteRemediationJob(
    IDbContextFactory<ReviewPortalDbContext> contexts,
    IAdminClient admin,
    DatabaseLease leases,
    ClaudeRateLimitGate rateLimit,
    RemediationOptions options,
    TimeProvider time,
    ILogger<ExecuteRemediationJob> logger)
{
    public const string JobName = "execute-remediation";

    public static readonly JobDescriptor<ExecuteRemediationJob> Descriptor = new()
    {
        Id = JobName,
        Title = "remediation",
        Lease = TimeSpan.FromMinutes(15),
        Schedule = JobDescriptor.From<RemediationOptions>(o => o.Cron),
        RunNowAuditAction = "remediation.run-requested",
        Run = job => job.RunAsync(CancellationToken.None),
    };

    public async Task<RemediationRunResult> RunAsync(CancellationToken cancellationToken = default)
    {
        if (rateLimit.LimitedUntil is { } until)
        {
            logger.LogInformation("Remediation run skipped: the Claude API rate limits the organization until {Until:u}", until);
            return new RemediationRunResult(Skipped: true, 0, 0, 0, 0);
        }
        return await leases.RunExclusiveAsync(Descriptor, RunLeasedAsync,
            () => new RemediationRunResult(Skipped: true, 0, 0, 0, 0), cancellationToken);
    }

    /// <summary>The run itself, under the job's lease: <paramref name="cancellationToken"/> is cancelled when the lease is lost.</summary>
    private async Task<RemediationRunResult> RunLeasedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<long> due;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            due = await db.RemediationTasks
                .Where(t => (t.Status == RemediationStatus.Pending && (t.NextAttemptAt == null || t.NextAttemptAt <= now))
                    || ((t.Status == RemediationStatus.Failed || t.Status == RemediationStatus.Running) && t.NextAttemptAt != null && t.NextAttemptAt <= now))
                .OrderBy(t => t.NextAttemptAt).ThenBy(t => t.Id)
                .Select(t => t.Id).Take(options.BatchSize).ToListAsync(cancellationToken);
        }

        int succeeded = 0, manual = 0, failed = 0;
        foreach (var id in due)
        {
            var (status, deferred) = await ExecuteAsync(id, cancellationToken);
            switch (status)
            {
                case RemediationStatus.Succeeded: succeeded++; break;
                case RemediationStatus.ManualRequired: manual++; break;
                case RemediationStatus.Failed: failed++; break;
            }
            if (deferred)
            {
                logger.LogInformation("Remediation run stopped: the Claude Admin API cannot take calls now; the remaining tasks wait for the next run");
                break;
            }
        }
        if (due.Count > 0)
        {
            logger.LogInformation("Remediation run: {Due} due, {Succeeded} succeeded, {Manual} manual, {Failed} failed", due.Count, succeeded, manual, failed);
        }
        return new RemediationRunResult(false, due.Count, succeeded, manual, failed);
    }

    private async Task<(RemediationStatus? Status, bool Deferred)> ExecuteAsync(long taskId, CancellationToken cancellationToken)
    {
        var claimedAt = time.GetUtcNow();
        var correlationId = $"remediation-{taskId}-{claimedAt.UtcTicks}";
        RemediationTask task;
        RemediationCall call;
        int? campaignId;
        string? blockedBy = null;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            // The claim: only the run that moves the row out of its due state gets to call the API.
            var claimed = await db.RemediationTasks
                .Where(t => t.Id == taskId
                    && ((t.Status == RemediationStatus.Pending && (t.NextAttemptAt == null || t.NextAttemptAt <= claimedAt))
                        || ((t.Status == RemediationStatus.Failed || t.Status == RemediationStatus.Running) && t.NextAttemptAt != null && t.NextAttemptAt <= claimedAt)))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(t => t.Status, RemediationStatus.Running)
                    .SetProperty(t => t.Attempts, t => t.Attempts + 1)
                    .SetProperty(t => t.NextAttemptAt, claimedAt + options.RunningTimeout), cancellationToken);
            if (claimed == 0)
            {
                return (null, false);
            }
            task = await db.RemediationTasks.AsNoTracking()
                .Include(t => t.Grant).ThenInclude(g => g.Identity)
                .Include(t => t.Grant).ThenInclude(g => g.Entitlement).ThenInclude(e => e.Resource)
                .SingleAsync(t => t.Id == taskId, cancellationToken);
            campaignId = await CampaignOfAsync(db, task, cancellationToken);
            call = RemediationCall.For(task);
            if (task.Action == RemediationAction.ArchiveApiKey
                && await db.Grants.AnyAsync(g => g.IdentityId == task.Grant.IdentityId && g.EndedAt == null
                    && g.Entitlement.Kind == EntitlementKind.ApiKey, cancellationToken))
            {
                // Archiving cannot be undone; a key someone turned back on during the grace period needs a person's call.
                blockedBy = $"The API key {task.Grant.Identity.DisplayName} is active again since it was deactivated, so it was not archived " +
                    "automatically. Confirm with its owner, then archive it in the Claude Console (API keys page) and mark this task done.";
            }
            else if (call.Execute is not null && await IsLastAdminAsync(db, task, cancellationToken))
            {
                blockedBy = $"{AdminsLeft.NotRemoved(task.Grant.Identity.DisplayName, task.Grant.Entitlement.Resource.Name)} Every other " +
                    $"admin/owner's access has been or is being removed. Assign another admin first. {RemediationCall.ManualStep(task)}";
            }
        }

        Outcome outcome;
        if (blockedBy is not null || call.Execute is null)
        {
            outcome = new Outcome(RemediationStatus.ManualRequired, blockedBy ?? call.ManualReason, null, AlreadyGone: false);
        }
        else
        {
            outcome = await CallAsync(call, cancellationToken);
        }
        return (await RecordAsync(task, call, outcome, campaignId, correlationId), outcome.Deferred);
    }

    private async Task<Outcome> CallAsync(RemediationCall call, CancellationToken cancellationToken)
    {
        try
        {
            await call.Execute!(admin, cancellationToken);
            return new Outcome(RemediationStatus.Succeeded, null, null, AlreadyGone: false);
        }
        catch (ClaudeApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // Gone already (removed by hand, or our own earlier call whose answer was lost): the goal is met.
            return new Outcome(RemediationStatus.Succeeded, null, ex.SummaryWithRequestId, AlreadyGone: true);
        }
        catch (Exception ex) when (ClaudeFailure.IsUnavailableForNow(ex))
        {
            // Not this task's failure: the API takes no calls until then (or for a moment, while its circuit is open).
            var until = ex is ClaudeApiException { RetryAt: { } at } ? at : time.GetUtcNow() + options.BaseBackoff;
            var why = ex is ClaudeApiException api
                ? $"The Claude Admin API rate limited the organization: {api.SummaryWithRequestId}; rate limited until {Humanize.DateTime(until)}."
                : "The Claude Admin API failed repeatedly just now, so the portal paused its calls to it.";
            return new Outcome(RemediationStatus.Pending, null, $"{why} Not counted as an attempt; due again at {Humanize.DateTime(until)}.",
                AlreadyGone: false) { Deferred = true, DueAgainAt = until };
        }
        catch (ClaudeApiException ex) when (ex.StatusCode == HttpStatusCode.BadRequest)
        {
            // Documented refusals (admin users, SCIM-managed membership, roles the API cannot assign) never succeed on retry.
            var message = ex.ApiMessage ?? "(no message)";
            return new Outcome(RemediationStatus.ManualRequired,
                $"The Admin API refused {call.Endpoint}: \"{message}\" ({(int)ex.StatusCode} {ex.ErrorType}).", ex.SummaryWithRequestId, AlreadyGone: false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // 429/5xx after the client's own retries, 401/403 until the key is fixed, transport errors and timeouts.
            logger.LogWarning(ex, "Remediation call {Endpoint} failed", call.Endpoint);
            return new Outcome(RemediationStatus.Failed, null, ex is ClaudeApiException api ? api.SummaryWithRequestId : $"{ex.GetType().Name}: {ex.Message}",
                AlreadyGone: false);
        }
    }

    private async Task<RemediationStatus> RecordAsync(RemediationTask claimed, RemediationCall call, Outcome outcome, int? campaignId,
        string correlationId)
    {
        // Not cancellable: the upstream change (or its failure) has happened and must be recorded.
        var now = time.GetUtcNow();
        var actor = AuditActor.System(JobName, now, correlationId);
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        var task = await db.RemediationTasks.SingleAsync(t => t.Id == claimed.Id);
        var identityId = claimed.Grant.IdentityId;
        var endpoint = call.Endpoint.Length == 0 ? null : call.Endpoint;
        switch (outcome.Status)
        {
            case RemediationStatus.Pending when outcome.Deferred:
                // Back to where the claim found it, minus the claim's attempt.
                task.Defer(outcome.DueAgainAt!.Value, outcome.Error);
                db.Audit(actor, "remediation.deferred", task, after: new { task.Action, endpoint, task.LastError, task.NextAttemptAt },
                    identityId: identityId, campaignId: campaignId);
                break;
            case RemediationStatus.Succeeded:
                task.Succeed(now);
                db.Audit(actor, "remediation.succeeded", task, after: new
                {
                    task.Action, target = task.TargetValue, endpoint, alreadyGone = outcome.AlreadyGone, response = outcome.Error, task.Attempts,
                }, identityId: identityId, campaignId: campaignId);
                break;
            case RemediationStatus.ManualRequired:
                task.RequireManual(outcome.Error, outcome.Error is null ? outcome.Instructions : $"{outcome.Instructions} {RemediationCall.ManualStep(claimed)}");
                db.Audit(actor, "remediation.manual-required", task, after: new { task.Action, endpoint, task.Instructions, task.Attempts },
                    identityId: identityId, campaignId: campaignId);
                break;
            default:
                var gaveUp = task.Attempts >= options.MaxAttempts;
                task.Fail(outcome.Error, gaveUp ? null : now + options.BackoffAfter(task.Attempts));
                if (gaveUp)
                {
                    db.Audit(actor, "remediation.gave-up", task, after: new { task.Action, endpoint, task.Attempts, task.LastError },
                        identityId: identityId, campaignId: campaignId);
                }
                else
                {
                    db.Audit(actor, "remediation.failed", task, after: new { task.Action, endpoint, task.Attempts, task.LastError, task.NextAttemptAt },
                        identityId: identityId, campaignId: campaignId);
                }
                break;
        }
        await db.SaveChangesAsync(CancellationToken.None);
        return task.Status;
    }

    /// <summary>
    /// The last-admin guard again, just before the call: the resource must keep another admin/owner grant that no removal
    /// has run or is running for. The task was claimed (Running) before this read, so two runs that somehow overlap
    /// each see the other's claim and cannot both remove; a grant the sync already closed takes no admin away.
    /// </summary>
    private static async Task<bool> IsLastAdminAsync(ReviewPortalDbContext db, RemediationTask task, CancellationToken cancellationToken) =>
        task.Grant.Entitlement.IsPrivileged && task.Grant.EndedAt is null
        && !await AdminsLeft.Staying(db, [task.Grant.Entitlement.ResourceId], AdminsLeft.Removals.Started)
            .AnyAsync(a => a.GrantId != task.GrantId, cancellationToken);

    internal static async Task<int?> CampaignOfAsync(ReviewPortalDbContext db, RemediationTask task, CancellationToken cancellationToken) =>
        task.ReviewItemId is { } itemId
            ? await db.ReviewItems.Where(i => i.Id == itemId).Select(i => (int?)i.CampaignId).FirstOrDefaultAsync(cancellationToken)
            : null;


    private sealed record Outcome(RemediationStatus Status, string? Instructions, string? Error, bool AlreadyGone)
    {
        /// <summary>The API could not take the call now; the task is due again at <see cref="DueAgainAt"/>.</summary>
        public bool Deferred { get; init; }

        public DateTimeOffset? DueAgainAt { get; init; }
    }
}

public sealed record RemediationRunResult(bool Skipped, int Due, int Succeeded, int Manual, int Failed);
