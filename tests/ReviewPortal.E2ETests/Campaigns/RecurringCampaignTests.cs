using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;

namespace ReviewPortal.E2ETests.Campaigns;

/// <summary>
/// Issue #14 (1, 4) in a real browser: an admin makes a recurring campaign, sees its next runs before saving and finds it
/// listed; a reviewer opens the out-of-office panel. Axe on each new page. Nothing here changes what other tests read (the
/// template's first run is tomorrow; no delegation is saved).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RecurringCampaignTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private readonly DemoData _data = new(app);

    [BrowserFact]
    public async Task Admin_MakesARecurringCampaign_SeesItsNextRunsBeforeSaving_AndFindsItListed()
    {
        var admin = await _data.PersonaAsync(Personas.Admin);
        await Personas.SignInAsAsync(Page, Personas.Admin);
        await Page.GotoAsync("/campaigns/templates");
        await BlazorReady.WaitAsync(Page);
        await Expect(Page.GetByTestId("templates-table")).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(Page);

        await Page.GetByTestId("new-template").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex(@"/campaigns/new\?template=new$"));
        await BlazorReady.WaitAsync(Page);
        var name = $"E2E quarterly {Guid.NewGuid():N}"[..26];
        await Page.GetByTestId("campaign-name").FillAsync(name);
        var fallback = Page.GetByTestId("campaign-fallback");
        await fallback.FillAsync(admin.FullName);
        await Page.GetByRole(AriaRole.Option).Filter(new() { HasText = admin.FullName }).First.ClickAsync();
        // Quarterly from tomorrow by default: five runs shown, three months apart.
        var day = @"\w{3} \d{1,2} \w{3} \d{4} 00:00 UTC";
        await Expect(Page.GetByTestId("template-next-runs")).ToHaveTextAsync(new Regex($"^({day} · ){{4}}{day}$"));
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
        await Page.GetByTestId("template-save").ClickAsync();

        await Expect(Page).ToHaveURLAsync(new Regex("/campaigns/templates$"));
        await Expect(Page.GetByTestId("templates-table")).ToContainTextAsync(name);
        var stored = await _data.QueryAsync(db => db.CampaignTemplates.AsNoTracking().Where(t => t.Name == name)
            .Select(t => new { t.Enabled, t.NextRunAt }).SingleAsync());
        Assert.True(stored.Enabled);
        Assert.NotNull(stored.NextRunAt);
    }

    [BrowserFact]
    public async Task Manager_OpensTheOutOfOfficePanel_WithItsFieldsLabelled()
    {
        await Personas.SignInAsAsync(Page, Personas.Manager);
        await Page.GotoAsync("/reviews");
        await BlazorReady.WaitAsync(Page);
        var panel = Page.GetByTestId("delegation-panel");
        await Expect(panel.GetByTestId("delegation-save")).Not.ToBeVisibleAsync();
        // Its header opens it from the keyboard as well as by a click.
        await panel.Locator(".mud-expand-panel-header").FocusAsync();
        await Page.Keyboard.PressAsync("Enter");
        await Expect(panel.GetByTestId("delegation-save")).ToBeVisibleAsync();
        await Accessibility.WaitForAnimationsAsync(Page);
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }
}
