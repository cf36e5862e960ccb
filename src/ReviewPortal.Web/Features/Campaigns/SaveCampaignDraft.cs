using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>The wizard's definition kept as a draft (<see cref="Id"/> null: a new one), to finish and launch later.</summary>
public sealed record CampaignDraft(int? Id, CampaignDefinition Definition);

/// <summary>A draft may be unfinished (no scope yet, no fallback): it needs only a name to be found again by.</summary>
public sealed class CampaignDraftValidator : AbstractValidator<CampaignDraft>
{
    public CampaignDraftValidator()
    {
        RuleFor(d => d.Definition.Name).NotEmpty().WithMessage("Give the draft a name to find it again by.")
            .MaximumLength(MaxLengths.Campaign.Name).WithMessage("Keep the name to {MaxLength} characters; this one has {TotalLength}.")
            .OverridePropertyName(nameof(CampaignDefinition.Name));
    }
}

/// <summary>
/// Saves the wizard as a draft campaign: a <see cref="CampaignStatus.Draft"/> row with its definition and no items, so it is
/// never reminded, never in anyone's reviews, and launched later from the wizard (<see cref="LaunchCampaign"/> with its id).
/// </summary>
public sealed class SaveCampaignDraft(IDbContextFactory<ReviewPortalDbContext> contexts, IValidator<CampaignDraft> validator, TimeProvider time)
{
    public async Task<Result<int>> HandleAsync(Viewer viewer, CampaignDraft draft, string correlationId, CancellationToken cancellationToken = default)
    {
        var admin = AdminScreens.ActingAdmin(viewer, "can save campaign drafts");
        if (!admin.Ok)
        {
            return admin.Refusal;
        }
        var validation = await validator.ValidateAsync(draft, cancellationToken);
        if (!validation.IsValid)
        {
            return validation.ToRefusal();
        }
        var now = time.GetUtcNow();
        var definition = draft.Definition with { Name = draft.Definition.Name.Trim(), LifecycleRule = null };
        var actor = new AuditActor(viewer.IdentityId, viewer.Name, now, correlationId);
        return await contexts.WriteAsync<Result<int>>(async (db, ct) =>
        {
            if (draft.Id is not { } id)
            {
                var campaign = new Campaign
                {
                    Name = definition.Name, Status = CampaignStatus.Draft, CreatedById = admin.Value, CreatedAt = now,
                    DueAt = definition.DueAt, UnreviewedOutcome = definition.UnreviewedOutcome, Definition = definition,
                };
                db.Campaigns.Add(campaign);
                await db.SaveChangesAsync(ct);
                db.Audit(actor, "campaign.draft-saved", campaign, after: new { definition.Name, created = true }, campaignId: campaign.Id);
                return campaign.Id;
            }
            // One conditional update: a draft launched (or deleted) meanwhile is not overwritten into an active campaign.
            var updated = await db.Campaigns.Where(c => c.Id == id && c.Status == CampaignStatus.Draft)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Name, definition.Name).SetProperty(c => c.DueAt, definition.DueAt)
                    .SetProperty(c => c.UnreviewedOutcome, definition.UnreviewedOutcome).SetProperty(c => c.Definition, definition), ct);
            if (updated != 1)
            {
                return Refusal.Conflict("This draft was launched or deleted meanwhile.");
            }
            db.Audit(actor, "campaign.draft-saved", new AuditTarget(nameof(Campaign), id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                after: new { definition.Name, created = false }, campaignId: id);
            return id;
        }, cancellationToken);
    }
}
