namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// With the default schedules (ingestion every minute, directory sync hourly) an access change is
/// ingested before the sync that opens its grant; its feed event must still reach that grant's history.
/// </summary>
public sealed class AccessChangeHistoryOrderingTests : IAsyncLifetime
{
    private readonly ConnectorPortalFactory _portal = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task FeedAccessChange_IngestedBeforeTheSyncOpensItsGrant_StillAppearsOnTheGrant()
    {
        await _portal.SyncAsync();
        await _portal.IngestAsync();
        var change = await AccessChangeHistoryTests.ChangeAccessUpstreamAsync(_portal);

        await _portal.IngestAsync(); // every minute
        await _portal.SyncAsync();   // hourly

        await AccessChangeHistoryTests.AssertAttachedAsync(_portal, change);
    }
}
