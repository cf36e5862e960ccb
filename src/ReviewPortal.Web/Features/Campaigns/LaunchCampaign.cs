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
    public async Task<Result<LaunchResult>> HandleAsync(Viewer viewer, CampaignDefinition definition, string correlationId,
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
                new AuditActor(viewer.IdentityId, viewer.Name, now, correlationId), ct);
            return new LaunchResult(campaign.Id, plan.Items.Count);
        }, cancellationToken);
    }

    /// <summary>
    /// Writes an active campaign, its items, each reviewer's launch mail and its "campaign.launched" entry inside the
    /// caller's unit of work; the caller may stage more (the lifecycle job's per-item entries) before the unit saves and
    /// commits. Shared so a lifecycle micro-review is exactly a launched campaign.
    /// </summary>
    public static async Task<Campaign> WriteAsync(ReviewPortalDbContext db, LaunchMails mails, CampaignDefinition definition, int createdById,
        IReadOnlyList<PlannedItem> items, int removedByDefault, AuditActor actor, CancellationToken cancellationToken)
    {
        var campaign = new Campaign
        {
            Name = definition.Name.Trim(),
            Status = CampaignStatus.Active,
            CreatedById = createdById,
            CreatedAt = actor.At,
            LaunchedAt = actor.At,
            DueAt = definition.DueAt,
            UnreviewedOutcome = definition.UnreviewedOutcome,
            Definition = definition,
            LifecycleRule = definition.LifecycleRule,
        };
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync(cancellationToken);
        await ReviewItemWriter.WriteAsync(db, campaign.Id, actor.At, items, cancellationToken);
        var mailed = await mails.QueueAsync(db, campaign, items.Select(i => i.ReviewerId), cancellationToken);
        db.Audit(actor, "campaign.launched", new AuditTarget("Campaign", campaign.Id.ToString()),
            after: new
            {
                campaign.Name, items = items.Count, reviewers = items.Select(i => i.ReviewerId).Distinct().Count(),
                campaign.DueAt, definition.UnreviewedOutcome, removedByDefault, definition.LifecycleRule, launchMails = mailed,
            }, campaignId: campaign.Id);
        return campaign;
    }
}

public sealed record LaunchResult(int CampaignId, int Items);
