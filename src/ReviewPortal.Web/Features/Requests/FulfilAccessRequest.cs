using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewPortal.Claude;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>
/// Provisions an approved request that is due (<see cref="AccessRequest.ProvisionAt"/>): workspace roles for people through
/// the Admin API (add the member, or change the role of an existing one); everything the API cannot create (API keys,
/// seats, org roles, groups) becomes a manual step for an admin. The grant records the request, and its history the
/// request and every approval: the trail reviewers see later.
/// <para>
/// Exactly once: an attempt first claims the request (a conditional update that moves <c>ProvisionAt</c> past
/// <see cref="FulfilmentOptions.ClaimTimeout"/>), and only the holder of that claim records the outcome. A failed call is
/// never the approver's problem: whatever the Admin API does (refuses, hangs, breaks, is overloaded, rate limits, its
/// circuit is open), the request stays approved and either waits for its next attempt with the reason in words, or, when
/// retrying cannot help or the attempts are spent, goes to the admins' queue. A call someone waits for is cut at
/// <see cref="ClaudeOptions.UserFacingTimeout"/>; <see cref="ProvisionScheduledRequestsJob"/> makes the later attempts.
/// </para>
/// </summary>
public sealed class FulfilAccessRequest(IDbContextFactory<ReviewPortalDbContext> contexts, IAdminClient admin, IOptions<ClaudeOptions> claude,
    IOptions<FulfilmentOptions> fulfilment, TimeProvider time, ILogger<FulfilAccessRequest> logger)
{
    /// <param name="userFacing">A person waits for the answer: the Admin API call is cut at <see cref="ClaudeOptions.UserFacingTimeout"/>.</param>
    public async Task<FulfilmentOutcome> HandleAsync(long requestId, AuditActor actor, bool userFacing = false, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        DateTimeOffset startsAt;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var due = await Due(db, requestId, now).Select(r => new { r.StartsAt }).FirstOrDefaultAsync(cancellationToken);
            if (due is null)
            {
                return FulfilmentOutcome.NothingToDo; // Done, handed to an admin, or held by another attempt.
            }
            startsAt = due.StartsAt;
        }
        if (startsAt > now)
        {
            return await ScheduleAsync(requestId, startsAt, actor, now, cancellationToken);
        }

        // The claim: only the attempt that moves the request out of its due state gets to call the API. Stored at the
        // microsecond, the finest every provider keeps, so the holder recognises its own claim when it records. It moves
        // the version on too, so a writer that read the request before the claim (an admin's confirmation) cannot save.
        var claim = Microseconds(now + FulfilmentOptions.ClaimTimeout);
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var claimed = await Due(db, requestId, now).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.ProvisionAt, claim)
                .SetProperty(r => r.ProvisionAttempts, r => r.ProvisionAttempts + 1)
                .SetProperty(r => r.Version, r => r.Version + 1), cancellationToken);
            if (claimed == 0)
            {
                return FulfilmentOutcome.NothingToDo;
            }
        }

        AccessRequest request;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            request = await db.AccessRequests.AsNoTracking().Include(r => r.Entitlement).ThenInclude(e => e.Resource).Include(r => r.Beneficiary)
                .SingleAsync(r => r.Id == requestId, cancellationToken);
        }
        var entitlement = request.Entitlement;
        var who = request.Beneficiary.DisplayName;
        if (entitlement.Kind != EntitlementKind.WorkspaceRole || request.Beneficiary.Kind != IdentityKind.Person
            || !request.Beneficiary.ExternalId.StartsWith("user_", StringComparison.Ordinal))
        {
            return await RecordAsync(requestId, claim, actor, Attempt.Manual(
                $"The Admin API cannot grant {entitlement.DisplayName}. Grant it to {who} in the Claude console, then confirm here.",
                "Approved. The Admin API cannot grant this access, so an admin grants it by hand."));
        }

        var attempt = await CallAsync(request, userFacing, cancellationToken);
        return await RecordAsync(requestId, claim, actor, attempt);
    }

    /// <summary>Creates the grant with its trail (shared with the admin's manual confirmation).</summary>
    public void RecordGrant(ReviewPortalDbContext db, AccessRequest request, AuditActor actor, string how)
    {
        var now = time.GetUtcNow();
        var start = request.StartsAt > now ? request.StartsAt : now;
        var grant = new Grant
        {
            IdentityId = request.BeneficiaryId, EntitlementId = request.EntitlementId, GrantedAt = start,
            ExpiresAt = request.DurationDays is { } days ? start.AddDays(days) : null, Source = GrantSource.AccessRequest, AccessRequest = request,
        };
        grant.History.Add(new GrantEvent { OccurredAt = request.RequestedAt, Kind = GrantEvent.Requested, Detail = $"Requested: \"{request.Justification}\"",
            ActorDescription = request.Requester.DisplayName, ActorIdentityId = request.RequesterId });
        foreach (var step in request.Steps.Where(s => s.Status == ApprovalStatus.Approved).OrderBy(s => s.Order))
        {
            grant.History.Add(new GrantEvent { OccurredAt = step.DecidedAt ?? now, Kind = "approved",
                Detail = $"Approved (step {step.Order}, {Humanize.Approver(step.ApproverKind)}){(step.Comment is null ? "" : $": {step.Comment}")}",
                ActorDescription = step.Approver.DisplayName, ActorIdentityId = step.ApproverId });
        }
        grant.History.Add(new GrantEvent { OccurredAt = now, Kind = GrantEvent.Provisioned, Detail = how, ActorDescription = actor.Name });
        db.Grants.Add(grant);
        request.Fulfil(now);
        db.Audit(actor, "grant.opened", grant, after: new { source = "access-request", requestId = request.Id, how, grant.ExpiresAt },
            identityId: request.BeneficiaryId);
    }

    private static IQueryable<AccessRequest> Due(ReviewPortalDbContext db, long requestId, DateTimeOffset now) =>
        db.AccessRequests.Where(r => r.Id == requestId && r.Status == AccessRequestStatus.Approved && r.ProvisionAt != null && r.ProvisionAt <= now);

    private static DateTimeOffset Microseconds(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);

    /// <summary>Approved ahead of its start date: <see cref="ProvisionScheduledRequestsJob"/> comes back for it then.</summary>
    private async Task<FulfilmentOutcome> ScheduleAsync(long requestId, DateTimeOffset startsAt, AuditActor actor, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var note = $"Starts {startsAt:yyyy-MM-dd}: provisioned automatically on that day.";
        var scheduled = await contexts.WriteAsync(async (db, ct) =>
        {
            var moved = await Due(db, requestId, now).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.ProvisionAt, startsAt).SetProperty(r => r.FulfilmentNote, note).SetProperty(r => r.Version, r => r.Version + 1), ct);
            if (moved == 1)
            {
                var request = await db.AccessRequests.AsNoTracking().SingleAsync(r => r.Id == requestId, ct);
                db.Audit(actor, "request.fulfilment-scheduled", request, after: new { StartsAt = startsAt }, identityId: request.BeneficiaryId);
            }
            return moved == 1;
        }, cancellationToken);
        return scheduled
            ? new FulfilmentOutcome(FulfilmentState.Scheduled, $"Approved. The access starts on {startsAt:yyyy-MM-dd}: it is provisioned automatically that day.")
            : FulfilmentOutcome.NothingToDo;
    }

    private async Task<Attempt> CallAsync(AccessRequest request, bool userFacing, CancellationToken cancellationToken)
    {
        var entitlement = request.Entitlement;
        var workspace = entitlement.Resource;
        var who = request.Beneficiary.DisplayName;
        var timeout = claude.Value.UserFacingTimeout;
        // On the portal's clock (so tests move past it), and only for the call: recording the outcome is not cut short.
        using var deadline = userFacing ? new CancellationTokenSource(timeout, time) : null;
        using var linked = deadline is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await ProvisionWorkspaceRoleAsync(workspace.ExternalId, request.Beneficiary.ExternalId, entitlement.Value, linked?.Token ?? cancellationToken);
            return Attempt.Provisioned(
                $"Added to workspace {workspace.Name} as {entitlement.Value} through the Admin API.",
                $"Approved, and provisioned: {who} is now {entitlement.Value} in the workspace {workspace.Name}.");
        }
        catch (OperationCanceledException) when (deadline?.IsCancellationRequested == true && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Provisioning request {RequestId}: the Admin API did not answer within {Timeout} (Claude:UserFacingTimeout)", request.Id, timeout);
            return Attempt.Failed($"the Claude Admin API did not answer within {Seconds(timeout)}", null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var kind = ClaudeFailure.Classify(ex);
            logger.LogWarning(ex, "Provisioning request {RequestId} failed ({Kind})", request.Id, kind?.ToString() ?? "unexpected");
            var api = ex as ClaudeApiException;
            return kind switch
            {
                ClaudeFailureKind.Refused => Attempt.Manual(
                    $"The Admin API refused ({api!.ErrorType}: {api.ApiMessage}). Add {who} to {workspace.Name} as {entitlement.Value} by hand, then confirm.",
                    "Approved. The Admin API refused the change, so an admin provisions it by hand."),
                ClaudeFailureKind.RateLimited when api!.RetryAt is { } until => Attempt.Deferred(
                    $"the Claude Admin API is rate limiting the organization until {Humanize.DateTime(until)}", until),
                ClaudeFailureKind.CircuitOpen => Attempt.Deferred(
                    "the Claude Admin API failed repeatedly just now, so the portal is pausing its calls to it", null),
                ClaudeFailureKind.RateLimited => Attempt.Failed("the Claude Admin API is rate limiting the organization", null),
                ClaudeFailureKind.ServerError => Attempt.Failed(
                    $"the Claude Admin API is failing or overloaded (it answered {(int)api!.StatusCode} {api.ErrorType ?? "with no error type"})", null),
                ClaudeFailureKind.UnreadableAnswer => Attempt.Failed("the Claude Admin API answered with something the portal could not read", null),
                ClaudeFailureKind.Unreachable => Attempt.Failed("the Claude Admin API could not be reached", null),
                ClaudeFailureKind.TimedOut => Attempt.Failed("the Claude Admin API did not answer in time", null),
                _ => Attempt.Failed("provisioning failed unexpectedly (the portal's log has the details)", null),
            };
        }
    }

    /// <summary>
    /// Records the outcome, if this attempt still holds its claim (it always does, unless it outlived
    /// <see cref="FulfilmentOptions.ClaimTimeout"/> and another attempt took over, which then records its own). Not cancellable:
    /// the upstream change (or its failure) has happened and must be recorded.
    /// </summary>
    private async Task<FulfilmentOutcome> RecordAsync(long requestId, DateTimeOffset claim, AuditActor actor, Attempt attempt)
    {
        var options = fulfilment.Value;
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        var request = await db.AccessRequests.Include(r => r.Entitlement).ThenInclude(e => e.Resource).Include(r => r.Beneficiary)
            .Include(r => r.Requester).Include(r => r.Steps).ThenInclude(s => s.Approver)
            .SingleAsync(r => r.Id == requestId);
        if (request.Status != AccessRequestStatus.Approved || request.ProvisionAt != claim)
        {
            logger.LogWarning("Provisioning request {RequestId}: another attempt took over meanwhile; it records the outcome", requestId);
            return FulfilmentOutcome.NothingToDo;
        }

        var entitlement = request.Entitlement;
        var who = request.Beneficiary.DisplayName;
        string action;
        FulfilmentOutcome outcome;
        switch (attempt)
        {
            case { State: FulfilmentState.Provisioned }:
                RecordGrant(db, request, actor, "provisioned through the Admin API");
                request.Noted(attempt.Note);
                action = "request.fulfilled";
                outcome = new FulfilmentOutcome(FulfilmentState.Provisioned, attempt.Message);
                break;
            case { State: FulfilmentState.HandedToAdmin }:
                request.ProvisioningNotDone(retryAt: null, countsAsAttempt: true, attempt.Note);
                action = "request.fulfilment-manual";
                outcome = new FulfilmentOutcome(FulfilmentState.HandedToAdmin, attempt.Message);
                break;
            case { State: FulfilmentState.Deferred }:
            {
                // The API cannot take calls now, whoever asks: not this request's failure, so not one of its attempts.
                var attempts = Math.Max(0, request.ProvisionAttempts - 1);
                var next = attempt.RetryAt is { } at && at > now ? at : now + options.BackoffAfter(Math.Max(1, attempts));
                request.ProvisioningNotDone(next, countsAsAttempt: false,
                    $"Approved; not provisioned yet: {attempt.Why} ({Humanize.DateTime(now)}). The portal tries again at {Humanize.DateTime(next)}.");
                action = "request.fulfilment-deferred";
                outcome = new FulfilmentOutcome(FulfilmentState.Deferred, Retrying(attempt.Why, next));
                break;
            }
            default:
                if (request.ProvisionAttempts >= options.MaxAttempts)
                {
                    request.ProvisioningNotDone(retryAt: null, countsAsAttempt: true,
                        $"Provisioning through the Admin API failed {request.ProvisionAttempts} times (last: {attempt.Why}). " +
                        $"Add {who} to the workspace {entitlement.Resource.Name} as {entitlement.Value} by hand, then confirm here.");
                    action = "request.fulfilment-manual";
                    outcome = new FulfilmentOutcome(FulfilmentState.HandedToAdmin,
                        $"Approved. Provisioning failed ({attempt.Why}), so an admin provisions it by hand.");
                }
                else
                {
                    var next = now + options.BackoffAfter(request.ProvisionAttempts);
                    request.ProvisioningNotDone(next, countsAsAttempt: true,
                        $"Approved; not provisioned yet: {attempt.Why} ({Humanize.DateTime(now)}). The portal tries again at {Humanize.DateTime(next)} " +
                        $"(attempt {(request.ProvisionAttempts + 1).ToString(CultureInfo.InvariantCulture)} of {options.MaxAttempts.ToString(CultureInfo.InvariantCulture)}); " +
                        "if that keeps failing, an admin provisions it by hand.");
                    action = "request.fulfilment-failed";
                    outcome = new FulfilmentOutcome(FulfilmentState.Retrying, Retrying(attempt.Why, next));
                }
                break;
        }

        db.Audit(actor, action, request, after: new { note = request.FulfilmentNote, request.ProvisionAt, request.ProvisionAttempts },
            identityId: request.BeneficiaryId);
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogWarning("Provisioning request {RequestId}: the request changed while its outcome was recorded; the other writer's outcome stands", requestId);
            return FulfilmentOutcome.NothingToDo;
        }
        return outcome;
    }

    private static string Retrying(string why, DateTimeOffset next) =>
        $"Approved. Not provisioned yet: {why}. The portal tries again at {Humanize.DateTime(next)}; if that keeps failing, an admin provisions it by hand.";

    private static string Seconds(TimeSpan span) => span.TotalSeconds < 120
        ? $"{span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s"
        : $"{span.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min";

    private async Task ProvisionWorkspaceRoleAsync(string workspaceId, string userId, string role, CancellationToken cancellationToken)
    {
        try
        {
            await admin.AddWorkspaceMemberAsync(workspaceId, userId, role, cancellationToken);
        }
        catch (ClaudeApiException ex) when (ex.StatusCode is System.Net.HttpStatusCode.BadRequest or System.Net.HttpStatusCode.Conflict)
        {
            // Already a member with another role (or added by an attempt whose answer was lost): set that member's role.
            await admin.UpdateWorkspaceMemberRoleAsync(workspaceId, userId, role, cancellationToken);
        }
    }

    /// <summary>What one call came to, before it is recorded: the note for the request, the words for the approver.</summary>
    private sealed record Attempt(FulfilmentState State, string Note, string Message, string Why, DateTimeOffset? RetryAt)
    {
        public static Attempt Provisioned(string note, string message) => new(FulfilmentState.Provisioned, note, message, "", null);

        public static Attempt Manual(string note, string message) => new(FulfilmentState.HandedToAdmin, note, message, "", null);

        public static Attempt Failed(string why, DateTimeOffset? retryAt) => new(FulfilmentState.Retrying, "", "", why, retryAt);

        public static Attempt Deferred(string why, DateTimeOffset? retryAt) => new(FulfilmentState.Deferred, "", "", why, retryAt);
    }
}

/// <summary>Where a request's provisioning stands after an attempt.</summary>
public enum FulfilmentState
{
    /// <summary>Nothing was due: done already, handed to an admin, or another attempt holds it.</summary>
    NothingToDo,
    Provisioned,
    /// <summary>Approved ahead of its start date: provisioned on that day.</summary>
    Scheduled,
    /// <summary>In the admins' queue: the API cannot grant it, refused it, or every attempt failed.</summary>
    HandedToAdmin,
    /// <summary>This attempt failed; the next is scheduled.</summary>
    Retrying,
    /// <summary>The API could not take calls (rate limited, or its circuit open); tried again later, no attempt charged.</summary>
    Deferred,
}

/// <summary>The outcome of <see cref="FulfilAccessRequest.HandleAsync"/>, with the sentence for the approver.</summary>
public sealed record FulfilmentOutcome(FulfilmentState State, string Message)
{
    public static readonly FulfilmentOutcome NothingToDo = new(FulfilmentState.NothingToDo, "Approved.");

    /// <summary>Approved, but not provisioned yet: the portal retries.</summary>
    public bool Pending => State is FulfilmentState.Retrying or FulfilmentState.Deferred;
}
