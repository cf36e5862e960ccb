using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Identities;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Features.Identities;

[Collection(SeededPortalCollection.Name)]
public class ListIdentitiesTests(PortalAppFactory portal)
{
    private ListIdentities Handler => portal.GetRequiredService<ListIdentities>();

    private async Task<(List<IdentityRow> Rows, int Total)> AllPagesAsync(Viewer viewer, string? search = null, IdentityKind? kind = null)
    {
        var rows = new List<IdentityRow>();
        int total;
        var page = 0;
        do
        {
            (var batch, total) = (await Handler.HandleAsync(viewer, new ListIdentities.Query(search, kind, page++, 200))).Value;
            rows.AddRange(batch);
            if (batch.Count == 0)
            {
                break;
            }
        }
        while (rows.Count < total);
        return (rows, total);
    }

    /// <summary>The visibility rule, spelled out independently over plain rows.</summary>
    private async Task<HashSet<int>> AnsweredForByAsync(int me)
    {
        await using var db = await portal.CreateDbContextAsync();
        var all = await db.Identities.AsNoTracking().Select(i => new { i.Id, i.ManagerId, i.OwnerId }).ToListAsync();
        var managerOf = all.ToDictionary(i => i.Id, i => i.ManagerId);
        return all.Where(i => i.ManagerId == me || i.OwnerId == me
                || (i.OwnerId is { } owner && managerOf[owner] == me))
            .Select(i => i.Id)
            .ToHashSet();
    }

    [Fact]
    public async Task HandleAsync_Manager_ReturnsExactlyReportsAndTheirKeys()
    {
        var viewer = await portal.ViewerForAsync("manager");
        var expected = await AnsweredForByAsync(viewer.IdentityId!.Value);
        await using var db = await portal.CreateDbContextAsync();
        var everyone = await db.Identities.CountAsync();

        var (rows, total) = await AllPagesAsync(viewer);

        Assert.NotEmpty(expected);
        Assert.True(total < everyone, $"A manager sees {total} of {everyone} identities.");
        Assert.Equal(expected.Count, total);
        Assert.Equal(expected.Order(), rows.Select(r => r.Id).Order());
        Assert.Contains(rows, r => r.Kind == IdentityKind.Person);
        Assert.DoesNotContain(rows, r => r.Id == viewer.IdentityId);
    }

    [Fact]
    public async Task HandleAsync_KeyOwnersManager_SeesKeysOwnedByReports()
    {
        await using var db = await portal.CreateDbContextAsync();
        var found = await db.Identities
            .Where(i => i.Kind == IdentityKind.ApiKey && i.Owner!.ManagerId != null)
            .OrderBy(i => i.Id)
            .Select(i => new { i.Id, OwnersManager = i.Owner!.ManagerId!.Value })
            .FirstAsync();
        var (key, ownersManager) = (found.Id, found.OwnersManager);

        var visible = await AnsweredForByAsync(ownersManager);

        var (rows, _) = await AllPagesAsync(await portal.ViewerForIdentityAsync(ownersManager), kind: IdentityKind.ApiKey);

        Assert.Contains(rows, r => r.Id == key);
        Assert.All(rows, r => Assert.Equal(IdentityKind.ApiKey, r.Kind));
        Assert.All(rows, r => Assert.Contains(r.Id, visible));
    }

    [Fact]
    public async Task HandleAsync_ManagerSearches_ResultsStayWithinVisibleSet()
    {
        var viewer = await portal.ViewerForAsync("manager");
        var visible = await AnsweredForByAsync(viewer.IdentityId!.Value);

        var (rows, total) = await AllPagesAsync(viewer, search: "a");
        var (everyoneMatching, _) = await AllPagesAsync(await portal.ViewerForAsync("compliance"), search: "a");

        Assert.NotEmpty(rows);
        Assert.True(everyoneMatching.Count > total);
        Assert.All(rows, r => Assert.Contains(r.Id, visible));
    }

    [Fact]
    public async Task HandleAsync_Compliance_ReturnsEveryIdentity()
    {
        await using var db = await portal.CreateDbContextAsync();
        var everyone = await db.Identities.Select(i => i.Id).ToListAsync();

        var (rows, total) = await AllPagesAsync(await portal.ViewerForAsync("compliance"));

        Assert.Equal(everyone.Count, total);
        Assert.Equal(everyone.Order(), rows.Select(r => r.Id).Order());
    }

    [Fact]
    public async Task HandleAsync_ViewerWithoutIdentityLink_ReturnsNothing()
    {
        var (rows, total) = await AllPagesAsync(new Viewer(null, "Signed-in stranger", new HashSet<string>()));

        Assert.Equal(0, total);
        Assert.Empty(rows);
    }
}
