using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;

namespace ReviewPortal.E2ETests.Foundation;

[Collection(BrowserCollection.Name)]
public sealed class ThemeTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private const string BodyBackground = "() => getComputedStyle(document.body).backgroundColor";

    [Fact]
    public async Task ThemeToggle_FromLight_SwitchesToDarkAndStillPassesAxe()
    {
        await Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await Personas.SignInAsAsync(Page, Personas.Admin);
        await BlazorReady.WaitAsync(Page);

        var toggle = Page.GetByTestId("theme-toggle");
        await Expect(toggle).ToHaveAttributeAsync("aria-label", "Switch to dark theme");
        var lightBackground = await Page.EvaluateAsync<string>(BodyBackground);

        await toggle.ClickAsync();

        await Expect(toggle).ToHaveAttributeAsync("aria-label", "Switch to light theme");
        var darkBackground = await Page.EvaluateAsync<string>(BodyBackground);
        Assert.NotEqual(lightBackground, darkBackground);
        Assert.True(Luminance(darkBackground) < Luminance(lightBackground),
            $"Dark theme background {darkBackground} is not darker than the light one {lightBackground}.");

        // Move the pointer off the toggle so its tooltip does not cover content while axe runs.
        await Page.Mouse.MoveAsync(640, 600);
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }

    /// <summary>Rough relative luminance of a CSS <c>rgb(r, g, b)</c>/<c>rgba(…)</c> string (0 black … 255 white).</summary>
    private static double Luminance(string rgb)
    {
        var parts = rgb[(rgb.IndexOf('(') + 1)..rgb.IndexOf(')')].Split(',')
            .Select(p => double.Parse(p.Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (0.2126 * parts[0]) + (0.7152 * parts[1]) + (0.0722 * parts[2]);
    }
}
