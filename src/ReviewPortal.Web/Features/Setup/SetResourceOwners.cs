using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Setup;

/// <summary>
/// An admin chooses a resource's owner and backup owner. The choice is marked as made in the portal, so the directory
/// sync never replaces it; it is audited (<see cref="SetupWords.ResourceOwnersChanged"/>, before and after) in the same
/// transaction; a save made on an older version than the stored one is refused, never applied over the other change.
/// Compliance reads, never saves.
/// </summary>
public sealed class SetResourceOwners(IDbContextFactory<ReviewPortalDbContext> contexts, IValidator<SetResourceOwners.Command> validator,
    TimeProvider time)
{
    public sealed record Command
    {
        public int ResourceId { get; set; }
        public int? OwnerId { get; set; }
        public int? BackupOwnerId { get; set; }
        /// <summary>The <see cref="Resource.OwnerVersion"/> the admin saw.</summary>
        public int ExpectedVersion { get; set; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.ResourceId).GreaterThan(0).WithMessage("Choose the workspace, organization or group.");
            RuleFor(c => c.OwnerId).NotNull().WithMessage("Choose the owner: the person who approves requests for it and answers for its access.");
            RuleFor(c => c.BackupOwnerId).NotEqual(c => c.OwnerId).When(c => c.BackupOwnerId is not null)
                .WithMessage("The backup owner must be someone other than the owner.");
        }
    }

    public async Task<Result<SetupResult>> HandleAsync(Viewer viewer, Command command, string correlationId, CancellationToken cancellationToken = default)
    {
        var admin = AdminScreens.ActingAdmin(viewer, "can change owners; Compliance can read them");
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
        var target = ChangeTarget.ResourceOwners(command.ResourceId);
        try
        {
            return await contexts.WriteAsync<Result<SetupResult>>(async (db, ct) =>
            {
                var resource = await db.Resources.FirstOrDefaultAsync(r => r.Id == command.ResourceId, ct);
                if (resource is null)
                {
                    return Refusal.NotFound("That workspace, organization or group no longer exists.");
                }
                if (resource.OwnerVersion != command.ExpectedVersion)
                {
                    return Refusal.Conflict(await GetChangeHistory.ConflictMessageAsync(db, target, $"the owners of {resource.Name}", ct));
                }
                var people = await AssignablePeople.LoadAsync(db, [command.OwnerId, command.BackupOwnerId, resource.OwnerId, resource.BackupOwnerId], ct);
                var errors = new Dictionary<string, string>();
                if (AssignablePeople.Problem(people, command.OwnerId, "owner") is { } ownerProblem)
                {
                    errors[nameof(Command.OwnerId)] = ownerProblem;
                }
                if (AssignablePeople.Problem(people, command.BackupOwnerId, "backup owner") is { } backupProblem)
                {
                    errors[nameof(Command.BackupOwnerId)] = backupProblem;
                }
                if (errors.Count > 0)
                {
                    return Refusal.Invalid(errors);
                }
                if (resource.OwnerAssignedAt is not null && resource.OwnerId == command.OwnerId && resource.BackupOwnerId == command.BackupOwnerId)
                {
                    return new SetupResult(SetupStatus.Unchanged, "Nothing changed.", NewVersion: resource.OwnerVersion);
                }
                var before = Words(people, resource.OwnerId, resource.BackupOwnerId, resource.OwnerAssignedAt is not null);
                resource.OwnerId = command.OwnerId;
                resource.BackupOwnerId = command.BackupOwnerId;
                resource.OwnerAssignedAt = now;
                resource.OwnerAssignedById = adminId;
                resource.OwnerVersion++;
                db.Audit(new AuditActor(adminId, viewer.Name, now, correlationId), SetupWords.ResourceOwnersChanged, resource, before,
                    Words(people, resource.OwnerId, resource.BackupOwnerId, chosen: true));
                await db.SaveChangesAsync(ct);
                return new SetupResult(SetupStatus.Saved, $"Owners of {resource.Name} saved. The directory sync keeps them.", NewVersion: resource.OwnerVersion);
            }, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Changed between this unit's read and its write (another admin, or the directory sync): the token refused it.
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            return Refusal.Conflict(await GetChangeHistory.ConflictMessageAsync(db, target, "these owners", cancellationToken));
        }
    }

    private static Dictionary<string, object?> Words(IReadOnlyDictionary<int, Identity> people, int? ownerId, int? backupId, bool chosen) => new()
    {
        ["Owner"] = AssignablePeople.Name(people, ownerId),
        ["Backup owner"] = AssignablePeople.Name(people, backupId),
        ["Chosen by"] = chosen ? "an admin" : "the directory sync",
        ["ownerId"] = ownerId,
        ["backupOwnerId"] = backupId,
    };
}
