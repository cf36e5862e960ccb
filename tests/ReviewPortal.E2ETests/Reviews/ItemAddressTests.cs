using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.E2ETests.Reviews;

/// <summary>
/// A review item has its own address, `/reviews/{id}` (issue #14, 3): the reviewer's own item opens in the drawer;
/// another reviewer's item is refused on the server, on the page, and nothing of it is shown.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ItemAddressTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private readonly DemoData _data = new(app);

    [BrowserFact]
    public async Task Manager_OpensOwnItemByAddress_AndIsRefusedAnotherReviewersItem()
    {
        var manager = await _data.PersonaAsync(Personas.Manager);
        var own = (await _data.UndecidedAsync(manager.IdentityId, Recommendation.Keep))[0];
        var others = await _data.QueryAsync(db => db.ReviewItems.AsNoTracking()
            .Where(i => i.ReviewerId != manager.IdentityId && i.Campaign.Status == CampaignStatus.Active)
            .Select(i => new { i.Id, Identity = i.Identity.DisplayName, i.EvidenceHash }).FirstAsync());
        await Personas.SignInAsAsync(Page, Personas.Manager);

        await Page.GotoAsync($"/reviews/{own.Id}");
        await BlazorReady.WaitAsync(Page);
        var panel = Page.GetByTestId("item-drawer").GetByTestId("review-item-panel");
        await Expect(panel).ToBeVisibleAsync();
        await Expect(panel.GetByTestId("evidence-hash")).ToHaveTextAsync(own.EvidenceHash);
        await Expect(Page.GetByTestId("item-address-refused")).ToHaveCountAsync(0);

        await Page.GotoAsync($"/reviews/{others.Id}");
        await BlazorReady.WaitAsync(Page);
        await Expect(Page.GetByTestId("item-address-refused")).ToContainTextAsync("That item is not assigned to you.");
        await Expect(Page.GetByTestId("review-item-panel")).ToHaveCountAsync(0);
        await Expect(Page.GetByText(others.EvidenceHash)).ToHaveCountAsync(0);
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }

    [BrowserFact]
    public async Task Manager_FollowsAMailsCampaignLink_SeesThatCampaignOnly_AndWidensWithOneClick()
    {
        var manager = await _data.PersonaAsync(Personas.Manager);
        var campaign = await _data.QueryAsync(db => db.ReviewItems.AsNoTracking()
            .Where(i => i.ReviewerId == manager.IdentityId && i.Campaign.Status == CampaignStatus.Active)
            .GroupBy(i => new { i.CampaignId, i.Campaign.Name })
            .Select(g => new { g.Key.CampaignId, g.Key.Name, Items = g.Count() }).FirstAsync());
        await Personas.SignInAsAsync(Page, Personas.Manager);

        await Page.GotoAsync($"/reviews?campaign={campaign.CampaignId}");
        await BlazorReady.WaitAsync(Page);

        var scope = Page.GetByTestId("campaign-scope");
        await Expect(scope).ToContainTextAsync(campaign.Name);
        await Expect(Page.GetByTestId("review-progress-text")).ToContainTextAsync($"of {campaign.Items} decided");
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
        await scope.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/reviews$"));
        await Expect(Page.GetByTestId("campaign-scope")).ToHaveCountAsync(0);
    }
}
