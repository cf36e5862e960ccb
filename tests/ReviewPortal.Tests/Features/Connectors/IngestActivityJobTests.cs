using Microsoft.EntityFrameworkCore;
using ReviewPortal.Claude.Models;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// Activity Feed catch-up on an empty portal: the first run backfills everything the simulated
/// organization serves, later runs store only what is new, late-indexed events are caught by the
/// overlap re-poll, and a second run while one holds the lease is skipped.
/// </summary>
public sealed class IngestActivityJobTests : IAsyncLifetime
{
    private readonly ConnectorPortalFactory _portal = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    internal static async Task AssertStoredExactlyOnceAsync(ConnectorPortalFactory portal, IReadOnlyList<Activity> served)
    {
        var stored = await portal.StoredActivityIdsAsync();
        Assert.Equal(served.Count, stored.Count);
        Assert.Equal(served.Select(a => a.Id).Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
    }

    private static int PagesFor(int events) => Math.Max(1, (events + ConnectorPortalFactory.PageSize - 1) / ConnectorPortalFactory.PageSize);

    [Fact]
    public async Task FirstRun_EmptyDatabase_StoresEveryServedEventExactlyOnceWithItsRawJson()
    {
        var run = await _portal.IngestAsync();

        var served = await _portal.ServedActivitiesAsync();
        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        Assert.True(served.Count > 3 * ConnectorPortalFactory.PageSize, $"only {served.Count} events: the backfill should span several pages");
        await AssertStoredExactlyOnceAsync(_portal, served);
        await using var db = await _portal.CreateDbContextAsync();
        var raw = await db.ActivityEvents.ToDictionaryAsync(e => e.ActivityId, e => e.RawJson);
        Assert.All(served, a => Assert.Equal(a.RawJson, raw[a.Id]));
    }

    [Fact]
    public async Task FirstRun_EmptyDatabase_RecordsRunEvidenceAndLeavesCursorAtLastId()
    {
        var client = new InterceptingComplianceClient(_portal.Compliance);

        var run = await _portal.IngestJobWith(client).RunAsync();

        var served = await _portal.ServedActivitiesAsync();
        var overlap = _portal.InOverlapWindow(served);
        Assert.Equal(served[^1].Id, await _portal.CursorAsync());
        var stored = await _portal.StoredRunAsync(run.Id);
        Assert.Equal(IngestionRunStatus.Succeeded, stored.Status);
        Assert.Null(stored.FirstCursor);
        Assert.Equal(served[^1].Id, stored.LastCursor);
        Assert.Equal(PagesFor(served.Count) + PagesFor(overlap.Count), stored.Pages);
        Assert.Equal(client.Calls, stored.Pages);
        Assert.Equal(served.Count + overlap.Count, stored.Fetched);
        Assert.Equal(served.Count, stored.Stored);
        Assert.Equal(overlap.Count, stored.Duplicates);
        Assert.Equal(0, stored.Quarantined);
        Assert.NotNull(client.Pages[^1].RequestId);
        Assert.Equal(client.Pages[^1].RequestId, stored.LastRequestId);
        Assert.Equal(served.Max(a => a.CreatedAt), stored.NewestEventAt);
        Assert.Equal(_portal.Time.GetUtcNow(), stored.EndedAt);
        Assert.Null(stored.Error);
    }

    [Fact]
    public async Task SecondRun_NothingNew_StoresNothingAndKeepsCursor()
    {
        var first = await _portal.IngestAsync();

        var second = await _portal.IngestAsync();

        var served = await _portal.ServedActivitiesAsync();
        Assert.Equal(IngestionRunStatus.Succeeded, second.Status);
        Assert.Equal(0, second.Stored);
        Assert.Equal(first.LastCursor, second.FirstCursor);
        Assert.Equal(first.LastCursor, second.LastCursor);
        Assert.Equal(served[^1].Id, await _portal.CursorAsync());
        // One empty catch-up page after the cursor, then the overlap window again (all duplicates).
        var overlap = _portal.InOverlapWindow(served);
        Assert.Equal(1 + PagesFor(overlap.Count), second.Pages);
        Assert.Equal(overlap.Count, second.Fetched);
        Assert.Equal(overlap.Count, second.Duplicates);
        await AssertStoredExactlyOnceAsync(_portal, served);
    }

    [Fact]
    public async Task SecondRun_AfterClockAdvances_StoresExactlyTheTrickledEvents()
    {
        await _portal.IngestAsync();
        var before = (await _portal.StoredActivityIdsAsync()).ToHashSet(StringComparer.Ordinal);

        _portal.Time.Advance(TimeSpan.FromMinutes(5));
        var served = await _portal.ServedActivitiesAsync();
        var appeared = served.Select(a => a.Id).Where(id => !before.Contains(id)).ToHashSet(StringComparer.Ordinal);
        var run = await _portal.IngestAsync();

        Assert.NotEmpty(appeared);
        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        Assert.Equal(appeared.Count, run.Stored);
        var after = await _portal.StoredActivityIdsAsync();
        Assert.Equal(appeared.Order(StringComparer.Ordinal), after.Where(id => !before.Contains(id)).Order(StringComparer.Ordinal));
        await AssertStoredExactlyOnceAsync(_portal, served);
        Assert.Equal(served[^1].Id, await _portal.CursorAsync());
    }

    [Fact]
    public async Task LateIndexedEvent_BehindCursorInsideOverlap_IsStoredByReconciliationAndCursorStays()
    {
        var first = await _portal.IngestAsync();
        var served = await _portal.ServedActivitiesAsync();
        var late = served[^1].CreatedAt.AddSeconds(-1);
        Assert.InRange(late, _portal.Time.GetUtcNow().AddMinutes(-14), _portal.Time.GetUtcNow().AddMinutes(-2));
        const string lateId = "activity_01LateIndexedForTheTest0001";
        _portal.Organization.AddEvents([$$"""
            {"id":"{{lateId}}","created_at":"{{late.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}}","organization_id":null,"organization_uuid":null,"actor":{"type":"system_actor","service":"late-indexer"},"type":"claude_chat_created"}
            """]);

        var second = await _portal.IngestAsync();

        Assert.Equal(1, second.Stored);
        Assert.Contains(lateId, await _portal.StoredActivityIdsAsync());
        Assert.Equal(first.LastCursor, await _portal.CursorAsync());
        await AssertStoredExactlyOnceAsync(_portal, await _portal.ServedActivitiesAsync());
    }

    [Fact]
    public async Task SecondRun_WhileFirstHoldsTheLease_IsSkippedAndEventsAreStoredOnce()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new InterceptingComplianceClient(_portal.Compliance, async call =>
        {
            if (call == 2)
            {
                entered.SetResult();
                await release.Task;
            }
        });
        var first = _portal.IngestJobWith(held).RunAsync();
        await entered.Task;
        var requestsBefore = _portal.Faults.RequestCount;

        var second = await _portal.IngestAsync();

        Assert.Equal(IngestionRunStatus.Skipped, second.Status);
        Assert.Equal(requestsBefore, _portal.Faults.RequestCount);
        release.SetResult();
        Assert.Equal(IngestionRunStatus.Succeeded, (await first).Status);
        await AssertStoredExactlyOnceAsync(_portal, await _portal.ServedActivitiesAsync());
        await using var db = await _portal.CreateDbContextAsync();
        var runs = await db.IngestionRuns.Where(r => r.Job == "ingest-activity").Select(r => r.Status).ToListAsync();
        Assert.Equal(IngestionRunStatus.Succeeded, Assert.Single(runs));
        // The lease was released: the next run goes ahead.
        Assert.Equal(IngestionRunStatus.Succeeded, (await _portal.IngestAsync()).Status);
    }
}
