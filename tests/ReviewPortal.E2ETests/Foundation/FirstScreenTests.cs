using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;

namespace ReviewPortal.E2ETests.Foundation;

/// <summary>
/// Issue #15, 1 and 2: the first screen a person sees is styled and quiet (its CSS, scripts and icon are served before
/// sign-in, no console error), and an unknown address shows the portal's own not-found page inside the layout.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FirstScreenTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private readonly List<string> _problems = [];
    private readonly List<string> _assets = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Page.Console += (_, message) =>
        {
            if (message.Type == "error") _problems.Add($"console error on {Page.Url}: {message.Text}");
        };
        Page.PageError += (_, error) => _problems.Add($"page error on {Page.Url}: {error}");
        Page.Response += (_, response) =>
        {
            if (response.Request.ResourceType is "stylesheet" or "script" or "image" or "font")
            {
                _assets.Add($"{response.Status} {response.Url}");
            }
        };
    }

    [BrowserFact]
    public async Task SignInPage_Anonymous_AndWhereSignOutLands_StyledWithEveryAssetServedAndACleanConsole()
    {
        await Page.GotoAsync("/dev/sign-in");
        await BlazorReady.WaitAsync(Page);
        await AssertStyledAsync(SignInHeading);

        await Personas.SignInAsAsync(Page, Personas.Manager);
        await BlazorReady.WaitAsync(Page);
        await Personas.SignOutAsync(Page);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sign in to ReviewPortal");
        await AssertStyledAsync(SignInHeading);

        Assert.NotEmpty(_assets);
        // Served (or "not modified" from the browser's cache), never a redirect to the sign-in page.
        Assert.All(_assets, asset => Assert.Matches("^(200|304) ", asset));
        Assert.True(_problems.Count == 0, string.Join(Environment.NewLine, _problems));
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }

    [BrowserTheory]
    [InlineData("/this-does-not-exist")]
    [InlineData("/campaigns/abc")]
    public async Task UnknownAddress_SignedIn_The404IsThePortalsOwnPageInsideTheLayout(string path)
    {
        await Personas.SignInAsAsync(Page, Personas.Admin);

        var response = await Page.GotoAsync(path);

        Assert.Equal(404, response!.Status);
        // Once the page is interactive its router renders the address again: it must come to the same page.
        await BlazorReady.WaitAsync(Page);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Page not found");
        await Expect(Page.GetByRole(AriaRole.Navigation, new() { Name = "Portal sections" })).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Go to the home page" })).ToBeVisibleAsync();
        await AssertStyledAsync(PortalHeading);
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }

    // The browser's own h1 is 32px: the sign-in page's stylesheet makes it 1.8rem, MudBlazor's h4 (page titles) 2.125rem.
    private const string SignInHeading = "28.8px";
    private const string PortalHeading = "34px";

    private async Task AssertStyledAsync(string headingSize)
    {
        var heading = Page.GetByRole(AriaRole.Heading, new() { Level = 1 });
        await Expect(heading).ToBeVisibleAsync();
        Assert.True(await Page.EvaluateAsync<int>("() => document.styleSheets.length") > 0, "No stylesheet loaded.");
        Assert.Equal(headingSize, await heading.EvaluateAsync<string>("h => getComputedStyle(h).fontSize"));
    }
}
