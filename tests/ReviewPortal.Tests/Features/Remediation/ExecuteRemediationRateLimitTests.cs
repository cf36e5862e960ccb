using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Claude;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Remediation;

namespace ReviewPortal.Tests.Features.Remediation;

/// <summary>
/// The Admin API answers 429 with <c>retry-after: 86400</c> (a fake API over real HTTP, on the portal's frozen clock): the
/// run ends at once instead of sleeping for a day under its lease; the task is not charged an attempt and is due again
/// when the API said, the tasks behind it are not called into the limit, and runs during the limit send nothing. After
/// the day, everything is carried out once.
/// </summary>
public sealed class ExecuteRemediationRateLimitTests : IAsyncLifetime
{
    private FakeApiPortalFactory _portal = null!;

    public async Task InitializeAsync() => _portal = await FakeApiPortalFactory.StartAsync();

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task ExecuteRemediation_RateLimitedForADay_EndsRunAtOnce_TaskStaysDueUntilThen_NothingLost()
    {
        var org = new TestOrg("ratelimit");
        var owner = org.Person("Key Owner");
        var first = org.Key("first", owner);
        var second = org.Key("second", owner);
        var active = org.Role(org.Organization, "active", kind: EntitlementKind.ApiKey);
        var grants = new[] { org.Grant(first, active), org.Grant(second, active) };
        await org.SaveAsync(_portal);
        var ids = new List<long>();
        await using (var db = await _portal.CreateDbContextAsync())
        {
            foreach (var grant in grants)
            {
                var task = new RemediationTask
                {
                    GrantId = grant.Id, Action = RemediationAction.DeactivateApiKey, TargetValue = "inactive", Status = RemediationStatus.Pending,
                    CreatedAt = _portal.Time.GetUtcNow(), NextAttemptAt = _portal.Time.GetUtcNow(),
                };
                db.RemediationTasks.Add(task);
                await db.SaveChangesAsync();
                ids.Add(task.Id);
            }
        }
        _portal.Api.Enqueue("/v1/organizations/api_keys", FakeFault.RateLimited("86400"));
        var job = _portal.GetRequiredService<ExecuteRemediationJob>();
        var limitEnds = _portal.Time.GetUtcNow().AddDays(1);
        // A run asleep on the frozen clock would never end; the guard cancels it, so it fails instead.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        await job.RunAsync(guard.Token);

        var call = Assert.Single(_portal.Api.Mutations);
        Assert.Equal($"/v1/organizations/api_keys/{first.ExternalId}", call.Path);
        var limited = await TaskAsync(ids[0]);
        Assert.Equal((RemediationStatus.Pending, 0, limitEnds), (limited.Status, limited.Attempts, limited.NextAttemptAt!.Value));
        Assert.Contains("rate limited until 2026-11-27 12:00 UTC", limited.LastError, StringComparison.Ordinal);
        var untouched = await TaskAsync(ids[1]);
        Assert.Equal((RemediationStatus.Pending, 0), (untouched.Status, untouched.Attempts));
        Assert.Single(await AuditAsync(ids[0], "remediation.deferred"));

        // Not before the time the API named: a run then sends nothing, not even for the task that was due all along.
        _portal.Time.Advance(TimeSpan.FromHours(23));
        await job.RunAsync(guard.Token);
        Assert.Single(_portal.Api.Requests);
        Assert.Equal((RemediationStatus.Pending, 0), ((await TaskAsync(ids[1])).Status, (await TaskAsync(ids[1])).Attempts));

        _portal.Time.Advance(TimeSpan.FromHours(1));
        await job.RunAsync(guard.Token);

        Assert.Equal(RemediationStatus.Succeeded, (await TaskAsync(ids[0])).Status);
        Assert.Equal(RemediationStatus.Succeeded, (await TaskAsync(ids[1])).Status);
        Assert.Equal(1, (await TaskAsync(ids[0])).Attempts);
        Assert.Equal("inactive", _portal.Api.ApiKeyStatuses[first.ExternalId]);
        Assert.Equal("inactive", _portal.Api.ApiKeyStatuses[second.ExternalId]);
        Assert.Equal(3, _portal.Api.Mutations.Count);
        Assert.Empty(await AuditAsync(ids[0], "remediation.failed"));
    }

    private async Task<RemediationTask> TaskAsync(long id)
    {
        await using var db = await _portal.CreateDbContextAsync();
        return await db.RemediationTasks.AsNoTracking().SingleAsync(t => t.Id == id);
    }

    private async Task<List<AuditEntry>> AuditAsync(long taskId, string action)
    {
        await using var db = await _portal.CreateDbContextAsync();
        var id = taskId.ToString(CultureInfo.InvariantCulture);
        return await db.AuditEntries.AsNoTracking().Where(e => e.TargetType == nameof(RemediationTask) && e.TargetId == id && e.Action == action)
            .ToListAsync();
    }
}
