using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Simulation;

namespace ReviewPortal.Tests.Claude;

/// <summary>A request as the stub saw it (headers and body copied, since the message is disposed afterwards).</summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, Dictionary<string, string> Headers, string? Body, string? ContentType);

/// <summary>Answers from a script of responses, one per request, and records every request.</summary>
internal sealed class StubHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpResponseMessage>> _script = new();

    public List<RecordedRequest> Requests { get; } = [];

    public StubHandler Then(HttpStatusCode status, string body = "{}", params (string Name, string Value)[] headers)
    {
        _script.Enqueue(() =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            foreach (var (name, value) in headers)
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }

            return response;
        });
        return this;
    }

    public StubHandler ThenThrow(Exception exception)
    {
        _script.Enqueue(() => throw exception);
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (Requests)
        {
            Requests.Add(new RecordedRequest(
                request.Method,
                request.RequestUri!,
                request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value)),
                body,
                request.Content?.Headers.ContentType?.MediaType));
        }

        return _script.TryDequeue(out var next) ? next() : throw new InvalidOperationException("Stub script exhausted.");
    }
}

/// <summary>Captures every log line (with exception text) so tests can check what would reach the logs.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}

/// <summary>Builds the real DI registration (options, pipeline, budget) with test settings.</summary>
internal static class ClaudeTestHost
{
    public const string ComplianceKey = "sk-ant-api01-R2D2C3POsecretsecretsecretsecretBB8igAA";
    public const string AdminKey = "sk-ant-admin01-Xwing0secretsecretsecretsecretTIEfYoda";

    public static ServiceProvider Build(
        Func<IServiceProvider, HttpMessageHandler>? primaryHandler = null,
        IDictionary<string, string?>? settings = null,
        CapturingLoggerProvider? logs = null,
        TimeProvider? time = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Claude:Mode"] = "Live",
            ["Claude:BaseUrl"] = "https://api.test.invalid",
            ["Claude:ComplianceKey"] = ComplianceKey,
            ["Claude:AdminKey"] = AdminKey,
            ["Claude:Retry:MaxRetryAttempts"] = "3",
            ["Claude:Retry:BaseDelay"] = "00:00:00.010",
            ["Claude:Retry:MaxDelay"] = "00:00:00.100",
            ["Claude:Retry:AttemptTimeout"] = "00:00:00.500",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(builder =>
        {
            builder.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null)
            {
                builder.AddProvider(logs);
            }
        });
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddClaudeClients(configuration.GetSection(ClaudeOptions.SectionName), primaryHandler);
        services.AddSimulatedClaudeOrganization(configuration);
        return services.BuildServiceProvider();
    }

    public static ServiceProvider WithStub(StubHandler stub, CapturingLoggerProvider? logs = null) => Build(_ => stub, logs: logs);
}
