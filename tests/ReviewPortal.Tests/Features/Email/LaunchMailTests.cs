using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Email;

/// <summary>
/// Notifications on time (issue #14, 3): the launch mail is staged in the launch's own unit of work and reaches the SMTP
/// listener with the outbox's next run, not at the next hourly reminder run; every reminder links to the reviewer's items
/// in that campaign; an admin's Remind button mails one reviewer now, once a day.
/// </summary>
public class LaunchMailTests
{
    [Fact]
    public async Task Launch_EachReviewersMailLeavesWithTheNextOutboxRun_AndTheReminderRunAddsNone()
    {
        await using var portal = new EmailPortalFactory();
        var org = new TestOrg("launch-mail");
        var (busy, light) = (org.Person("Busy manager"), org.Person("Light manager"));
        var user = org.Role(org.Organization, "user");
        foreach (var n in Enumerable.Range(1, 3))
        {
            org.Grant(org.Person($"Report {n}", busy), user);
        }
        org.Grant(org.Person("Report 4", light), user);
        await org.SaveAsync(portal);
        using var smtp = portal.StartSmtp();

        var launched = await portal.GetRequiredService<LaunchCampaign>().HandleAsync(org.AdminViewer, org.Definition(), "launch-mail");
        Assert.True(launched.Ok, launched.Refusal?.Message);
        var campaignId = launched.Value.CampaignId;
        await portal.SendOutboxAsync();

        var got = Received.Messages(smtp).Select(m => (To: m.To.Mailboxes.Single().Address, m.Subject, Html: m.HtmlBody)).OrderBy(m => m.To).ToList();
        Assert.Equal([busy.Email!, light.Email!], got.Select(m => m.To).Order().ToList());
        var toBusy = got.Single(m => m.To == busy.Email);
        Assert.StartsWith("Access review started: 3 access review items to review by", toBusy.Subject);
        Assert.Contains($"{EmailPortalFactory.BaseUrl}/reviews?campaign={campaignId}", toBusy.Html);
        Assert.StartsWith("Access review started: 1 access review item to review by", got.Single(m => m.To == light.Email).Subject);

        // The hourly run later that day finds the launch mails taken: nothing new, nothing sent twice.
        Assert.Equal(0, await portal.RunRemindersAsync());
        await portal.SendOutboxAsync();
        Assert.Equal(2, smtp.ReceivedEmailCount);
        await using var db = await portal.CreateDbContextAsync();
        var launchEntry = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == "campaign.launched" && e.CampaignId == campaignId);
        Assert.Contains("\"launchMails\":2", launchEntry.After);
    }

    [Fact]
    public async Task Launch_WithoutReminders_MailsNobody()
    {
        await using var portal = new EmailPortalFactory();
        var org = new TestOrg("launch-silent");
        org.Grant(org.Person("Report", org.Person("Manager")), org.Role(org.Organization, "user"));
        await org.SaveAsync(portal);

        var launched = await portal.GetRequiredService<LaunchCampaign>().HandleAsync(org.AdminViewer,
            org.Definition(d => d.Reminders = ReminderCadence.None), "launch-silent");

        Assert.True(launched.Ok, launched.Refusal?.Message);
        await using var db = await portal.CreateDbContextAsync();
        Assert.Equal(0, await db.OutboxEmails.CountAsync());
    }

    [Fact]
    public async Task MailLink_NarrowsTheQueueToItsCampaign()
    {
        await using var portal = new EmailPortalFactory();
        var org = new TestOrg("mail-link");
        var manager = org.Person("Manager");
        var user = org.Role(org.Organization, "user");
        org.Grant(org.Person("Report 1", manager), user);
        org.Grant(org.Person("Report 2", manager), user);
        await org.SaveAsync(portal);
        var launch = portal.GetRequiredService<LaunchCampaign>();
        var first = (await launch.HandleAsync(org.AdminViewer, org.Definition(d => d.Name = "First"), "link-1")).Value!;
        await launch.HandleAsync(org.AdminViewer, org.Definition(d => d.Name = "Second"), "link-2");
        var list = portal.GetRequiredService<ListMyReviewItems>();
        var viewer = TestOrg.Viewer(manager);

        var everything = (await list.HandleAsync(viewer, new ListMyReviewItems.Query())).Value!;
        var linked = (await list.HandleAsync(viewer, new ListMyReviewItems.Query { CampaignId = first.CampaignId })).Value!;

        Assert.Equal((4, null), (everything.Total, everything.CampaignName));
        Assert.Equal((2, "First"), (linked.Total, linked.CampaignName));
        Assert.All(linked.Rows, r => Assert.Equal(first.CampaignId, r.CampaignId));
    }

    [Fact]
    public async Task RemindButton_MailsTheReviewerNowOnceADay_AdminsOnly()
    {
        await using var portal = new EmailPortalFactory();
        var world = new EmailWorld(portal);
        var owner = await world.PersonAsync("Olivia");
        var (slow, done, noMail) = (await world.PersonAsync("Adam"), await world.PersonAsync("Bea"), await world.PersonAsync("Cem", email: null));
        var campaign = await world.CampaignAsync("Q4 Claude access", owner, ReminderCadence.None, 10, (slow, 2, 1), (done, 0, 2), (noMail, 1, 0));
        var admin = TestOrg.Viewer(owner, Roles.Admin);
        var remind = portal.GetRequiredService<RemindReviewer>();
        using var smtp = portal.StartSmtp();

        var reminded = await remind.HandleAsync(admin, campaign.Id, slow.Id);
        var again = await remind.HandleAsync(admin, campaign.Id, slow.Id);
        var nothingLeft = await remind.HandleAsync(admin, campaign.Id, done.Id);
        var noAddress = await remind.HandleAsync(admin, campaign.Id, noMail.Id);
        var notAdmin = await remind.HandleAsync(TestOrg.Viewer(slow), campaign.Id, slow.Id);
        await portal.SendOutboxAsync();

        Assert.Equal("Adam", reminded.Value);
        Assert.Equal((RefusalKind.Conflict, "Adam was already reminded today."), (again.Refusal!.Kind, again.Refusal.Message));
        Assert.Equal(RefusalKind.Conflict, nothingLeft.Refusal!.Kind);
        Assert.Equal(RefusalKind.Invalid, noAddress.Refusal!.Kind);
        Assert.Equal(RefusalKind.Forbidden, notAdmin.Refusal!.Kind);
        var mail = Assert.Single(Received.Messages(smtp));
        Assert.Equal(slow.Email, mail.To.Mailboxes.Single().Address);
        Assert.StartsWith("Reminder: 2 access review items waiting for your review", mail.Subject);
        Assert.Contains($"/reviews?campaign={campaign.Id}", mail.HtmlBody);
        var entry = Assert.Single(await portal.AuditAsync("email.reviewer-reminded"));
        Assert.Equal((slow.Id, campaign.Id), (entry.IdentityId, entry.CampaignId));
    }
}
