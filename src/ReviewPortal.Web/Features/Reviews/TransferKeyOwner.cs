using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Setup;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>
/// "Transfer ownership" from a review item on a key, service account or agent (issue #15, 9): the advice says "reassign or
/// revoke" when the owner has left, and this is the reassign that keeps the key. The Admin API cannot change a key's
/// creator (<c>POST /v1/organizations/api_keys/{id}</c> takes only name and status), so what moves is the portal's owner
/// record, marked as chosen in the portal so the directory sync keeps it, and audited on the key's timeline. Allowed to an
/// admin, or to the item's reviewer while the owner has left or there is none; checked here, not by the button.
/// </summary>
public sealed class TransferKeyOwner(IDbContextFactory<ReviewPortalDbContext> contexts, IValidator<TransferKeyOwner.Command> validator,
    TimeProvider time)
{
    public sealed record Command
    {
        public long ItemId { get; set; }
        public int? NewOwnerId { get; set; }
        /// <summary>Why, for the audit trail (optional).</summary>
        public string? Reason { get; set; }
        /// <summary>The key's owner version the reviewer saw.</summary>
        public int ExpectedOwnerVersion { get; set; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.ItemId).GreaterThan(0).WithMessage("Open the review item first.");
            RuleFor(c => c.NewOwnerId).NotNull().WithMessage("Choose the new owner: the person accountable for the key from now on.");
            RuleFor(c => c.Reason).MaximumLength(MaxLengths.Justification)
                .WithMessage("Keep the reason to {MaxLength} characters; this one has {TotalLength}.");
        }
    }

    /// <summary>Whether the viewer may try at all (admin, or this item's reviewer); the owner's state is checked on save.</summary>
    public static bool CanTransfer(Viewer viewer, int reviewerId) => viewer.IsAdmin || (viewer.IdentityId is { } me && me == reviewerId);

    public async Task<Result<string>> HandleAsync(Viewer viewer, Command command, string correlationId, CancellationToken cancellationToken = default)
    {
        if (viewer.IdentityId is not { } actorId)
        {
            return Refusal.Forbidden("Your sign-in is not linked to a person in the directory.");
        }
        var validation = await validator.ValidateAsync(command, cancellationToken);
        if (!validation.IsValid)
        {
            return validation.ToRefusal();
        }
        var now = time.GetUtcNow();
        try
        {
            return await contexts.WriteAsync<Result<string>>(async (db, ct) =>
            {
                var item = await db.ReviewItems.AsNoTracking().Where(i => i.Id == command.ItemId)
                    .Select(i => new { i.ReviewerId, i.IdentityId, i.CampaignId }).FirstOrDefaultAsync(ct);
                if (item is null)
                {
                    return Refusal.NotFound("No such review item.");
                }
                if (!CanTransfer(viewer, item.ReviewerId))
                {
                    return Refusal.Forbidden("Only the item's reviewer or an admin can transfer the key's ownership.");
                }
                var nhi = await db.Identities.Include(i => i.Owner).FirstAsync(i => i.Id == item.IdentityId, ct);
                if (nhi.Kind == IdentityKind.Person)
                {
                    return Refusal.Invalid("A person has no owner to transfer; reassign the review instead.");
                }
                if (!viewer.IsAdmin && nhi.Owner is { EmploymentStatus: EmploymentStatus.Active })
                {
                    return Refusal.Forbidden($"{nhi.Owner.DisplayName} still works here: ask an admin to move ownership of a key whose owner has not left.");
                }
                if (nhi.OwnerVersion != command.ExpectedOwnerVersion)
                {
                    return Refusal.Conflict($"Someone changed the owner of {nhi.DisplayName} since you opened it. Reopen the item to see who owns it now.");
                }
                var people = await OwnerRecord.PeopleAsync(db, nhi, command.NewOwnerId, ct);
                if (!people.Ok)
                {
                    return people.Refusal;
                }
                if (command.NewOwnerId == nhi.OwnerId)
                {
                    return Refusal.Invalid($"{nhi.Owner?.DisplayName} already owns {nhi.DisplayName}.");
                }
                var moved = OwnerRecord.Move(db, nhi, people.Value, command.NewOwnerId, new AuditActor(actorId, viewer.Name, now, correlationId),
                    viewer.IsAdmin ? "an admin, from a review item" : "the reviewer, from a review item", command.Reason,
                    new Dictionary<string, object?> { ["Review item"] = command.ItemId }, item.CampaignId);
                await db.SaveChangesAsync(ct);
                return $"{moved}. The portal's owner record moved; the key itself is unchanged in Claude.";
            }, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Refusal.Conflict("Someone changed this key's owner at the same time. Reopen the item to see who owns it now.");
        }
    }
}
