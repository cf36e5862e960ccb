using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Email;

namespace ReviewPortal.Tests.Features.Email;

/// <summary>
/// A simulated month, day by day, against a real SMTP listener: exactly the expected mails
/// arrive, to exactly the expected people, on exactly the expected days.
/// </summary>
public class ReminderCadenceTests : IAsyncLifetime
{
    private readonly EmailPortalFactory _portal = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task Month_StandardLaunchAndDueOnlyAndNone_ExactlyTheScheduledMails()
    {
        var world = new EmailWorld(_portal);
        var owner = await world.PersonAsync("Olivia");
        var manager = await world.PersonAsync("Mona");
        var slow = await world.PersonAsync("Adam", manager);      // never finishes
        var finisher = await world.PersonAsync("Bea", manager);   // finishes on day 9
        var done = await world.PersonAsync("Cem", manager);       // nothing pending from the start
        var quiet = await world.PersonAsync("Dora", manager);     // LaunchAndDueOnly
        var silent = await world.PersonAsync("Emil", manager);    // cadence None
        // Launched Thu 2026-11-26 12:00 UTC, due Thu 2026-12-10 12:00 UTC.
        var standard = await world.CampaignAsync("Q4 Claude access", owner, ReminderCadence.Standard, 14,
            (slow, 2, 0), (finisher, 2, 1), (done, 0, 3));
        var launchAndDue = await world.CampaignAsync("Console keys", owner, ReminderCadence.LaunchAndDueOnly, 14, (quiet, 1, 0));
        var none = await world.CampaignAsync("Silent review", owner, ReminderCadence.None, 14, (silent, 1, 0));

        var expected = new Dictionary<DateOnly, HashSet<(string Key, string To)>>();
        void Expect(DateOnly day, string key, Identity to)
        {
            if (!expected.TryGetValue(day, out var set))
            {
                expected[day] = set = [];
            }
            set.Add((key, to.Email!));
        }
        var launch = new DateOnly(2026, 11, 26);
        var due = new DateOnly(2026, 12, 10);
        var end = launch.AddDays(29);
        Expect(launch, OutboxKeys.ForReminder(standard.Id, slow.Id, "launch", launch), slow);
        Expect(launch, OutboxKeys.ForReminder(standard.Id, finisher.Id, "launch", launch), finisher);
        Expect(launch.AddDays(7), OutboxKeys.ForReminder(standard.Id, slow.Id, "weekly", launch.AddDays(7)), slow);
        Expect(launch.AddDays(7), OutboxKeys.ForReminder(standard.Id, finisher.Id, "weekly", launch.AddDays(7)), finisher);
        Expect(due.AddDays(-3), OutboxKeys.ForReminder(standard.Id, slow.Id, "due-in-3", due.AddDays(-3)), slow);
        Expect(due.AddDays(-1), OutboxKeys.ForReminder(standard.Id, slow.Id, "due-in-1", due.AddDays(-1)), slow);
        Expect(due, OutboxKeys.ForReminder(standard.Id, slow.Id, "due", due), slow);
        for (var day = due.AddDays(1); day <= end; day = day.AddDays(1))
        {
            Expect(day, OutboxKeys.ForReminder(standard.Id, slow.Id, "overdue", day), slow);
        }
        Expect(launch, OutboxKeys.ForReminder(launchAndDue.Id, quiet.Id, "launch", launch), quiet);
        Expect(due, OutboxKeys.ForReminder(launchAndDue.Id, quiet.Id, "due", due), quiet);
        // Escalation to the manager from 3 days overdue, daily, for both campaigns that mail at all.
        for (var day = due.AddDays(3); day <= end; day = day.AddDays(1))
        {
            Expect(day, OutboxKeys.ForEscalation(standard.Id, slow.Id, day), manager);
            Expect(day, OutboxKeys.ForEscalation(launchAndDue.Id, quiet.Id, day), manager);
        }

        using var smtp = _portal.StartSmtp();
        var received = new Dictionary<DateOnly, List<(string MessageId, string To)>>();
        for (var day = launch; day <= end; day = day.AddDays(1))
        {
            if (day == launch.AddDays(9))
            {
                await world.DecideAllAsync(standard, finisher); // Sat 12-05: Bea is done, she hears nothing more
            }
            // Noon and evening runs: the second one of a day must add nothing.
            await _portal.RunRemindersAsync();
            await _portal.SendOutboxAsync();
            _portal.Time.Advance(TimeSpan.FromHours(6));
            Assert.Equal(0, await _portal.RunRemindersAsync());
            await _portal.SendOutboxAsync();
            _portal.Time.Advance(TimeSpan.FromHours(18));

            received[day] = Received.Envelopes(smtp);
            smtp.ClearReceivedEmail();
        }

        for (var day = launch; day <= end; day = day.AddDays(1))
        {
            var want = expected.GetValueOrDefault(day, []).Select(e => (_portal.MessageIdOf(e.Key), e.To)).ToHashSet();
            Assert.Equal(received[day].Count, received[day].Distinct().Count()); // no mail twice
            Assert.True(want.SetEquals(received[day]),
                $"{day:yyyy-MM-dd}: expected [{string.Join(", ", expected.GetValueOrDefault(day, []))}] got {received[day].Count} mail(s) to [{string.Join(", ", received[day].Select(r => r.To))}]");
        }
        var all = received.Values.SelectMany(r => r).ToList();
        Assert.Equal(expected.Values.Sum(e => e.Count), all.Count);
        Assert.DoesNotContain(all, r => r.To == done.Email || r.To == silent.Email || r.To == owner.Email);
        Assert.Equal(2, all.Count(r => r.To == finisher.Email));

        // Every sent mail has its proof of notification in the ledger.
        await using var db = await _portal.CreateDbContextAsync();
        var sent = await db.OutboxEmails.AsNoTracking().Where(m => m.Status == OutboxStatus.Sent).Select(m => m.Id).ToListAsync();
        Assert.Equal(all.Count, sent.Count);
        Assert.Equal(0, await db.OutboxEmails.CountAsync(m => m.Status != OutboxStatus.Sent));
        var audited = (await _portal.AuditAsync("email.sent")).Select(e => long.Parse(e.TargetId, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(sent.Order(), audited.Order());
        Assert.Equal(expected.Values.Sum(e => e.Count(x => x.Key.StartsWith("reminder:" + standard.Id + ":", StringComparison.Ordinal)))
                     + expected.Values.Sum(e => e.Count(x => x.Key.StartsWith("escalation:" + standard.Id + ":", StringComparison.Ordinal))),
            (await _portal.AuditAsync("email.sent")).Count(e => e.CampaignId == standard.Id));
    }

    [Fact]
    public async Task Escalation_AfterThreeDaysOverdue_OncePerDayToTheManager()
    {
        var world = new EmailWorld(_portal);
        var owner = await world.PersonAsync("Olivia");
        var manager = await world.PersonAsync("Mona");
        var reviewer = await world.PersonAsync("Adam", manager);
        var campaign = await world.CampaignAsync("Q4", owner, ReminderCadence.Standard, 2, (reviewer, 3, 0));
        using var smtp = _portal.StartSmtp();

        _portal.Time.Advance(TimeSpan.FromDays(4)); // 2 days overdue
        await _portal.RunRemindersAsync();
        await _portal.SendOutboxAsync();
        Assert.DoesNotContain(Received.Envelopes(smtp), e => e.To == manager.Email);

        _portal.Time.Advance(TimeSpan.FromDays(1)); // 3 days overdue
        await _portal.RunRemindersAsync();
        await _portal.RunRemindersAsync();
        await _portal.SendOutboxAsync();

        var escalations = Received.Messages(smtp).Where(m => m.To.Mailboxes.Single().Address == manager.Email).ToList();
        var mail = Assert.Single(escalations);
        Assert.Equal(_portal.MessageIdOf(OutboxKeys.ForEscalation(campaign.Id, reviewer.Id, new DateOnly(2026, 12, 1))), mail.MessageId);
        Assert.Contains("Adam", mail.Subject);
        Assert.Contains("3 access review items", mail.Subject);
        Assert.Contains($"{EmailPortalFactory.BaseUrl}/identities/{reviewer.Id}", mail.HtmlBody);
        Assert.Contains("Hello Mona,", mail.TextBody);
    }

    [Fact]
    public async Task Reminders_ReviewerWithNothingPending_NeverMailed()
    {
        var world = new EmailWorld(_portal);
        var owner = await world.PersonAsync("Olivia");
        var manager = await world.PersonAsync("Mona");
        var finished = await world.PersonAsync("Cem", manager);
        var busy = await world.PersonAsync("Adam", manager);
        await world.CampaignAsync("Q4", owner, ReminderCadence.Standard, 1, (finished, 0, 4), (busy, 1, 0));
        using var smtp = _portal.StartSmtp();

        for (var day = 0; day < 8; day++) // launch, due and several overdue/escalation days
        {
            await _portal.RunRemindersAsync();
            await _portal.SendOutboxAsync();
            _portal.Time.Advance(TimeSpan.FromDays(1));
        }

        var recipients = Received.Envelopes(smtp).Select(e => e.To).ToList();
        Assert.Contains(busy.Email, recipients);
        Assert.DoesNotContain(finished.Email, recipients);
        await using var db = await _portal.CreateDbContextAsync();
        Assert.False(await db.OutboxEmails.AnyAsync(m => m.To == finished.Email));
    }
}
