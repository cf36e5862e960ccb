using System.Net;
using System.Text.Json;

namespace ReviewPortal.Tests.Infrastructure;

[Collection(SeededPortalCollection.Name)]
public class HealthEndpointTests(PortalAppFactory portal)
{
    [Fact]
    public async Task Healthz_Anonymous_OkAndHealthyWithDatabaseCheck()
    {
        using var client = portal.CreateBrowserClient();

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("database").GetString());
    }
}
