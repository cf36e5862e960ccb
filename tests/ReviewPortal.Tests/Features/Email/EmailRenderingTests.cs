using MimeKit;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Infrastructure.Email;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Tests.Features.Email;

/// <summary>What a reviewer receives: an accessible HTML part, a plain-text alternative, the count, the date and a deep link.</summary>
public class EmailRenderingTests
{
    [Fact]
    public async Task LaunchReminder_OnTheWire_HtmlAndTextWithCountDueDateAndDeepLink()
    {
        await using var portal = new EmailPortalFactory();
        var world = new EmailWorld(portal);
        var owner = await world.PersonAsync("Olivia");
        var reviewer = await world.PersonAsync("Adam");
        var campaign = await world.CampaignAsync("Q4 <Claude> & keys", owner, ReminderCadence.Standard, 14, (reviewer, 3, 1));
        using var smtp = portal.StartSmtp();

        await portal.RunRemindersAsync();
        await portal.SendOutboxAsync();

        var message = Assert.Single(Received.Messages(smtp));
        Assert.Equal("reviewportal@example.test", message.From.Mailboxes.Single().Address);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType).ToArray());
        Assert.Equal("Access review started: 3 access review items to review by Thu 10 Dec 2026", message.Subject);

        var html = message.HtmlBody ?? "";
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<html lang=\"en\">", html);
        Assert.Contains("<h1", html);
        Assert.Contains($"<a href=\"{EmailPortalFactory.BaseUrl}/reviews?campaign={campaign.Id}\"", html);
        Assert.Contains("Review your 3 access review items</a>", html);
        Assert.Contains("Thu 10 Dec 2026, 12:00 UTC", html);
        Assert.Contains("Q4 &lt;Claude&gt; &amp; keys", html); // user text is encoded, never markup
        Assert.DoesNotContain("<Claude>", html);

        var text = message.TextBody ?? "";
        Assert.Contains("Hello Adam,", text);
        Assert.Contains("\"Q4 <Claude> & keys\"", text);
        Assert.Contains($"Review your 3 access review items: {EmailPortalFactory.BaseUrl}/reviews?campaign={campaign.Id}", text);
        Assert.Contains("Thu 10 Dec 2026, 12:00 UTC", text);
        Assert.DoesNotContain("&amp;", text);
        Assert.DoesNotContain("<", text.Replace("<Claude>", ""));
    }

    [Fact]
    public async Task ApprovalReminder_LinksToTheApprovalsInbox()
    {
        await using var portal = new EmailPortalFactory();
        var rendered = await portal.GetRequiredService<EmailRenderer>().RenderAsync(
            EmailMessages.ApprovalReminder(new EmailOptions { PortalBaseUrl = "https://p.test/" }, "Ann", 2, portal.Time.GetUtcNow()));

        Assert.Equal("2 access requests waiting for your approval", rendered.Subject);
        Assert.Contains("<a href=\"https://p.test/requests/approvals\"", rendered.Html);
        Assert.Contains("Open your approvals inbox (2 access requests)</a>", rendered.Html);
        Assert.Contains("https://p.test/requests/approvals", rendered.Text);
    }
}
