using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ReviewPortal.Claude.Resilience;

namespace ReviewPortal.Claude;

/// <summary>
/// The request plumbing both typed clients share: auth and version headers, request-id logging,
/// error mapping, and the rate-limit gate (nothing is sent while a limit the API announced lasts).
/// Retries, the circuit breaker and the rate budget live in the handler pipeline, not here.
/// </summary>
internal sealed partial class ClaudeHttp(HttpClient http, string? apiKey, TimeSpan maxRetryAfter, ClaudeRateLimitGate gate, TimeProvider time, ILogger logger)
{
    public const string AnthropicVersion = "2023-06-01";

    // Simulated mode needs no key, but the simulated API still insists on the header like the real one.
    private readonly string _apiKey = string.IsNullOrWhiteSpace(apiKey) ? "simulated-key" : apiKey;

    public async Task<(T Body, string? RequestId)> GetAsync<T>(string pathAndQuery, CancellationToken ct)
    {
        var (text, requestId) = await SendAsync(HttpMethod.Get, pathAndQuery, null, ct).ConfigureAwait(false);
        return (Deserialize<T>(text, pathAndQuery), requestId);
    }

    public async Task<string> GetStringAsync(string pathAndQuery, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Get, pathAndQuery, null, ct).ConfigureAwait(false)).Body;

    public async Task<(string Body, string? RequestId)> GetWithRequestIdAsync(string pathAndQuery, CancellationToken ct) =>
        await SendAsync(HttpMethod.Get, pathAndQuery, null, ct).ConfigureAwait(false);

    public async Task<T> PostAsync<T>(string path, object body, CancellationToken ct)
    {
        var (text, _) = await SendAsync(HttpMethod.Post, path, body, ct).ConfigureAwait(false);
        return Deserialize<T>(text, path);
    }

    public async Task DeleteAsync(string path, CancellationToken ct) =>
        await SendAsync(HttpMethod.Delete, path, null, ct).ConfigureAwait(false);

    private async Task<(string Body, string? RequestId)> SendAsync(HttpMethod method, string pathAndQuery, object? body, CancellationToken ct)
    {
        gate.ThrowIfLimited();
        using var request = new HttpRequestMessage(method, pathAndQuery);
        request.Headers.Add("x-api-key", _apiKey);
        request.Headers.Add("anthropic-version", AnthropicVersion);
        if (body is not null)
        {
            // StringContent (not JsonContent) so the body is buffered and can be re-sent on retry.
            request.Content = new StringContent(JsonSerializer.Serialize(body, ClaudeJson.Options), Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        var requestId = response.Headers.TryGetValues("request-id", out var values) ? values.FirstOrDefault() : null;
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            LogResponse(logger, method.Method, StripQuery(pathAndQuery), (int)response.StatusCode, requestId);
        }
        else
        {
            LogFailure(logger, method.Method, StripQuery(pathAndQuery), (int)response.StatusCode, requestId);
            var error = ClaudeApiException.FromResponse(response.StatusCode, text, requestId, RetryAt(response));
            throw Scrub(error);
        }

        return (text, requestId);
    }

    /// <summary>
    /// A 429 whose retry-after is beyond <see cref="ClaudeOptions.MaxRetryAfter"/> was not waited out: when its limit ends,
    /// which also closes the gate until then. (A shorter one that still comes out has spent the retries: an ordinary failure.)
    /// </summary>
    private DateTimeOffset? RetryAt(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.TooManyRequests || !ClaudeRetryPolicy.TryGetRetryAfter(response, out var delay)
            || delay <= maxRetryAfter)
        {
            return null;
        }

        var until = time.GetUtcNow() + delay;
        gate.LimitUntil(until);
        LogRateLimited(logger, until);
        return until;
    }

    // The API never echoes keys as far as we know, but a key in an exception message would end up in logs
    // and on screens, so make sure of it.
    private ClaudeApiException Scrub(ClaudeApiException error) =>
        error.ApiMessage is { } message && message.Contains(_apiKey, StringComparison.Ordinal)
            ? new ClaudeApiException(error.StatusCode, error.ErrorType, message.Replace(_apiKey, KeyHint.For(_apiKey), StringComparison.Ordinal), error.RequestId,
                error.RetryAt)
            : error;

    private static T Deserialize<T>(string text, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, ClaudeJson.Options)
                ?? throw new ClaudeApiException(HttpStatusCode.OK, "invalid_response", $"Empty body from {StripQuery(path)}.", null);
        }
        catch (JsonException ex)
        {
            throw new ClaudeApiException(HttpStatusCode.OK, "invalid_response", $"Unreadable body from {StripQuery(path)}: {ex.Message}", null);
        }
    }

    private static string StripQuery(string pathAndQuery)
    {
        var index = pathAndQuery.IndexOf('?');
        return index < 0 ? pathAndQuery : pathAndQuery[..index];
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Claude {Method} {Path} -> {StatusCode}, request-id {RequestId}")]
    private static partial void LogResponse(ILogger logger, string method, string path, int statusCode, string? requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claude API rate limited this organization until {Until:u}; nothing is sent before then")]
    private static partial void LogRateLimited(ILogger logger, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claude {Method} {Path} failed with {StatusCode}, request-id {RequestId}")]
    private static partial void LogFailure(ILogger logger, string method, string path, int statusCode, string? requestId);
}
