using Microsoft.EntityFrameworkCore;
using ReviewPortal.Claude.Models;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// The second and later directory syncs: unchanged upstream means no change in the portal; an
/// Admin API change closes exactly the grant it removed (end time set, row kept, audited).
/// </summary>
public sealed class DirectoryResyncTests : IAsyncLifetime
{
    private readonly ConnectorPortalFactory _portal = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task Resync_NothingChangedUpstream_OpensAndClosesNothing()
    {
        await _portal.SyncAsync();
        var before = await SyncDirectoryJobTests.GrantsAsync(_portal);
        int identities, resources, entitlements;
        await using (var db = await _portal.CreateDbContextAsync())
        {
            (identities, resources, entitlements) = (await db.Identities.CountAsync(), await db.Resources.CountAsync(), await db.Entitlements.CountAsync());
        }

        var run = await _portal.SyncAsync();

        Assert.Equal((0, 0), SyncDirectoryJobTests.Counts(run));
        var after = await SyncDirectoryJobTests.GrantsAsync(_portal);
        Assert.Equal(before, after);
        SyncDirectoryJobTests.AssertOpenGrantsMatch(SyncDirectoryJobTests.ExpectedGrants(_portal), after);
        await using var check = await _portal.CreateDbContextAsync();
        Assert.Equal((identities, resources, entitlements),
            (await check.Identities.CountAsync(), await check.Resources.CountAsync(), await check.Entitlements.CountAsync()));
        Assert.Equal(0, await check.AuditEntries.CountAsync(a => a.Action == "grant.closed"));
    }

    [Fact]
    public async Task Resync_AfterWorkspaceMemberRemovedThroughAdminApi_ClosesExactlyThatGrantAndAuditsIt()
    {
        await _portal.SyncAsync();
        var org = _portal.Organization;
        var admins = org.ConsoleMembers.Where(m => m.Role is "admin" or "billing").Select(m => m.UserId).ToHashSet();
        var member = org.WorkspaceMembers.First(m => !admins.Contains(m.UserId));
        await _portal.Admin.RemoveWorkspaceMemberAsync(member.WorkspaceId, member.UserId);

        await AssertNextSyncClosesExactlyAsync(new SyncDirectoryJobTests.GrantKey(member.UserId, EntitlementKind.WorkspaceRole, member.WorkspaceId, member.WorkspaceRole));
    }

    [Fact]
    public async Task Resync_AfterApiKeyDeactivatedThroughAdminApi_ClosesExactlyThatGrantAndAuditsIt()
    {
        await _portal.SyncAsync();
        var before = await SyncDirectoryJobTests.GrantsAsync(_portal);
        var key = _portal.Organization.ApiKeyList.First(k => k.Status == ApiKeyStatus.Active);
        await _portal.Admin.UpdateApiKeyStatusAsync(key.Id, ApiKeyStatus.Inactive);

        var closed = before.Single(g => g.Key.Identity == key.Id && g.Key.Kind == EntitlementKind.ApiKey).Key;
        await AssertNextSyncClosesExactlyAsync(closed);
        await using var db = await _portal.CreateDbContextAsync();
        Assert.Equal(ApiKeyStatus.Inactive, (await db.Identities.SingleAsync(i => i.ExternalId == key.Id)).Status);
    }

    private async Task AssertNextSyncClosesExactlyAsync(SyncDirectoryJobTests.GrantKey removed)
    {
        var before = await SyncDirectoryJobTests.GrantsAsync(_portal);
        var target = before.Single(g => g.Key == removed && g.EndedAt is null);
        _portal.Time.Advance(TimeSpan.FromMinutes(10));

        var run = await _portal.SyncAsync();

        Assert.Equal((0, 1), SyncDirectoryJobTests.Counts(run));
        var after = await SyncDirectoryJobTests.GrantsAsync(_portal);
        Assert.Equal(before.Count, after.Count); // closed, never deleted
        var closed = Assert.Single(after, g => g.EndedAt is not null);
        Assert.Equal(target.Id, closed.Id);
        Assert.Equal(_portal.Time.GetUtcNow(), closed.EndedAt);
        SyncDirectoryJobTests.AssertOpenGrantsMatch(SyncDirectoryJobTests.ExpectedGrants(_portal), after);
        await using var db = await _portal.CreateDbContextAsync();
        var audit = Assert.Single(await db.AuditEntries.Where(a => a.Action == "grant.closed").ToListAsync());
        Assert.Equal(("Grant", target.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), (audit.TargetType, audit.TargetId));
        var history = await db.GrantEvents.Where(e => e.GrantId == target.Id).Select(e => e.Kind).ToListAsync();
        Assert.Contains("removed-upstream", history);
    }
}
