using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>
/// A reviewer names an out-of-office delegate for a period (<see cref="ReviewerDelegation"/>), replacing any earlier one.
/// Audited ("review.delegation-set"). A period that has already begun takes effect at once, in the same unit: the
/// reviewer's undecided items in open campaigns go to the delegate (<see cref="ReviewerDelegations"/>), except those about
/// the delegate or a key they own. A later start takes effect with the hourly reminder run on that day.
/// </summary>
public sealed class SetDelegation(IDbContextFactory<ReviewPortalDbContext> contexts, IValidator<SetDelegation.Command> validator,
    TimeProvider time)
{
    public const string AuditAction = "review.delegation-set";

    public sealed record Command
    {
        public int? DelegateId { get; init; }
        /// <summary>First day away (UTC).</summary>
        public DateOnly? From { get; init; }
        /// <summary>Last day away (UTC), included.</summary>
        public DateOnly? Until { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(TimeProvider time)
        {
            DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            RuleFor(c => c.DelegateId).NotNull().WithMessage("Choose who reviews for you while you are away.");
            RuleFor(c => c.From).Cascade(CascadeMode.Stop).NotNull().WithMessage("Choose your first day away.")
                .Must(from => from >= Today()).WithMessage("The first day away cannot be in the past.")
                .Must(from => from <= Today().AddDays(365)).WithMessage("The first day away must be within a year.");
            RuleFor(c => c.Until).Cascade(CascadeMode.Stop).NotNull().WithMessage("Choose your last day away.")
                .Must((c, until) => c.From is null || until >= c.From).WithMessage("The last day away cannot be before the first.")
                .Must((c, until) => c.From is null || until!.Value.DayNumber - c.From.Value.DayNumber < ReviewerDelegation.MaxDays)
                .WithMessage($"A delegation covers at most {ReviewerDelegation.MaxDays} days; set a new one when it ends.");
        }
    }

    /// <returns>How many undecided items went to the delegate now (0 for a period that starts later).</returns>
    public async Task<Result<int>> HandleAsync(Viewer viewer, Command command, string correlationId, CancellationToken cancellationToken = default)
    {
        if (viewer.IdentityId is not { } reviewerId)
        {
            return Refusal.Forbidden("Your sign-in is not linked to a person in the directory, so there are no reviews to delegate.");
        }
        var validation = await validator.ValidateAsync(command, cancellationToken);
        if (!validation.IsValid)
        {
            return validation.ToRefusal();
        }
        if (command.DelegateId == reviewerId)
        {
            return Invalid("Choose someone other than yourself.");
        }
        var now = time.GetUtcNow();
        var actor = new AuditActor(reviewerId, viewer.Name, now, correlationId);
        try
        {
            return await contexts.WriteAsync<Result<int>>(async (db, ct) =>
            {
                var delegateId = command.DelegateId!.Value;
                if (!await db.Identities.AnyAsync(i => i.Id == delegateId && i.Kind == IdentityKind.Person
                        && i.EmploymentStatus == EmploymentStatus.Active, ct))
                {
                    return Invalid("Choose an employed person.");
                }
                var delegation = await db.ReviewerDelegations.FirstOrDefaultAsync(d => d.ReviewerId == reviewerId, ct);
                var before = delegation is null ? null : new { delegation.DelegateId, delegation.From, delegation.Until };
                if (delegation is null)
                {
                    db.ReviewerDelegations.Add(delegation = new ReviewerDelegation { ReviewerId = reviewerId });
                }
                delegation.DelegateId = delegateId;
                delegation.From = command.From!.Value;
                delegation.Until = command.Until!.Value;
                delegation.CreatedAt = now;
                await db.SaveChangesAsync(ct);
                db.Audit(actor, AuditAction, delegation, before, new { delegateId, delegation.From, delegation.Until }, reviewerId);
                return await ReviewerDelegations.HandOverAsync(db, DateOnly.FromDateTime(now.UtcDateTime), actor, ct, onlyReviewerId: reviewerId);
            }, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Refusal.Conflict("One of your items changed while the delegation was being saved; nothing was saved. Try again.");
        }
        catch (LedgerBusyException)
        {
            return Refusal.Busy("Your delegation was not saved");
        }
    }

    private static Refusal Invalid(string message) =>
        Refusal.Invalid(new Dictionary<string, string> { [nameof(Command.DelegateId)] = message });
}
