using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Email;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Campaigns;

public sealed record ExtendDue(int CampaignId, DateTimeOffset NewDueAt);

public sealed class ExtendDueValidator : AbstractValidator<ExtendDue>
{
    public ExtendDueValidator(TimeProvider time)
    {
        // "After the current due date" needs the campaign, so the handler checks it; these need only the clock.
        RuleFor(e => e.NewDueAt).Must(due => due > time.GetUtcNow().AddDays(1)).WithMessage("The new due date must be at least a day from now.")
            .Must(due => due < time.GetUtcNow().AddDays(366)).WithMessage("The new due date must be within a year.");
    }
}

/// <summary>
/// Gives an active campaign's reviewers more time: admins only, to a date after the current one, audited with both dates,
/// and each reviewer with undecided items told once per new date (one outbox mail each, staged in the same unit). The
/// reminders count down to the new date by themselves: they read the campaign's due date at every run.
/// </summary>
public sealed class ExtendCampaignDue(IDbContextFactory<ReviewPortalDbContext> contexts, IValidator<ExtendDue> validator, EmailRenderer renderer,
    EmailOptions options, TimeProvider time)
{
    public async Task<Result<ExtendDueResult>> HandleAsync(Viewer viewer, ExtendDue command, string correlationId,
        CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "can extend a campaign's due date") is { } refused)
        {
            return refused;
        }
        var validation = await validator.ValidateAsync(command, cancellationToken);
        if (!validation.IsValid)
        {
            return validation.ToRefusal();
        }
        var now = time.GetUtcNow();
        var actor = new AuditActor(viewer.IdentityId, viewer.Name, now, correlationId);
        try
        {
            return await contexts.WriteAsync((db, ct) => ExtendAsync(db, command, actor, ct), cancellationToken);
        }
        catch (LedgerBusyException)
        {
            return Refusal.Busy("The due date was not changed");
        }
    }

    private async Task<Result<ExtendDueResult>> ExtendAsync(ReviewPortalDbContext db, ExtendDue command, AuditActor actor, CancellationToken cancellationToken)
    {
        // The campaign row's lock, as decisions and the close take it: a close cannot commit between this check and the save.
        if (!await ActiveCampaign.HoldAsync(db, command.CampaignId, cancellationToken))
        {
            return await db.Campaigns.AnyAsync(c => c.Id == command.CampaignId, cancellationToken)
                ? Refusal.Conflict("Only an active campaign's due date can be extended.")
                : Refusal.NotFound("No such campaign.");
        }
        var campaign = await db.Campaigns.SingleAsync(c => c.Id == command.CampaignId, cancellationToken);
        var previous = campaign.DueAt;
        if (command.NewDueAt <= previous)
        {
            return ValidationRefusal.OnField(nameof(ExtendDue.NewDueAt),
                $"The new due date must be after the current one ({EmailContent.DateTime(previous)}).");
        }
        campaign.DueAt = command.NewDueAt;
        // The definition travels with clones and the evidence pack: it says the same as the column.
        campaign.Definition = campaign.Definition with { DueAt = command.NewDueAt };
        db.Audit(actor, "campaign.due-extended", campaign, before: new { DueAt = previous }, after: new { DueAt = command.NewDueAt },
            campaignId: campaign.Id);

        var reviewers = await WaitingReviewers.InCampaignAsync(db, campaign.Id, cancellationToken);
        var told = 0;
        foreach (var reviewer in reviewers.Where(r => !string.IsNullOrWhiteSpace(r.Email)))
        {
            var mail = await renderer.RenderAsync(EmailMessages.DueExtended(options, reviewer.DisplayName, campaign.Id, campaign.Name, reviewer.Pending, previous,
                command.NewDueAt));
            if (await EmailOutbox.EnqueueAsync(db, OutboxKeys.ForDueExtended(campaign.Id, reviewer.ReviewerId, command.NewDueAt), reviewer.Email!, mail,
                    actor.At, cancellationToken))
            {
                told++;
            }
        }
        return new ExtendDueResult(previous, command.NewDueAt, told);
    }
}

public sealed record ExtendDueResult(DateTimeOffset PreviousDueAt, DateTimeOffset NewDueAt, int ReviewersTold);
