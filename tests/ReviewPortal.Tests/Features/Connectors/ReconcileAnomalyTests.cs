using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// The tripwire of ADR 0005: the feed sends an activity it already sent, under another created_at. The time-keyed key
/// stores it a second time; the re-poll finds the id stored under two times in its window and quarantines it as an
/// anomaly, once, however many later re-polls see the pair again.
/// </summary>
public sealed class ReconcileAnomalyTests : IAsyncLifetime
{
    private readonly ConnectorPortalFactory _portal = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task ActivityRedeliveredBehindTheCursorUnderAnotherCreatedAt_IsQuarantinedOnceAsAnAnomaly()
    {
        await _portal.IngestAsync();
        var served = await _portal.ServedActivitiesAsync();
        // Behind the cursor: only the re-poll reads (and stores) the second copy.
        var original = _portal.InOverlapWindow(served)[^2];
        var shifted = original.CreatedAt.AddSeconds(-20);

        await AssertQuarantinedOnceAsync(original, shifted, newEvents: 1);
    }

    [Fact]
    public async Task ActivityRedeliveredAheadOfTheCursorUnderAnotherCreatedAt_IsQuarantinedOnceAsAnAnomaly()
    {
        await _portal.IngestAsync();
        var before = await _portal.ServedActivitiesAsync();
        var original = _portal.InOverlapWindow(before)[0];
        // Ahead of the cursor: the catch-up stores the second copy; two minutes on, both times are in the re-read window.
        _portal.Time.Advance(TimeSpan.FromMinutes(2));
        var shifted = _portal.Time.GetUtcNow().AddSeconds(-90);
        Assert.True(shifted > before[^1].CreatedAt);

        var trickled = (await _portal.ServedActivitiesAsync()).Count - before.Count;
        await AssertQuarantinedOnceAsync(original, shifted, newEvents: trickled + 1);
    }

    private async Task AssertQuarantinedOnceAsync(ReviewPortal.Claude.Models.Activity original, DateTimeOffset shifted, int newEvents)
    {
        var now = _portal.Time.GetUtcNow();
        Assert.InRange(original.CreatedAt, now.AddMinutes(-17), now.AddSeconds(-61));
        Assert.InRange(shifted, now.AddMinutes(-17), now.AddSeconds(-61));
        var copy = original.RawJson.Replace($"\"created_at\":\"{Web(original.CreatedAt)}\"", $"\"created_at\":\"{Web(shifted)}\"", StringComparison.Ordinal);
        Assert.NotEqual(original.RawJson, copy);
        _portal.Organization.AddEvents([copy]);

        var second = await _portal.IngestAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, second.Status);
        Assert.Equal(newEvents, second.Stored);
        Assert.Equal(1, second.Quarantined);
        Assert.Contains("\"anomalies\":1", second.Details, StringComparison.Ordinal);
        await using (var db = await _portal.CreateDbContextAsync())
        {
            var copies = await db.ActivityEvents.Where(e => e.ActivityId == original.Id).OrderBy(e => e.Id).Select(e => e.OccurredAt).ToListAsync();
            Assert.Equal([original.CreatedAt, shifted], copies);
            var anomaly = Assert.Single(await db.QuarantinedRecords.ToListAsync());
            Assert.Equal(second.Id, anomaly.IngestionRunId);
            Assert.StartsWith($"{ReconcileAnomalies.ReasonPrefix}{original.Id} is stored under 2 created_at values", anomaly.Reason, StringComparison.Ordinal);
            Assert.Contains(original.CreatedAt.UtcDateTime.ToString("O"), anomaly.Reason, StringComparison.Ordinal);
            Assert.Contains(shifted.UtcDateTime.ToString("O"), anomaly.Reason, StringComparison.Ordinal);
            Assert.Equal(copy, anomaly.RawJson);
            Assert.Equal(1, (await _portal.StoredRunAsync(second.Id)).Quarantined);
        }

        // The next re-poll reads the same pair again: nothing new to report.
        var third = await _portal.IngestAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, third.Status);
        Assert.Equal(0, third.Quarantined);
        await using var after = await _portal.CreateDbContextAsync();
        Assert.Equal(1, await after.QuarantinedRecords.CountAsync());
    }

    [Fact]
    public async Task RedeliveriesWithTheSameCreatedAt_AreDuplicatesNotAnomalies()
    {
        await _portal.IngestAsync();
        var served = await _portal.ServedActivitiesAsync();
        // The same record again, as an at-least-once feed may send it.
        _portal.Organization.AddEvents([_portal.InOverlapWindow(served)[^2].RawJson]);

        var second = await _portal.IngestAsync();

        Assert.Equal(0, second.Stored);
        Assert.Equal(0, second.Quarantined);
        Assert.Contains("\"anomalies\":0", second.Details, StringComparison.Ordinal);
        await IngestActivityJobTests.AssertStoredExactlyOnceAsync(_portal, served);
    }

    private static string Web(DateTimeOffset at) => ReviewPortal.Claude.ClaudeJson.FormatTimestamp(at);
}
