using System.Net;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>Words instead of enum names on the campaign screens (issue #15, 7, for the wizard and the dashboard).</summary>
[Collection(SeededPortalCollection.Name)]
public class CampaignWordsTests(PortalAppFactory portal)
{
    private static readonly string[] EnumNames = ["NoChange", "TakeRecommendation", "DontKnow"];

    [Fact]
    public async Task Dashboard_SaysWhatHappensToSilenceInWords()
    {
        await using var db = await portal.CreateDbContextAsync();
        var campaign = await db.Campaigns.AsNoTracking().Where(c => c.Status == CampaignStatus.Active).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.UnreviewedOutcome }).FirstAsync();
        using var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, "admin");

        var html = WebUtility.HtmlDecode(await client.GetStringAsync($"/campaigns/{campaign.Id}"));

        Assert.Contains($"unreviewed items at close: {Humanize.Unreviewed(campaign.UnreviewedOutcome).ToLowerInvariant()}", html);
        Assert.All(EnumNames, name => Assert.DoesNotContain(name, html));
    }

    [Fact]
    public async Task Wizard_ShowsTheDefaultForSilenceInWords()
    {
        using var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, "admin");

        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/campaigns/new"));

        Assert.Contains("value=\"No change\"", html);
        Assert.All(EnumNames, name => Assert.DoesNotContain(name, html));
    }
}
