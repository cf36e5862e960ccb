using Microsoft.EntityFrameworkCore;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Simulation;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// Ingestion failing for longer than the overlap window while the feed keeps producing: the re-poll after recovery
/// starts from the last reconciliation that completed, not from "now − overlap", so an event indexed late behind the
/// cursor during the outage is not lost.
/// </summary>
public sealed class IngestActivityOutageTests : IAsyncLifetime
{
    private const int OutageMinutes = 20;
    private readonly ConnectorPortalFactory _portal = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task LateIndexedEvent_DuringTwentyMinuteOutage_IsStoredExactlyOnceAfterRecovery()
    {
        var before = await _portal.IngestAsync();
        Assert.Equal(IngestionRunStatus.Succeeded, before.Status);
        var cursorEvent = (await _portal.ServedActivitiesAsync())[^1];
        Assert.Equal(cursorEvent.Id, await _portal.CursorAsync());
        const string lateId = "activity_01LateIndexedDuringTheOutage";

        // Every minute the scheduled run meets an API error that is not retried; the simulated feed goes on producing.
        for (var minute = 1; minute <= OutageMinutes; minute++)
        {
            _portal.Time.Advance(TimeSpan.FromMinutes(1));
            if (minute == 3)
            {
                // Indexed now, minutes after it happened: behind the cursor, which the catch-up walks on from.
                var late = cursorEvent.CreatedAt.AddSeconds(-1);
                _portal.Organization.AddEvents([$$"""
                    {"id":"{{lateId}}","created_at":"{{ClaudeJson.FormatTimestamp(late)}}","organization_id":null,"organization_uuid":null,"actor":{"type":"system_actor","service":"late-indexer"},"type":"claude_chat_created"}
                    """]);
            }
            _portal.Faults.Enqueue(SimulatedFault.ServerError(shouldRetry: false) with { PathPrefix = ConnectorPortalFactory.ActivitiesPath });
            await Assert.ThrowsAsync<ClaudeApiException>(() => _portal.IngestAsync());
            Assert.Equal(0, _portal.Faults.Pending);
        }
        _portal.Time.Advance(TimeSpan.FromMinutes(1));
        var served = await _portal.ServedActivitiesAsync();
        Assert.Contains(served, a => a.Id == lateId);
        // The late event is older than the window a re-poll from "now − overlap" would read.
        var options = _portal.GetRequiredService<IngestionOptions>();
        Assert.True(served.Single(a => a.Id == lateId).CreatedAt < _portal.Time.GetUtcNow().AddMinutes(-options.OverlapMinutes));

        var recovered = await _portal.IngestAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, recovered.Status);
        Assert.Equal(cursorEvent.Id, recovered.FirstCursor);
        Assert.Equal(served[^1].Id, await _portal.CursorAsync());
        Assert.Single(await _portal.StoredActivityIdsAsync(), id => id == lateId);
        await IngestActivityJobTests.AssertStoredExactlyOnceAsync(_portal, served);
        await using var db = await _portal.CreateDbContextAsync();
        var runs = await db.IngestionRuns.AsNoTracking().Where(r => r.Job == IngestActivityJob.JobName).OrderBy(r => r.Id).Select(r => r.Status).ToListAsync();
        IngestionRunStatus[] expected = [IngestionRunStatus.Succeeded, .. Enumerable.Repeat(IngestionRunStatus.Failed, OutageMinutes), IngestionRunStatus.Succeeded];
        Assert.Equal(expected, runs);
    }
}
