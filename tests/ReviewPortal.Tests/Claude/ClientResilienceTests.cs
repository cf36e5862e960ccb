using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Polly.Timeout;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Models;
using ReviewPortal.Claude.Resilience;
using ReviewPortal.Claude.Simulation;

namespace ReviewPortal.Tests.Claude;

/// <summary>The real clients behind the real pipeline, talking to a scripted stub: headers, retries, errors, key hygiene.</summary>
public class ClientResilienceTests
{
    private const string EmptyPage = """{"data":[],"has_more":false,"first_id":null,"last_id":null}""";

    [Fact]
    public async Task ListActivities_Success_SendsHeadersAndExposesRequestId()
    {
        var stub = new StubHandler().Then(HttpStatusCode.OK, EmptyPage, ("request-id", "req_abc"));
        using var services = ClaudeTestHost.WithStub(stub);

        var page = await services.GetRequiredService<IComplianceClient>().ListActivitiesAsync(new ActivityQuery { Limit = 10 });

        Assert.Equal("req_abc", page.RequestId);
        var request = Assert.Single(stub.Requests);
        Assert.Equal("https://api.test.invalid/v1/compliance/activities?limit=10", request.Uri.ToString());
        Assert.Equal(ClaudeTestHost.ComplianceKey, request.Headers["x-api-key"]);
        Assert.Equal("2023-06-01", request.Headers["anthropic-version"]);
    }

    [Fact]
    public async Task AdminPost_UsesAdminKeyAndJsonBody()
    {
        var stub = new StubHandler().Then(HttpStatusCode.OK, """{"id":"apikey_1","type":"api_key","name":"k","status":"inactive"}""");
        using var services = ClaudeTestHost.WithStub(stub);

        var key = await services.GetRequiredService<IAdminClient>().UpdateApiKeyStatusAsync("apikey_1", ApiKeyStatus.Inactive);

        Assert.Equal("inactive", key.Status);
        var request = Assert.Single(stub.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/v1/organizations/api_keys/apikey_1", request.Uri.AbsolutePath);
        Assert.Equal(ClaudeTestHost.AdminKey, request.Headers["x-api-key"]);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("""{"status":"inactive"}""", request.Body);
    }

    [Fact]
    public async Task RateLimited_WithRetryAfter_WaitsThatLongThenSucceeds()
    {
        var stub = new StubHandler()
            .Then(HttpStatusCode.TooManyRequests, """{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}""", ("retry-after", "0.3"))
            .Then(HttpStatusCode.OK, EmptyPage);
        using var services = ClaudeTestHost.WithStub(stub);
        var watch = Stopwatch.StartNew();

        await services.GetRequiredService<IComplianceClient>().ListActivitiesAsync(new ActivityQuery());

        Assert.Equal(2, stub.Requests.Count);
        // Backoff alone would be 10 ms; only retry-after explains a 300 ms pause.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(280), $"waited only {watch.Elapsed}");
    }

    [Fact]
    public async Task RateLimited_RetryAfterBeyondMaxRetryAfter_FailsAtOnceNamingWhenTheLimitEnds_SendsNothingUntilThen()
    {
        // A frozen clock: a client that went to sleep for the day would never come back; the guard cancels it, so it fails.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stub = new StubHandler()
            .Then(HttpStatusCode.TooManyRequests, """{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}""", ("retry-after", "86400"), ("request-id", "req_429"))
            .Then(HttpStatusCode.OK, EmptyPage);
        using var services = ClaudeTestHost.Build(_ => stub, time: time);
        var client = services.GetRequiredService<IComplianceClient>();
        var limitEnds = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

        var error = await Assert.ThrowsAsync<ClaudeApiException>(() => client.ListActivitiesAsync(new ActivityQuery(), guard.Token));

        Assert.Single(stub.Requests);
        Assert.Equal((HttpStatusCode.TooManyRequests, "rate_limit_error", "req_429", limitEnds), (error.StatusCode, error.ErrorType, error.RequestId, error.RetryAt));
        Assert.Contains("rate limited until 2026-11-27T12:00:00Z", error.Message, StringComparison.Ordinal);
        Assert.True(ClaudeFailure.IsUnavailableForNow(error));

        // Until then the limit is known: the next call (of either client) fails the same way without a request.
        time.Advance(TimeSpan.FromHours(23));
        var held = await Assert.ThrowsAsync<ClaudeApiException>(() => services.GetRequiredService<IAdminClient>().DeleteUserAsync("user_1", guard.Token));
        Assert.Equal(limitEnds, held.RetryAt);
        Assert.Equal(limitEnds, services.GetRequiredService<ClaudeRateLimitGate>().LimitedUntil);
        Assert.Single(stub.Requests);

        time.Advance(TimeSpan.FromHours(1));
        await client.ListActivitiesAsync(new ActivityQuery(), guard.Token);
        Assert.Equal(2, stub.Requests.Count);
        Assert.Null(services.GetRequiredService<ClaudeRateLimitGate>().LimitedUntil);
    }

    [Fact]
    public async Task RateLimited_RetryAfterWithinMaxRetryAfter_StillWaitedOut()
    {
        var stub = new StubHandler()
            .Then(HttpStatusCode.TooManyRequests, """{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}""", ("retry-after", "0.2"))
            .Then(HttpStatusCode.OK, EmptyPage);
        using var services = ClaudeTestHost.Build(_ => stub, new Dictionary<string, string?> { ["Claude:MaxRetryAfter"] = "00:00:01" });

        await services.GetRequiredService<IComplianceClient>().ListActivitiesAsync(new ActivityQuery());

        Assert.Equal(2, stub.Requests.Count);
        Assert.Null(services.GetRequiredService<ClaudeRateLimitGate>().LimitedUntil);
    }

    [Fact]
    public async Task ServerErrors_ReachMinimumThroughput_CircuitOpens_NextCallNotSent_ThenClosesAfterTheBreak()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var stub = new StubHandler()
            .Then(HttpStatusCode.ServiceUnavailable).Then(HttpStatusCode.BadGateway)
            .Then(HttpStatusCode.OK, """{"id":"user_1","type":"deleted"}""");
        using var services = ClaudeTestHost.Build(_ => stub, new Dictionary<string, string?>
        {
            ["Claude:Retry:MaxRetryAttempts"] = "0",
            ["Claude:CircuitBreaker:MinimumThroughput"] = "2",
            ["Claude:CircuitBreaker:BreakDuration"] = "00:00:30",
        }, time: time);
        var admin = services.GetRequiredService<IAdminClient>();

        await Assert.ThrowsAsync<ClaudeApiException>(() => admin.DeleteUserAsync("user_1"));
        await Assert.ThrowsAsync<ClaudeApiException>(() => admin.DeleteUserAsync("user_1"));
        var open = await Assert.ThrowsAnyAsync<Exception>(() => admin.DeleteUserAsync("user_1"));

        Assert.Equal(ClaudeFailureKind.CircuitOpen, ClaudeFailure.Classify(open));
        Assert.True(ClaudeFailure.IsUnavailableForNow(open));
        Assert.Equal(2, stub.Requests.Count);

        time.Advance(TimeSpan.FromSeconds(30));
        await admin.DeleteUserAsync("user_1");
        Assert.Equal(3, stub.Requests.Count);
    }

    [Fact]
    public async Task ClientErrorsAndRateLimits_NeverOpenTheCircuit()
    {
        var stub = new StubHandler();
        for (var i = 0; i < 4; i++)
        {
            stub.Then(HttpStatusCode.NotFound, """{"type":"error","error":{"type":"not_found_error","message":"User not found."}}""")
                .Then(HttpStatusCode.TooManyRequests, """{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}""");
        }
        using var services = ClaudeTestHost.Build(_ => stub, new Dictionary<string, string?>
        {
            ["Claude:Retry:MaxRetryAttempts"] = "0",
            ["Claude:CircuitBreaker:MinimumThroughput"] = "2",
        });
        var admin = services.GetRequiredService<IAdminClient>();

        for (var i = 0; i < 8; i++)
        {
            var error = await Assert.ThrowsAsync<ClaudeApiException>(() => admin.DeleteUserAsync("user_1"));
            Assert.Contains(ClaudeFailure.Classify(error), new ClaudeFailureKind?[] { ClaudeFailureKind.Refused, ClaudeFailureKind.RateLimited });
        }

        Assert.Equal(8, stub.Requests.Count);
    }

    [Fact]
    public async Task RateLimited_WithoutRetryAfter_BacksOffThenSucceeds()
    {
        var stub = new StubHandler()
            .Then(HttpStatusCode.TooManyRequests)
            .Then(HttpStatusCode.TooManyRequests)
            .Then(HttpStatusCode.OK, EmptyPage);
        using var services = ClaudeTestHost.WithStub(stub);

        var page = await services.GetRequiredService<IComplianceClient>().ListActivitiesAsync(new ActivityQuery());

        Assert.Equal(3, stub.Requests.Count);
        Assert.False(page.HasMore);
    }

    [Fact]
    public async Task ServerError_WithShouldRetryFalse_IsNotRetried()
    {
        var stub = new StubHandler()
            .Then(HttpStatusCode.InternalServerError, """{"type":"error","error":{"type":"api_error","message":"boom"}}""", ("x-should-retry", "false"), ("request-id", "req_500"))
            .Then(HttpStatusCode.OK, EmptyPage);
        using var services = ClaudeTestHost.WithStub(stub);

        var error = await Assert.ThrowsAsync<ClaudeApiException>(() => services.GetRequiredService<IComplianceClient>().ListActivitiesAsync(new ActivityQuery()));

        Assert.Single(stub.Requests);
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal("api_error", error.ErrorType);
        Assert.Equal("req_500", error.RequestId);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    [InlineData((HttpStatusCode)529)]
    public async Task TransientStatus_IsRetried(HttpStatusCode status)
    {
        var stub = new StubHandler().Then(status).Then(HttpStatusCode.OK, EmptyPage);
        using var services = ClaudeTestHost.WithStub(stub);

        await services.GetRequiredService<IComplianceClient>().ListActivitiesAsync(new ActivityQuery());

        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task TransientStatus_BeyondMaxAttempts_SurfacesLastError()
    {
        var stub = new StubHandler();
        for (var i = 0; i < 4; i++)
        {
            stub.Then(HttpStatusCode.ServiceUnavailable, """{"error":{"type":"overloaded_error","message":"busy"}}""");
        }

        using var services = ClaudeTestHost.WithStub(stub);

        var error = await Assert.ThrowsAsync<ClaudeApiException>(() => services.GetRequiredService<IComplianceClient>().ListActivitiesAsync(new ActivityQuery()));

        Assert.Equal(4, stub.Requests.Count); // 1 attempt + MaxRetryAttempts (3)
        Assert.Equal("overloaded_error", error.ErrorType);
    }

    [Fact]
    public async Task NetworkFailure_IsRetried()
    {
        var stub = new StubHandler().ThenThrow(new HttpRequestException("connection reset")).Then(HttpStatusCode.OK, EmptyPage);
        using var services = ClaudeTestHost.WithStub(stub);

        await services.GetRequiredService<IComplianceClient>().ListActivitiesAsync(new ActivityQuery());

        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task SlowResponse_TimesOutAndIsRetried()
    {
        var slow = new SlowThenFastHandler(TimeSpan.FromSeconds(5));
        using var services = ClaudeTestHost.Build(_ => slow);

        var page = await services.GetRequiredService<IComplianceClient>().ListActivitiesAsync(new ActivityQuery());

        Assert.Equal(2, slow.Calls);
        Assert.Empty(page.Data);
    }

    [Fact]
    public async Task SlowResponse_EveryAttempt_ThrowsTimeoutRejected()
    {
        var slow = new SlowThenFastHandler(TimeSpan.FromSeconds(5), slowCalls: int.MaxValue);
        using var services = ClaudeTestHost.Build(_ => slow, new Dictionary<string, string?> { ["Claude:Retry:MaxRetryAttempts"] = "1", ["Claude:Retry:AttemptTimeout"] = "00:00:00.100" });

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => services.GetRequiredService<IComplianceClient>().ListActivitiesAsync(new ActivityQuery()));

        Assert.Equal(2, slow.Calls);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "invalid_request_error", "The limit parameter must be between 1 and 5000, inclusive. Got 0.")]
    [InlineData(HttpStatusCode.Unauthorized, "authentication_error", "The API key provided is invalid or has been revoked.")]
    [InlineData(HttpStatusCode.Forbidden, "permission_error", "Missing required scopes. Got: [] Needed: [read:compliance_activities]")]
    [InlineData(HttpStatusCode.NotFound, "not_found_error", "Group not found.")]
    [InlineData(HttpStatusCode.Conflict, "conflict_error", "Project has chats attached.")]
    public async Task ClientError_IsNotRetriedAndSurfacesTypeAndMessage(HttpStatusCode status, string type, string message)
    {
        var stub = new StubHandler()
            .Then(status, $$$"""{"type":"error","error":{"type":"{{{type}}}","message":"{{{message}}}"},"request_id":"req_body"}""")
            .Then(HttpStatusCode.OK, EmptyPage);
        using var services = ClaudeTestHost.WithStub(stub);

        var error = await Assert.ThrowsAsync<ClaudeApiException>(() => services.GetRequiredService<IComplianceClient>().ListActivitiesAsync(new ActivityQuery()));

        Assert.Single(stub.Requests);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(type, error.ErrorType);
        Assert.Equal(message, error.ApiMessage);
        Assert.Equal("req_body", error.RequestId);
    }

    [Fact]
    public async Task Failure_KeyNeverInExceptionOrLogs()
    {
        var logs = new CapturingLoggerProvider();
        // Even an error message that echoes the key must not carry it onward.
        var stub = new StubHandler()
            .Then(HttpStatusCode.Unauthorized, $$$"""{"error":{"type":"authentication_error","message":"Key {{{ClaudeTestHost.ComplianceKey}}} is invalid"}}""", ("request-id", "req_401"))
            .Then(HttpStatusCode.ServiceUnavailable)
            .Then(HttpStatusCode.Forbidden, """{"error":{"type":"permission_error","message":"no"}}""");
        using var services = ClaudeTestHost.WithStub(stub, logs);

        var first = await Assert.ThrowsAsync<ClaudeApiException>(() => services.GetRequiredService<IComplianceClient>().ListActivitiesAsync(new ActivityQuery()));
        var second = await Assert.ThrowsAsync<ClaudeApiException>(async () =>
        {
            await foreach (var _ in services.GetRequiredService<IAdminClient>().ListUsersAsync())
            {
            }
        });

        foreach (var text in new[] { first.ToString(), first.ApiMessage!, second.ToString() }.Concat(logs.Lines))
        {
            Assert.DoesNotContain(ClaudeTestHost.ComplianceKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain(ClaudeTestHost.AdminKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain("secretsecret", text, StringComparison.Ordinal);
        }

        Assert.Contains(logs.Lines, line => line.Contains("req_401", StringComparison.Ordinal));
        Assert.Contains("sk-ant-api01-R2D...igAA", first.ApiMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminList_FollowsAfterIdUntilHasMoreFalse()
    {
        var stub = new StubHandler()
            .Then(HttpStatusCode.OK, """{"data":[{"id":"user_1","email":"a@x","role":"user"},{"id":"user_2","email":"b@x","role":"developer"}],"has_more":true,"first_id":"user_1","last_id":"user_2"}""")
            .Then(HttpStatusCode.OK, """{"data":[{"id":"user_3","email":"c@x","role":"admin"}],"has_more":false,"first_id":"user_3","last_id":"user_3"}""");
        using var services = ClaudeTestHost.WithStub(stub);

        var users = await services.GetRequiredService<IAdminClient>().ListUsersAsync().ToListAsync();

        Assert.Equal(["user_1", "user_2", "user_3"], users.Select(u => u.Id));
        Assert.Equal("?limit=1000", stub.Requests[0].Uri.Query);
        Assert.Equal("?limit=1000&after_id=user_2", stub.Requests[1].Uri.Query);
    }

    [Fact]
    public async Task ApiKeyList_SendsDocumentedFilters()
    {
        var stub = new StubHandler().Then(HttpStatusCode.OK, """{"data":[],"has_more":false}""");
        using var services = ClaudeTestHost.WithStub(stub);

        await services.GetRequiredService<IAdminClient>().ListApiKeysAsync(new ApiKeyFilter("active", "wrkspc_1", "user_9")).ToListAsync();

        Assert.Equal("?limit=1000&status=active&workspace_id=wrkspc_1&created_by_user_id=user_9", stub.Requests[0].Uri.Query);
    }

    [Fact]
    public async Task DirectoryList_FollowsNextPageToken()
    {
        var stub = new StubHandler()
            .Then(HttpStatusCode.OK, """{"data":[{"user_id":"user_1"}],"has_more":true,"next_page":"tok/2+"}""")
            .Then(HttpStatusCode.OK, """{"data":[{"user_id":"user_2"}],"has_more":false,"next_page":null}""");
        using var services = ClaudeTestHost.WithStub(stub);

        var members = await services.GetRequiredService<IComplianceClient>().ListGroupMembersAsync("rbac_group_1").ToListAsync();

        Assert.Equal(["user_1", "user_2"], members.Select(m => m.UserId));
        Assert.Equal("/v1/compliance/groups/rbac_group_1/members", stub.Requests[1].Uri.AbsolutePath);
        Assert.Equal("?limit=1000&page=tok%2F2%2B", stub.Requests[1].Uri.Query);
    }

    [Fact]
    public void Options_LiveModeWithoutKeys_FailsNamingEnvironmentVariables()
    {
        using var services = ClaudeTestHost.Build(settings: new Dictionary<string, string?> { ["Claude:ComplianceKey"] = null, ["Claude:AdminKey"] = "" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ClaudeOptions>>().Value);

        Assert.Contains("Claude__ComplianceKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("Claude__AdminKey", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Claude:UserFacingTimeout", "00:00:00", "Claude:UserFacingTimeout")]
    [InlineData("Claude:UserFacingTimeout", "00:10:00", "Claude:UserFacingTimeout")]
    [InlineData("Claude:MaxRetryAfter", "00:00:00", "Claude:MaxRetryAfter")]
    [InlineData("Claude:CircuitBreaker:FailureRatio", "0", "Claude:CircuitBreaker:FailureRatio")]
    [InlineData("Claude:CircuitBreaker:MinimumThroughput", "1", "Claude:CircuitBreaker:MinimumThroughput")]
    [InlineData("Claude:CircuitBreaker:BreakDuration", "00:00:00.100", "Claude:CircuitBreaker:SamplingDuration and BreakDuration")]
    public void Options_ResilienceSettingOutOfRange_FailsNamingIt(string key, string value, string named)
    {
        using var services = ClaudeTestHost.Build(settings: new Dictionary<string, string?> { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ClaudeOptions>>().Value);

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Defaults_MatchTheContract()
    {
        var options = new ClaudeOptions();
        Assert.Equal((TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(5)), (options.UserFacingTimeout, options.MaxRetryAfter));
        Assert.Equal((0.5, 10, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30)), (options.CircuitBreaker.FailureRatio,
            options.CircuitBreaker.MinimumThroughput, options.CircuitBreaker.SamplingDuration, options.CircuitBreaker.BreakDuration));

        Assert.Equal(("https://api.anthropic.com", ClaudeMode.Live, 600), (options.BaseUrl, options.Mode, options.RequestsPerMinute));
        var simulation = new SimulationOptions();
        Assert.Equal((300, 40, 6, 4, 60), (simulation.People, simulation.ApiKeys, simulation.ServiceAccounts, simulation.Workspaces, simulation.HistoryDays));
    }

    private sealed class SlowThenFastHandler(TimeSpan delay, int slowCalls = 1) : HttpMessageHandler
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) <= slowCalls)
            {
                await Task.Delay(delay, cancellationToken);
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(EmptyPage) };
        }
    }
}
