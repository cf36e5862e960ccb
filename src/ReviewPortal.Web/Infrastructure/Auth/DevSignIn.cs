using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Diagnostics;

namespace ReviewPortal.Web.Infrastructure.Auth;

/// <summary>The Development-only persona sign-in: one click signs in as a person of the demo organization.</summary>
public static class DevSignIn
{
    public const string Path = "/dev/sign-in";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost($"{Path}/{{persona}}", async (string persona, string? returnUrl, HttpContext context,
            DevPersonas personas, TimeProvider time, IAntiforgery antiforgery) =>
        {
            // The endpoint reads no form fields, so ASP.NET would not check the token on its own: login CSRF otherwise.
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest("The sign-in form expired. Reload /dev/sign-in and try again.");
            }
            var match = await personas.FindAsync(persona, context.RequestAborted);
            if (match is null)
            {
                return Results.Redirect($"{Path}?error=unknown-persona");
            }
            var claims = new List<Claim>
            {
                new(ClaimTypes.Name, match.FullName),
                new(ClaimTypes.Email, match.Email ?? ""),
                new(Viewer.IdentityIdClaim, match.IdentityId.ToString()),
            };
            claims.AddRange(match.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
            await personas.RecordSignInAsync(match, time.GetUtcNow(), context.TraceIdentifier, context.RequestAborted);
            return Results.LocalRedirect(LocalUrl.OrHome(returnUrl));
        }).AllowAnonymous();
    }

    /// <summary>
    /// Outside Development the persona sign-in does not exist: /dev/* answers 404 (the styled not-found page) before
    /// the page or its form endpoint could run, so nobody learns who the organization's admins are.
    /// </summary>
    public static WebApplication UseDevSignInOnlyInDevelopment(this WebApplication app)
    {
        if (app.Services.GetService<DevSignInEnabled>() is null)
        {
            app.Use((context, next) =>
            {
                if (context.Request.Path.StartsWithSegments("/dev", StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
                        && context.Features.Get<IStatusCodePagesFeature>() is { } pages)
                    {
                        // The styled page is re-executed with the request's method, and a posted form would then meet the
                        // page's antiforgery check (400): a post gets the bare 404.
                        pages.Enabled = false;
                    }
                    return Task.CompletedTask;
                }
                return next(context);
            });
        }
        return app;
    }
}
