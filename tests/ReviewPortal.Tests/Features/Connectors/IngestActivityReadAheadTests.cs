using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReviewPortal.Claude;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// The catch-up reads ahead of its writes (Ingestion:PagesAhead, default 2) and stores every page already waiting as one
/// unit of work. Here the store is held on its first page until the feed has been read as far as the queue allows, so
/// the next unit must carry all the waiting pages together; the cursor moves only with committed units, and a failed read behind waiting
/// pages still lets them be stored first.
/// </summary>
public sealed class IngestActivityReadAheadTests : IAsyncLifetime
{
    private const int PageSize = ConnectorPortalFactory.PageSize;
    private readonly ConnectorPortalFactory _portal = new();

    /// <summary>Pages that wait for the store; the read after them is held until there is room.</summary>
    private int Ahead => _portal.Services.GetRequiredService<IngestionOptions>().PagesAhead;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task StoreSlowerThanFeed_WaitingPagesCommitAsOneUnit_EveryEventOnce()
    {
        var served = await _portal.ServedActivitiesAsync();
        Assert.True(Ahead >= 2, "the test needs a queue of two pages or more");
        Assert.True(served.Count > (Ahead + 3) * PageSize, $"only {served.Count} events: the test needs {Ahead + 4} pages");
        var firstUnit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = new InterceptingComplianceClient(_portal.Compliance, call => call == 2 ? firstUnit.Task : Task.CompletedTask);
        var contexts = new HeldContexts(_portal, firstUnit, holdUntil: () => client.Calls >= Ahead + 2);

        var run = await _portal.IngestJobWith(client, contexts).RunAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        await IngestActivityJobTests.AssertStoredExactlyOnceAsync(_portal, served);
        // Page 1 was committed alone (the store had taken it before it was held); the pages that waited went together.
        Assert.Equal(
            [served[PageSize - 1].Id, served[(1 + Ahead) * PageSize - 1].Id],
            contexts.CursorsSeen.Take(2));
        Assert.Equal(served[^1].Id, await _portal.CursorAsync());
        // Progress still counts pages, not units: one per request.
        Assert.Equal(client.Calls, (await _portal.StoredRunAsync(run.Id)).Pages);
    }

    [Fact]
    public async Task ReadFailsBehindWaitingPages_TheyAreStoredFirst_AndRerunResumesAfterThem()
    {
        var served = await _portal.ServedActivitiesAsync();
        var firstUnit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = new InterceptingComplianceClient(_portal.Compliance, call => call switch
        {
            2 => firstUnit.Task,
            _ when call == Ahead + 2 => throw new IOException("connection reset while pages wait"),
            _ => Task.CompletedTask,
        });
        var contexts = new HeldContexts(_portal, firstUnit, holdUntil: () => client.Calls >= Ahead + 2);

        await Assert.ThrowsAsync<IOException>(() => _portal.IngestJobWith(client, contexts).RunAsync());

        var read = (1 + Ahead) * PageSize;
        Assert.Equal(served[read - 1].Id, await _portal.CursorAsync());
        Assert.Equal(read, (await _portal.StoredActivityIdsAsync()).Count);
        var rerun = await _portal.IngestAsync();
        Assert.Equal(IngestionRunStatus.Succeeded, rerun.Status);
        Assert.Equal(served[read - 1].Id, rerun.FirstCursor);
        Assert.Equal(served.Count - read, rerun.Stored);
        await IngestActivityJobTests.AssertStoredExactlyOnceAsync(_portal, served);
    }

    /// <summary>
    /// The portal's contexts. The first unit's (it has taken page 1 by then: the client holds call 2 until
    /// <c>firstUnit</c> is signalled here) waits until <c>holdUntil</c> holds, then none waits again. Each context handed out after that notes where the stored cursor
    /// stands, so the test sees what each committed unit moved it to.
    /// </summary>
    private sealed class HeldContexts(ConnectorPortalFactory portal, TaskCompletionSource firstUnit, Func<bool> holdUntil) : IDbContextFactory<ReviewPortalDbContext>
    {
        private readonly IDbContextFactory<ReviewPortalDbContext> _inner =
            portal.Services.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>();
        private bool _released;

        public List<string> CursorsSeen { get; } = [];

        public ReviewPortalDbContext CreateDbContext() => throw new NotSupportedException("The job creates its contexts asynchronously.");

        public async Task<ReviewPortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default)
        {
            var cursor = await portal.CursorAsync();
            if (cursor is not null && (CursorsSeen.Count == 0 || CursorsSeen[^1] != cursor))
            {
                CursorsSeen.Add(cursor);
            }
            if (!_released && InterceptingCalls())
            {
                firstUnit.TrySetResult();
                var waited = System.Diagnostics.Stopwatch.StartNew();
                while (!holdUntil())
                {
                    Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the feed was not read ahead while the store waited");
                    await Task.Delay(10, cancellationToken);
                }
                // Let the read that was started last reach the queue (or fail) before the store goes on.
                await Task.Delay(200, cancellationToken);
                _released = true;
            }
            return await _inner.CreateDbContextAsync(cancellationToken);
        }

        // The hold starts with the first unit, once the first page is in: the run's own start and cursor read come before.
        private bool InterceptingCalls() => _created++ >= 2;

        private int _created;
    }
}
