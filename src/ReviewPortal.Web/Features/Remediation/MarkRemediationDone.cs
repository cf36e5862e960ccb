using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Remediation;

/// <summary>
/// Admin's "Mark done" for a task carried out by hand (manual, or given up after retries). The confirming admin is the
/// audit entry's actor; the task becomes Succeeded and, like an API-made change, is only Verified once the next
/// directory sync shows the access gone (or Drift if it does not).
/// </summary>
public sealed class MarkRemediationDone(IDbContextFactory<ReviewPortalDbContext> contexts, IValidator<MarkRemediationDone.Command> validator,
    TimeProvider time)
{
    public const string AuditAction = "remediation.marked-done";
    public const int MaxNote = 500;

    /// <param name="Note">What was done by hand, for the audit trail (optional).</param>
    public sealed record Command(long TaskId, string? Note = null);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.TaskId).GreaterThan(0).WithMessage("Choose the task that was done.");
            RuleFor(c => c.Note).MaximumLength(MaxNote).WithMessage("Keep the note to {MaxLength} characters; this one has {TotalLength}.");
        }
    }

    public async Task<Result> HandleAsync(Viewer viewer, Command command, string correlationId, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "can confirm manual remediation") is { } refused)
        {
            return refused;
        }
        var validation = await validator.ValidateAsync(command, cancellationToken);
        if (!validation.IsValid)
        {
            return validation.ToRefusal();
        }
        var taskId = command.TaskId;
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var task = await db.RemediationTasks.Include(t => t.Grant).FirstOrDefaultAsync(t => t.Id == taskId, cancellationToken);
        if (task is null)
        {
            return Refusal.NotFound("No such remediation task.");
        }
        if (!task.CanBeMarkedDone)
        {
            return Refusal.Conflict($"Only manual tasks (or failed tasks that gave up) can be marked done; this one is {Humanize.Enum(task.Status).ToLowerInvariant()}.");
        }
        var before = new { task.Status, task.Attempts, task.LastError };
        task.Succeed(now);
        db.Audit(new AuditActor(viewer.IdentityId, viewer.Name, now, correlationId), AuditAction, task, before: before,
            after: new { task.Status, confirmedBy = viewer.Name, confirmedById = viewer.IdentityId, note = command.Note?.Trim() is { Length: > 0 } n ? n : null },
            identityId: task.Grant.IdentityId, campaignId: await ExecuteRemediationJob.CampaignOfAsync(db, task, cancellationToken));
        await db.SaveChangesAsync(cancellationToken);
        return Result.Done;
    }
}
