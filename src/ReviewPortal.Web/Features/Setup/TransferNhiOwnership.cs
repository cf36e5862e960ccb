using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Setup;

/// <summary>
/// An admin transfers an API key's, service account's or agent's ownership to an employed person. The choice is marked
/// as made in the portal, so the directory sync (which would otherwise put the key's creator back) keeps it; audited
/// (<see cref="SetupWords.IdentityOwnerChanged"/>, before, after and why) on the identity's timeline; a transfer decided
/// on an older version is refused. Compliance reads, never saves.
/// </summary>
public sealed class TransferNhiOwnership(IDbContextFactory<ReviewPortalDbContext> contexts, IValidator<TransferNhiOwnership.Command> validator,
    TimeProvider time)
{
    public sealed record Command
    {
        public int IdentityId { get; set; }
        public int? NewOwnerId { get; set; }
        /// <summary>Why, for the audit trail (optional).</summary>
        public string? Reason { get; set; }
        /// <summary>The <see cref="Identity.OwnerVersion"/> the admin saw.</summary>
        public int ExpectedVersion { get; set; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.IdentityId).GreaterThan(0).WithMessage("Choose the key, service account or agent.");
            RuleFor(c => c.NewOwnerId).NotNull().WithMessage("Choose the new owner: the person accountable for it from now on.");
            RuleFor(c => c.Reason).MaximumLength(MaxLengths.Justification)
                .WithMessage("Keep the reason to {MaxLength} characters; this one has {TotalLength}.");
        }
    }

    public async Task<Result<SetupResult>> HandleAsync(Viewer viewer, Command command, string correlationId, CancellationToken cancellationToken = default)
    {
        var admin = AdminScreens.ActingAdmin(viewer, "can transfer ownership; Compliance can read it");
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
        var target = ChangeTarget.NhiOwner(command.IdentityId);
        try
        {
            return await contexts.WriteAsync<Result<SetupResult>>(async (db, ct) =>
            {
                var nhi = await db.Identities.FirstOrDefaultAsync(i => i.Id == command.IdentityId, ct);
                if (nhi is null || nhi.Kind == IdentityKind.Person)
                {
                    return Refusal.NotFound("That key, service account or agent does not exist.");
                }
                if (nhi.OwnerVersion != command.ExpectedVersion)
                {
                    return Refusal.Conflict(await GetChangeHistory.ConflictMessageAsync(db, target, $"the owner of {nhi.DisplayName}", ct));
                }
                var people = await OwnerRecord.PeopleAsync(db, nhi, command.NewOwnerId, ct);
                if (!people.Ok)
                {
                    return people.Refusal;
                }
                if (nhi.OwnerAssignedAt is not null && nhi.OwnerId == command.NewOwnerId)
                {
                    return new SetupResult(SetupStatus.Unchanged, "Nothing changed.", NewVersion: nhi.OwnerVersion);
                }
                var moved = OwnerRecord.Move(db, nhi, people.Value, command.NewOwnerId, new AuditActor(adminId, viewer.Name, now, correlationId),
                    "an admin", command.Reason, context: null, campaignId: null);
                await db.SaveChangesAsync(ct);
                return new SetupResult(SetupStatus.Saved, $"{moved}. The directory sync keeps this.", NewVersion: nhi.OwnerVersion);
            }, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            return Refusal.Conflict(await GetChangeHistory.ConflictMessageAsync(db, target, "this owner", cancellationToken));
        }
    }
}
