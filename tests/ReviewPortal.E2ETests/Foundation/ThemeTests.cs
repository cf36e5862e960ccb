using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;

namespace ReviewPortal.E2ETests.Foundation;

[Collection(BrowserCollection.Name)]
public sealed class ThemeTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private const string BodyBackground = "() => getComputedStyle(document.body).backgroundColor";
    private const string ToDark = "Switch to dark theme";
    private const string ToLight = "Switch to light theme";

    /// <remarks>
    /// The layout pre-renders light, then asks the browser for its colour-scheme preference after the first interactive
    /// render and overwrites the theme with the answer. A toggle click that lands before that answer is lost, and with a
    /// light preference nothing on the page shows when the answer has arrived. So the browser prefers dark here: the
    /// switch to dark is the observable sign that the layout has settled, and every click after it is deterministic.
    /// </remarks>
    [BrowserFact]
    public async Task ThemeToggle_SystemPrefersDark_TogglesLightAndBackAndDarkPassesAxe()
    {
        await Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await Personas.SignInAsAsync(Page, Personas.Admin);
        await BlazorReady.WaitAsync(Page);
        var toggle = Page.GetByTestId("theme-toggle");
        await Expect(toggle).ToHaveAttributeAsync("aria-label", ToLight);
        var darkBackground = await Page.EvaluateAsync<string>(BodyBackground);

        await toggle.ClickAsync();

        await Expect(toggle).ToHaveAttributeAsync("aria-label", ToDark);
        var lightBackground = await Page.EvaluateAsync<string>(BodyBackground);
        Assert.True(Luminance(darkBackground) < Luminance(lightBackground),
            $"Dark theme background {darkBackground} is not darker than the light one {lightBackground}.");

        await toggle.ClickAsync();

        await Expect(toggle).ToHaveAttributeAsync("aria-label", ToLight);
        Assert.Equal(darkBackground, await Page.EvaluateAsync<string>(BodyBackground));
        // Move the pointer off the toggle so its tooltip does not cover content while axe runs.
        await Page.Mouse.MoveAsync(640, 600);
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }

    /// <summary>Rough luminance of a CSS <c>rgb(r, g, b)</c>/<c>rgba(…)</c> string (0 black … 255 white).</summary>
    private static double Luminance(string rgb)
    {
        var parts = rgb[(rgb.IndexOf('(') + 1)..rgb.IndexOf(')')].Split(',')
            .Select(p => double.Parse(p.Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (0.2126 * parts[0]) + (0.7152 * parts[1]) + (0.0722 * parts[2]);
    }
}
