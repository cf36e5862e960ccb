using ReviewPortal.E2ETests.Infrastructure;

namespace ReviewPortal.E2ETests.Foundation;

/// <summary>
/// `dotnet test` with only the .NET SDK: without a Chromium the browser tests are skipped, each naming the install
/// command; in CI a missing browser must fail the run, never pass it quietly. These need no browser themselves.
/// </summary>
public sealed class BrowserAvailabilityTests
{
    [Fact]
    public void NoBrowser_OnADevelopersMachine_SkipsNamingTheInstallCommand()
    {
        // What BrowserLocator says when nothing is installed: the reason passes it on, install command included.
        var reason = BrowserAvailability.SkipReason(whyNotFound: () => $"No Chromium found. {BrowserLocator.InstallHint}", inCi: false);

        Assert.NotNull(reason);
        Assert.StartsWith("Browser test skipped: No Chromium found.", reason);
        Assert.Contains("apt-get install -y chromium", reason);
    }

    [Fact]
    public void NoBrowser_InCi_RunsTheTestsSoTheyFail()
    {
        var looked = false;

        Assert.Null(BrowserAvailability.SkipReason(whyNotFound: () => { looked = true; return "No Chromium found."; }, inCi: true));
        Assert.False(looked); // CI never even asks: the fixture's launch fails the tests, naming what is missing.
    }

    [Fact]
    public void BrowserFound_TestsRun()
    {
        Assert.Null(BrowserAvailability.SkipReason(whyNotFound: () => null, inCi: false));
    }

    [Fact]
    public void EveryBrowserTest_SkipsWithoutABrowser()
    {
        // A plain [Fact] in the browser suite would fail on a machine without Chromium instead of skipping.
        var plain = typeof(BrowserAvailabilityTests).Assembly.GetTypes()
            .Where(t => t != typeof(BrowserAvailabilityTests))
            .SelectMany(t => t.GetMethods())
            .Where(m => m.GetCustomAttributes(typeof(FactAttribute), inherit: false)
                .Any(a => a.GetType() == typeof(FactAttribute) || a.GetType() == typeof(TheoryAttribute)
                    || a.GetType() == typeof(ReviewPortal.Tests.Infrastructure.PostgresFactAttribute)))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}")
            .ToList();

        Assert.Empty(plain);
    }
}
