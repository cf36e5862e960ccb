using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;

namespace ReviewPortal.E2ETests.Foundation;

[Collection(BrowserCollection.Name)]
public sealed partial class SignInTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private readonly DemoData _data = new(app);

    [BrowserFact]
    public async Task DevSignIn_Anonymous_ListsExactlyTheFivePersonasAndPassesAxe()
    {
        await Page.GotoAsync("/dev/sign-in");

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sign in to ReviewPortal");
        var buttons = Page.GetByTestId("persona-list").GetByRole(AriaRole.Button);
        await Expect(buttons).ToHaveCountAsync(Personas.All.Count);

        var testIds = new List<string?>();
        foreach (var button in await buttons.AllAsync())
        {
            testIds.Add(await button.GetAttributeAsync("data-testid"));
        }

        Assert.Equal(Personas.All.Select(k => $"persona-{k}"), testIds);

        foreach (var key in Personas.All)
        {
            var persona = await _data.PersonaAsync(key);
            await Expect(Page.GetByRole(AriaRole.Button, new() { Name = $"Sign in as {persona.FullName}", Exact = true }))
                .ToHaveAttributeAsync("data-testid", $"persona-{key}");
        }

        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }

    [BrowserFact]
    public async Task SignOut_FromHome_ReturnsToSignInAndHomeRedirectsThere()
    {
        await Personas.SignInAsAsync(Page, Personas.Manager);
        await BlazorReady.WaitAsync(Page);
        await Expect(Page.GetByTestId("signed-in-as")).ToBeVisibleAsync();

        await Personas.SignOutAsync(Page);

        await Expect(Page).ToHaveURLAsync(SignInUrl());
        await Expect(Page.GetByTestId("persona-list")).ToBeVisibleAsync();
        var cookies = await Context.CookiesAsync();
        Assert.DoesNotContain(cookies, c => c.Name == "ReviewPortal.Dev");

        await Page.GotoAsync("/");

        await Expect(Page).ToHaveURLAsync(SignInUrl());
        await Expect(Page.GetByTestId("persona-list")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("signed-in-as")).ToHaveCountAsync(0);
    }

    [GeneratedRegex(@"^https?://[^/]+/dev/sign-in(?:[?#].*)?$")]
    private static partial Regex SignInUrl();
}
