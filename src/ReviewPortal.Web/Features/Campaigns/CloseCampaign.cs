using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Remediation;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// Closes a campaign: unreviewed items get the configured outcome (<see cref="ReviewItem.Default"/>, a decision row with
/// its decider like any other), and every final revoke/reduce becomes one removal task (the last stage's decision wins),
/// opened by Remediation's one entry point (<see cref="OpenRemovalTask"/>: plan, last-admin rule, audit). One unit of
/// work, audited. An admin closes from the dashboard; <see cref="AutoCloseCampaignsJob"/> closes at the due date through
/// the same unit, as the system.
/// </summary>
public sealed class CloseCampaign(IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    public async Task<Result<CloseResult>> HandleAsync(Viewer viewer, int campaignId, string correlationId, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "can close campaigns") is { } refused)
        {
            return refused;
        }
        var now = time.GetUtcNow();
        // The closing admin answers for the defaults they apply (an admin without a directory identity: the campaign's creator).
        return await CloseAsync(campaignId, new Closer(new AuditActor(viewer.IdentityId, viewer.Name, now, correlationId), viewer.IdentityId, AtDueOnly: false),
            cancellationToken);
    }

    /// <summary>
    /// The automatic close at the due date: the same unit as an admin's, run as <paramref name="job"/>, with no admin to ask.
    /// Refused (Conflict) unless, read inside the unit, the campaign is still active, asks to close itself and is due: a
    /// second run, a second node or a due date extended since the job's scan closes nothing.
    /// </summary>
    public async Task<Result<CloseResult>> CloseAtDueAsync(int campaignId, string job, string correlationId, CancellationToken cancellationToken = default) =>
        await CloseAsync(campaignId, new Closer(AuditActor.System(job, time.GetUtcNow(), correlationId), DeciderId: null, AtDueOnly: true), cancellationToken);

    /// <summary>Who closes: the audit actor, the identity recorded as the defaults' decider (null: the campaign's creator), and whether only a due campaign may close.</summary>
    private sealed record Closer(AuditActor Actor, int? DeciderId, bool AtDueOnly);

    private async Task<Result<CloseResult>> CloseAsync(int campaignId, Closer closer, CancellationToken cancellationToken)
    {
        try
        {
            return await contexts.WriteAsync((db, ct) => CloseAsync(db, closer, campaignId, ct), cancellationToken);
        }
        catch (LedgerBusyException)
        {
            return Refusal.Busy("The campaign was not closed");
        }
    }

    private static async Task<Result<CloseResult>> CloseAsync(ReviewPortalDbContext db, Closer closer, int campaignId, CancellationToken cancellationToken)
    {
        // First the campaign row's lock: a decision still in flight commits before the items are read, or waits and then
        // finds the campaign closed (ActiveCampaign).
        if (!await ActiveCampaign.HoldAsync(db, campaignId, cancellationToken))
        {
            return await db.Campaigns.AnyAsync(c => c.Id == campaignId, cancellationToken)
                ? Refusal.Conflict("The campaign is already closed.")
                : Refusal.NotFound("No such campaign.");
        }
        var actor = closer.Actor;
        var now = actor.At;
        var campaign = await db.Campaigns.FirstAsync(c => c.Id == campaignId, cancellationToken);
        if (closer.AtDueOnly && (!campaign.Definition.AutoClose || campaign.DueAt > now))
        {
            return Refusal.Conflict("The campaign does not close itself yet.");
        }
        // An automatic close applies the rule the campaign's creator chose at launch: they answer for its defaults.
        var decider = closer.DeciderId ?? campaign.CreatedById;
        var items = await db.ReviewItems.Where(i => i.CampaignId == campaignId)
            .Include(i => i.Entitlement).ThenInclude(e => e.Resource)
            .Include(i => i.Identity)
            .ToListAsync(cancellationToken);

        var defaulted = 0;
        foreach (var item in items)
        {
            if (item.Default(campaign.UnreviewedOutcome, item.Entitlement.ReducesToId, decider, now) is not { } decision)
            {
                continue;
            }
            db.ReviewDecisions.Add(decision);
            db.Audit(actor, "review.defaulted", item, after: new { item.Outcome, campaign.UnreviewedOutcome, decidedById = decider },
                identityId: item.IdentityId, campaignId: campaignId);
            defaulted++;
        }

        // The decision that counts per grant is the latest stage's.
        var finals = items.GroupBy(i => i.GrantId).Select(g => g.OrderByDescending(i => i.Stage).First())
            .Where(i => i.Outcome is DecisionOutcome.Revoke or DecisionOutcome.Reduce).ToList();
        var reduceTargets = await db.Entitlements.Where(e => finals.Select(f => f.ReducedToEntitlementId).Contains(e.Id))
            .ToDictionaryAsync(e => e.Id, cancellationToken);
        // The admins/owners each resource keeps, after the removals already under way from other campaigns, lifecycle
        // micro-reviews and the grant expiry (AdminsLeft.Removals.Planned says which count), then after this close's own.
        var staying = await OpenRemovalTask.AdminsStayingAsync(db, finals.Select(i => i.Entitlement), cancellationToken);
        foreach (var item in finals)
        {
            OpenRemovalTask.Open(db, actor, new Removal(item.GrantId, item.IdentityId, item.Identity.DisplayName, item.Entitlement, item.Outcome!.Value)
            {
                ReduceTo = item.ReducedToEntitlementId is { } r ? reduceTargets.GetValueOrDefault(r) : null,
                ReviewItemId = item.Id, CampaignId = campaignId,
            }, staying, now);
        }
        await Reviews.KeepUntil.ApplyAsync(db, items, actor, cancellationToken);
        campaign.Status = CampaignStatus.Closed;
        campaign.ClosedAt = now;
        db.Audit(actor, "campaign.closed", campaign, after: new { defaulted, remediationTasks = finals.Count, items = items.Count, automatic = closer.AtDueOnly });
        return new CloseResult(defaulted, finals.Count);
    }
}

public sealed record CloseResult(int Defaulted, int RemediationTasks);
