using System.Net;
using ReviewPortal.Tests.Infrastructure;

namespace ReviewPortal.Tests.Features.Setup;

/// <summary>/admin/owners, /admin/approval-policies and /admin/defaults over HTTP: admins get the editors, Compliance reads, everyone else is refused.</summary>
[Collection(SeededPortalCollection.Name)]
public class SetupPagesTests(PortalAppFactory portal)
{
    [Theory]
    [InlineData("/admin/owners", "owners-readonly")]
    [InlineData("/admin/approval-policies", "policies-readonly")]
    [InlineData("/admin/defaults", "defaults-readonly")]
    public async Task SetupPage_Admin_NotReadOnly(string path, string readOnlyMarker)
    {
        using var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, "admin");

        var html = await client.GetStringAsync(path);

        Assert.DoesNotContain($"data-testid=\"{readOnlyMarker}\"", html);
    }

    [Theory]
    [InlineData("/admin/owners", "owners-readonly")]
    [InlineData("/admin/approval-policies", "policies-readonly")]
    [InlineData("/admin/defaults", "defaults-readonly")]
    public async Task SetupPage_Compliance_ReadOnly(string path, string readOnlyMarker)
    {
        using var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, "compliance");

        var html = await client.GetStringAsync(path);

        Assert.Contains($"data-testid=\"{readOnlyMarker}\"", html);
        Assert.DoesNotContain("data-testid=\"defaults-save\"", html);
    }

    [Theory]
    [InlineData("/admin/owners")]
    [InlineData("/admin/approval-policies")]
    [InlineData("/admin/defaults")]
    public async Task SetupPage_Manager_Refused(string path)
    {
        using var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, "manager");

        using var response = await client.GetAsync(path);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/access-denied", response.Headers.Location?.OriginalString ?? "");
    }
}
