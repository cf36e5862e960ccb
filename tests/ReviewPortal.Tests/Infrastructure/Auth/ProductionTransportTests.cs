using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace ReviewPortal.Tests.Infrastructure.Auth;

/// <summary>
/// A Production node behind a TLS-terminating proxy: it believes the proxy's forwarded scheme (so cookies are Secure and
/// Entra calls back on https), sends people to https, tells browsers to stay there, and answers only for its own host
/// names. Every response carries the security headers.
/// </summary>
public sealed class ProductionTransportTests(ProductionPortalFactory portal) : IClassFixture<ProductionPortalFactory>
{
    private const string PublicHost = ProductionPortalFactory.PublicHost;

    private Task<HttpContext> SendAsync(string path, string host, string scheme = "http", string? forwardedProto = null,
        string remoteAddress = "127.0.0.1") =>
        portal.Server.SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Get;
            context.Request.Scheme = scheme;
            context.Request.Host = new HostString(host);
            context.Request.Path = path;
            context.Connection.RemoteIpAddress = IPAddress.Parse(remoteAddress);
            if (forwardedProto is not null)
            {
                context.Request.Headers["X-Forwarded-Proto"] = forwardedProto;
            }
        });

    [Fact]
    public async Task SignIn_BehindTheProxyOverHttps_CallbackIsHttpsAndCookiesAreSecure()
    {
        var context = await SendAsync("/account/sign-in", PublicHost, forwardedProto: "https");

        Assert.Equal(StatusCodes.Status302Found, context.Response.StatusCode);
        var authorize = new Uri(context.Response.Headers.Location.ToString());
        Assert.Equal($"https://{PublicHost}/signin-oidc", Query(authorize, "redirect_uri"));
        var cookies = context.Response.Headers.SetCookie.ToArray();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ForwardedProto_FromAnUnknownAddress_NotBelieved()
    {
        var context = await SendAsync("/account/sign-in", PublicHost, forwardedProto: "https", remoteAddress: "203.0.113.9");

        // Not a known proxy: the request stays plain http, so it is sent to https first.
        Assert.Equal(StatusCodes.Status307TemporaryRedirect, context.Response.StatusCode);
        Assert.Equal($"https://{PublicHost}/account/sign-in", context.Response.Headers.Location.ToString());
    }

    [Fact]
    public async Task Page_OverPlainHttp_RedirectedToHttps_HealthProbeIsNot()
    {
        var page = await SendAsync("/audit", PublicHost);
        var health = await SendAsync("/healthz", PublicHost);

        Assert.Equal(StatusCodes.Status307TemporaryRedirect, page.Response.StatusCode);
        Assert.Equal($"https://{PublicHost}/audit", page.Response.Headers.Location.ToString());
        Assert.Equal(StatusCodes.Status200OK, health.Response.StatusCode);
    }

    [Fact]
    public async Task Response_OverHttps_CarriesHstsAndTheSecurityHeaders()
    {
        var context = await SendAsync("/account/sign-in", PublicHost, scheme: "https");

        var headers = context.Response.Headers;
        Assert.StartsWith("max-age=", headers.StrictTransportSecurity.ToString());
        var policy = headers.ContentSecurityPolicy.ToString();
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Contains($"form-action 'self' {ProductionPortalFactory.EntraHost}", policy);
        Assert.DoesNotContain("unsafe-eval", policy);
        Assert.Single(headers.ContentSecurityPolicy.ToArray());
        Assert.Equal("DENY", headers.XFrameOptions.ToString());
        Assert.Equal("nosniff", headers.XContentTypeOptions.ToString());
        Assert.Equal("strict-origin-when-cross-origin", headers["Referrer-Policy"].ToString());
    }

    [Fact]
    public async Task Request_ForAHostNameNotAllowed_Refused()
    {
        var context = await SendAsync("/healthz", "evil.example", scheme: "https");

        Assert.Equal(StatusCodes.Status400BadRequest, context.Response.StatusCode);
    }

    private static string Query(Uri uri, string name) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query)[name].ToString();
}
