using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using ReviewPortal.Claude.Resilience;

namespace ReviewPortal.Claude;

/// <summary>DI registration for the Claude clients.</summary>
public static partial class ClaudeServiceCollectionExtensions
{
    private static readonly Uri SimulatedBaseAddress = new("https://simulated.claude.invalid");

    /// <summary>
    /// Registers <see cref="IComplianceClient"/>, <see cref="IAdminClient"/> and <see cref="IUsageClient"/> as typed HttpClients with retries and the
    /// shared request budget (<see cref="IClaudeRequestBudget"/>: the in-process <see cref="ClaudeRequestBudget"/> unless the
    /// host registered another first), bound to the <c>Claude</c> section. In <see cref="ClaudeMode.Simulated"/> the primary handler is
    /// the registered <see cref="SimulatedTransport"/>'s, so paging, decoding and retries run for real against the simulated organization.
    /// </summary>
    public static IServiceCollection AddClaudeClients(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddClaudeClients(configuration.GetSection(ClaudeOptions.SectionName), primaryHandler: null);
    }

    /// <summary>Test seam: replace the primary handler (e.g. a stub) while keeping the real pipeline.</summary>
    internal static IServiceCollection AddClaudeClients(
        this IServiceCollection services,
        IConfigurationSection section,
        Func<IServiceProvider, HttpMessageHandler>? primaryHandler)
    {
        services.AddOptions<ClaudeOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClaudeOptions>, ClaudeOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ServerAnnouncedReset>();
        services.TryAddSingleton<ClaudeRateLimitGate>();
        // A host that shares the budget across processes registers its own IClaudeRequestBudget before this call.
        services.TryAddSingleton<IClaudeRequestBudget, ClaudeRequestBudget>();
        services.TryAddTransient<RequestBudgetHandler>();

        Configure(services.AddHttpClient<IComplianceClient, ComplianceClient>(), primaryHandler);
        Configure(services.AddHttpClient<IAdminClient, AdminClient>(), primaryHandler);
        Configure(services.AddHttpClient<IUsageClient, UsageClient>(), primaryHandler);
        return services;
    }

    private static void Configure(IHttpClientBuilder builder, Func<IServiceProvider, HttpMessageHandler>? primaryHandler)
    {
        builder.ConfigureHttpClient((sp, client) =>
        {
            var options = sp.GetRequiredService<IOptions<ClaudeOptions>>().Value;
            client.BaseAddress = options.Mode == ClaudeMode.Simulated ? SimulatedBaseAddress : new Uri(options.BaseUrl);

            // Per-attempt timeouts live in the resilience pipeline; HttpClient's own 100 s limit would cut retries short.
            client.Timeout = Timeout.InfiniteTimeSpan;
        });

        builder.ConfigurePrimaryHttpMessageHandler(sp =>
        {
            if (primaryHandler is not null)
            {
                return primaryHandler(sp);
            }

            var options = sp.GetRequiredService<IOptions<ClaudeOptions>>().Value;
            return options.Mode == ClaudeMode.Simulated
                ? (sp.GetService<SimulatedTransport>() ?? throw new InvalidOperationException(
                    "Claude:Mode is Simulated but no simulated organization is registered (ReviewPortal.Claude.Simulation's AddSimulatedClaudeOrganization).")).CreateHandler()
                : new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        });

        // Order matters: the resilience handler is outermost, so every retry goes through the budget handler below it.
        // Inside it: retry, then the circuit breaker (each attempt counts; an open circuit is not retried), then the
        // per-attempt timeout.
        builder.AddResilienceHandler("claude", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<ClaudeOptions>>().Value;
            var retry = options.Retry;
            if (retry.MaxRetryAttempts > 0)
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    ShouldRetryAfterHeader = false, // retry-after is handled in our DelayGenerator, for 429 only
                    MaxRetryAttempts = retry.MaxRetryAttempts,
                    UseJitter = false,
                    ShouldHandle = args => ValueTask.FromResult(ClaudeRetryPolicy.ShouldRetry(args.Outcome, options.MaxRetryAfter)),
                    DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                        ClaudeRetryPolicy.GetDelay(args.Outcome, args.AttemptNumber, retry.BaseDelay, retry.MaxDelay)),
                });
            }

            var breaker = options.CircuitBreaker;
            var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ClaudeServiceCollectionExtensions));
            pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = breaker.FailureRatio,
                MinimumThroughput = breaker.MinimumThroughput,
                SamplingDuration = breaker.SamplingDuration,
                BreakDuration = breaker.BreakDuration,
                ShouldHandle = args => ValueTask.FromResult(ClaudeRetryPolicy.CountsAsFailure(args.Outcome)),
                OnOpened = args =>
                {
                    CircuitOpened(logger, context.BuilderName, args.BreakDuration.TotalSeconds);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    CircuitClosed(logger, context.BuilderName);
                    return ValueTask.CompletedTask;
                },
            });

            pipeline.AddTimeout(retry.AttemptTimeout);
        });
        builder.AddHttpMessageHandler<RequestBudgetHandler>();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claude pipeline {Pipeline}: circuit opened after repeated failures; calls fail at once for {Seconds:F0} s")]
    private static partial void CircuitOpened(ILogger logger, string pipeline, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Claude pipeline {Pipeline}: circuit closed, calls go through again")]
    private static partial void CircuitClosed(ILogger logger, string pipeline);
}
