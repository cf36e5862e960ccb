using Microsoft.EntityFrameworkCore;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Simulation;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// The feed misbehaving mid-backfill (the simulated API's fault queue, aimed at an exact page):
/// duplicates, a record without id, an unreadable page, a non-retried error or a crash between
/// pages, and transient errors. Every case ends with each served event stored exactly once.
/// </summary>
public sealed class IngestActivityFaultTests : IAsyncLifetime
{
    private const int PageSize = ConnectorPortalFactory.PageSize;
    private readonly ConnectorPortalFactory _portal = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task DuplicatesWithinAndAcrossPages_AreStoredOnceAndCountedAsDuplicates()
    {
        _portal.Faults.Enqueue(
            SimulatedFault.DuplicateWithinPage() with { PathPrefix = ConnectorPortalFactory.ActivitiesPath },
            SimulatedFault.DuplicateAcrossPages() with { PathPrefix = ConnectorPortalFactory.ActivitiesPath });

        var run = await _portal.IngestAsync();

        var served = await _portal.ServedActivitiesAsync();
        var overlap = _portal.InOverlapWindow(served);
        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        Assert.Equal(served.Count, run.Stored);
        Assert.Equal(overlap.Count + 2, run.Duplicates);
        await IngestActivityJobTests.AssertStoredExactlyOnceAsync(_portal, served);
        // Duplicates never reach the rollups either.
        await using var db = await _portal.CreateDbContextAsync();
        Assert.Equal(await db.ActivityEvents.CountAsync(e => e.IdentityId != null), await db.ActivityRollups.SumAsync(r => r.Count));
    }

    [Fact]
    public async Task RecordWithoutId_IsQuarantinedWithReasonAndRawTextAndRunSucceeds()
    {
        var (job, _) = _portal.IngestJobWithFaultAtCall(3, SimulatedFault.RecordWithoutId());

        var run = await job.RunAsync();

        var served = await _portal.ServedActivitiesAsync();
        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        Assert.Equal(1, run.Quarantined);
        Assert.Equal(served.Count + _portal.InOverlapWindow(served).Count + 1, run.Fetched);
        await using var db = await _portal.CreateDbContextAsync();
        var quarantined = Assert.Single(await db.QuarantinedRecords.ToListAsync());
        Assert.Equal(run.Id, quarantined.IngestionRunId);
        Assert.Equal("missing id", quarantined.Reason);
        Assert.Contains("\"type\":\"claude_chat_created\"", quarantined.RawJson);
        Assert.DoesNotContain("\"id\"", quarantined.RawJson);
        await IngestActivityJobTests.AssertStoredExactlyOnceAsync(_portal, served);
        Assert.Equal(served[^1].Id, await _portal.CursorAsync());
    }

    [Fact]
    public async Task MalformedPage_FailsRunWithCursorAtLastStoredPage_AndRerunStoresEveryEventOnce()
    {
        var (job, _) = _portal.IngestJobWithFaultAtCall(4, SimulatedFault.MalformedPage());

        await Assert.ThrowsAsync<ClaudeApiException>(() => job.RunAsync());

        var served = await _portal.ServedActivitiesAsync();
        var failed = await LastRunAsync();
        Assert.Equal(IngestionRunStatus.Failed, failed.Status);
        Assert.Contains("invalid_response", failed.Error);
        Assert.NotNull(failed.EndedAt);
        Assert.Equal(3, failed.Pages);
        Assert.Equal(served[3 * PageSize - 1].Id, await _portal.CursorAsync());
        Assert.Equal(served.Take(3 * PageSize).Select(a => a.Id).Order(StringComparer.Ordinal),
            (await _portal.StoredActivityIdsAsync()).Order(StringComparer.Ordinal));

        var rerun = await _portal.IngestAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, rerun.Status);
        Assert.Equal(served[3 * PageSize - 1].Id, rerun.FirstCursor);
        Assert.Equal(served.Count - 3 * PageSize, rerun.Stored);
        await IngestActivityJobTests.AssertStoredExactlyOnceAsync(_portal, served);
        Assert.Equal(served[^1].Id, await _portal.CursorAsync());
    }

    [Fact]
    public async Task ServerErrorWithShouldRetryFalseBetweenPages_IsNotRetried_AndRerunResumesAtCursor()
    {
        var (job, client) = _portal.IngestJobWithFaultAtCall(4, SimulatedFault.ServerError(shouldRetry: false));
        _portal.Faults.ResetRequestCount();

        var error = await Assert.ThrowsAsync<ClaudeApiException>(() => job.RunAsync());

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal(4, _portal.Faults.RequestCount); // three pages and the failed request, no retry
        Assert.Equal(3, client.Pages.Count);
        var failed = await LastRunAsync();
        Assert.Equal(IngestionRunStatus.Failed, failed.Status);
        Assert.Contains("api_error", failed.Error);
        await AssertResumesAfterThreePagesAsync();
    }

    [Fact]
    public async Task CrashBetweenPages_RerunResumesAtCursor_NoEventLostOrDuplicated()
    {
        var crashing = new InterceptingComplianceClient(_portal.Compliance,
            call => call == 4 ? throw new IOException("process killed between pages") : Task.CompletedTask);

        await Assert.ThrowsAsync<IOException>(() => _portal.IngestJobWith(crashing).RunAsync());

        Assert.Equal(IngestionRunStatus.Failed, (await LastRunAsync()).Status);
        await AssertResumesAfterThreePagesAsync();
    }

    private async Task AssertResumesAfterThreePagesAsync()
    {
        var served = await _portal.ServedActivitiesAsync();
        var resumeAt = served[3 * PageSize - 1].Id;
        Assert.Equal(resumeAt, await _portal.CursorAsync());
        Assert.Equal(3 * PageSize, (await _portal.StoredActivityIdsAsync()).Count);

        var rerun = await _portal.IngestAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, rerun.Status);
        Assert.Equal(resumeAt, rerun.FirstCursor);
        // Resumed exactly after the last stored page: nothing re-read except the overlap window.
        var overlap = _portal.InOverlapWindow(served);
        Assert.Equal(served.Count - 3 * PageSize + overlap.Count, rerun.Fetched);
        Assert.Equal(served.Count - 3 * PageSize, rerun.Stored);
        await IngestActivityJobTests.AssertStoredExactlyOnceAsync(_portal, served);
        Assert.Equal(served[^1].Id, await _portal.CursorAsync());
        Assert.Equal(served[^1].Id, rerun.LastCursor);
    }

    [Theory]
    [InlineData("429:1")]
    [InlineData("429")]
    [InlineData("503")]
    [InlineData("500")]
    [InlineData("timeout:30")]
    public async Task TransientFaultMidRun_IsRetriedOnce_AndRunSucceedsWithEveryEventOnce(string fault)
    {
        var (job, _) = _portal.IngestJobWithFaultAtCall(3, SimulationFaults.Parse(fault));
        _portal.Faults.ResetRequestCount();

        var run = await job.RunAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        Assert.Equal(0, _portal.Faults.Pending);
        Assert.Equal(run.Pages + 1, _portal.Faults.RequestCount);
        await IngestActivityJobTests.AssertStoredExactlyOnceAsync(_portal, await _portal.ServedActivitiesAsync());
    }

    private async Task<IngestionRun> LastRunAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        return await db.IngestionRuns.AsNoTracking().OrderByDescending(r => r.Id).FirstAsync();
    }
}
