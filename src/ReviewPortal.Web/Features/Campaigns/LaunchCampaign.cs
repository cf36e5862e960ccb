using System.Text.Json;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// Launches a campaign: one review item per grant in scope with its evidence snapshot, SHA-256
/// and explained recommendation, all in one unit of work with the campaign's audit entry.
/// Refused when the no-response default could remove the last admin/owner of a resource.
/// </summary>
public sealed class LaunchCampaign(IDbContextFactory<ReviewPortalDbContext> contexts, IValidator<CampaignDefinition> validator, LaunchMails mails,
    TimeProvider time)
{
    public Task<Result<LaunchResult>> HandleAsync(Viewer viewer, CampaignDefinition definition, string correlationId,
        CancellationToken cancellationToken = default) =>
        HandleAsync(viewer, definition, draftId: null, correlationId, cancellationToken);

    /// <param name="draftId">
    /// A draft to launch with <paramref name="definition"/> (as edited in the wizard): that row becomes the active campaign,
    /// so its id, its links and the audit entries of its drafting stay the campaign's. Refused when it is no longer a draft.
    /// </param>
    public async Task<Result<LaunchResult>> HandleAsync(Viewer viewer, CampaignDefinition definition, int? draftId, string correlationId,
        CancellationToken cancellationToken = default)
    {
        var admin = AdminScreens.ActingAdmin(viewer, "can launch campaigns");
        if (!admin.Ok)
        {
            return admin.Refusal;
        }
        definition = await CampaignFallback.WithDefaultAsync(contexts, definition, cancellationToken);
        var validation = await validator.ValidateAsync(definition, cancellationToken);
        if (!validation.IsValid)
        {
            return validation.ToRefusal();
        }
        var now = time.GetUtcNow();
        return await contexts.WriteAsync<Result<LaunchResult>>(async (db, ct) =>
        {
            Campaign? draft = null;
            if (draftId is { } id)
            {
                // The draft row's write lock first, as ActiveCampaign does for decisions (a no-op update, so a refusal below
                // leaves the draft as it was): of two launches, or a launch and a delete, of one draft the second waits here,
                // then finds no draft.
                if (await db.Campaigns.Where(c => c.Id == id && c.Status == CampaignStatus.Draft)
                        .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, c => c.Status), ct) != 1)
                {
                    return Refusal.Conflict("This draft was launched or deleted meanwhile.");
                }
                draft = await db.Campaigns.SingleAsync(c => c.Id == id, ct);
            }
            var plan = await CampaignPlanner.PlanAsync(db, definition, now, ct);
            if (plan.Blocked)
            {
                return Refusal.Invalid(plan.BlockReason!);
            }
            if (plan.Items.Count == 0)
            {
                return Refusal.Invalid("Nothing is in scope: widen the scope before launching.");
            }
            // The plan and what it writes are one unit: the campaign (EF, for its id), the items (the provider's bulk
            // path), the reviewers' launch mails, the audit entry.
            var campaign = await WriteAsync(db, mails, definition, admin.Value, plan.Items, plan.GrantsRemovedByDefault,
                new AuditActor(viewer.IdentityId, viewer.Name, now, correlationId), ct, draft);
            return new LaunchResult(campaign.Id, plan.Items.Count);
        }, cancellationToken);
    }

    /// <summary>
    /// Writes an active campaign, its items, each reviewer's launch mail and its "campaign.launched" entry inside the
    /// caller's unit of work; the caller may stage more (the lifecycle job's per-item entries) before the unit saves and
    /// commits. Shared so a lifecycle micro-review is exactly a launched campaign. With a <paramref name="draft"/> (tracked by
    /// <paramref name="db"/>), that row becomes the campaign instead of a new one; it keeps its creator and creation time.
    /// </summary>
    public static async Task<Campaign> WriteAsync(ReviewPortalDbContext db, LaunchMails mails, CampaignDefinition definition, int createdById,
        IReadOnlyList<PlannedItem> items, int removedByDefault, AuditActor actor, CancellationToken cancellationToken, Campaign? draft = null)
    {
        var campaign = draft ?? new Campaign { Name = "", CreatedById = createdById, CreatedAt = actor.At };
        campaign.Name = definition.Name.Trim();
        campaign.Status = CampaignStatus.Active;
        campaign.LaunchedAt = actor.At;
        campaign.DueAt = definition.DueAt;
        campaign.UnreviewedOutcome = definition.UnreviewedOutcome;
        campaign.Definition = definition;
        campaign.LifecycleRule = definition.LifecycleRule;
        if (draft is null)
        {
            db.Campaigns.Add(campaign);
        }
        await db.SaveChangesAsync(cancellationToken);
        await ReviewItemWriter.WriteAsync(db, campaign.Id, actor.At, items, cancellationToken);
        IReadOnlyList<long> autoKept = [];
        if (items.Any(i => i.AutoKeep is not null))
        {
            autoKept = await ReviewItemWriter.RecordAutoKeptAsync(db, campaign.Id, cancellationToken);
        }
        var mailed = await mails.QueueAsync(db, campaign, items.Select(i => i.ReviewerId), cancellationToken);
        db.Audit(actor, "campaign.launched", new AuditTarget("Campaign", campaign.Id.ToString()),
            after: new
            {
                campaign.Name, items = items.Count, reviewers = items.Select(i => i.ReviewerId).Distinct().Count(),
                campaign.DueAt, definition.UnreviewedOutcome, removedByDefault, definition.LifecycleRule, launchMails = mailed,
                autoKept = autoKept.Count,
            }, campaignId: campaign.Id);
        if (autoKept.Count > 0)
        {
            // One entry for the launch's system decisions, not one per item: the 100,000-item launch stays one bulk write, and
            // the audit explorer shows the rule once with the ids it kept (each item's decision row carries its own inputs).
            db.Audit(actor with { Name = AutoKeep.Actor, IdentityId = null }, "review.auto-kept", new AuditTarget("Campaign", campaign.Id.ToString()),
                after: new { items = autoKept.Count, policy = AutoKeep.Describe(definition.AutoKeep), itemIds = autoKept }, campaignId: campaign.Id);
        }
        return campaign;
    }
}

public sealed record LaunchResult(int CampaignId, int Items);
