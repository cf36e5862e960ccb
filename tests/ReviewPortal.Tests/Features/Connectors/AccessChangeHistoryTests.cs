using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// Access changes made through the Admin API show up in the Activity Feed and are attached to the
/// history of the grant they changed, with who made them; attaching again never duplicates them.
/// </summary>
public sealed class AccessChangeHistoryTests : IAsyncLifetime
{
    internal const string AdminKeyActor = "apikey_01SimAdminKeyForTheConsole (admin_api_key_actor)";
    private readonly ConnectorPortalFactory _portal = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    /// <summary>Adds a Console user to a workspace and promotes another, through the real Admin client.</summary>
    internal static async Task<(string Added, string Workspace, string Promoted)> ChangeAccessUpstreamAsync(ConnectorPortalFactory portal)
    {
        var org = portal.Organization;
        var users = org.ConsoleMembers.Where(m => m.Role == "user").Select(m => m.UserId).Order(StringComparer.Ordinal).ToList();
        Assert.True(users.Count >= 2, "the simulated Console org needs two plain users");
        var workspace = org.WorkspaceList.First(w => w.ArchivedAt is null && !org.WorkspaceMembers.Exists(m => m.WorkspaceId == w.Id && m.UserId == users[0]));
        await portal.Admin.AddWorkspaceMemberAsync(workspace.Id, users[0], "workspace_user");
        await portal.Admin.UpdateUserRoleAsync(users[1], "developer");
        portal.Time.Advance(TimeSpan.FromMinutes(2)); // the feed shows events a minute after they happen
        return (users[0], workspace.Id, users[1]);
    }

    internal sealed record FeedHistory(long GrantId, string Identity, EntitlementKind Kind, string Resource, string Value,
        string Event, string? Detail, string? Actor, string ActivityId);

    internal static async Task<List<FeedHistory>> FeedHistoryAsync(ConnectorPortalFactory portal)
    {
        await using var db = await portal.CreateDbContextAsync();
        return await db.GrantEvents.AsNoTracking().Where(e => e.ActivityId != null)
            .OrderBy(e => e.Id)
            .Select(e => new FeedHistory(e.GrantId, e.Grant.Identity.ExternalId, e.Grant.Entitlement.Kind, e.Grant.Entitlement.Resource.ExternalId,
                e.Grant.Entitlement.Value, e.Kind, e.Detail, e.ActorDescription, e.ActivityId!))
            .ToListAsync();
    }

    internal static async Task AssertAttachedAsync(ConnectorPortalFactory portal, (string Added, string Workspace, string Promoted) change)
    {
        var history = await FeedHistoryAsync(portal);
        var added = Assert.Single(history, h => h.Event == "platform_workspace_member_added" && h.Identity == change.Added);
        Assert.Equal((EntitlementKind.WorkspaceRole, change.Workspace, "workspace_user"), (added.Kind, added.Resource, added.Value));
        Assert.Equal(AdminKeyActor, added.Actor);
        var promoted = Assert.Single(history, h => h.Event == "claude_user_role_updated" && h.Identity == change.Promoted);
        Assert.Equal((EntitlementKind.OrgRole, portal.Organization.ConsoleOrganizationUuid, "developer"), (promoted.Kind, promoted.Resource, promoted.Value));
        Assert.Equal("role user → developer", promoted.Detail);
        Assert.Equal(AdminKeyActor, promoted.Actor);
        await using var db = await portal.CreateDbContextAsync();
        Assert.Equal("platform_workspace_member_added", (await db.ActivityEvents.SingleAsync(e => e.ActivityId == added.ActivityId)).Type);
    }

    [Fact]
    public async Task FeedAccessChanges_IngestedAfterTheSyncThatOpenedTheGrant_AppearOnThatGrantWithTheActor()
    {
        await _portal.SyncAsync();
        await _portal.IngestAsync();
        var change = await ChangeAccessUpstreamAsync(_portal);

        await _portal.SyncAsync();
        await _portal.IngestAsync();

        await AssertAttachedAsync(_portal, change);
    }

    [Fact]
    public async Task AttachAgain_AfterAnotherRunAndFromAResetWatermark_AddsNoDuplicates()
    {
        await _portal.SyncAsync();
        await _portal.IngestAsync();
        await ChangeAccessUpstreamAsync(_portal);
        await _portal.SyncAsync();
        await _portal.IngestAsync();
        var before = await FeedHistoryAsync(_portal);
        Assert.NotEmpty(before);

        await _portal.IngestAsync();
        int added;
        await using (var db = await _portal.CreateDbContextAsync())
        {
            db.IngestionCursors.Remove(await db.IngestionCursors.SingleAsync(c => c.Name == AccessChangeHistory.WatermarkName));
            await db.SaveChangesAsync();
            added = await AccessChangeHistory.AttachAsync(db, _portal.Time.GetUtcNow(), CancellationToken.None);
            await db.SaveChangesAsync();
        }

        Assert.Equal(0, added);
        Assert.Equal(before, await FeedHistoryAsync(_portal));
    }
}
