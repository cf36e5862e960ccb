using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.E2ETests.Security;

/// <summary>
/// Every page each persona can open runs under the portal's Content-Security-Policy with a clean console: no refused
/// script, style, image or connection, no script error, and the headers on every document.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private readonly DemoData _data = new(app);
    private readonly List<string> _problems = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning" && !IsBrowserNoise(message.Text))
            {
                _problems.Add($"console {message.Type} on {Page.Url}: {message.Text}");
            }
        };
        Page.PageError += (_, error) => _problems.Add($"page error on {Page.Url}: {error}");
        // Violations are also reported as events, whatever the console says.
        await Page.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation', e =>
              console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} in ${e.sourceFile}:${e.lineNumber}`));
            """);
    }

    [BrowserTheory]
    [InlineData(Personas.Manager)]
    [InlineData(Personas.AppOwner)]
    [InlineData(Personas.Compliance)]
    [InlineData(Personas.Admin)]
    [InlineData(Personas.Engineer)]
    public async Task EveryPage_SignedInAsPersona_RunsUnderThePolicyWithACleanConsole(string persona)
    {
        var signIn = await Page.GotoAsync("/dev/sign-in");
        AssertHeaders(signIn!, "/dev/sign-in");
        await Personas.SignInAsAsync(Page, persona);
        var pages = await PortalPages.OfAsync(Page, _data, persona);

        foreach (var path in pages)
        {
            var response = await Page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Load, Timeout = 60_000 });
            Assert.NotNull(response);
            Assert.True(response.Ok, $"{path} answered {response.Status}");
            AssertHeaders(response, path);
            if (path != "/hangfire")
            {
                await BlazorReady.WaitAsync(Page);
                await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            }
        }

        Assert.True(pages.Count >= 5, $"Walked only {pages.Count} pages.");
        Assert.True(_problems.Count == 0, string.Join(Environment.NewLine, _problems));
    }

    private static void AssertHeaders(IResponse response, string path)
    {
        var headers = response.Headers;
        Assert.True(headers.TryGetValue("content-security-policy", out var policy), $"{path} has no Content-Security-Policy.");
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.DoesNotContain("unsafe-eval", policy);
        Assert.Contains("script-src 'self' 'nonce-", policy);
        Assert.Equal("DENY", headers.GetValueOrDefault("x-frame-options"));
        Assert.Equal("nosniff", headers.GetValueOrDefault("x-content-type-options"));
        Assert.Equal("strict-origin-when-cross-origin", headers.GetValueOrDefault("referrer-policy"));
    }

    // Chromium's own chatter on a closed network, never the page's doing.
    private static bool IsBrowserNoise(string text) =>
        text.Contains("net::ERR_NAME_NOT_RESOLVED", StringComparison.Ordinal);
}
