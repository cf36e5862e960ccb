using System.Buffers;
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

    public async Task<(T Body, string? RequestId)> GetAsync<T>(string pathAndQuery, CancellationToken ct, string? beta = null)
    {
        var (text, requestId) = await SendAsync(HttpMethod.Get, pathAndQuery, null, ct, beta).ConfigureAwait(false);
        return (Deserialize<T>(text, pathAndQuery), requestId);
    }

    public async Task<string> GetStringAsync(string pathAndQuery, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Get, pathAndQuery, null, ct).ConfigureAwait(false)).Body;

    /// <summary>
    /// GET whose body is handed to <paramref name="decode"/> as the UTF-8 bytes it arrived as, in a pooled buffer that is
    /// returned when <paramref name="decode"/> returns. An Activity Feed page of 5,000 records is ≈ 2.5 MB: read as a string
    /// it became 5 MB of UTF-16 on the large object heap per page, which JsonDocument then transcoded back to UTF-8; and
    /// buffered by HttpClient (ResponseContentRead) it was a fresh 2.5 MB array per page, so the body is streamed into the
    /// pooled buffer instead. Nothing is lost by that: HttpClient buffers after the handlers have returned, so the body read
    /// was never inside the retry and timeout pipeline, and the caller's token still ends it.
    /// </summary>
    public async Task<T> GetUtf8Async<T>(string pathAndQuery, Func<ReadOnlyMemory<byte>, string?, T> decode, CancellationToken ct)
    {
        gate.ThrowIfLimited();
        using var request = Request(HttpMethod.Get, pathAndQuery, null);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        var requestId = RequestIdOf(response);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(response, HttpMethod.Get, pathAndQuery, requestId, ct).ConfigureAwait(false);
        }
        LogResponse(logger, HttpMethod.Get.Method, StripQuery(pathAndQuery), (int)response.StatusCode, requestId);

        var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            // One byte more than announced, so a body of exactly that length is known to be complete without growing the buffer.
            var buffer = ArrayPool<byte>.Shared.Rent(response.Content.Headers.ContentLength is { } length and > 0 and < int.MaxValue - 1 ? (int)length + 1 : 1 << 16);
            try
            {
                var used = 0;
                while (true)
                {
                    if (used == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, used).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                    var read = await stream.ReadAsync(buffer.AsMemory(used), ct).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }
                    used += read;
                }
                return decode(buffer.AsMemory(0, used), requestId);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    public async Task<T> PostAsync<T>(string path, object body, CancellationToken ct)
    {
        var (text, _) = await SendAsync(HttpMethod.Post, path, body, ct).ConfigureAwait(false);
        return Deserialize<T>(text, path);
    }

    public async Task DeleteAsync(string path, CancellationToken ct) =>
        await SendAsync(HttpMethod.Delete, path, null, ct).ConfigureAwait(false);

    private async Task<(string Body, string? RequestId)> SendAsync(HttpMethod method, string pathAndQuery, object? body, CancellationToken ct,
        string? beta = null)
    {
        gate.ThrowIfLimited();
        using var request = Request(method, pathAndQuery, body, beta);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        var requestId = RequestIdOf(response);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(response, method, pathAndQuery, requestId, ct).ConfigureAwait(false);
        }
        LogResponse(logger, method.Method, StripQuery(pathAndQuery), (int)response.StatusCode, requestId);
        return (await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false), requestId);
    }

    private HttpRequestMessage Request(HttpMethod method, string pathAndQuery, object? body, string? beta = null)
    {
        var request = new HttpRequestMessage(method, pathAndQuery);
        request.Headers.Add("x-api-key", _apiKey);
        request.Headers.Add("anthropic-version", AnthropicVersion);
        if (beta is not null)
        {
            request.Headers.Add("anthropic-beta", beta);
        }
        if (body is not null)
        {
            // StringContent (not JsonContent) so the body is buffered and can be re-sent on retry.
            request.Content = new StringContent(JsonSerializer.Serialize(body, ClaudeJson.Options), Encoding.UTF8, "application/json");
        }
        return request;
    }

    private static string? RequestIdOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("request-id", out var values) ? values.FirstOrDefault() : null;

    private async Task<ClaudeApiException> FailureAsync(HttpResponseMessage response, HttpMethod method, string pathAndQuery, string? requestId,
        CancellationToken ct)
    {
        LogFailure(logger, method.Method, StripQuery(pathAndQuery), (int)response.StatusCode, requestId);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        return Scrub(ClaudeApiException.FromResponse(response.StatusCode, text, requestId, RetryAt(response)));
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
