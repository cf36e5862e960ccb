using System.Net;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Tests.Features.Identities;

/// <summary>The identity page as the prerendered HTML a signed-in manager receives.</summary>
[Collection(SeededPortalCollection.Name)]
public class IdentityPageTests(PortalAppFactory portal)
{
    [Fact]
    public async Task IdentityPage_ManagerOpensUnrelatedIdentity_AccessDeniedWithoutEmail()
    {
        using var client = portal.CreateBrowserClient();
        var manager = await portal.SignInAsAsync(client, "manager");
        await using var db = await portal.CreateDbContextAsync();
        var stranger = await db.Identities
            .Where(i => i.Kind == IdentityKind.Person && i.Email != null && i.Id != manager.IdentityId
                && i.ManagerId != manager.IdentityId && i.OwnerId != manager.IdentityId)
            .OrderByDescending(i => i.Id)
            .Select(i => new { i.Id, i.Email, i.ExternalId })
            .FirstAsync();

        using var response = await client.GetAsync($"/identities/{stranger.Id}");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-testid=\"access-denied\"", html);
        Assert.DoesNotContain(stranger.Email!, html);
        Assert.DoesNotContain(stranger.ExternalId, html);
    }

    [Fact]
    public async Task IdentityPage_ManagerOpensOwnReport_ShowsEmailAndNoDenial()
    {
        using var client = portal.CreateBrowserClient();
        var manager = await portal.SignInAsAsync(client, "manager");
        await using var db = await portal.CreateDbContextAsync();
        var report = await db.Identities.Where(i => i.ManagerId == manager.IdentityId && i.Email != null)
            .OrderBy(i => i.Id).Select(i => new { i.Id, i.Email }).FirstAsync();

        using var response = await client.GetAsync($"/identities/{report.Id}");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(report.Email!, html);
        Assert.DoesNotContain("data-testid=\"access-denied\"", html);
        Assert.Contains("data-testid=\"activity-chart\"", html);
    }
}
