using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Models;
using ReviewPortal.Claude.Resilience;
using ReviewPortal.Claude.Simulation;

namespace ReviewPortal.Tests.Claude;

/// <summary>Injected faults in the simulated API, seen through the real client pipeline; and the shared request budget.</summary>
public class SimulatedFaultTests
{
    private static ServiceProvider Simulated(params string[] configuredFaults)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Claude:Mode"] = "Simulated",
            ["Claude:Simulation:People"] = "40",
            ["Claude:Simulation:HistoryDays"] = "5",
        };
        for (var i = 0; i < configuredFaults.Length; i++)
        {
            settings[$"Claude:Simulation:Faults:{i}"] = configuredFaults[i];
        }

        // Real time on purpose: Polly takes its TimeProvider from DI, and retry delays on a fake clock never elapse.
        return ClaudeTestHost.Build(settings: settings);
    }

    private static (IComplianceClient Client, SimulationFaults Faults) Resolve(ServiceProvider services) =>
        (services.GetRequiredService<IComplianceClient>(), services.GetRequiredService<SimulationFaults>());

    [Fact]
    public async Task RateLimitFault_WithRetryAfter_IsHonouredThenSucceeds()
    {
        using var services = Simulated();
        var (client, faults) = Resolve(services);
        faults.Enqueue(SimulatedFault.TooManyRequests("0.25"));
        var watch = Stopwatch.StartNew();

        var page = await client.ListActivitiesAsync(new ActivityQuery { Limit = 10 });

        Assert.Equal(10, page.Data.Count);
        Assert.Equal(2, faults.RequestCount);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(230), $"waited only {watch.Elapsed}");
    }

    [Fact]
    public async Task ConfiguredFaults_429And503_AreRetriedThrough()
    {
        using var services = Simulated("429", "503");
        var (client, faults) = Resolve(services);

        await client.ListActivitiesAsync(new ActivityQuery { Limit = 1 });

        Assert.Equal(3, faults.RequestCount);
        Assert.Equal(0, faults.Pending);
    }

    [Fact]
    public async Task ServerErrorFault_ShouldRetryFalse_ExactlyOneRequest()
    {
        using var services = Simulated();
        var (client, faults) = Resolve(services);
        faults.Enqueue(SimulatedFault.ServerError(shouldRetry: false));

        var error = await Assert.ThrowsAsync<ClaudeApiException>(() => client.ListActivitiesAsync(new ActivityQuery()));

        Assert.Equal(1, faults.RequestCount);
        Assert.Equal("api_error", error.ErrorType);
        Assert.StartsWith("req_sim", error.RequestId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerErrorFault_WithoutHeader_IsRetried()
    {
        using var services = Simulated();
        var (client, faults) = Resolve(services);
        faults.Enqueue(SimulatedFault.ServerError());

        await client.ListActivitiesAsync(new ActivityQuery { Limit = 1 });

        Assert.Equal(2, faults.RequestCount);
    }

    [Fact]
    public async Task TimeoutFault_AttemptTimesOutAndIsRetried()
    {
        using var services = Simulated();
        var (client, faults) = Resolve(services);
        faults.Enqueue(SimulatedFault.Timeout(TimeSpan.FromSeconds(10)));

        var page = await client.ListActivitiesAsync(new ActivityQuery { Limit = 3 });

        Assert.Equal(3, page.Data.Count);
        Assert.Equal(2, faults.RequestCount);
    }

    [Fact]
    public async Task MalformedBodyFault_SurfacesAsInvalidResponse()
    {
        using var services = Simulated();
        var (client, faults) = Resolve(services);
        faults.Enqueue(SimulatedFault.MalformedPage());

        var error = await Assert.ThrowsAsync<ClaudeApiException>(() => client.ListActivitiesAsync(new ActivityQuery()));

        Assert.Equal("invalid_response", error.ErrorType);
    }

    [Fact]
    public async Task RecordWithoutIdFault_LandsInMalformedAndPageSurvives()
    {
        using var services = Simulated();
        var (client, faults) = Resolve(services);
        faults.Enqueue(SimulatedFault.RecordWithoutId());

        var page = await client.ListActivitiesAsync(new ActivityQuery { Limit = 20 });

        Assert.Equal(20, page.Data.Count);
        Assert.Equal("missing id", Assert.Single(page.Malformed).Reason);
    }

    [Fact]
    public async Task DuplicateFaults_RepeatIdsWithinAndAcrossPages()
    {
        using var services = Simulated();
        var (client, faults) = Resolve(services);
        faults.Enqueue(SimulatedFault.DuplicateWithinPage());
        var first = await client.ListActivitiesAsync(new ActivityQuery { Limit = 20 });
        faults.Enqueue(SimulatedFault.DuplicateAcrossPages());

        var second = await client.ListActivitiesAsync(new ActivityQuery { Limit = 20, AfterId = first.LastId });

        Assert.Equal(21, first.Data.Count);
        Assert.Equal(20, first.Data.Select(a => a.Id).Distinct().Count());
        Assert.Equal(first.LastId, second.Data[0].Id);
    }

    [Fact]
    public async Task PathPrefixedFault_OnlyHitsMatchingRequests()
    {
        using var services = Simulated();
        var faults = services.GetRequiredService<SimulationFaults>();
        faults.Enqueue(SimulatedFault.Status(403) with { PathPrefix = "/v1/organizations/api_keys" });

        var users = await services.GetRequiredService<IAdminClient>().ListUsersAsync().ToListAsync();
        var error = await Assert.ThrowsAsync<ClaudeApiException>(() => services.GetRequiredService<IAdminClient>().ListApiKeysAsync().ToListAsync().AsTask());

        Assert.NotEmpty(users);
        Assert.Equal(("permission_error", HttpStatusCode.Forbidden), (error.ErrorType, error.StatusCode));
    }

    [Fact]
    public async Task Budget_RemainingZero_WaitsUntilReset()
    {
        var reset = DateTimeOffset.UtcNow.AddMilliseconds(400);
        var stub = new StubHandler()
            .Then(HttpStatusCode.OK, """{"data":[],"has_more":false}""", ("anthropic-ratelimit-requests-remaining", "0"), ("anthropic-ratelimit-requests-reset", ClaudeJson.FormatTimestamp(reset)))
            .Then(HttpStatusCode.OK, """{"data":[],"has_more":false}""");
        using var services = ClaudeTestHost.WithStub(stub);
        var client = services.GetRequiredService<IComplianceClient>();

        await client.ListActivitiesAsync(new ActivityQuery());
        await client.ListActivitiesAsync(new ActivityQuery());

        Assert.True(DateTimeOffset.UtcNow >= reset.AddMilliseconds(-20), "second request did not wait for the reset");
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task Budget_OverRequestsPerMinute_QueuesFurtherRequests()
    {
        var options = Options.Create(new ClaudeOptions { RequestsPerMinute = 2 });
        using var budget = new ClaudeRequestBudget(options, new ServerAnnouncedReset(options, TimeProvider.System, NullLogger<ServerAnnouncedReset>.Instance));
        using var cts = new CancellationTokenSource();

        await budget.AcquireAsync(cts.Token);
        await budget.AcquireAsync(cts.Token);
        var third = budget.AcquireAsync(cts.Token).AsTask();
        await Task.Delay(150);

        Assert.False(third.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => third);
    }
}
