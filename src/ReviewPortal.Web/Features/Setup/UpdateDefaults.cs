using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Setup;

/// <summary>
/// An admin sets the fallback reviewer (a new campaign's default) and the fallback approver (for approval policies that
/// name none). Both must be employed people. Audited (<see cref="SetupWords.DefaultsChanged"/>, before and after) in the
/// same transaction; a save made on an older version than the stored one is refused. Compliance reads, never saves.
/// </summary>
public sealed class UpdateDefaults(IDbContextFactory<ReviewPortalDbContext> contexts, IValidator<UpdateDefaults.Command> validator,
    TimeProvider time)
{
    public sealed record Command
    {
        public int? FallbackReviewerId { get; set; }
        public int? FallbackApproverId { get; set; }
        /// <summary>The <see cref="PortalDefaults.Version"/> the admin saw.</summary>
        public int ExpectedVersion { get; set; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.FallbackReviewerId).NotNull()
                .WithMessage("Choose a fallback reviewer: review items nobody else may decide go to them.");
            RuleFor(c => c.FallbackApproverId).NotNull()
                .WithMessage("Choose a fallback approver: approval steps nobody else may take, and escalations, go to them.");
        }
    }

    public async Task<Result<SetupResult>> HandleAsync(Viewer viewer, Command command, string correlationId, CancellationToken cancellationToken = default)
    {
        var admin = AdminScreens.ActingAdmin(viewer, "can change the defaults; Compliance can read them");
        if (!admin.Ok)
        {
            return admin.Refusal;
        }
        var adminId = admin.Value;
        var validation = await validator.ValidateAsync(command, cancellationToken);
        if (!validation.IsValid)
        {
            return validation.ToRefusal();
        }
        var now = time.GetUtcNow();
        try
        {
            return await contexts.WriteAsync<Result<SetupResult>>(async (db, ct) =>
            {
                var defaults = await db.Defaults.SingleAsync(d => d.Id == PortalDefaults.SingletonId, ct);
                if (defaults.Version != command.ExpectedVersion)
                {
                    return Refusal.Conflict(await GetChangeHistory.ConflictMessageAsync(db, ChangeTarget.Defaults, "the defaults", ct));
                }
                var people = await AssignablePeople.LoadAsync(db,
                    [command.FallbackReviewerId, command.FallbackApproverId, defaults.FallbackReviewerId, defaults.FallbackApproverId], ct);
                var errors = new Dictionary<string, string>();
                if (AssignablePeople.Problem(people, command.FallbackReviewerId, "fallback reviewer") is { } reviewerProblem)
                {
                    errors[nameof(Command.FallbackReviewerId)] = reviewerProblem;
                }
                if (AssignablePeople.Problem(people, command.FallbackApproverId, "fallback approver") is { } approverProblem)
                {
                    errors[nameof(Command.FallbackApproverId)] = approverProblem;
                }
                if (errors.Count > 0)
                {
                    return Refusal.Invalid(errors);
                }
                if (defaults.FallbackReviewerId == command.FallbackReviewerId && defaults.FallbackApproverId == command.FallbackApproverId)
                {
                    return new SetupResult(SetupStatus.Unchanged, "Nothing changed.", NewVersion: defaults.Version);
                }
                var before = Words(people, defaults);
                defaults.FallbackReviewerId = command.FallbackReviewerId;
                defaults.FallbackApproverId = command.FallbackApproverId;
                defaults.UpdatedAt = now;
                defaults.UpdatedById = adminId;
                defaults.Version++;
                db.Audit(new AuditActor(adminId, viewer.Name, now, correlationId), SetupWords.DefaultsChanged, defaults, before, Words(people, defaults));
                await db.SaveChangesAsync(ct);
                return new SetupResult(SetupStatus.Saved, "Defaults saved: new campaigns and approval requests use them from now on.",
                    NewVersion: defaults.Version);
            }, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            return Refusal.Conflict(await GetChangeHistory.ConflictMessageAsync(db, ChangeTarget.Defaults, "the defaults", cancellationToken));
        }
    }

    private static Dictionary<string, object?> Words(IReadOnlyDictionary<int, Identity> people, PortalDefaults defaults) => new()
    {
        ["Fallback reviewer"] = AssignablePeople.Name(people, defaults.FallbackReviewerId),
        ["Fallback approver"] = AssignablePeople.Name(people, defaults.FallbackApproverId),
        ["fallbackReviewerId"] = defaults.FallbackReviewerId,
        ["fallbackApproverId"] = defaults.FallbackApproverId,
    };
}
