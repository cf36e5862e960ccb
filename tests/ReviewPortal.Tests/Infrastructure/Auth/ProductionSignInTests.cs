using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Infrastructure.Auth;

/// <summary>
/// Sign-in and sign-out in Production (Entra ID), through HTTP and the real pipeline: the persona page does not exist,
/// only local return URLs survive the round trip to Entra, and sign-out is a checked form post that ends the Entra
/// session too.
/// </summary>
public sealed class ProductionSignInTests(ProductionPortalFactory portal) : IClassFixture<ProductionPortalFactory>
{
    [Theory]
    [InlineData("GET", "/dev/sign-in")]
    [InlineData("GET", "/dev/sign-in?ReturnUrl=%2F")]
    [InlineData("POST", "/dev/sign-in/admin")]
    public async Task DevSignIn_InProduction_NotFound(string method, string path)
    {
        using var client = portal.CreateBrowserClient();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("persona", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("__RequestVerificationToken", html);
    }

    [Fact]
    public void DevPersonas_InProduction_NotRegistered()
    {
        using var scope = portal.Services.CreateScope();

        Assert.Null(scope.ServiceProvider.GetService<DevPersonas>());
        Assert.Null(scope.ServiceProvider.GetService<DevSignInEnabled>());
    }

    [Theory]
    [InlineData("/%5Cevil.example", "/")]
    [InlineData("//evil.example", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("/%09/evil.example", "/")]
    [InlineData("/campaigns/7", "/campaigns/7")]
    [InlineData("~/audit", "/audit")]
    public async Task SignIn_ReturnUrl_OnlyALocalUrlComesBackFromEntra(string returnUrl, string expected)
    {
        using var client = portal.CreateBrowserClient();

        using var response = await client.GetAsync($"/account/sign-in?returnUrl={returnUrl}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith($"{ProductionPortalFactory.EntraHost}/{ProductionPortalFactory.TenantId}/oauth2/v2.0/authorize", location.AbsoluteUri);
        // What Entra hands back after sign-in is the state the portal protected: the redirect after the callback.
        var state = QueryValue(location, "state");
        var properties = portal.OpenIdConnect.StateDataFormat.Unprotect(state);
        Assert.NotNull(properties);
        Assert.Equal(expected, properties.RedirectUri);
    }

    [Fact]
    public async Task SignOut_WithoutTheFormsAntiforgeryToken_RefusedAndStillSignedIn()
    {
        using var client = portal.SignedInClient("Ada Admin", "ada@example.test", "Admin");

        using var response = await client.PostAsync("/account/sign-out", new FormUrlEncodedContent([]));
        using var home = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var set) ? set : [], c => c.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    [Fact]
    public async Task SignOut_FromTheForm_EndsThePortalSessionAndTheEntraSession()
    {
        using var client = portal.SignedInClient("Ada Admin", "ada@example.test", "Admin");
        var page = await client.GetStringAsync("/");
        var token = Regex.Match(page, "<form[^>]*action=\"/account/sign-out\"[^>]*>.*?name=\"__RequestVerificationToken\"[^>]*value=\"(?<v>[^\"]+)\"",
            RegexOptions.Singleline);
        Assert.True(token.Success, "The signed-in layout carries a sign-out form with its antiforgery token.");

        using var response = await client.PostAsync("/account/sign-out", new FormUrlEncodedContent(
            [new KeyValuePair<string, string>("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups["v"].Value))]));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith($"{ProductionPortalFactory.EntraHost}/{ProductionPortalFactory.TenantId}/oauth2/v2.0/logout", location.AbsoluteUri);
        Assert.Equal("https://localhost/signout-callback-oidc", QueryValue(location, "post_logout_redirect_uri"));
        Assert.Contains(response.Headers.GetValues("Set-Cookie"),
            c => c.StartsWith(".AspNetCore.Cookies=;", StringComparison.Ordinal) && c.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase));
        // Where Entra sends the browser afterwards: home, through the portal's sign-out callback.
        var state = portal.OpenIdConnect.StateDataFormat.Unprotect(QueryValue(location, "state"));
        Assert.Equal("/", state?.RedirectUri);
    }

    private static string QueryValue(Uri uri, string name) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query).TryGetValue(name, out var value)
            ? value.ToString()
            : throw new InvalidOperationException($"{uri} has no '{name}' parameter.");
}
