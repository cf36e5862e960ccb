namespace ReviewPortal.E2ETests.Infrastructure;

/// <summary>
/// All browser tests join this collection: one app (<see cref="AppServer"/>) and one Chromium (<see cref="BrowserFixture"/>)
/// for the whole run. Tests in a collection run one after another.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<AppServer>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
