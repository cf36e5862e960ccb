using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>
/// An approver answers the step waiting for them: approve (the next step opens, or the request is
/// approved and fulfilled) or deny (a comment is required; the request ends). Only the step's
/// approver, never on one's own request, never twice in one request.
/// </summary>
public sealed class DecideApproval(IDbContextFactory<ReviewPortalDbContext> contexts, FulfilAccessRequest fulfil, IValidator<DecideApproval.Command> validator,
    TimeProvider time)
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

    public async Task<ApprovalResult> HandleAsync(Viewer viewer, Command command, string correlationId, CancellationToken cancellationToken = default)
    {
        var validation = await validator.ValidateAsync(command, cancellationToken);
        if (!validation.IsValid)
        {
            return ApprovalResult.Invalid(string.Join(" ", validation.Errors.Select(e => e.ErrorMessage)));
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
            step.Status = command.Approve ? ApprovalStatus.Approved : ApprovalStatus.Denied;
            step.DecidedById = viewer.IdentityId;
            step.DecidedAt = now;
            step.Comment = comment;
            var next = request.Steps.Where(s => s.Status == ApprovalStatus.Waiting).OrderBy(s => s.Order).FirstOrDefault();
            if (!command.Approve)
            {
                foreach (var waiting in request.Steps.Where(s => s.Status == ApprovalStatus.Waiting))
                {
                    waiting.Status = ApprovalStatus.Skipped;
                }
                request.Status = AccessRequestStatus.Denied;
                request.CompletedAt = now;
            }
            else if (next is not null)
            {
                next.Status = ApprovalStatus.Pending;
                next.ActivatedAt = now;
            }
            else
            {
                request.Status = AccessRequestStatus.Approved;
            }
            db.Audit(actor, command.Approve ? "request.step-approved" : "request.denied", request,
                after: new { step = step.Order, comment, nextApprover = next?.ApproverId }, identityId: request.BeneficiaryId);
            await db.SaveChangesAsync(cancellationToken);
            requestId = request.Id;
            approvedFinal = request.Status == AccessRequestStatus.Approved;
        }
        // Provisioning calls the Admin API: outside the transaction that recorded the approval.
        if (approvedFinal)
        {
            await fulfil.HandleAsync(requestId, actor, cancellationToken);
        }
        return ApprovalResult.Done(approvedFinal ? "Approved: access provisioned or handed to an admin." : command.Approve ? "Approved: the next approver has it now." : "Denied.");
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
                problems.Add($"Step {id}: {result.Message}");
            }
        }
        return (approved, problems);
    }

    private static ApprovalResult? Check(Viewer viewer, ApprovalStep? step)
    {
        if (step is null)
        {
            return ApprovalResult.Invalid("No such approval step.");
        }
        var me = viewer.IdentityId;
        if (me is null || step.ApproverId != me)
        {
            return ApprovalResult.Forbidden("Only the step's approver can answer it.");
        }
        if (step.Status != ApprovalStatus.Pending)
        {
            return ApprovalResult.Invalid($"This step is {step.Status.ToString().ToLowerInvariant()}, not waiting for an answer.");
        }
        var request = step.AccessRequest;
        if (request.RequesterId == me || request.BeneficiaryId == me)
        {
            return ApprovalResult.Forbidden("Nobody approves their own request.");
        }
        if (request.Steps.Any(s => s.Id != step.Id && s.DecidedById == me && s.Status == ApprovalStatus.Approved))
        {
            return ApprovalResult.Forbidden("You already approved an earlier step of this request: another person must approve this one.");
        }
        return null;
    }
}

public sealed record ApprovalResult(bool Ok, bool Denied, string Message)
{
    public static ApprovalResult Done(string message) => new(true, false, message);
    public static ApprovalResult Invalid(string message) => new(false, false, message);
    public static ApprovalResult Forbidden(string message) => new(false, true, message);
}
