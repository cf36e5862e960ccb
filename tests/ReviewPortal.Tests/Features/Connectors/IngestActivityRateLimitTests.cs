using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Claude;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// The Activity Feed answers 429 with <c>retry-after: 86400</c> in the middle of a catch-up (a fake API over real HTTP, on
/// the portal's frozen clock): the run ends at once instead of sleeping for a day under its lease, says until when the
/// API is rate limited, keeps every page it stored and its cursor; runs during the limit send nothing, and the first run
/// after it goes on from the cursor.
/// </summary>
public sealed class IngestActivityRateLimitTests : IAsyncLifetime
{
    private FakeApiPortalFactory _portal = null!;

    public async Task InitializeAsync() =>
        _portal = await FakeApiPortalFactory.StartAsync(new Dictionary<string, string?> { ["Ingestion:PageSize"] = "2" });

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task Ingest_RateLimitedForADayMidCatchUp_EndsAtOnceNamingTheTime_KeepsCursor_NextRunResumes()
    {
        var ids = Enumerable.Range(1, 5).Select(i => $"activity_{i:D3}").ToArray();
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            _portal.Api.AddActivity(id, PortalAppFactory.Now.AddHours(-2).AddMinutes(i));
        }
        // The first page is served; fetching the second is rate limited for a day.
        _portal.Api.Enqueue("/v1/compliance/activities", FakeFault.Answer, FakeFault.RateLimited("86400"));
        var job = _portal.GetRequiredService<IngestActivityJob>();
        // A run asleep on the frozen clock would never end; the guard cancels it, so it fails instead.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var limited = await job.RunAsync(guard.Token);

        Assert.Equal(IngestionRunStatus.Failed, limited.Status);
        Assert.Contains("Rate limited by the Claude API until 2026-11-27 12:00 UTC", limited.Error, StringComparison.Ordinal);
        Assert.Contains("rate_limit_error", limited.Error, StringComparison.Ordinal);
        Assert.Equal(2, _portal.Api.Requests.Count);
        Assert.Equal(ids[..2], await StoredAsync());
        Assert.Equal(ids[1], await CursorAsync());
        Assert.Equal((limited.Id, IngestionRunStatus.Failed), ((await LastRunAsync()).Id, (await LastRunAsync()).Status));

        // While the limit lasts, the minute's runs send nothing (each request would only hear 429 again) and record nothing.
        _portal.Time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(IngestionRunStatus.Skipped, (await job.RunAsync(guard.Token)).Status);
        Assert.Equal(2, _portal.Api.Requests.Count);
        Assert.Equal(limited.Id, (await LastRunAsync()).Id);

        _portal.Time.Advance(TimeSpan.FromHours(1));
        var resumed = await job.RunAsync(guard.Token);

        Assert.Equal(IngestionRunStatus.Succeeded, resumed.Status);
        Assert.Equal(ids[1], resumed.FirstCursor);
        Assert.Equal(ids, await StoredAsync());
        Assert.Equal(ids[^1], await CursorAsync());
        Assert.Equal(["?after_id=activity_002&limit=2&order=asc"], _portal.Api.Requests.Skip(2).Take(1).Select(r => r.Query));
    }

    private async Task<List<string>> StoredAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        return await db.ActivityEvents.OrderBy(e => e.ActivityId).Select(e => e.ActivityId).ToListAsync();
    }

    private async Task<string?> CursorAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        return (await db.IngestionCursors.AsNoTracking().SingleOrDefaultAsync(c => c.Name == IngestActivityJob.CursorName))?.Cursor;
    }

    private async Task<IngestionRun> LastRunAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        return await db.IngestionRuns.AsNoTracking().Where(r => r.Job == IngestActivityJob.JobName).OrderByDescending(r => r.Id).FirstAsync();
    }
}
