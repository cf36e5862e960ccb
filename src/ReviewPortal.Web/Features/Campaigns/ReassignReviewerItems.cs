using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// An admin moves all of one reviewer's undecided items in a campaign to another person in one step (a reviewer who is
/// swamped, on leave without a delegate, or the wrong person). Decided items stay as decided. One unit of work, audited per
/// item ("review.reassigned-bulk", so every item's trail shows the move); an item about the new reviewer or a key they own
/// is not moved and comes back in the report with the reason.
/// </summary>
public sealed class ReassignReviewerItems(IDbContextFactory<ReviewPortalDbContext> contexts, IValidator<ReassignReviewerItems.Command> validator,
    TimeProvider time)
{
    public const string AuditAction = "review.reassigned-bulk";

    public sealed record Command
    {
        public int CampaignId { get; init; }
        public int? FromReviewerId { get; init; }
        public int? ToReviewerId { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.CampaignId).GreaterThan(0).WithMessage("Choose the campaign.");
            RuleFor(c => c.FromReviewerId).NotNull().WithMessage("Choose whose items to move.");
            RuleFor(c => c.ToReviewerId).Cascade(CascadeMode.Stop).NotNull().WithMessage("Choose who should review them instead.")
                .Must((c, to) => to != c.FromReviewerId).WithMessage("Choose someone other than the current reviewer.");
        }
    }

    public async Task<Result<ReviewItemHandOver.Report>> HandleAsync(Viewer viewer, Command command, string correlationId,
        CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "can reassign review items") is { } refused)
        {
            return refused;
        }
        var validation = await validator.ValidateAsync(command, cancellationToken);
        if (!validation.IsValid)
        {
            return validation.ToRefusal();
        }
        var actor = new AuditActor(viewer.IdentityId, viewer.Name, time.GetUtcNow(), correlationId);
        try
        {
            return await contexts.WriteAsync<Result<ReviewItemHandOver.Report>>(async (db, ct) =>
            {
                var to = command.ToReviewerId!.Value;
                var from = command.FromReviewerId!.Value;
                if (!await ActiveCampaign.HoldAsync(db, command.CampaignId, ct))
                {
                    return await db.Campaigns.AnyAsync(c => c.Id == command.CampaignId, ct)
                        ? Refusal.Conflict("The campaign is closed: its items can no longer move.")
                        : Refusal.NotFound("No such campaign.");
                }
                var toName = await db.Identities.Where(i => i.Id == to && i.Kind == IdentityKind.Person && i.EmploymentStatus == EmploymentStatus.Active)
                    .Select(i => i.DisplayName).FirstOrDefaultAsync(ct);
                if (toName is null)
                {
                    return Refusal.Invalid(new Dictionary<string, string> { [nameof(Command.ToReviewerId)] = "Choose an employed person." });
                }
                var items = await db.ReviewItems.Include(i => i.Identity).Include(i => i.Entitlement)
                    .Where(i => i.CampaignId == command.CampaignId && i.ReviewerId == from && i.Outcome == null)
                    .OrderBy(i => i.Id)
                    .ToListAsync(ct);
                if (items.Count == 0)
                {
                    return Refusal.Invalid(new Dictionary<string, string>
                    {
                        [nameof(Command.FromReviewerId)] = "This reviewer has no undecided items in this campaign.",
                    });
                }
                return await ReviewItemHandOver.MoveAsync(db, items, _ => to, actor, AuditAction,
                    $"An admin moved the reviewer's undecided items to {toName}", ct);
            }, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Refusal.Conflict("An item was decided while the reassignment ran; nothing was moved. Try again.");
        }
        catch (LedgerBusyException)
        {
            return Refusal.Busy("No items were moved");
        }
    }
}
