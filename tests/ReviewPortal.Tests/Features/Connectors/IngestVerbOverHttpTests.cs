using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Models;
using ReviewPortal.Claude.Simulation;
using ReviewPortal.Tests.Claude;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Tests.Infrastructure.Operations;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// The operator's path in Live mode: the built executable's <c>sync --once</c> and <c>ingest --once</c>
/// against a real HTTP server on 127.0.0.1 that speaks the API contract (the simulated organization
/// behind Kestrel), with real keys in the environment that must never be printed.
/// </summary>
public sealed class IngestVerbOverHttpTests : IAsyncLifetime, IDisposable
{
    private const string ComplianceKey = "sk-ant-api01-testVerbComplianceKey7Qx0secretsecret42AA";
    private const string AdminKey = "sk-ant-admin01-testVerbAdminKey9Zt1secretsecret42BB";

    private readonly PortalProcess _portal = new();
    private readonly TestDatabase _database;
    private readonly SimulatedOrganization _organization = new(
        new SimulationOptions { People = 40, HistoryDays = 7, ApiKeys = 10, ServiceAccounts = 3, TrickleEventsPerMinute = 0 },
        new FakeTimeProvider(DateTimeOffset.UtcNow)); // frozen: the served feed cannot change under the test
    private readonly ConcurrentQueue<(string Path, string Key)> _requests = new();
    private WebApplication? _server;
    private string _baseUrl = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // A stand-in for the Claude API on 127.0.0.1: the portal's appsettings.json (in this output folder) restricts
        // AllowedHosts, which is the portal's setting, not this server's.
        builder.Configuration["AllowedHosts"] = "*";
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _server = builder.Build();
        var api = new HttpMessageInvoker(new SimulatedClaudeHandler(_organization));
        _server.Run(async context =>
        {
            var request = context.Request;
            _requests.Enqueue((request.Path.Value ?? "", request.Headers["x-api-key"].ToString()));
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), $"http://127.0.0.1{request.Path}{request.QueryString}");
            foreach (var (name, values) in request.Headers)
            {
                if (!name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) && name != "Host")
                {
                    message.Headers.TryAddWithoutValidation(name, values.ToArray());
                }
            }
            var body = await new StreamReader(request.Body).ReadToEndAsync();
            if (body.Length > 0)
            {
                message.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }
            using var response = await api.SendAsync(message, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                context.Response.Headers[name] = values.ToArray();
            }
            context.Response.Headers.Remove("Transfer-Encoding");
            await response.Content.CopyToAsync(context.Response.Body);
        });
        await _server.StartAsync();
        _baseUrl = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public IngestVerbOverHttpTests() => _database = TestDatabase.Create(_portal.WorkingDirectory);

    public void Dispose()
    {
        _database.Dispose();
        _portal.Dispose();
    }

    private Task<PortalProcess.Result> RunAsync(params string[] args) => _portal.RunAsync(new Dictionary<string, string>(_database.EnvironmentVariables)
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Claude__Mode"] = "Live",
        ["Claude__BaseUrl"] = _baseUrl,
        ["Claude__ComplianceKey"] = ComplianceKey,
        ["Claude__AdminKey"] = AdminKey,
    }, args);

    private static JsonElement Summary(PortalProcess.Result result, string verb)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        using var summary = JsonDocument.Parse(result.OutLines[^1]);
        Assert.Equal(verb, summary.RootElement.GetProperty("verb").GetString());
        Assert.True(summary.RootElement.GetProperty("ok").GetBoolean());
        Assert.DoesNotContain(ComplianceKey, result.StdOut + result.StdErr);
        Assert.DoesNotContain(AdminKey, result.StdOut + result.StdErr);
        return summary.RootElement.GetProperty("result").Clone();
    }

    private async Task<List<string>> ServedIdsAsync()
    {
        using var services = ClaudeTestHost.Build(_ => new SimulatedClaudeHandler(_organization));
        var client = services.GetRequiredService<IComplianceClient>();
        var query = new ActivityQuery { CreatedAtGte = DateTimeOffset.UtcNow.AddDays(-90), Order = ActivityOrder.Asc, Limit = ActivityQuery.MaxLimit };
        var ids = new List<string>();
        while (true)
        {
            var page = await client.ListActivitiesAsync(query);
            ids.AddRange(page.Data.Select(a => a.Id));
            if (!page.HasMore || page.LastId is null)
            {
                return ids;
            }
            query = query with { AfterId = page.LastId };
        }
    }

    private async Task<List<string>> ScalarListAsync(string sql)
    {
        await using var connection = _database.OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }

    private async Task<List<string>> StoredIdsAsync()
    {
        await using var connection = _database.OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT "ActivityId" FROM "ActivityEvents" """;
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }

    [Fact]
    public async Task SyncThenIngestOnce_LiveModeOverHttp_StoresEveryServedEventOnceAndNeverPrintsKeys()
    {
        var sync = Summary(await RunAsync("sync", "--once"), "sync");
        Assert.Equal("Succeeded", sync.GetProperty("status").GetString());

        var ingest = Summary(await RunAsync("ingest", "--once"), "ingest");

        var served = await ServedIdsAsync();
        Assert.NotEmpty(served);
        Assert.Equal("Succeeded", ingest.GetProperty("status").GetString());
        Assert.Equal(served.Count, ingest.GetProperty("Stored").GetInt32());
        Assert.Equal(served[^1], ingest.GetProperty("LastCursor").GetString());
        Assert.StartsWith("req_", ingest.GetProperty("LastRequestId").GetString());
        var stored = await StoredIdsAsync();
        Assert.Equal(served.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
        // The usage catch-up ran after the feed in the same verb: the keys whose only use is Messages have usage rows and no feed event.
        var usage = ingest.GetProperty("usage");
        Assert.Equal("Succeeded", usage.GetProperty("status").GetString());
        Assert.True(usage.GetProperty("Stored").GetInt32() > 0, usage.ToString());
        var messagesOnly = _organization.MessagesOnlyKeys.ToList();
        Assert.NotEmpty(messagesOnly);
        var keysWithUsage = await ScalarListAsync("""SELECT DISTINCT "SubjectId" FROM "UsageRollups" WHERE "Subject" = 0""");
        Assert.All(messagesOnly, key => Assert.Contains(key, keysWithUsage));
        var keysInFeed = await ScalarListAsync("""SELECT DISTINCT "ActorExternalId" FROM "ActivityEvents" WHERE "ActorExternalId" IS NOT NULL""");
        Assert.All(messagesOnly, key => Assert.DoesNotContain(key, keysInFeed));

        var again = Summary(await RunAsync("ingest", "--once"), "ingest");

        Assert.Equal(0, again.GetProperty("Stored").GetInt32());
        Assert.Equal(served[^1], again.GetProperty("FirstCursor").GetString());
        Assert.Equal(served.Count, (await StoredIdsAsync()).Count);
        // Each API got its own key over the wire.
        Assert.All(_requests.Where(r => r.Path.StartsWith("/v1/compliance/", StringComparison.Ordinal)), r => Assert.Equal(ComplianceKey, r.Key));
        Assert.All(_requests.Where(r => r.Path.StartsWith("/v1/organizations/", StringComparison.Ordinal)), r => Assert.Equal(AdminKey, r.Key));
        Assert.Contains(_requests, r => r.Path == "/v1/compliance/activities");
        Assert.Contains(_requests, r => r.Path == "/v1/organizations/api_keys");
    }
}
