using System.Globalization;
using System.Net;
using Polly;
using Polly.Timeout;

namespace ReviewPortal.Claude.Resilience;

/// <summary>The retry rules of §1.6, kept as plain functions so they are easy to read and test.</summary>
public static class ClaudeRetryPolicy
{
    /// <summary>429, 5xx overloads and transport failures are retried; 4xx client errors never are.</summary>
    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome) => ShouldRetry(outcome, TimeSpan.MaxValue);

    /// <summary>
    /// As <see cref="ShouldRetry(Outcome{HttpResponseMessage})"/>, except a 429 whose <c>retry-after</c> is longer than
    /// <paramref name="maxRetryAfter"/>: waiting that out would hold the caller (and a job's lease) for as long as the
    /// header says, so it fails at once instead.
    /// </summary>
    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, TimeSpan maxRetryAfter)
    {
        if (outcome.Exception is not null)
        {
            // Caller cancellation is an OperationCanceledException and must stop, not retry.
            return outcome.Exception is HttpRequestException or TimeoutRejectedException;
        }

        var response = outcome.Result;
        if (response is null)
        {
            return false;
        }

        return (int)response.StatusCode switch
        {
            429 => !TryGetRetryAfter(response, out var retryAfter) || retryAfter <= maxRetryAfter,
            500 => !ShouldRetryHeaderIsFalse(response),
            502 or 503 or 504 or 529 => true,
            _ => false,
        };
    }

    /// <summary>
    /// What counts against the circuit breaker: the API failing (5xx, 529), unreachable, or not answering in time. A 429 is
    /// the API working as designed (the budget and retry-after deal with it), and a 4xx is the request's fault.
    /// </summary>
    public static bool CountsAsFailure(Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Exception is not null)
        {
            return outcome.Exception is HttpRequestException or TimeoutRejectedException;
        }

        return outcome.Result is { } response && (int)response.StatusCode is 500 or 502 or 503 or 504 or 529;
    }

    /// <summary>
    /// 429 waits <c>retry-after</c> when present (it may be longer than the reset time; honour it). Everything
    /// else backs off exponentially from <paramref name="baseDelay"/>, doubling, capped at <paramref name="maxDelay"/>.
    /// </summary>
    public static TimeSpan GetDelay(Outcome<HttpResponseMessage> outcome, int attemptNumber, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        if (outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } response && TryGetRetryAfter(response, out var retryAfter))
        {
            return retryAfter;
        }

        var factor = Math.Pow(2, Math.Min(attemptNumber, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(baseDelay.Ticks * factor, maxDelay.Ticks));
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }

    /// <summary>Reads <c>retry-after</c> as (possibly fractional) seconds or as an HTTP date.</summary>
    public static bool TryGetRetryAfter(HttpResponseMessage response, out TimeSpan delay)
    {
        delay = default;
        if (!response.Headers.NonValidated.TryGetValues("retry-after", out var values))
        {
            return false;
        }

        var text = values.FirstOrDefault()?.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            delay = TimeSpan.FromSeconds(seconds);
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            delay = date - (response.Headers.Date ?? DateTimeOffset.UtcNow);
            if (delay < TimeSpan.Zero)
            {
                delay = TimeSpan.Zero;
            }

            return true;
        }

        return false;
    }

    private static bool ShouldRetryHeaderIsFalse(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues("x-should-retry", out var values) &&
        values.Any(v => string.Equals(v.Trim(), "false", StringComparison.OrdinalIgnoreCase));
}
