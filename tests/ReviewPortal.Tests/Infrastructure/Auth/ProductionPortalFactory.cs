using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Infrastructure.Auth;

/// <summary>
/// The portal as it runs in Production: Entra ID sign-in (Microsoft.Identity.Web) with test settings, an SMTP host,
/// the real pipeline. Entra itself is replaced only where it would be reached over the network: the OpenID metadata is
/// given statically (authorize and end-session endpoints on https://login.test), and a signed-in person is the
/// cookie the portal itself issues after Entra's callback, protected with the portal's own keys.
/// </summary>
public sealed class ProductionPortalFactory : PortalAppFactory
{
    public ProductionPortalFactory() : base(seedDemo: false) =>
        // People reach a Production node over https (plain http is redirected there).
        ClientOptions.BaseAddress = new Uri("https://localhost");

    public const string EntraHost = "https://login.test";
    public const string TenantId = "11111111-1111-1111-1111-111111111111";
    /// <summary>The name people reach the portal by (AllowedHosts), behind a proxy that terminates TLS.</summary>
    public const string PublicHost = "reviews.example.test";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        var settings = new Dictionary<string, string?>
        {
            ["AzureAd:Instance"] = $"{EntraHost}/",
            ["AzureAd:TenantId"] = TenantId,
            ["AzureAd:ClientId"] = "22222222-2222-2222-2222-222222222222",
            ["AzureAd:ClientSecret"] = "test-secret-not-real",
            ["AzureAd:CallbackPath"] = "/signin-oidc",
            ["Email:Smtp:Host"] = "smtp.invalid",
            ["AllowedHosts"] = $"{PublicHost};localhost",
            // The https port people are sent to (a real node learns it from its https binding).
            ["https_port"] = "443",
            // A server database needs the jobs on it too (Production refuses in-memory jobs there).
            ["Hangfire:Storage"] = Database.Provider == DatabaseProvider.Sqlite ? "InMemory" : Database.Provider.ToString(),
        };
        builder.UseEnvironment("Production");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
        builder.ConfigureTestServices(services => services.PostConfigure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme,
            o => o.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(new OpenIdConnectConfiguration
            {
                Issuer = $"{EntraHost}/{TenantId}/v2.0",
                AuthorizationEndpoint = $"{EntraHost}/{TenantId}/oauth2/v2.0/authorize",
                EndSessionEndpoint = $"{EntraHost}/{TenantId}/oauth2/v2.0/logout",
                TokenEndpoint = $"{EntraHost}/{TenantId}/oauth2/v2.0/token",
            })));
    }

    public OpenIdConnectOptions OpenIdConnect =>
        Services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(OpenIdConnectDefaults.AuthenticationScheme);

    /// <summary>A browser holding the session cookie Entra's callback would have left (name, email, app roles).</summary>
    public HttpClient SignedInClient(string name, string email, params string[] roles)
    {
        var identity = new ClaimsIdentity(
            [new Claim("name", name), new Claim("preferred_username", email), .. roles.Select(r => new Claim("roles", r))],
            CookieAuthenticationDefaults.AuthenticationScheme, "name", "roles");
        var cookies = Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        // As the OpenID Connect handler leaves it: the session cookie names the scheme that signed the person in, and the
        // handler (the default scheme) accepts only a session it issued.
        var properties = new AuthenticationProperties { Items = { [".AuthScheme"] = OpenIdConnectDefaults.AuthenticationScheme } };
        var ticket = new AuthenticationTicket(new ClaimsPrincipal(identity), properties, CookieAuthenticationDefaults.AuthenticationScheme);
        var jar = new CookieContainer();
        jar.Add(ClientOptions.BaseAddress, new Cookie(cookies.Cookie.Name!, cookies.TicketDataFormat.Protect(ticket)));
        // Keeps cookies, shows redirects instead of following them.
        return CreateDefaultClient(ClientOptions.BaseAddress, new CookieContainerHandler(jar));
    }
}
