using System.Net;
using System.Text.RegularExpressions;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Features.Account;

/// <summary>The Development persona sign-in, through HTTP as a browser would use it.</summary>
[Collection(SeededPortalCollection.Name)]
public class DevSignInTests(PortalAppFactory portal)
{
    [Fact]
    public async Task Home_Anonymous_RedirectsToSignIn()
    {
        using var client = portal.CreateBrowserClient();

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("http://localhost/dev/sign-in", location);
        Assert.Contains("ReturnUrl=%2F", location);
    }

    [Fact]
    public async Task SignInPage_Anonymous_ListsFivePersonas()
    {
        using var client = portal.CreateBrowserClient();

        using var response = await client.GetAsync("/dev/sign-in");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var buttons = Regex.Matches(html, "<button[^>]*data-testid=\"persona-(?<key>[a-z]+)\"").Select(m => m.Groups["key"].Value).ToList();
        Assert.Equal(DevPersonas.Keys.Select(k => k.Key), buttons);
        Assert.Equal(5, Regex.Matches(html, "name=\"__RequestVerificationToken\"").Count);
    }

    [Theory]
    [InlineData("manager")]
    [InlineData("appowner")]
    [InlineData("compliance")]
    [InlineData("admin")]
    [InlineData("engineer")]
    public async Task SignIn_Persona_HomeWelcomesByFirstName(string persona)
    {
        using var client = portal.CreateBrowserClient();

        var signedIn = await portal.SignInAsAsync(client, persona);
        using var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"Welcome, {signedIn.FirstName}", html);
    }

    [Fact]
    public async Task SignIn_Persona_RecordsSignInInAuditLedger()
    {
        using var client = portal.CreateBrowserClient();

        var signedIn = await portal.SignInAsAsync(client, "compliance");

        await using var db = await portal.CreateDbContextAsync();
        var last = db.AuditEntries.OrderByDescending(e => e.Sequence).First();
        Assert.Equal("portal.signed-in", last.Action);
        Assert.Equal(signedIn.IdentityId, last.ActorId);
        Assert.Equal(PortalAppFactory.Now, last.OccurredAt);
    }

    [Fact]
    public async Task SignIn_UnknownPersona_RedirectsBackWithErrorAndNoCookie()
    {
        using var client = portal.CreateBrowserClient();

        var token = await PortalAppFactory.SignInTokenAsync(client);

        using var response = await client.PostAsync("/dev/sign-in/ceo",
            new FormUrlEncodedContent([new KeyValuePair<string, string>("__RequestVerificationToken", token)]));
        using var home = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/dev/sign-in?error=unknown-persona", response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
    }

    [Fact]
    public async Task SignIn_WithoutAntiforgeryToken_IsRefusedAndSignsNobodyIn()
    {
        using var client = portal.CreateBrowserClient();

        using var response = await client.PostAsync("/dev/sign-in/admin", new FormUrlEncodedContent([]));
        using var home = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
    }
}
