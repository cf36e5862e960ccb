using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ReviewPortal.Claude.Resilience;

/// <summary>
/// The organization-wide request budget (600/min per parent organization, shared by every key and endpoint).
/// One instance per process, shared by both clients; it also pauses everyone when the API says the window is spent.
/// </summary>
public sealed partial class ClaudeRequestBudget : IDisposable
{
    private readonly SlidingWindowRateLimiter _limiter;
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxWait;
    private readonly ILogger<ClaudeRequestBudget> _logger;
    private long _blockedUntilTicks;

    public ClaudeRequestBudget(IOptions<ClaudeOptions> options, TimeProvider time, ILogger<ClaudeRequestBudget> logger)
    {
        var perMinute = Math.Max(1, options.Value.RequestsPerMinute);
        _limiter = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
            Window = TimeSpan.FromMinutes(1),
            SegmentsPerWindow = 12,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
        _time = time;
        _maxWait = options.Value.MaxRateLimitWait;
        _logger = logger;
    }

    /// <summary>Waits for a permit and for any server-announced reset; returns the lease to hold while the request runs.</summary>
    public async ValueTask<RateLimitLease> AcquireAsync(CancellationToken ct)
    {
        var lease = await _limiter.AcquireAsync(1, ct).ConfigureAwait(false);
        var blockedUntil = new DateTimeOffset(Interlocked.Read(ref _blockedUntilTicks), TimeSpan.Zero);
        var wait = blockedUntil - _time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            wait = wait > _maxWait ? _maxWait : wait;
            LogWaiting(_logger, wait.TotalSeconds);
            await Task.Delay(wait, _time, ct).ConfigureAwait(false);
        }

        return lease;
    }

    /// <summary>Reads the <c>anthropic-ratelimit-requests-*</c> headers; at zero remaining, later requests wait for the reset.</summary>
    public void Observe(HttpResponseMessage response)
    {
        if (!TryGetHeader(response, "anthropic-ratelimit-requests-remaining", out var remainingText) ||
            !int.TryParse(remainingText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var remaining) ||
            remaining > 0)
        {
            return;
        }

        if (TryGetHeader(response, "anthropic-ratelimit-requests-reset", out var resetText) &&
            ClaudeJson.TryParseTimestamp(resetText, out var reset))
        {
            Interlocked.Exchange(ref _blockedUntilTicks, reset.UtcTicks);
        }
    }

    public void Dispose() => _limiter.Dispose();

    private static bool TryGetHeader(HttpResponseMessage response, string name, out string? value)
    {
        value = response.Headers.NonValidated.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
        return value is not null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Claude request budget exhausted; waiting {Seconds:F1}s for the rate-limit window to reset")]
    private static partial void LogWaiting(ILogger logger, double seconds);
}

/// <summary>
/// Puts every attempt (retries included) through the shared <see cref="ClaudeRequestBudget"/>. The handler itself is
/// transient because IHttpClientFactory needs a fresh handler per pipeline; the budget it uses is the singleton.
/// </summary>
public sealed class RequestBudgetHandler(ClaudeRequestBudget budget) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var lease = await budget.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        budget.Observe(response);
        return response;
    }
}
