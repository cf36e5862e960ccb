using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Identity.Web;

namespace ReviewPortal.Web.Infrastructure.Auth;

public static class AuthSetup
{
    /// <summary>
    /// Entra ID when the AzureAd section is configured; the persona sign-in only in Development
    /// without it; refuses to start in any other environment without real auth.
    /// </summary>
    public static IServiceCollection AddPortalAuth(this IServiceCollection services, IConfiguration configuration,
        IHostEnvironment environment, bool signInNeeded = true)
    {
        var azureAd = configuration.GetSection("AzureAd");
        var entraConfigured = !string.IsNullOrWhiteSpace(azureAd["ClientId"]);
        if (entraConfigured)
        {
            services.AddAuthentication(OpenIdConnectDefaultsScheme)
                .AddMicrosoftIdentityWebApp(azureAd);
        }
        else if (environment.IsDevelopment())
        {
            services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
                .AddCookie(o =>
                {
                    o.LoginPath = DevSignIn.Path;
                    o.AccessDeniedPath = "/access-denied";
                    o.Cookie.Name = "ReviewPortal.Dev";
                    o.SlidingExpiration = true;
                });
            services.AddSingleton(new DevSignInEnabled());
            services.AddScoped<DevPersonas>();
        }
        else if (signInNeeded)
        {
            throw new StartupException(
                $"Sign-in is not configured for the '{environment.EnvironmentName}' environment. Set AzureAd__Instance, " +
                "AzureAd__TenantId, AzureAd__ClientId and AzureAd__ClientSecret (Entra ID app registration with app roles " +
                "Admin, Compliance, AppOwner). The persona sign-in exists only in Development.");
        }

        services.AddAuthorization(Policies.Configure);
        // Registered before the Razor components add their own provider, which then steps aside.
        services.AddScoped<AuthenticationStateProvider, RevalidatingPrincipal>();
        services.AddCascadingAuthenticationState();
        services.AddScoped<IClaimsTransformation, PortalIdentityClaims>();
        services.AddHttpContextAccessor();
        return services;
    }

    private const string OpenIdConnectDefaultsScheme = "OpenIdConnect";

    public static IEndpointRouteBuilder MapPortalAuth(this IEndpointRouteBuilder endpoints)
    {
        // Challenges the configured scheme: Entra's sign-in, or the persona page in Development. Only a local URL comes
        // back: "/\evil.example" is "//evil.example" to a browser.
        endpoints.MapGet("/account/sign-in", (string? returnUrl) => Results.Challenge(new AuthenticationProperties
        {
            RedirectUri = LocalUrl.OrHome(returnUrl),
        })).AllowAnonymous();

        // A form post that reads no field: ASP.NET would not check the antiforgery token by itself, and a cross-site
        // page could sign people out. With Entra the sign-out ends there too (its end-session endpoint, back to "/"), so
        // single sign-on does not sign the next person at a shared machine straight back in.
        endpoints.MapPost("/account/sign-out", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest("The sign-out form expired. Reload the page and sign out again.");
            }
            var schemes = await SignOutSchemesAsync(context);
            if (schemes.Contains(OpenIdConnectDefaultsScheme))
            {
                return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [.. schemes]);
            }
            foreach (var scheme in schemes)
            {
                await context.SignOutAsync(scheme);
            }
            return Results.LocalRedirect("/");
        }).RequireAuthorization(Policies.SignedIn);

        if (endpoints.ServiceProvider.GetService<DevSignInEnabled>() is not null)
        {
            DevSignIn.Map(endpoints);
        }
        return endpoints;
    }

    private static async Task<IReadOnlyList<string>> SignOutSchemesAsync(HttpContext context)
    {
        var schemes = context.RequestServices.GetRequiredService<IAuthenticationSchemeProvider>();
        var all = await schemes.GetAllSchemesAsync();
        return all.Select(s => s.Name)
            .Where(n => n is CookieAuthenticationDefaults.AuthenticationScheme or OpenIdConnectDefaultsScheme).ToList();
    }
}

/// <summary>Marker registered only when the Development persona sign-in is active.</summary>
public sealed class DevSignInEnabled;
