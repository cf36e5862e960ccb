using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Remediation;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// Closes a campaign: unreviewed items get the configured outcome, every final revoke/reduce
/// becomes one remediation task (the last stage's decision wins), and a removal that would leave a
/// resource without any admin/owner, once the removals already under way are done (<see cref="AdminsLeft"/>), becomes a
/// manual task instead. One unit of work, audited.
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
        try
        {
            return await contexts.WriteAsync((db, ct) => CloseAsync(db, viewer, campaignId, now, correlationId, ct), cancellationToken);
        }
        catch (LedgerBusyException)
        {
            return Refusal.Busy("The campaign was not closed");
        }
    }

    private static async Task<Result<CloseResult>> CloseAsync(ReviewPortalDbContext db, Viewer viewer, int campaignId, DateTimeOffset now,
        string correlationId, CancellationToken cancellationToken)
    {
        // First the campaign row's lock: a decision still in flight commits before the items are read, or waits and then
        // finds the campaign closed (ActiveCampaign).
        if (!await ActiveCampaign.HoldAsync(db, campaignId, cancellationToken))
        {
            return await db.Campaigns.AnyAsync(c => c.Id == campaignId, cancellationToken)
                ? Refusal.Conflict("The campaign is already closed.")
                : Refusal.NotFound("No such campaign.");
        }
        var campaign = await db.Campaigns.FirstAsync(c => c.Id == campaignId, cancellationToken);
        var actor = new AuditActor(viewer.IdentityId, viewer.Name, now, correlationId);
        var items = await db.ReviewItems.Where(i => i.CampaignId == campaignId)
            .Include(i => i.Entitlement).ThenInclude(e => e.Resource)
            .Include(i => i.Identity)
            .ToListAsync(cancellationToken);

        var defaulted = 0;
        foreach (var item in items.Where(i => i.Outcome is null))
        {
            var outcome = campaign.UnreviewedOutcome switch
            {
                UnreviewedOutcome.Revoke => DecisionOutcome.Revoke,
                UnreviewedOutcome.TakeRecommendation when item.Recommendation == Recommendation.Revoke => DecisionOutcome.Revoke,
                UnreviewedOutcome.TakeRecommendation when item.Recommendation == Recommendation.Reduce && item.Entitlement.ReducesToId != null => DecisionOutcome.Reduce,
                _ => (DecisionOutcome?)null,
            };
            if (outcome is null)
            {
                continue;
            }
            item.Outcome = outcome;
            item.ReducedToEntitlementId = outcome == DecisionOutcome.Reduce ? item.Entitlement.ReducesToId : null;
            item.Justification = $"No response by the due date: campaign default ({campaign.UnreviewedOutcome}).";
            item.DecidedAt = now;
            item.Version++;
            db.Audit(actor, "review.defaulted", item, after: new { outcome, campaign.UnreviewedOutcome }, identityId: item.IdentityId, campaignId: campaignId);
            defaulted++;
        }

        // The decision that counts per grant is the latest stage's.
        var finals = items.GroupBy(i => i.GrantId).Select(g => g.OrderByDescending(i => i.Stage).First())
            .Where(i => i.Outcome is DecisionOutcome.Revoke or DecisionOutcome.Reduce).ToList();
        var reduceTargets = await db.Entitlements.Where(e => finals.Select(f => f.ReducedToEntitlementId).Contains(e.Id))
            .ToDictionaryAsync(e => e.Id, cancellationToken);
        // The admins/owners each resource keeps, after the removals already under way from other campaigns, lifecycle
        // micro-reviews and the grant expiry (AdminsLeft.Removals.Planned says which count), then after this close's own.
        var privilegedResources = finals.Where(i => i.Entitlement.IsPrivileged).Select(i => i.Entitlement.ResourceId).Distinct().ToList();
        var staying = privilegedResources.Count == 0 ? [] : await AdminsLeft.Staying(db, privilegedResources, AdminsLeft.Removals.Planned)
            .ToDictionaryAsync(a => a.GrantId, a => a.ResourceId, cancellationToken);
        var tasks = 0;
        foreach (var item in finals)
        {
            var reduceTo = item.ReducedToEntitlementId is { } r ? reduceTargets.GetValueOrDefault(r) : null;
            var (action, target, instructions) = RemediationPlanner.For(item.Entitlement, item.Outcome!.Value, reduceTo, item.Identity.DisplayName);
            // A grant already going (or already gone) takes no further admin away, so only a staying one is guarded; once
            // this close plans its removal, automatic or by hand, it no longer keeps the resource administered.
            if (item.Entitlement.IsPrivileged && staying.Remove(item.GrantId, out var resourceId) && !staying.ContainsValue(resourceId))
            {
                (action, instructions) = (RemediationAction.Manual,
                    $"{AdminsLeft.NotRemoved(item.Identity.DisplayName, item.Entitlement.Resource.Name)} " +
                    "Assign another admin first, then remove this access by hand.");
            }
            var task = new RemediationTask
            {
                ReviewItemId = item.Id, GrantId = item.GrantId, Action = action, TargetValue = target,
                Status = action == RemediationAction.Manual ? RemediationStatus.ManualRequired : RemediationStatus.Pending,
                Instructions = instructions, CreatedAt = now, NextAttemptAt = now,
            };
            db.RemediationTasks.Add(task);
            db.Audit(actor, "remediation.created", task, after: new { action, target, item.Outcome, instructions }, identityId: item.IdentityId, campaignId: campaignId);
            tasks++;
        }
        await Reviews.KeepUntil.ApplyAsync(db, items, actor, cancellationToken);
        campaign.Status = CampaignStatus.Closed;
        campaign.ClosedAt = now;
        db.Audit(actor, "campaign.closed", campaign, after: new { defaulted, remediationTasks = tasks, items = items.Count });
        return new CloseResult(defaulted, tasks);
    }
}

public sealed record CloseResult(int Defaulted, int RemediationTasks);
