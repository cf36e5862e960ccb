using System.Net;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Features.Email;

namespace ReviewPortal.Tests.Features.Email;

/// <summary>/admin/outbox over HTTP: Admin only; the prerendered page lists mails with their test ids.</summary>
[Collection(SeededPortalCollection.Name)]
public class OutboxPageTests(PortalAppFactory portal)
{
    [Fact]
    public async Task OutboxPage_Admin_ListsMails()
    {
        await using (var db = await portal.CreateDbContextAsync())
        {
            await EmailOutbox.EnqueueAsync(db, $"page-test:{Guid.NewGuid():N}", "someone@example.test", "Page test mail", "<p>x</p>", "x", portal.Time.GetUtcNow());
            await db.SaveChangesAsync();
        }
        using var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, "admin");

        using var response = await client.GetAsync("/admin/outbox");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-testid=\"outbox-table\"", html);
        Assert.Contains("data-testid=\"outbox-row\"", html);
        Assert.Contains("Page test mail", html);
        Assert.Contains("data-testid=\"send-reminders\"", html);
    }

    [Theory]
    [InlineData("manager")]
    [InlineData("compliance")]
    public async Task OutboxPage_NonAdmin_Refused(string persona)
    {
        using var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, persona);

        using var response = await client.GetAsync("/admin/outbox");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/access-denied", response.Headers.Location?.OriginalString ?? "");
    }
}
