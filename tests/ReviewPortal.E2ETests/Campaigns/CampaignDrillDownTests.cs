using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.E2ETests.Reviews;

namespace ReviewPortal.E2ETests.Campaigns;

/// <summary>Issue #15, 10: the campaign dashboard's figures open the items behind them, with the decisions.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CampaignDrillDownTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private readonly DemoData _data = new(app);

    [BrowserFact]
    public async Task Admin_FromTheDashboard_OpensTheUndecidedItems_ThenOneReviewersItems_CountsMatchTheDatabase()
    {
        var demo = await _data.DemoCampaignAsync();
        var (undecided, reviewer) = await _data.QueryAsync(async db =>
        {
            var items = db.ReviewItems.Where(i => i.CampaignId == demo.Id);
            var top = await items.GroupBy(i => new { i.ReviewerId, i.Reviewer.DisplayName })
                .Select(g => new { g.Key.ReviewerId, g.Key.DisplayName, Count = g.Count() })
                .OrderByDescending(g => g.Count).ThenBy(g => g.ReviewerId).FirstAsync();
            return (await items.CountAsync(i => i.Outcome == null), top);
        });
        await Personas.SignInAsAsync(Page, Personas.Admin);
        await Page.GotoAsync($"/campaigns/{demo.Id}");
        await BlazorReady.WaitAsync(Page);

        await Page.GetByTestId("undecided-items-link").ClickAsync();

        await Expect(Page).ToHaveURLAsync(new Regex($"/campaigns/{demo.Id}/items\\?outcome=undecided$"));
        await BlazorReady.WaitAsync(Page);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Items and decisions · {demo.Name}");
        await Expect(Page.GetByTestId("campaign-items-total")).ToHaveTextAsync($"{undecided.ToString("N0", CultureInfo.InvariantCulture)} item(s)");
        var grid = Page.GetByTestId("campaign-items-grid");
        await Expect(grid.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("Undecided");
        await Accessibility.AssertNoSeriousViolationsAsync(Page);

        await Page.GoBackAsync();
        await BlazorReady.WaitAsync(Page);
        await Page.GetByTestId("reviewer-table").GetByRole(AriaRole.Link, new() { Name = $"{reviewer.Count} items of {reviewer.DisplayName}", Exact = true }).ClickAsync();

        await Expect(Page).ToHaveURLAsync(new Regex($"/campaigns/{demo.Id}/items\\?reviewer={reviewer.ReviewerId}$"));
        await BlazorReady.WaitAsync(Page);
        await Expect(Page.GetByTestId("reviewer-scope")).ToContainTextAsync($"Only items of {reviewer.DisplayName}");
        await Expect(Page.GetByTestId("campaign-items-total")).ToHaveTextAsync($"{reviewer.Count.ToString("N0", CultureInfo.InvariantCulture)} item(s)");
    }
}
