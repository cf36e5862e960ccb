using System.Net;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Claude;
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
/// re-run after success finds nothing to do and calls nothing.
/// </summary>
public sealed class ExecuteRemediationJob(
    IDbContextFactory<ReviewPortalDbContext> contexts,
    IAdminClient admin,
    DatabaseLease leases,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<ExecuteRemediationJob> logger)
{
    public const string JobName = "execute-remediation";

    public async Task<RemediationRunResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var options = RemediationOptions.From(configuration);
        await using var lease = await leases.TryAcquireAsync(JobName, options.RunningTimeout, cancellationToken);
        if (lease is null)
        {
            logger.LogInformation("Remediation run skipped: another run holds the lease");
            return new RemediationRunResult(Skipped: true, 0, 0, 0, 0);
        }
        // From here on the run stops when its lease is lost (another node has taken it over).
        cancellationToken = lease.Token;

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
            switch (await ExecuteAsync(id, options, cancellationToken))
            {
                case RemediationStatus.Succeeded: succeeded++; break;
                case RemediationStatus.ManualRequired: manual++; break;
                case RemediationStatus.Failed: failed++; break;
            }
        }
        if (due.Count > 0)
        {
            logger.LogInformation("Remediation run: {Due} due, {Succeeded} succeeded, {Manual} manual, {Failed} failed", due.Count, succeeded, manual, failed);
        }
        return new RemediationRunResult(false, due.Count, succeeded, manual, failed);
    }

    private async Task<RemediationStatus?> ExecuteAsync(long taskId, RemediationOptions options, CancellationToken cancellationToken)
    {
        var claimedAt = time.GetUtcNow();
        var correlationId = $"remediation-{taskId}-{claimedAt.UtcTicks}";
        RemediationTask task;
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
                return null;
            }
            task = await db.RemediationTasks.AsNoTracking()
                .Include(t => t.Grant).ThenInclude(g => g.Identity)
                .Include(t => t.Grant).ThenInclude(g => g.Entitlement).ThenInclude(e => e.Resource)
                .SingleAsync(t => t.Id == taskId, cancellationToken);
            campaignId = await CampaignOfAsync(db, task, cancellationToken);
            if (task.Action == RemediationAction.ArchiveApiKey
                && await db.Grants.AnyAsync(g => g.IdentityId == task.Grant.IdentityId && g.EndedAt == null
                    && g.Entitlement.Kind == EntitlementKind.ApiKey, cancellationToken))
            {
                // Archiving cannot be undone; a key someone turned back on during the grace period needs a person's call.
                blockedBy = $"The API key {task.Grant.Identity.DisplayName} is active again since it was deactivated, so it was not archived " +
                    "automatically. Confirm with its owner, then archive it in the Claude Console (API keys page) and mark this task done.";
            }
        }

        var call = RemediationCall.For(task);
        Outcome outcome;
        if (blockedBy is not null || call.Execute is null)
        {
            outcome = new Outcome(RemediationStatus.ManualRequired, blockedBy ?? call.ManualReason, null, AlreadyGone: false);
        }
        else
        {
            outcome = await CallAsync(call, cancellationToken);
        }
        return await RecordAsync(task, call, outcome, campaignId, options, correlationId);
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
            return new Outcome(RemediationStatus.Succeeded, null, Describe(ex), AlreadyGone: true);
        }
        catch (ClaudeApiException ex) when (ex.StatusCode == HttpStatusCode.BadRequest)
        {
            // Documented refusals (admin users, SCIM-managed membership, roles the API cannot assign) never succeed on retry.
            var message = ex.ApiMessage ?? "(no message)";
            return new Outcome(RemediationStatus.ManualRequired,
                $"The Admin API refused {call.Endpoint}: \"{message}\" ({(int)ex.StatusCode} {ex.ErrorType}).", Describe(ex), AlreadyGone: false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // 429/5xx after the client's own retries, 401/403 until the key is fixed, transport errors and timeouts.
            logger.LogWarning(ex, "Remediation call {Endpoint} failed", call.Endpoint);
            return new Outcome(RemediationStatus.Failed, null, ex is ClaudeApiException api ? Describe(api) : $"{ex.GetType().Name}: {ex.Message}",
                AlreadyGone: false);
        }
    }

    private async Task<RemediationStatus> RecordAsync(RemediationTask claimed, RemediationCall call, Outcome outcome, int? campaignId,
        RemediationOptions options, string correlationId)
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
            case RemediationStatus.Succeeded:
                task.Status = RemediationStatus.Succeeded;
                task.CompletedAt = now;
                task.NextAttemptAt = null;
                task.LastError = null;
                db.Audit(actor, "remediation.succeeded", task, after: new
                {
                    task.Action, target = task.TargetValue, endpoint, alreadyGone = outcome.AlreadyGone, response = outcome.Error, task.Attempts,
                }, identityId: identityId, campaignId: campaignId);
                break;
            case RemediationStatus.ManualRequired:
                task.Status = RemediationStatus.ManualRequired;
                task.NextAttemptAt = null;
                task.LastError = Truncate(outcome.Error);
                task.Instructions = Truncate(outcome.Error is null ? outcome.Instructions : $"{outcome.Instructions} {RemediationCall.ManualStep(claimed)}");
                db.Audit(actor, "remediation.manual-required", task, after: new { task.Action, endpoint, task.Instructions, task.Attempts },
                    identityId: identityId, campaignId: campaignId);
                break;
            default:
                task.Status = RemediationStatus.Failed;
                task.LastError = Truncate(outcome.Error);
                if (task.Attempts >= options.MaxAttempts)
                {
                    task.NextAttemptAt = null;
                    db.Audit(actor, "remediation.gave-up", task, after: new { task.Action, endpoint, task.Attempts, task.LastError },
                        identityId: identityId, campaignId: campaignId);
                }
                else
                {
                    task.NextAttemptAt = now + options.BackoffAfter(task.Attempts);
                    db.Audit(actor, "remediation.failed", task, after: new { task.Action, endpoint, task.Attempts, task.LastError, task.NextAttemptAt },
                        identityId: identityId, campaignId: campaignId);
                }
                break;
        }
        await db.SaveChangesAsync(CancellationToken.None);
        return task.Status;
    }

    internal static async Task<int?> CampaignOfAsync(ReviewPortalDbContext db, RemediationTask task, CancellationToken cancellationToken) =>
        task.ReviewItemId is { } itemId
            ? await db.ReviewItems.Where(i => i.Id == itemId).Select(i => (int?)i.CampaignId).FirstOrDefaultAsync(cancellationToken)
            : null;

    // The client's exception text carries status, type, message and request-id, never a key.
    private static string Describe(ClaudeApiException ex) =>
        $"{(int)ex.StatusCode} {ex.ErrorType ?? "(no type)"}: {ex.ApiMessage ?? "(no message)"}" + (ex.RequestId is null ? "" : $" (request-id {ex.RequestId})");

    private static string? Truncate(string? text) => text is { Length: > 2000 } ? text[..1997] + "…" : text;

    private sealed record Outcome(RemediationStatus Status, string? Instructions, string? Error, bool AlreadyGone);
}

public sealed record RemediationRunResult(bool Skipped, int Due, int Succeeded, int Manual, int Failed);
