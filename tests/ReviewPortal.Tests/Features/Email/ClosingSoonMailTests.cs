using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Email;

namespace ReviewPortal.Tests.Features.Email;

/// <summary>
/// Issue #14 (2): the day before a campaign closes itself, each reviewer with pending items gets exactly one mail that says
/// it closes automatically, whatever the cadence (None aside); it is that day's reminder, not a second one.
/// </summary>
public class ClosingSoonMailTests : IAsyncLifetime
{
    private readonly EmailPortalFactory _portal = new(useSmtp: false);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private async Task CloseAutomaticallyAsync(Campaign campaign)
    {
        await using var db = await _portal.CreateDbContextAsync();
        var stored = await db.Campaigns.SingleAsync(c => c.Id == campaign.Id);
        stored.Definition = stored.Definition with { AutoClose = true };
        await db.SaveChangesAsync();
    }

    private async Task<List<OutboxEmail>> RemindersAsync(Campaign campaign)
    {
        await using var db = await _portal.CreateDbContextAsync();
        var prefix = $"reminder:{campaign.Id}:";
        return await db.OutboxEmails.AsNoTracking().Where(m => m.DeduplicationKey.StartsWith(prefix)).OrderBy(m => m.Id).ToListAsync();
    }

    [Fact]
    public async Task DayBeforeDue_AutoClosingCampaigns_OneClosingSoonMailPerReviewerWithPendingItems()
    {
        var world = new EmailWorld(_portal);
        var owner = await world.PersonAsync("Olivia");
        var adam = await world.PersonAsync("Adam");
        var bea = await world.PersonAsync("Bea");
        var cem = await world.PersonAsync("Cem");
        var standard = await world.CampaignAsync("Standard, closes itself", owner, ReminderCadence.Standard, 5, (adam, 2, 0), (cem, 0, 2));
        var quiet = await world.CampaignAsync("Launch and due only, closes itself", owner, ReminderCadence.LaunchAndDueOnly, 5, (bea, 1, 0));
        var manual = await world.CampaignAsync("Standard, closed by an admin", owner, ReminderCadence.Standard, 5, (adam, 1, 0));
        await CloseAutomaticallyAsync(standard);
        await CloseAutomaticallyAsync(quiet);
        var dayBefore = ReminderSchedule.Day(_portal.Time.GetUtcNow().AddDays(4));
        await _portal.RunRemindersAsync(); // launch day
        _portal.Time.Advance(TimeSpan.FromDays(4));

        await _portal.RunRemindersAsync();
        _portal.Time.Advance(TimeSpan.FromHours(6));
        await _portal.RunRemindersAsync(); // a second run the same day adds nothing

        var standardMail = Assert.Single(await RemindersAsync(standard), m => m.DeduplicationKey.EndsWith(dayBefore.ToString("yyyy-MM-dd"), StringComparison.Ordinal));
        Assert.Equal((adam.Email, OutboxKeys.ForReminder(standard.Id, adam.Id, ReminderSchedule.DueIn1, dayBefore)),
            (standardMail.To, standardMail.DeduplicationKey));
        var quietMail = Assert.Single(await RemindersAsync(quiet), m => m.DeduplicationKey.EndsWith(dayBefore.ToString("yyyy-MM-dd"), StringComparison.Ordinal));
        Assert.Equal(bea.Email, quietMail.To);
        foreach (var mail in new[] { standardMail, quietMail })
        {
            Assert.StartsWith("Closing tomorrow: ", mail.Subject, StringComparison.Ordinal);
            Assert.Contains("closes automatically", mail.TextBody, StringComparison.Ordinal);
        }
        // A campaign an admin closes keeps its usual wording.
        var manualMail = Assert.Single(await RemindersAsync(manual), m => m.DeduplicationKey.EndsWith(dayBefore.ToString("yyyy-MM-dd"), StringComparison.Ordinal));
        Assert.StartsWith("Due tomorrow: ", manualMail.Subject, StringComparison.Ordinal);
        Assert.DoesNotContain("closes automatically", manualMail.TextBody, StringComparison.Ordinal);
    }
}
