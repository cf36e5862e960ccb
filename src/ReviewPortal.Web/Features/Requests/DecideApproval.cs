using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>
/// An approver answers the step waiting for them: approve (the next step opens, or the request is
/// approved and fulfilled) or deny (a comment is required; the request ends). Only the step's
/// approver, never on one's own request, never twice in one request. The final approval commits with
/// the request due for provisioning, then provisions while the approver waits, for at most
/// Claude:UserFacingTimeout; whatever goes wrong after the commit, the approval stands and the
/// approver hears that provisioning is retried or handed to an admin.
/// <para>
/// Once: the answer carries the step's version the approver's page showed, and the unit saves only if the step and its
/// request are still as it read them (both are concurrency tokens). A double click, or Approve in one tab and Deny in
/// another, gives one answer, one audit entry and at most one provisioning; the other click hears the request changed.
/// </para>
/// </summary>
public sealed class DecideApproval(IDbContextFactory<ReviewPortalDbContext> contexts, FulfilAccessRequest fulfil, IValidator<DecideApproval.Command> validator,
    TimeProvider time, ILogger<DecideApproval> logger)
{
    public const int MinimumDenyComment = 5;

    /// <param name="ExpectedVersion">The step's <see cref="ApprovalStep.Version"/> as the approver's page showed it.</param>
    public sealed record Command(long StepId, bool Approve, string? Comment, int ExpectedVersion);

    /// <summary>A step as the approver's page showed it (bulk approval answers each at the version it was seen).</summary>
    public sealed record SeenStep(long StepId, int Version);

    public sealed class Validator : AbstractValidator<Command>
    {
        public static readonly string DenyCommentNeeded =
            $"Say why you deny it (at least {MinimumDenyComment} characters): the requester sees your comment.";

        public Validator()
        {
            RuleFor(c => c.StepId).GreaterThan(0).WithMessage("Choose the approval step to decide.");
            // Required for Deny only: the requester is told why (ApprovalsPage labels it "required to deny"); an approval
            // needs no reason beyond the approver's name, which the grant's trail records anyway.
            RuleFor(c => c.Comment).Must(c => c?.Trim().Length >= MinimumDenyComment).When(c => !c.Approve)
                .WithMessage(DenyCommentNeeded);
            RuleFor(c => c.Comment).MaximumLength(MaxLengths.ApprovalStep.Comment)
                .WithMessage("Keep the comment to {MaxLength} characters; this one has {TotalLength}.");
        }
    }

    public async Task<Result<ApprovalResult>> HandleAsync(Viewer viewer, Command command, string correlationId, CancellationToken cancellationToken = default)
    {
        var validation = await validator.ValidateAsync(command, cancellationToken);
        if (!validation.IsValid)
        {
            return validation.ToRefusal();
        }
        var comment = command.Comment?.Trim();
        var now = time.GetUtcNow();
        var actor = new AuditActor(viewer.IdentityId, viewer.Name, now, correlationId);
        Answered answered;
        try
        {
            // One unit: the read, the checks (the version among them), the answer and its audit entry commit together or not at all.
            answered = await contexts.WriteAsync(async (db, ct) =>
            {
                var step = await db.ApprovalSteps.Include(s => s.AccessRequest).ThenInclude(r => r.Steps)
                    .FirstOrDefaultAsync(s => s.Id == command.StepId, ct);
                if (Check(viewer, step, command.ExpectedVersion) is { } refusal)
                {
                    return new Answered(refusal, 0, false);
                }
                var request = step!.AccessRequest;
                var next = request.Decide(step, command.Approve, viewer.IdentityId, comment, now);
                db.Audit(actor, command.Approve ? "request.step-approved" : "request.denied", request,
                    after: new { step = step.Order, comment, nextApprover = next?.ApproverId }, identityId: request.BeneficiaryId);
                return new Answered(null, request.Id, request.Status == AccessRequestStatus.Approved);
            }, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another answer (the other tab, the first of two clicks), an escalation or a provisioning attempt saved between
            // this unit's read and its save: that one stands, this one changed nothing.
            return Changed();
        }
        catch (LedgerBusyException)
        {
            // The unit already waited for the ledger and ran again (LedgerLock); the log has the detail.
            return Refusal.Busy("Your answer was not saved");
        }
        if (answered.Refusal is { } refused)
        {
            return refused;
        }
        // Provisioning calls the Admin API: outside the unit that recorded the approval (ADR 0007). Of two final
        // approvals only one got here, and FulfilAccessRequest's claim lets only one attempt call the API.
        if (answered.ApprovedFinal)
        {
            return await ProvisionAsync(answered.RequestId, actor, cancellationToken);
        }
        return new ApprovalResult(command.Approve ? "Approved: the next approver has it now." : "Denied.");
    }

    private sealed record Answered(Refusal? Refusal, long RequestId, bool ApprovedFinal);

    private static Refusal Changed(string? now = null) =>
        Refusal.Conflict($"This request changed while you were looking at it{now}. Your answer was not saved: reload to see where it stands.");

    private async Task<ApprovalResult> ProvisionAsync(long requestId, AuditActor actor, CancellationToken cancellationToken)
    {
        try
        {
            var outcome = await fulfil.HandleAsync(requestId, actor, userFacing: true, cancellationToken);
            return new ApprovalResult(outcome.Message) { ProvisioningPending = outcome.Pending };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The approval has committed and the request is due: the job provisions it. Not a failure of the approver's action.
            logger.LogError(ex, "Provisioning request {RequestId} failed after its approval (reference {CorrelationId}); the scheduled job retries it",
                requestId, actor.CorrelationId);
            return new ApprovalResult($"Approved. Provisioning did not finish (reference {actor.CorrelationId}): the portal tries again within minutes, " +
                "and an admin provisions it by hand if that keeps failing.") { ProvisioningPending = true };
        }
    }

    /// <summary>Bulk approve: each step goes through the same checks; refusals are reported, never silently skipped.</summary>
    public async Task<(int Approved, IReadOnlyList<string> Problems)> ApproveManyAsync(Viewer viewer, IReadOnlyList<SeenStep> steps, string? comment,
        string correlationId, CancellationToken cancellationToken = default)
    {
        var approved = 0;
        var problems = new List<string>();
        foreach (var seen in steps.DistinctBy(s => s.StepId))
        {
            var result = await HandleAsync(viewer, new Command(seen.StepId, true, comment, seen.Version), correlationId, cancellationToken);
            if (result.Ok)
            {
                approved++;
            }
            else
            {
                problems.Add($"Step {seen.StepId}: {result.Refusal.Message}");
            }
        }
        return (approved, problems);
    }

    /// <summary>
    /// Bulk deny: one comment for every selected step (the requesters each see it), checked once before anything is
    /// answered; then each step goes through the same checks as a single answer, approver-scoped, and a step the viewer
    /// may not answer is reported, never denied.
    /// </summary>
    public async Task<Result<BulkAnswer>> DenyManyAsync(Viewer viewer, IReadOnlyList<SeenStep> steps, string? comment, string correlationId,
        CancellationToken cancellationToken = default)
    {
        if (steps.Count == 0)
        {
            return Refusal.Invalid("Select the requests to deny.");
        }
        var validation = await validator.ValidateAsync(new Command(steps[0].StepId, false, comment, steps[0].Version), cancellationToken);
        if (validation.Errors.FirstOrDefault(e => e.PropertyName == nameof(Command.Comment)) is { } bad)
        {
            return ValidationRefusal.OnField(nameof(Command.Comment), bad.ErrorMessage);
        }
        var denied = 0;
        var problems = new List<string>();
        foreach (var seen in steps.DistinctBy(s => s.StepId))
        {
            var result = await HandleAsync(viewer, new Command(seen.StepId, false, comment, seen.Version), correlationId, cancellationToken);
            if (result.Ok)
            {
                denied++;
            }
            else
            {
                problems.Add($"Step {seen.StepId}: {result.Refusal.Message}");
            }
        }
        return new BulkAnswer(denied, problems);
    }

    private static Refusal? Check(Viewer viewer, ApprovalStep? step, int expectedVersion)
    {
        if (step is null)
        {
            return Refusal.NotFound("No such approval step.");
        }
        var me = viewer.IdentityId;
        if (me is null || step.ApproverId != me)
        {
            return Refusal.Forbidden("Only the step's approver can answer it.");
        }
        if (step.Version != expectedVersion)
        {
            // Answered, skipped, opened or escalated since the approver's page showed it: their answer was to something else.
            return Changed(step.Status == ApprovalStatus.Pending ? null : $" (this step is now {step.Status.ToString().ToLowerInvariant()})");
        }
        if (step.Status != ApprovalStatus.Pending)
        {
            // Answered, escalated or skipped since the approver opened it.
            return Refusal.Conflict($"This step is {step.Status.ToString().ToLowerInvariant()}, not waiting for an answer.");
        }
        var request = step.AccessRequest;
        if (request.RequesterId == me || request.BeneficiaryId == me)
        {
            return Refusal.Forbidden("Nobody approves their own request.");
        }
        if (request.Steps.Any(s => s.Id != step.Id && s.DecidedById == me && s.Status == ApprovalStatus.Approved))
        {
            return Refusal.Forbidden("You already approved an earlier step of this request: another person must approve this one.");
        }
        return null;
    }
}

/// <summary>What a bulk answer did: how many steps were answered, and why each other one was not.</summary>
public sealed record BulkAnswer(int Answered, IReadOnlyList<string> Problems);

/// <summary>What the approver is told: the step is answered (and, on the final approval, where provisioning stands).</summary>
public sealed record ApprovalResult(string Message)
{
    /// <summary>Approved, but the access is not provisioned yet: the portal retries (the message says when).</summary>
    public bool ProvisioningPending { get; init; }
}
