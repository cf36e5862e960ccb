using System.Net;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace ReviewPortal.Claude;

/// <summary>How a call to the Claude APIs failed, in terms a caller acts on (so callers need no Polly or HTTP types).</summary>
public enum ClaudeFailureKind
{
    /// <summary>A 4xx answer other than 429: the request itself is refused (bad input, a documented refusal, a wrong key). Retrying does not help.</summary>
    Refused,

    /// <summary>429 not waited out; <see cref="ClaudeApiException.RetryAt"/> says when the limit ends.</summary>
    RateLimited,

    /// <summary>5xx or 529 after the retries: the API is failing or overloaded.</summary>
    ServerError,

    /// <summary>A success status with a body that could not be read: the change may have been made.</summary>
    UnreadableAnswer,

    /// <summary>The connection failed or broke (DNS, refused, reset).</summary>
    Unreachable,

    /// <summary>Every attempt ran into <see cref="ClaudeRetryOptions.AttemptTimeout"/>.</summary>
    TimedOut,

    /// <summary>Not sent: the circuit breaker is open after repeated failures (<see cref="ClaudeCircuitBreakerOptions"/>).</summary>
    CircuitOpen,
}

/// <summary>Classifies what the clients throw.</summary>
public static class ClaudeFailure
{
    /// <summary>The kind of failure, or null when <paramref name="exception"/> did not come from a Claude call (e.g. a cancellation).</summary>
    public static ClaudeFailureKind? Classify(Exception exception) => exception switch
    {
        ClaudeApiException { StatusCode: HttpStatusCode.TooManyRequests } => ClaudeFailureKind.RateLimited,
        ClaudeApiException { ErrorType: "invalid_response" } => ClaudeFailureKind.UnreadableAnswer,
        ClaudeApiException { StatusCode: >= HttpStatusCode.InternalServerError } => ClaudeFailureKind.ServerError,
        ClaudeApiException => ClaudeFailureKind.Refused,
        BrokenCircuitException => ClaudeFailureKind.CircuitOpen,
        TimeoutRejectedException => ClaudeFailureKind.TimedOut,
        HttpRequestException => ClaudeFailureKind.Unreachable,
        _ => null,
    };

    /// <summary>
    /// The API cannot take calls now, whatever the call (rate limited with a known end, or the circuit open): a job ends its
    /// run instead of trying its next item, and the item is not charged a failed attempt.
    /// </summary>
    public static bool IsUnavailableForNow(Exception exception) =>
        Classify(exception) is ClaudeFailureKind.CircuitOpen
        || exception is ClaudeApiException { StatusCode: HttpStatusCode.TooManyRequests, RetryAt: not null };
}
