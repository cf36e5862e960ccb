using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using ReviewPortal.Web.Components.Layout;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Components.Layout;

/// <summary>
/// Which sections the menu offers per role, evaluated by the portal's real policies
/// (<see cref="Policies.Configure"/>), not by a fake that only matches policy names.
/// </summary>
public class NavMenuTests : BunitContext
{
    private static readonly string[] RoleGated = ["nav-campaigns", "nav-audit", "nav-setup", "nav-owners", "nav-approval-policies", "nav-defaults", "nav-admin"];

    public NavMenuTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    private IReadOnlyList<string> VisibleRoleGatedLinks(params string[] roles)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, "Avery Okafor") };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        var user = new ClaimsPrincipal(new ClaimsIdentity(claims, "Test"));
        Services.AddAuthorizationCore(Policies.Configure);
        // bUnit pre-registers a placeholder IAuthorizationService (so TryAdd keeps it); replace it with the real one.
        Services.AddTransient<IAuthorizationService, DefaultAuthorizationService>();
        Services.AddSingleton<AuthenticationStateProvider>(new FixedAuthenticationState(user));
        Services.AddCascadingAuthenticationState();

        var cut = Render<NavMenu>();

        Assert.NotEmpty(cut.FindAll("[data-testid=nav-identities]"));
        return RoleGated.Where(id => cut.FindAll($"[data-testid={id}]").Count > 0).ToList();
    }

    [Fact]
    public void NavMenu_Admin_ShowsCampaignsAuditSetupAndAdmin()
    {
        Assert.Equal(["nav-campaigns", "nav-audit", "nav-setup", "nav-owners", "nav-approval-policies", "nav-defaults", "nav-admin"], VisibleRoleGatedLinks(Roles.Admin));
    }

    [Fact]
    public void NavMenu_Compliance_ShowsCampaignsAuditAndSetupButNotAdmin()
    {
        // Compliance reads campaign dashboards, the audit trail and the setup screens (read-only); never the admin section.
        Assert.Equal(["nav-campaigns", "nav-audit", "nav-setup", "nav-owners", "nav-approval-policies", "nav-defaults"], VisibleRoleGatedLinks(Roles.Compliance));
    }

    [Fact]
    public void NavMenu_PlainManager_ShowsNoneOfThem()
    {
        Assert.Empty(VisibleRoleGatedLinks());
    }

    [Fact]
    public void NavMenu_AppOwner_ShowsNoneOfThem()
    {
        Assert.Empty(VisibleRoleGatedLinks(Roles.AppOwner));
    }

    private sealed class FixedAuthenticationState(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}
