using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Email;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// The dashboard's Remind button: one mail now to a reviewer who still has undecided items in an active campaign, with
/// their count and a link to those items, staged through the outbox with the audit entry. At most one a day per reviewer
/// and campaign (its outbox key names the day), however often the button is pressed.
/// </summary>
public sealed class RemindReviewer(IDbContextFactory<ReviewPortalDbContext> contexts, EmailOptions options, EmailRenderer renderer, TimeProvider time)
{
    public async Task<Result<string>> HandleAsync(Viewer viewer, int campaignId, int reviewerId, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "can remind reviewers") is { } refused)
        {
            return refused;
        }
        var now = time.GetUtcNow();
        return await contexts.WriteAsync<Result<string>>(async (db, ct) =>
        {
            var campaign = await db.Campaigns.AsNoTracking().Where(c => c.Id == campaignId)
                .Select(c => new { c.Id, c.Name, c.Status, c.DueAt }).FirstOrDefaultAsync(ct);
            if (campaign is null)
            {
                return Refusal.NotFound("No such campaign.");
            }
            if (campaign.Status != CampaignStatus.Active)
            {
                return Refusal.Conflict("The campaign is closed: nobody has anything left to review in it.");
            }
            var reviewer = await db.Identities.AsNoTracking().Where(i => i.Id == reviewerId)
                .Select(i => new { i.Id, i.DisplayName, i.Email }).FirstOrDefaultAsync(ct);
            var pending = await db.ReviewItems.CountAsync(i => i.CampaignId == campaignId && i.ReviewerId == reviewerId && i.Outcome == null, ct);
            if (reviewer is null || pending == 0)
            {
                return Refusal.Conflict($"{reviewer?.DisplayName ?? "This reviewer"} has nothing left to review in this campaign.");
            }
            if (string.IsNullOrWhiteSpace(reviewer.Email))
            {
                return Refusal.Invalid($"{reviewer.DisplayName} has no mail address in the people directory.");
            }
            var today = ReminderSchedule.Day(now);
            var key = OutboxKeys.ForReminder(campaignId, reviewerId, ReminderSchedule.Nudge, today);
            if (await db.OutboxEmails.AnyAsync(m => m.DeduplicationKey == key, ct))
            {
                return Refusal.Conflict($"{reviewer.DisplayName} was already reminded today.");
            }
            var mail = await renderer.RenderAsync(EmailMessages.ReviewReminder(options, ReminderSchedule.Nudge, reviewer.DisplayName,
                campaign.Id, campaign.Name, pending, campaign.DueAt, today));
            EmailOutbox.Stage(db, key, reviewer.Email, mail, now);
            db.Audit(new AuditActor(viewer.IdentityId, viewer.Name, now, $"remind:{Guid.NewGuid():N}"), "email.reviewer-reminded",
                new AuditTarget(nameof(Campaign), campaignId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                after: new { reviewerId, reviewer = reviewer.DisplayName, pending }, identityId: reviewerId, campaignId: campaignId);
            return reviewer.DisplayName;
        }, cancellationToken);
    }
}
