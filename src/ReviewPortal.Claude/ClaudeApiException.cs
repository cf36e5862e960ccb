using System.Globalization;
using System.Net;
using System.Text.Json;

namespace ReviewPortal.Claude;

/// <summary>
/// A non-success response from the Claude API. Match on <see cref="ErrorType"/>, not the message (§1.6).
/// The message never contains an API key.
/// </summary>
public sealed class ClaudeApiException : Exception
{
    public ClaudeApiException(HttpStatusCode statusCode, string? errorType, string? apiMessage, string? requestId, DateTimeOffset? retryAt = null)
        : base(BuildMessage(statusCode, errorType, apiMessage, requestId, retryAt))
    {
        StatusCode = statusCode;
        ErrorType = errorType;
        ApiMessage = apiMessage;
        RequestId = requestId;
        RetryAt = retryAt;
    }

    public HttpStatusCode StatusCode { get; }

    /// <summary><c>error.type</c>, e.g. <c>invalid_request_error</c>, <c>permission_error</c>; null when the body was not an error object.</summary>
    public string? ErrorType { get; }

    public string? ApiMessage { get; }

    /// <summary>The <c>request-id</c> header (or body <c>request_id</c>), to quote to Anthropic support.</summary>
    public string? RequestId { get; }

    /// <summary>
    /// For a 429 that was not waited out because its <c>retry-after</c> is beyond <see cref="ClaudeOptions.MaxRetryAfter"/>:
    /// when the API said the limit ends. Until then the clients send nothing and fail at once with the same.
    /// </summary>
    public DateTimeOffset? RetryAt { get; }

    /// <summary>
    /// Reads either documented error body (<c>{"error":{...}}</c> or <c>{"type":"error","error":{...},"request_id":...}</c>).
    /// Bodies that are not JSON yield an exception without a type rather than a parse failure.
    /// </summary>
    public static ClaudeApiException FromResponse(HttpStatusCode statusCode, string? body, string? headerRequestId, DateTimeOffset? retryAt = null)
    {
        string? type = null, message = null, requestId = headerRequestId;
        try
        {
            if (!string.IsNullOrWhiteSpace(body))
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                    {
                        type = ReadString(error, "type");
                        message = ReadString(error, "message");
                    }

                    requestId ??= ReadString(root, "request_id");
                }
            }
        }
        catch (JsonException)
        {
            // A proxy or load balancer may answer with HTML; the status code is still meaningful.
        }

        return new ClaudeApiException(statusCode, type, message, requestId, retryAt);
    }

    private static string? ReadString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>
    /// The failure as people read it and runs record it, the one way it is said everywhere: the status as its number (429,
    /// as the API documents it, not the enum's name), the error type and the API's message; never a key.
    /// </summary>
    public string Summary => Summarize(StatusCode, ErrorType, ApiMessage);

    /// <summary><see cref="Summary"/> and the request-id to quote to Anthropic support.</summary>
    public string SummaryWithRequestId => Summary + (RequestId is null ? "" : $" (request-id {RequestId})");

    private static string Summarize(HttpStatusCode statusCode, string? errorType, string? apiMessage) =>
        $"{(int)statusCode} {errorType ?? "(no error type)"}: {apiMessage ?? "(no message)"}";

    private static string BuildMessage(HttpStatusCode statusCode, string? errorType, string? apiMessage, string? requestId, DateTimeOffset? retryAt) =>
        $"Claude API returned {Summarize(statusCode, errorType, apiMessage)}" +
        (requestId is null ? "" : $" (request-id {requestId})") +
        (retryAt is { } at ? $"; rate limited until {at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}" : "");
}
