using Microsoft.Playwright;

namespace ReviewPortal.E2ETests.Infrastructure;

/// <summary>One headless Chromium shared by the "Browser" collection. Tests get fresh contexts/pages from it.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Default for actions, navigations and web-first assertions (Expect).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    public static readonly string[] ChromiumArgs =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-quic",
        "--no-first-run",
        "--disable-component-update",
        "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public BrowserChoice Choice { get; private set; } = new(null, "not started");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("BrowserFixture is not started.");

    public async Task InitializeAsync()
    {
        Choice = BrowserLocator.Locate();
        Assertions.SetDefaultExpectTimeout((float)DefaultTimeout.TotalMilliseconds);
        _playwright = await Playwright.CreateAsync();
        try
        {
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                Headless = true,
                ExecutablePath = Choice.ExecutablePath,
                Args = ChromiumArgs,
                Timeout = 60_000,
            });
        }
        catch (PlaywrightException ex)
        {
            throw new InvalidOperationException($"Could not launch Chromium ({Choice.Description}): {ex.Message}{Environment.NewLine}{BrowserLocator.InstallHint}", ex);
        }
    }

    /// <summary>A fresh, isolated context (own cookies/storage) whose relative URLs resolve against <paramref name="baseUrl"/>.</summary>
    public async Task<IBrowserContext> NewContextAsync(string baseUrl)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            Locale = "en-GB",
            TimezoneId = "UTC",
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout((float)DefaultTimeout.TotalMilliseconds);
        context.SetDefaultNavigationTimeout((float)DefaultTimeout.TotalMilliseconds);
        await context.AddInitScriptAsync(BlazorReady.InitScript);
        return context;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
