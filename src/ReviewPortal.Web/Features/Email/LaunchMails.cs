using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Email;

namespace ReviewPortal.Web.Features.Email;

/// <summary>
/// The launch mail to each reviewer, staged in the launch's own unit of work: it commits with the campaign and its items
/// (or not at all) and leaves with the outbox's next run, a minute later, instead of waiting for the hourly reminder run.
/// Its key is the one that run would use for the launch day, so the run finds it taken and adds nothing.
/// </summary>
public sealed class LaunchMails(EmailOptions options, EmailRenderer renderer)
{
    /// <param name="reviewerIds">The reviewer of each item, once per item (the mail gives each reviewer their count).</param>
    public async Task<int> QueueAsync(ReviewPortalDbContext db, Campaign campaign, IEnumerable<int> reviewerIds,
        CancellationToken cancellationToken)
    {
        var launchedAt = campaign.LaunchedAt ?? throw new InvalidOperationException("Only a launched campaign mails its reviewers.");
        var day = ReminderSchedule.Day(launchedAt);
        if (ReminderSchedule.KindFor(campaign.Definition.Reminders, day, ReminderSchedule.Day(campaign.DueAt), day) != ReminderSchedule.Launch)
        {
            return 0;
        }
        var pending = reviewerIds.CountBy(id => id).ToDictionary();
        var ids = pending.Keys.ToList();
        var reviewers = await db.Identities.AsNoTracking()
            .Where(i => ids.Contains(i.Id) && i.Email != null && i.Email != "")
            .Select(i => new { i.Id, i.DisplayName, i.Email })
            .ToListAsync(cancellationToken);
        foreach (var reviewer in reviewers)
        {
            var mail = await renderer.RenderAsync(EmailMessages.ReviewReminder(options, ReminderSchedule.Launch, reviewer.DisplayName,
                campaign.Id, campaign.Name, pending[reviewer.Id], campaign.DueAt, day));
            // The campaign was created in this unit: no mail can hold its keys yet.
            EmailOutbox.Stage(db, OutboxKeys.ForReminder(campaign.Id, reviewer.Id, ReminderSchedule.Launch, day), reviewer.Email!, mail, launchedAt);
        }
        return reviewers.Count;
    }
}
