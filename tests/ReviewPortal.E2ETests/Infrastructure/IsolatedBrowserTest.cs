using Microsoft.Playwright;

namespace ReviewPortal.E2ETests.Infrastructure;

/// <summary>
/// Like <see cref="BrowserTest"/>, but every test gets its own app instance (own SQLite file, own demo campaign),
/// for tests that change state other tests read (deciding a whole queue, closing the demo campaign).
/// Costs one app start (~15-20 s on 2 cores) per test, so keep such tests few.
/// </summary>
public abstract class IsolatedBrowserTest(BrowserFixture browser) : IAsyncLifetime
{
    private AppServer? _app;
    private IBrowserContext? _context;
    private IPage? _page;

    protected AppServer App => _app ?? throw new InvalidOperationException("App not started yet.");

    protected BrowserFixture BrowserFixture { get; } = browser;

    protected IBrowserContext Context => _context ?? throw new InvalidOperationException("Context not created yet.");

    protected IPage Page => _page ?? throw new InvalidOperationException("Page not created yet.");

    protected static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    protected static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    /// <summary>Configuration overrides for this class's app (keys like "Remediation:Cron"); none by default.</summary>
    protected virtual IDictionary<string, string?> AppSettings => new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        _app = await AppServer.StartAsync(AppSettings);
        _context = await BrowserFixture.NewContextAsync(_app.BaseUrl);
        _page = await _context.NewPageAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.CloseAsync();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
