using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace ReviewPortal.Claude.Resilience;

/// <summary>
/// The request budget of one process: a sliding window over the last minute, shared by both clients. The default, right
/// for one process per organization (the embedded portal, the simulation); it also pauses everyone when the API says the
/// window is spent.
/// </summary>
public sealed class ClaudeRequestBudget : IClaudeRequestBudget, IDisposable
{
    private readonly SlidingWindowRateLimiter _limiter;
    private readonly ServerAnnouncedReset _reset;

    public ClaudeRequestBudget(IOptions<ClaudeOptions> options, ServerAnnouncedReset reset)
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
        _reset = reset;
    }

    /// <inheritdoc />
    public async ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        // A sliding window's permits come back when their segment leaves the window, not when the lease is disposed.
        using var lease = await _limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        await _reset.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Observe(HttpResponseMessage response) => _reset.Observe(response);

    public void Dispose() => _limiter.Dispose();
}

/// <summary>
/// Puts every attempt (retries included) through the shared <see cref="IClaudeRequestBudget"/>. The handler itself is
/// transient because IHttpClientFactory needs a fresh handler per pipeline; the budget it uses is the singleton.
/// </summary>
public sealed class RequestBudgetHandler(IClaudeRequestBudget budget) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await budget.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        budget.Observe(response);
        return response;
    }
}
