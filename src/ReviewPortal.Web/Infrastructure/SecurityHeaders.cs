using System.Security.Cryptography;
using Microsoft.AspNetCore.HttpOverrides;

namespace ReviewPortal.Web.Infrastructure;

/// <summary>
/// What every response tells the browser, and how a node behind a TLS-terminating proxy learns the scheme and client it
/// really served (docs/security.md).
/// </summary>
public static class SecurityHeaders
{
    private const string NonceKey = "ReviewPortal.CspNonce";

    /// <summary>The nonce this response's policy allows inline scripts with (the import map is the only one).</summary>
    public static string? CspNonce(this HttpContext context) => context.Items[NonceKey] as string;

    /// <summary>
    /// Forwarded headers are believed only from the proxies named in ReverseProxy:KnownProxies (addresses) and
    /// ReverseProxy:KnownNetworks (CIDR); loopback is always trusted, as ASP.NET does by default.
    /// </summary>
    public static IServiceCollection AddPortalForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in configuration.GetSection("ReverseProxy:KnownProxies").Get<string[]>() ?? [])
            {
                o.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            }
            foreach (var network in configuration.GetSection("ReverseProxy:KnownNetworks").Get<string[]>() ?? [])
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return services;
    }

    /// <summary>
    /// The Content-Security-Policy Blazor Server and MudBlazor run under: scripts only from this site (plus the import
    /// map, by nonce; no eval), the circuit's WebSocket to this site only, inline style attributes (MudBlazor sets
    /// them), no framing by anyone, forms posting only here or to the sign-in authority (a sign-out is a form post
    /// that redirects to Entra, and browsers apply form-action to that redirect).
    /// </summary>
    public static WebApplication UsePortalSecurityHeaders(this WebApplication app)
    {
        var authority = app.Configuration["AzureAd:Instance"] is { Length: > 0 } instance && Uri.TryCreate(instance, UriKind.Absolute, out var uri)
            ? $" {uri.GetLeftPart(UriPartial.Authority)}"
            : "";
        app.Use((context, next) =>
        {
            var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceKey] = nonce;
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy =
                $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
                $"font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; " +
                $"form-action 'self'{authority}";
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            return next(context);
        });
        return app;
    }
}
