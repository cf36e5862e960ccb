using Microsoft.Playwright;

namespace ReviewPortal.E2ETests.Infrastructure;

/// <summary>
/// Base class for browser tests: each test gets its own browser context and page pointed at the shared app.
/// Derive, add <c>[Collection(BrowserCollection.Name)]</c>, and take <see cref="AppServer"/> and <see cref="BrowserFixture"/> in the constructor.
/// </summary>
public abstract class BrowserTest(AppServer app, BrowserFixture browser) : IAsyncLifetime
{
    private IBrowserContext? _context;
    private IPage? _page;

    protected AppServer App { get; } = app;

    protected BrowserFixture BrowserFixture { get; } = browser;

    protected IBrowserContext Context => _context ?? throw new InvalidOperationException("Context not created yet.");

    protected IPage Page => _page ?? throw new InvalidOperationException("Page not created yet.");

    /// <summary>Web-first assertions with the 15 s default timeout, e.g. <c>await Expect(Page).ToHaveURLAsync(...)</c>.</summary>
    protected static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    protected static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    protected static IAPIResponseAssertions Expect(IAPIResponse response) => Assertions.Expect(response);

    public virtual async Task InitializeAsync()
    {
        _context = await BrowserFixture.NewContextAsync(App.BaseUrl);
        _page = await _context.NewPageAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.CloseAsync();
        }
    }
}
