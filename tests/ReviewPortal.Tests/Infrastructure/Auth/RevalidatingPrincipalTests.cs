using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Infrastructure.Auth;

/// <summary>
/// An open tab's sign-in is checked again while the circuit lives: a person who leaves (or whose account is removed) in
/// the directory loses access in the tab already open; everyone else keeps it.
/// </summary>
public sealed class RevalidatingPrincipalTests(RevalidatingPrincipalTests.Portal portal) : IClassFixture<RevalidatingPrincipalTests.Portal>
{
    public sealed class Portal() : PortalAppFactory(seedDemo: false)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Auth:RevalidateEvery", "00:00:00.200");
        }
    }

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private async Task<int> PersonAsync(string name)
    {
        await using var db = await portal.CreateDbContextAsync();
        var person = new Identity
        {
            ExternalId = $"user_{Guid.NewGuid():N}", Kind = IdentityKind.Person, DisplayName = name, CreatedAt = PortalAppFactory.Now,
            EmploymentStatus = EmploymentStatus.Active, Status = "active",
        };
        db.Identities.Add(person);
        await db.SaveChangesAsync();
        return person.Id;
    }

    /// <summary>The circuit's provider, holding the sign-in the circuit started with.</summary>
    private (AuthenticationStateProvider Provider, IServiceScope Scope) OpenTab(int identityId, string name)
    {
        var scope = portal.Services.CreateScope();
        var provider = scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        var user = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), new Claim(Viewer.IdentityIdClaim, identityId.ToString()), new Claim(ClaimTypes.Role, Roles.Admin)], "Test"));
        ((IHostEnvironmentAuthenticationStateProvider)provider).SetAuthenticationState(Task.FromResult(new AuthenticationState(user)));
        return (provider, scope);
    }

    [Theory]
    [InlineData("departed")]
    [InlineData("removed")]
    public async Task OpenTab_PersonLeavesInTheDirectory_SignedOutOfTheTab(string how)
    {
        var id = await PersonAsync($"Leaving ({how})");
        var (provider, scope) = OpenTab(id, "Leaving");
        using var _ = scope;
        var signedOut = new TaskCompletionSource<AuthenticationState>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.AuthenticationStateChanged += async state => signedOut.TrySetResult(await state);

        await using (var db = await portal.CreateDbContextAsync())
        {
            var person = db.Identities.Where(i => i.Id == id);
            await (how == "departed"
                ? person.ExecuteUpdateAsync(s => s.SetProperty(i => i.EmploymentStatus, EmploymentStatus.Departed))
                : person.ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, "removed")));
        }

        var after = await signedOut.Task.WaitAsync(Deadline);
        Assert.False(after.User.Identity?.IsAuthenticated);
        Assert.False((await provider.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated);
    }

    [Fact]
    public async Task OpenTab_PersonStillEmployed_KeepsTheSignInAcrossRevalidations()
    {
        var id = await PersonAsync("Staying");
        var (provider, scope) = OpenTab(id, "Staying");
        using var _ = scope;
        var changes = 0;
        provider.AuthenticationStateChanged += _ => Interlocked.Increment(ref changes);
        // A departed colleague proves revalidation is running meanwhile: their tab is closed, this one is not.
        var other = await PersonAsync("Colleague");
        var (colleague, colleagueScope) = OpenTab(other, "Colleague");
        using var __ = colleagueScope;
        var colleagueOut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        colleague.AuthenticationStateChanged += _ => colleagueOut.TrySetResult();
        await using (var db = await portal.CreateDbContextAsync())
        {
            await db.Identities.Where(i => i.Id == other).ExecuteUpdateAsync(s => s.SetProperty(i => i.EmploymentStatus, EmploymentStatus.Departed));
        }

        await colleagueOut.Task.WaitAsync(Deadline);

        Assert.Equal(0, changes);
        Assert.True((await provider.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated);
    }
}
