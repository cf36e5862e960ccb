using System.Net;
using ReviewPortal.Tests.Infrastructure;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>The recurring campaigns over HTTP: the wizard in template mode shows the next runs before saving; the list is admins' and Compliance's.</summary>
[Collection(SeededPortalCollection.Name)]
public class CampaignTemplatePagesTests(PortalAppFactory portal)
{
    [Fact]
    public async Task NewRecurringCampaign_Admin_ScheduleWithTheNextRunsBeforeSaving()
    {
        using var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, "admin");

        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/campaigns/new?template=new"));

        Assert.Contains("data-testid=\"template-schedule\"", html);
        // Quarterly from tomorrow (the fixed clock says 26 Nov 2026): five runs, three months apart.
        Assert.Contains("Fri 27 Nov 2026 00:00 UTC · Sat 27 Feb 2027 00:00 UTC · Thu 27 May 2027 00:00 UTC · Fri 27 Aug 2027 00:00 UTC · Sat 27 Nov 2027 00:00 UTC", html);
        Assert.Contains("data-testid=\"template-save\"", html);
        Assert.DoesNotContain("data-testid=\"campaign-launch\"", html);
    }

    [Fact]
    public async Task NewCampaign_Admin_SaveAsDraftAndMakeRecurringOffered()
    {
        using var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, "admin");

        var html = await client.GetStringAsync("/campaigns/new");

        Assert.Contains("data-testid=\"campaign-save-draft\"", html);
        Assert.Contains("data-testid=\"campaign-make-recurring\"", html);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("compliance")]
    public async Task TemplatesPage_AdminsAndCompliance_Listed(string persona)
    {
        using var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, persona);

        var html = await client.GetStringAsync("/campaigns/templates");

        Assert.Contains("data-testid=\"templates-table\"", html);
        Assert.Equal(persona == "admin", html.Contains("data-testid=\"new-template\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TemplatesPage_Manager_Refused()
    {
        using var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, "manager");

        using var response = await client.GetAsync("/campaigns/templates");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }
}
