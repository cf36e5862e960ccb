using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ReviewPortal.E2ETests.Infrastructure;

/// <summary>Dev sign-in helpers (the /dev/sign-in page exists only in the Development environment).</summary>
public static partial class Personas
{
    public const string Manager = "manager";
    public const string AppOwner = "appowner";
    public const string Compliance = "compliance";
    public const string Admin = "admin";

    /// <summary>A plain signed-in user: a report of <see cref="Manager"/> who owns an active key, service account or agent.</summary>
    public const string Engineer = "engineer";

    public static readonly IReadOnlyList<string> All = [Manager, AppOwner, Compliance, Admin, Engineer];

    /// <summary>
    /// Opens /dev/sign-in, waits for Blazor interactivity if the page is server-interactive, clicks the persona's button
    /// (data-testid="persona-&lt;key&gt;") and waits until the browser is on "/" (full load or enhanced navigation).
    /// </summary>
    public static async Task SignInAsAsync(IPage page, string personaKey)
    {
        await page.GotoAsync("/dev/sign-in");
        await BlazorReady.WaitAsync(page);
        await page.GetByTestId($"persona-{personaKey}").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(HomeUrl());
        // The home page is the first full load of a fresh sign-in (prerender with the persona's counts): on 2 shared cores
        // under a parallel suite its load event has taken over the 15 s default once, so it gets the navigation allowance.
        await page.WaitForLoadStateAsync(LoadState.Load, new() { Timeout = 60_000 });
    }

    /// <summary>Clicks the "Sign out" link or button.</summary>
    public static async Task SignOutAsync(IPage page)
    {
        var byLink = page.GetByRole(AriaRole.Link, new() { Name = "Sign out", Exact = true });
        var byButton = page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true });
        await byLink.Or(byButton).First.ClickAsync();
    }

    /// <summary>Matches the app root "/" with nothing after it but an optional query/fragment.</summary>
    [GeneratedRegex(@"^https?://[^/]+/?(?:[?#].*)?$")]
    public static partial Regex HomeUrl();
}
