using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.People;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Features.People;

/// <summary>
/// An Entra sign-in is linked to its person by object id (tenant checked), by email only for someone not yet identified
/// by id and only when the address is one person's; a shared address links nobody and is shown to the admin.
/// </summary>
public sealed class SignInLinkTests : IAsyncLifetime
{
    private const string Tenant = "7c1f0b1e-5a4d-4e3f-9a8b-0c1d2e3f4a5b";
    private readonly Portal _portal = new();

    private sealed class Portal() : PortalAppFactory(seedDemo: false)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            var settings = new Dictionary<string, string?> { ["People:Source"] = "EntraId", ["AzureAd:TenantId"] = Tenant };
            UseSettings(builder, settings);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private async Task<Identity> AddPersonAsync(string externalId, string email, string? directoryId)
    {
        await using var db = await _portal.CreateDbContextAsync();
        var identity = new Identity { ExternalId = externalId, DisplayName = externalId, Kind = IdentityKind.Person, Email = email, DirectoryId = directoryId };
        db.Identities.Add(identity);
        await db.SaveChangesAsync();
        return identity;
    }

    private async Task<int?> LinkedIdentityAsync(params (string Type, string Value)[] claims)
    {
        using var scope = _portal.Services.CreateScope();
        var transformation = scope.ServiceProvider.GetRequiredService<IClaimsTransformation>();
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "OpenIdConnect"));
        var linked = await transformation.TransformAsync(principal);
        return int.TryParse(linked.FindFirstValue(Viewer.IdentityIdClaim), out var id) ? id : null;
    }

    [Fact]
    public async Task ObjectId_LinksItsPersonEvenWhenTheAddressNowNamesSomeoneElse()
    {
        var ann = await AddPersonAsync("user_ann", "ann@northwind.example", "oid-ann");
        // Ann's old address was given to a newcomer, who has no directory id yet.
        await AddPersonAsync("user_newcomer", "ann.old@northwind.example", null);

        var linked = await LinkedIdentityAsync(("oid", "oid-ann"), ("tid", Tenant), ("preferred_username", "ann.old@northwind.example"));

        Assert.Equal(ann.Id, linked);
    }

    [Fact]
    public async Task AnotherTenant_LinksNobody()
    {
        await AddPersonAsync("user_ann", "ann@northwind.example", "oid-ann");

        Assert.Null(await LinkedIdentityAsync(("oid", "oid-ann"), ("tid", Guid.NewGuid().ToString()), ("preferred_username", "ann@northwind.example")));
    }

    [Fact]
    public async Task Email_LinksOnlySomeoneNotIdentifiedByIdAndOnlyWhenOnePersonHasIt()
    {
        var bob = await AddPersonAsync("user_bob", "bob@northwind.example", null);
        await AddPersonAsync("user_carl", "carl@northwind.example", "oid-carl");
        await AddPersonAsync("user_twin1", "twin@northwind.example", null);
        await AddPersonAsync("user_twin2", "twin@northwind.example", null);

        Assert.Equal(bob.Id, await LinkedIdentityAsync(("oid", "oid-new"), ("tid", Tenant), ("preferred_username", "Bob@Northwind.example")));
        // Carl is known by his object id: a token with another id and his address is not him.
        Assert.Null(await LinkedIdentityAsync(("oid", "oid-someone"), ("tid", Tenant), ("preferred_username", "carl@northwind.example")));
        Assert.Null(await LinkedIdentityAsync(("oid", "oid-twin"), ("tid", Tenant), ("preferred_username", "twin@northwind.example")));
        var status = (await _portal.GetRequiredService<GetPeopleDirectoryStatus>()
            .HandleAsync(new Viewer(null, "Ada Admin", new HashSet<string> { Roles.Admin }))).Value;
        Assert.Equal(["twin@northwind.example"], status!.SharedEmails);
    }
}
