using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.E2ETests.Foundation;

/// <summary>Issue #15, 10 and "Also": a home card that leads somewhere, the engineer's own tagline, ISO dates in pickers
/// with past days closed, no internal references in page text.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PortalDetailsTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private readonly DemoData _data = new(app);

    [BrowserFact]
    public async Task Admin_DormantKeysCard_OpensTheIdentitiesListOfExactlyThoseKeys()
    {
        await Personas.SignInAsAsync(Page, Personas.Admin);
        await BlazorReady.WaitAsync(Page);
        var counted = int.Parse(await Page.GetByTestId("stat-dormant-keys-value").InnerTextAsync(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.True(counted > 0, "The demo seed has dormant keys.");

        await Page.GetByTestId("stat-dormant-keys").GetByRole(AriaRole.Link).First.ClickAsync();

        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/identities\\?show=dormant-keys$"));
        await BlazorReady.WaitAsync(Page);
        await Expect(Page.GetByTestId("dormant-keys-scope")).ToBeVisibleAsync();
        var grid = Page.GetByTestId("identities-grid");
        await Expect(grid.Locator(".mud-table-pagination-caption").Last).ToContainTextAsync($"of {counted}");
        // Every row is an API key.
        var rows = grid.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Cell) });
        await Expect(rows.First).ToBeVisibleAsync();
        var kinds = await rows.Locator("td:nth-child(2)").AllInnerTextsAsync();
        Assert.NotEmpty(kinds);
        Assert.All(kinds, kind => Assert.Equal("API key", kind.Trim()));
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }

    [BrowserFact]
    public async Task Engineer_WithNoReportsAndNoItems_HomeDoesNotTalkAboutTheirReports()
    {
        var engineer = await _data.PersonaAsync(Personas.Engineer);
        Assert.False(await _data.QueryAsync(db => db.Identities.AnyAsync(i => i.ManagerId == engineer.IdentityId)));
        Assert.Equal(0, await _data.PendingReviewItemsAsync(engineer.IdentityId));

        await Personas.SignInAsAsync(Page, Personas.Engineer);
        await BlazorReady.WaitAsync(Page);

        var main = Page.Locator("main");
        await Expect(main).ToContainTextAsync("Ask for the Claude access you need");
        await Expect(main).Not.ToContainTextAsync("your reports");
    }

    [BrowserFact]
    public async Task Admin_WizardDueDate_IsoFormat_PastDaysAndTodayCannotBePicked()
    {
        await Personas.SignInAsAsync(Page, Personas.Admin);
        await Page.GotoAsync("/campaigns/new");
        await BlazorReady.WaitAsync(Page);
        var today = DateTime.UtcNow.Date;
        // MudDatePicker puts its attributes on the input itself or on its wrapper depending on the version: either.
        var due = Page.Locator("input[data-testid=campaign-due], [data-testid=campaign-due] input").First;
        await Expect(due).ToHaveValueAsync(today.AddDays(21).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

        await due.ClickAsync();
        var calendar = Page.Locator(".mud-picker-calendar-container").First;
        await Expect(calendar).ToBeVisibleAsync();
        if (today.Month != today.AddDays(21).Month)
        {
            await Page.Locator(".mud-picker-nav-button-prev").First.ClickAsync();
        }
        // The month of today: every day up to today closed, every later day open.
        var days = calendar.Locator("button.mud-picker-calendar-day:not(.mud-hidden)");
        await Expect(days).ToHaveCountAsync(DateTime.DaysInMonth(today.Year, today.Month));
        for (var day = 1; day <= DateTime.DaysInMonth(today.Year, today.Month); day++)
        {
            var button = days.Nth(day - 1);
            await Expect(button).ToHaveTextAsync(day.ToString(CultureInfo.InvariantCulture));
            if (day <= today.Day) await Expect(button).ToBeDisabledAsync();
            else await Expect(button).ToBeEnabledAsync();
        }
    }

    [BrowserFact]
    public async Task Admin_LifecyclePage_NamesNoInternalIssue()
    {
        await Personas.SignInAsAsync(Page, Personas.Admin);
        await Page.GotoAsync("/admin/lifecycle");
        await BlazorReady.WaitAsync(Page);

        await Expect(Page.GetByTestId("rule-time-bound")).ToContainTextAsync("access is removed when it passes");
        await Expect(Page.Locator("main")).Not.ToContainTextAsync("issue #");
    }
}
