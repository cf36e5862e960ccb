using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.E2ETests.Reviews;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.E2ETests.Docs;

/// <summary>
/// The README's screenshots (issue #15): the sign-in page, a review item, a campaign dashboard 30 days into its run and
/// the audit explorer, each checked for what it must show and taken into <c>bin/…/screenshots/</c> (copied to
/// <c>docs/screenshots/</c> by hand when the pages change; see its README). Its own app: the demo campaign is moved 30
/// days back, with decisions spread over those days, so the burndown has a month of history.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ScreenshotTests(BrowserFixture browser) : IsolatedBrowserTest(browser)
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "screenshots");

    [BrowserFact]
    public async Task PagesOfTheReadme_ShowWhatTheyMust_AndAreCaptured()
    {
        Directory.CreateDirectory(Folder);
        var data = new DemoData(App);
        await Page.SetViewportSizeAsync(1366, 900);

        await Page.GotoAsync("/dev/sign-in");
        await Expect(Page.GetByTestId("persona-list").GetByRole(AriaRole.Button)).ToHaveCountAsync(Personas.All.Count);
        await CaptureAsync("sign-in.png");

        // A review item, open in the drawer, as the manager sees it.
        await Personas.SignInAsAsync(Page, Personas.Manager);
        await Page.GotoAsync("/reviews");
        await BlazorReady.WaitAsync(Page);
        await Page.GetByTestId("reviews-grid").GetByTestId("open-item").First.ClickAsync();
        await Expect(Page.GetByTestId("item-drawer").GetByTestId("evidence-hash")).ToBeVisibleAsync();
        await CaptureAsync("review-item.png");

        // The demo campaign 30 days into its run, two thirds decided along the way.
        var demo = await data.DemoCampaignAsync();
        var (items, decided) = await MoveIntoTheMonthAsync(data, demo.Id);
        await Context.ClearCookiesAsync();
        await Personas.SignInAsAsync(Page, Personas.Admin);
        await Page.GotoAsync($"/campaigns/{demo.Id}");
        await BlazorReady.WaitAsync(Page);
        var chart = Page.GetByTestId("burndown-chart");
        await Expect(chart.Locator("svg")).ToHaveAttributeAsync("aria-label", new Regex($"^Burndown: {items - decided:N0} of {items:N0} items undecided on "));
        await Expect(chart.GetByTestId("burndown-pace")).ToHaveCountAsync(1);
        await CaptureAsync("campaign-dashboard.png");

        await Page.GotoAsync("/audit");
        await BlazorReady.WaitAsync(Page);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Row).Nth(1)).ToBeVisibleAsync();
        await CaptureAsync("audit-explorer.png");
    }

    private async Task CaptureAsync(string name)
    {
        await Accessibility.WaitForAnimationsAsync(Page);
        var path = Path.Combine(Folder, name);
        await Page.ScreenshotAsync(new() { Path = path, FullPage = false });
        Assert.True(new FileInfo(path).Length > 10_000, $"{name} is nearly empty.");
    }

    /// <summary>Launched 30 days ago, due in 5 days; two thirds of the items kept on days spread over the month.</summary>
    private static Task<(int Items, int Decided)> MoveIntoTheMonthAsync(DemoData data, int campaignId) => data.QueryAsync(async db =>
    {
        var now = DateTimeOffset.UtcNow;
        var launched = now.AddDays(-30);
        await db.Campaigns.Where(c => c.Id == campaignId).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.CreatedAt, launched).SetProperty(c => c.LaunchedAt, launched).SetProperty(c => c.DueAt, now.AddDays(5)));
        var items = await db.ReviewItems.Where(i => i.CampaignId == campaignId).OrderBy(i => i.Id).ToListAsync();
        var decided = 0;
        for (var n = 0; n < items.Count; n++)
        {
            if (items[n].Outcome is not null || n % 3 == 2)
            {
                continue;
            }
            // Slower at first, faster towards the due date, as reviews go.
            var day = (int)(30 * Math.Sqrt((double)n / items.Count));
            items[n].Outcome = DecisionOutcome.Keep;
            items[n].DecidedAt = launched.AddDays(day).AddHours(10);
            items[n].Justification = "Still needed.";
            decided++;
        }
        await db.SaveChangesAsync();
        return (items.Count, items.Count(i => i.Outcome is not null));
    });
}
