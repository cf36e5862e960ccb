using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;

namespace ReviewPortal.E2ETests.Foundation;

[Collection(BrowserCollection.Name)]
public sealed class IdentityPageTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private readonly DemoData _data = new(app);

    [BrowserFact]
    public async Task IdentityPage_ManagerOpensDirectReport_ShowsFactsGrantsAndActivityAndPassesAxe()
    {
        var manager = await _data.PersonaAsync(Personas.Manager);
        var report = await _data.DirectReportOfAsync(manager.IdentityId);
        await Personas.SignInAsAsync(Page, Personas.Manager);

        await OpenIdentityAsync(report.Id);

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(report.DisplayName);
        var facts = Page.GetByTestId("identity-facts");
        await Expect(facts).ToBeVisibleAsync();
        await Expect(facts).ToContainTextAsync(report.Email!);
        await Expect(Page.GetByTestId("identity-grants")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("activity-chart")).ToBeVisibleAsync();
        var summary = (await Page.GetByTestId("activity-chart-summary").InnerTextAsync()).Trim();
        Assert.StartsWith("Active", summary, StringComparison.Ordinal);
        await Expect(Page.GetByTestId("access-denied")).ToHaveCountAsync(0);

        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }

    [BrowserFact]
    public async Task IdentityPage_ManagerOpensUnrelatedPersonByUrl_ShowsAccessDeniedAndNoneOfTheirData()
    {
        var manager = await _data.IdentityAsync((await _data.PersonaAsync(Personas.Manager)).IdentityId);
        var stranger = await _data.UnrelatedPersonForAsync(manager);
        await Personas.SignInAsAsync(Page, Personas.Manager);

        await OpenIdentityAsync(stranger.Id);

        await Expect(Page.GetByTestId("access-denied")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("identity-facts")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("identity-grants")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("activity-chart")).ToHaveCountAsync(0);
        var html = await Page.ContentAsync();
        Assert.DoesNotContain(stranger.Email!, html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(stranger.ExternalId, html, StringComparison.Ordinal);
    }

    [BrowserFact]
    public async Task IdentityPage_ComplianceOpensPersonUnrelatedToManager_ShowsTheirData()
    {
        var manager = await _data.IdentityAsync((await _data.PersonaAsync(Personas.Manager)).IdentityId);
        var stranger = await _data.UnrelatedPersonForAsync(manager);
        await Personas.SignInAsAsync(Page, Personas.Compliance);

        await OpenIdentityAsync(stranger.Id);

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(stranger.DisplayName);
        await Expect(Page.GetByTestId("identity-facts")).ToContainTextAsync(stranger.Email!);
        await Expect(Page.GetByTestId("identity-grants")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("activity-chart")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("access-denied")).ToHaveCountAsync(0);
    }

    private async Task OpenIdentityAsync(int id)
    {
        await Page.GotoAsync($"/identities/{id}");
        await BlazorReady.WaitAsync(Page);
        // The page shows a progress bar until its data has loaded, then exactly one of these.
        await Expect(Page.GetByTestId("identity-facts").Or(Page.GetByTestId("access-denied"))).ToBeVisibleAsync();
    }
}
