using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Requests;

namespace ReviewPortal.Tests.Features.Requests;

/// <summary>
/// A time-bound grant past its expiry becomes one removal task, one "expired" history entry and one audit entry,
/// however often and however concurrently the job runs. Each test has its own portal because it moves the clock.
/// </summary>
public sealed class ExpireGrantsJobTests
{
    private static async Task<Grant> TimeBoundGrantAsync(PortalAppFactory portal, RequestOrg org, int expiresInDays)
    {
        await using var db = await portal.CreateDbContextAsync();
        var grant = new Grant
        {
            IdentityId = org.Rita.Id, EntitlementId = org.Developer.Id, GrantedAt = PortalAppFactory.Now.AddDays(-10),
            ExpiresAt = PortalAppFactory.Now.AddDays(expiresInDays), Source = GrantSource.AccessRequest,
        };
        db.Grants.Add(grant);
        await db.SaveChangesAsync();
        return grant;
    }

    private static async Task<(int Tasks, int Expired, int Audits)> TraceAsync(PortalAppFactory portal, long grantId)
    {
        await using var db = await portal.CreateDbContextAsync();
        var id = grantId.ToString(CultureInfo.InvariantCulture);
        return (await db.RemediationTasks.CountAsync(t => t.GrantId == grantId),
            await db.Set<GrantEvent>().CountAsync(e => e.GrantId == grantId && e.Kind == "expired"),
            await db.AuditEntries.CountAsync(e => e.Action == "grant.expired" && e.TargetType == nameof(Grant) && e.TargetId == id));
    }

    [Fact]
    public async Task Expire_BeforeExpiry_DoesNothing()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await RequestOrg.CreateAsync(portal);
        var grant = await TimeBoundGrantAsync(portal, org, expiresInDays: 2);
        portal.Time.Advance(TimeSpan.FromDays(2) - TimeSpan.FromSeconds(1));

        Assert.Equal(0, await portal.GetRequiredService<ExpireGrantsJob>().RunAsync());

        Assert.Equal((0, 0, 0), await TraceAsync(portal, grant.Id));
    }

    [Fact]
    public async Task Expire_TwoRunsAfterExpiry_OneTaskOneHistoryEntryOneAudit()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await RequestOrg.CreateAsync(portal);
        var grant = await TimeBoundGrantAsync(portal, org, expiresInDays: 2);
        portal.Time.Advance(TimeSpan.FromDays(2));

        var first = await portal.GetRequiredService<ExpireGrantsJob>().RunAsync();
        portal.Time.Advance(TimeSpan.FromHours(1));
        var second = await portal.GetRequiredService<ExpireGrantsJob>().RunAsync();

        Assert.Equal((1, 0), (first, second));
        Assert.Equal((1, 1, 1), await TraceAsync(portal, grant.Id));
        await using var db = await portal.CreateDbContextAsync();
        var task = await db.RemediationTasks.SingleAsync(t => t.GrantId == grant.Id);
        Assert.Equal(RemediationAction.RemoveWorkspaceMember, task.Action);
        Assert.Equal(RemediationStatus.Pending, task.Status);
    }

    [Fact]
    public async Task Expire_ConcurrentRuns_OneTaskOneHistoryEntryOneAudit()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await RequestOrg.CreateAsync(portal);
        var grant = await TimeBoundGrantAsync(portal, org, expiresInDays: 1);
        portal.Time.Advance(TimeSpan.FromDays(3));

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => portal.GetRequiredService<ExpireGrantsJob>().RunAsync()));

        Assert.Equal(1, runs.Sum());
        Assert.Equal((1, 1, 1), await TraceAsync(portal, grant.Id));
    }
}
