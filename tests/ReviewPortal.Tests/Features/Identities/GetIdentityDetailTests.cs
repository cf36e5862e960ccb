using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Identities;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Identities;

/// <summary>
/// The security acceptance point: the handler itself decides who may read an identity, before
/// any of its data is loaded. Runs on the seeded demo organization.
/// </summary>
[Collection(SeededPortalCollection.Name)]
public class GetIdentityDetailTests(PortalAppFactory portal)
{
    private GetIdentityDetail Handler => portal.GetRequiredService<GetIdentityDetail>();

    /// <summary>A person with a manager, and that manager.</summary>
    private async Task<(int Person, int Manager)> PersonWithManagerAsync()
    {
        await using var db = await portal.CreateDbContextAsync();
        var found = await db.Identities
            .Where(i => i.Kind == IdentityKind.Person && i.ManagerId != null && i.Manager!.ManagerId != null)
            .OrderBy(i => i.Id)
            .Select(i => new { i.Id, Manager = i.ManagerId!.Value })
            .FirstAsync();
        return (found.Id, found.Manager);
    }

    /// <summary>An API key whose owner has a manager: the key, its owner and the owner's manager.</summary>
    private async Task<(int Key, int Owner, int OwnersManager)> KeyWithOwnerAndManagerAsync()
    {
        await using var db = await portal.CreateDbContextAsync();
        var found = await db.Identities
            .Where(i => i.Kind == IdentityKind.ApiKey && i.OwnerId != null && i.Owner!.ManagerId != null)
            .OrderBy(i => i.Id)
            .Select(i => new { i.Id, Owner = i.OwnerId!.Value, OwnersManager = i.Owner!.ManagerId!.Value })
            .FirstAsync();
        return (found.Id, found.Owner, found.OwnersManager);
    }

    /// <summary>A person with no reports and no owned identities, who is not related to <paramref name="target"/>.</summary>
    private async Task<int> UnrelatedPersonAsync(int target)
    {
        await using var db = await portal.CreateDbContextAsync();
        var t = await db.Identities.Where(i => i.Id == target)
            .Select(i => new { i.ManagerId, i.OwnerId, OwnersManager = i.Owner != null ? i.Owner.ManagerId : null })
            .SingleAsync();
        return await db.Identities
            .Where(p => p.Kind == IdentityKind.Person && p.Id != target
                && p.Id != t.ManagerId && p.Id != t.OwnerId && p.Id != t.OwnersManager
                && !db.Identities.Any(r => r.ManagerId == p.Id || r.OwnerId == p.Id))
            .OrderBy(p => p.Id)
            .Select(p => p.Id)
            .FirstAsync();
    }

    private static void AssertFound(Result<IdentityDetailResult> result, int identityId)
    {
        Assert.True(result.Ok, result.Refusal?.Message);
        Assert.Equal(identityId, result.Value.Identity.Id);
        Assert.NotNull(result.Value.Grants);
        Assert.NotNull(result.Value.Owned);
        Assert.Equal(30, result.Value.Activity.Days.Count);
    }

    /// <summary>Refused, and none of the identity's data (its name, grants, owned identities, reports, activity) comes with the refusal.</summary>
    private static void AssertForbiddenWithoutData(Result<IdentityDetailResult> result)
    {
        Assert.Equal(RefusalKind.Forbidden, result.Refusal?.Kind);
        Assert.Null(result.Value);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("compliance")]
    public async Task HandleAsync_ReadEverythingPersona_Found(string persona)
    {
        var (person, _) = await PersonWithManagerAsync();
        var (key, _, _) = await KeyWithOwnerAndManagerAsync();
        var viewer = await portal.ViewerForAsync(persona);

        AssertFound(await Handler.HandleAsync(viewer, person), person);
        AssertFound(await Handler.HandleAsync(viewer, key), key);
    }

    [Fact]
    public async Task HandleAsync_ViewerIsPersonsManager_FoundWithDetail()
    {
        var (person, manager) = await PersonWithManagerAsync();

        var result = await Handler.HandleAsync(await portal.ViewerForIdentityAsync(manager), person);

        AssertFound(result, person);
        Assert.Equal(manager, result.Value!.Identity.Manager!.Id);
        Assert.NotEmpty(result.Value.Grants);
    }

    [Fact]
    public async Task HandleAsync_ViewerOwnsNonHumanIdentity_Found()
    {
        var (key, owner, _) = await KeyWithOwnerAndManagerAsync();

        var result = await Handler.HandleAsync(await portal.ViewerForIdentityAsync(owner), key);

        AssertFound(result, key);
        Assert.Equal(owner, result.Value!.Identity.Owner!.Id);
    }

    [Fact]
    public async Task HandleAsync_ViewerManagesOwnerOfNonHumanIdentity_Found()
    {
        var (key, _, ownersManager) = await KeyWithOwnerAndManagerAsync();

        AssertFound(await Handler.HandleAsync(await portal.ViewerForIdentityAsync(ownersManager), key), key);
    }

    [Fact]
    public async Task HandleAsync_ManagerPersonaReadsOwnReport_Found()
    {
        var viewer = await portal.ViewerForAsync("manager");
        await using var db = await portal.CreateDbContextAsync();
        var report = await db.Identities.Where(i => i.ManagerId == viewer.IdentityId).Select(i => i.Id).FirstAsync();

        AssertFound(await Handler.HandleAsync(viewer, report), report);
    }

    [Fact]
    public async Task HandleAsync_UnrelatedPerson_ForbiddenWithoutData()
    {
        var (person, _) = await PersonWithManagerAsync();
        var (key, _, _) = await KeyWithOwnerAndManagerAsync();
        var stranger = await portal.ViewerForIdentityAsync(await UnrelatedPersonAsync(person));

        AssertForbiddenWithoutData(await Handler.HandleAsync(stranger, person));
        AssertForbiddenWithoutData(await Handler.HandleAsync(stranger, key));
    }

    [Fact]
    public async Task HandleAsync_AppOwnerRoleAlone_ForbiddenForUnrelatedIdentity()
    {
        var viewer = await portal.ViewerForAsync("appowner");
        await using var db = await portal.CreateDbContextAsync();
        var ceo = await db.Identities.Where(i => i.Kind == IdentityKind.Person && i.ManagerId == null).Select(i => i.Id).FirstAsync();

        AssertForbiddenWithoutData(await Handler.HandleAsync(viewer, ceo));
    }

    [Fact]
    public async Task HandleAsync_ViewerWithoutIdentityLink_ForbiddenWithoutData()
    {
        var (person, _) = await PersonWithManagerAsync();
        var (key, _, _) = await KeyWithOwnerAndManagerAsync();
        var unlinked = new Viewer(null, "Signed-in stranger", new HashSet<string>());

        AssertForbiddenWithoutData(await Handler.HandleAsync(unlinked, person));
        AssertForbiddenWithoutData(await Handler.HandleAsync(unlinked, key));
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("manager")]
    public async Task HandleAsync_MissingId_NotFound(string persona)
    {
        await using var db = await portal.CreateDbContextAsync();
        var missing = await db.Identities.MaxAsync(i => i.Id) + 1000;

        var result = await Handler.HandleAsync(await portal.ViewerForAsync(persona), missing);

        Assert.Equal(RefusalKind.NotFound, result.Refusal?.Kind);
        Assert.Null(result.Value);
    }
}
