using ReviewPortal.E2ETests.Infrastructure;

namespace ReviewPortal.E2ETests.Smoke;

[Collection(BrowserCollection.Name)]
public sealed class HealthzBrowserTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    [BrowserFact]
    public async Task Healthz_ThroughChromium_Returns200AndHealthy()
    {
        var response = await Page.GotoAsync("/healthz");

        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        Assert.StartsWith("http://127.0.0.1:", response.Url, StringComparison.Ordinal);
        Assert.Contains("healthy", await response.TextAsync(), StringComparison.Ordinal);
    }
}
