using System.Net;

namespace ReviewPortal.Tests.Infrastructure.Jobs;

/// <summary>The Hangfire dashboard is Admin-only (mapped even when this node runs no Hangfire server).</summary>
[Collection(SeededPortalCollection.Name)]
public class HangfireDashboardTests(PortalAppFactory portal)
{
    [Fact]
    public async Task Dashboard_Anonymous_Refused()
    {
        using var client = portal.CreateBrowserClient();

        using var response = await client.GetAsync("/hangfire");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Redirect, HttpStatusCode.Unauthorized });
    }

    [Theory]
    [InlineData("manager")]
    [InlineData("compliance")]
    [InlineData("appowner")]
    public async Task Dashboard_NonAdminPersona_Refused(string persona)
    {
        using var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, persona);

        using var response = await client.GetAsync("/hangfire");

        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Redirect, HttpStatusCode.Forbidden });
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            Assert.Contains("/access-denied", response.Headers.Location!.OriginalString);
        }
    }

    [Fact]
    public async Task Dashboard_Admin_Ok()
    {
        using var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, "admin");

        using var response = await client.GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("ReviewPortal jobs", await response.Content.ReadAsStringAsync());
    }
}
