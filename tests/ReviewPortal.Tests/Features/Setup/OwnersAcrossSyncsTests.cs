using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Connectors;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Setup;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Features.Setup;

/// <summary>
/// Upstream's owners are hints: the directory sync records them as suggestions and applies them only while nobody chose
/// an owner in the portal. An admin's choice survives the next sync.
/// </summary>
public sealed class OwnersAcrossSyncsTests : IAsyncLifetime
{
    private readonly ConnectorPortalFactory _portal = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private async Task<(Viewer Admin, List<Identity> Employed)> AdminAndPeopleAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        var employed = await db.Identities.AsNoTracking()
            .Where(i => i.Kind == IdentityKind.Person && i.EmploymentStatus == EmploymentStatus.Active).OrderBy(i => i.Id).ToListAsync();
        return (await _portal.ViewerForIdentityAsync(employed[0].Id, Roles.Admin), employed);
    }

    [Fact]
    public async Task Sync_AfterAnAdminTransferredAKey_KeepsTheAdminsOwnerAndStillRecordsTheCreator()
    {
        await _portal.SyncAsync();
        var (admin, employed) = await AdminAndPeopleAsync();
        Identity key;
        await using (var db = await _portal.CreateDbContextAsync())
        {
            key = await db.Identities.AsNoTracking().Include(i => i.Owner)
                .FirstAsync(i => i.Kind == IdentityKind.ApiKey && i.OwnerId != null && i.OwnerId == i.UpstreamOwnerId);
        }
        var creatorId = key.OwnerId!.Value;
        var newOwner = employed.First(p => p.Id != creatorId && p.Id != admin.IdentityId);

        var transfer = await _portal.GetRequiredService<TransferNhiOwnership>().HandleAsync(admin,
            new TransferNhiOwnership.Command { IdentityId = key.Id, NewOwnerId = newOwner.Id, ExpectedVersion = key.OwnerVersion }, "test-transfer");
        var run = await _portal.SyncAsync();

        Assert.Equal(SetupStatus.Saved, transfer.Value?.Status);
        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        await using var check = await _portal.CreateDbContextAsync();
        var after = await check.Identities.AsNoTracking().SingleAsync(i => i.Id == key.Id);
        Assert.Equal((newOwner.Id, creatorId), (after.OwnerId, after.UpstreamOwnerId));
        Assert.NotNull(after.OwnerAssignedAt);
        // The sync changed no owner, so it wrote no owner entry: the only one is the admin's.
        var entry = Assert.Single(await check.AuditEntries.AsNoTracking()
            .Where(e => e.Action == SetupWords.IdentityOwnerChanged && e.IdentityId == key.Id).ToListAsync());
        Assert.Equal(admin.IdentityId, entry.ActorId);
    }

    [Fact]
    public async Task Sync_KeysNobodyChose_OwnerIsTheCreatorAndMatchesUpstreamsHint()
    {
        await _portal.SyncAsync();

        await using var db = await _portal.CreateDbContextAsync();
        var keys = await db.Identities.AsNoTracking().Where(i => i.Kind == IdentityKind.ApiKey).Include(i => i.Owner).ToListAsync();
        Assert.NotEmpty(keys);
        Assert.All(keys, k =>
        {
            Assert.Null(k.OwnerAssignedAt);
            Assert.Equal(k.UpstreamOwnerId, k.OwnerId);
            Assert.Equal(_portal.Organization.ApiKeyList.Single(a => a.Id == k.ExternalId).CreatedBy!.Id, k.Owner!.ExternalId);
        });
    }

    [Fact]
    public async Task Sync_AfterAnAdminChoseWorkspaceOwners_KeepsOwnerAndBackupAndRefreshesTheSuggestion()
    {
        await _portal.SyncAsync();
        var (admin, employed) = await AdminAndPeopleAsync();
        Resource workspace;
        await using (var db = await _portal.CreateDbContextAsync())
        {
            workspace = await db.Resources.AsNoTracking()
                .FirstAsync(r => r.Kind == ResourceKind.Workspace && r.SuggestedOwnerId != null && r.OwnerId == r.SuggestedOwnerId);
        }
        var suggested = workspace.SuggestedOwnerId!.Value;
        var others = employed.Where(p => p.Id != suggested).ToList();

        var save = await _portal.GetRequiredService<SetResourceOwners>().HandleAsync(admin, new SetResourceOwners.Command
        {
            ResourceId = workspace.Id, OwnerId = others[0].Id, BackupOwnerId = others[1].Id, ExpectedVersion = workspace.OwnerVersion,
        }, "test-owners");
        var run = await _portal.SyncAsync();

        Assert.Equal(SetupStatus.Saved, save.Value?.Status);
        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        await using var check = await _portal.CreateDbContextAsync();
        var after = await check.Resources.AsNoTracking().SingleAsync(r => r.Id == workspace.Id);
        Assert.Equal((others[0].Id, others[1].Id, suggested), (after.OwnerId, after.BackupOwnerId, after.SuggestedOwnerId));
        Assert.Equal(workspace.OwnerVersion + 1, after.OwnerVersion);
    }
}
