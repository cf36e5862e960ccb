using System.Net;
using ReviewPortal.Tests.Infrastructure;

namespace ReviewPortal.Tests.Features.Lifecycle;

/// <summary>/admin/lifecycle over HTTP: admins edit, Compliance reads, everyone else is refused.</summary>
[Collection(SeededPortalCollection.Name)]
public class LifecycleRulesPageTests(PortalAppFactory portal)
{
    [Fact]
    public async Task LifecyclePage_Admin_SwitchesFieldsAndSave()
    {
        using var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, "admin");

        var html = await client.GetStringAsync("/admin/lifecycle");

        foreach (var id in new[] { "departed-owner-enabled", "dormant-keys-enabled", "dormant-days", "lifecycle-save", "time-bound-always-on", "last-run-dormant-keys" })
        {
            Assert.Contains($"data-testid=\"{id}\"", html);
        }
        Assert.DoesNotContain("data-testid=\"lifecycle-readonly\"", html);
    }

    [Fact]
    public async Task LifecyclePage_Compliance_ReadOnlyWithoutSave()
    {
        using var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, "compliance");

        var html = await client.GetStringAsync("/admin/lifecycle");

        Assert.Contains("data-testid=\"lifecycle-readonly\"", html);
        Assert.Contains("data-testid=\"dormant-keys-enabled\"", html);
        Assert.DoesNotContain("data-testid=\"lifecycle-save\"", html);
    }

    [Fact]
    public async Task LifecyclePage_Manager_Refused()
    {
        using var client = portal.CreateBrowserClient();
        await portal.SignInAsAsync(client, "manager");

        using var response = await client.GetAsync("/admin/lifecycle");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/access-denied", response.Headers.Location?.OriginalString ?? "");
    }
}
