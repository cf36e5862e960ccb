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
/// </summary>
public sealed class DecideApproval(IDbContextFactory<ReviewPortalDbContext> contexts, FulfilAccessRequest fulfil, IValidator<DecideApproval.Command> validator,
    TimeProvider time, ILogger<DecideApproval> logger)
{
    public const int MinimumDenyComment = 5;

    public sealed record Command(long StepId, bool Approve, string? Comment);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Comment).Must(c => c?.Trim().Length >= MinimumDenyComment).When(c => !c.Approve)
                .WithMessage($"Say why you deny it (at least {MinimumDenyComment} characters): the requester sees your comment.");
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
        long requestId;
        bool approvedFinal;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var step = await db.ApprovalSteps.Include(s => s.AccessRequest).ThenInclude(r => r.Steps)
                .FirstOrDefaultAsync(s => s.Id == command.StepId, cancellationToken);
            var refusal = Check(viewer, step);
            if (refusal is not null)
            {
                return refusal;
            }
            var request = step!.AccessRequest;
            var next = request.Decide(step, command.Approve, viewer.IdentityId, comment, now);
            db.Audit(actor, command.Approve ? "request.step-approved" : "request.denied", request,
                after: new { step = step.Order, comment, nextApprover = next?.ApproverId }, identityId: request.BeneficiaryId);
            await db.SaveChangesAsync(cancellationToken);
            requestId = request.Id;
            approvedFinal = request.Status == AccessRequestStatus.Approved;
        }
        // Provisioning calls the Admin API: outside the transaction that recorded the approval.
        if (approvedFinal)
        {
            return await ProvisionAsync(requestId, actor, cancellationToken);
        }
        return new ApprovalResult(command.Approve ? "Approved: the next approver has it now." : "Denied.");
    }

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
    public async Task<(int Approved, IReadOnlyList<string> Problems)> ApproveManyAsync(Viewer viewer, IReadOnlyList<long> stepIds, string? comment,
        string correlationId, CancellationToken cancellationToken = default)
    {
        var approved = 0;
        var problems = new List<string>();
        foreach (var id in stepIds.Distinct())
        {
            var result = await HandleAsync(viewer, new Command(id, true, comment), correlationId, cancellationToken);
            if (result.Ok)
            {
                approved++;
            }
            else
            {
                problems.Add($"Step {id}: {result.Refusal.Message}");
            }
        }
        return (approved, problems);
    }

    private static Refusal? Check(Viewer viewer, ApprovalStep? step)
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

/// <summary>What the approver is told: the step is answered (and, on the final approval, where provisioning stands).</summary>
public sealed record ApprovalResult(string Message)
{
    /// <summary>Approved, but the access is not provisioned yet: the portal retries (the message says when).</summary>
    public bool ProvisioningPending { get; init; }
}
