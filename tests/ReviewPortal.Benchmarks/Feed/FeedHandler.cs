using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ReviewPortal.Claude;

namespace ReviewPortal.Benchmarks.Feed;

/// <summary>
/// The primary handler under the real ComplianceClient pipeline (resilience → request budget → this): answers
/// <c>GET /v1/compliance/activities</c> from a <see cref="SyntheticFeed"/>, honouring <c>order=asc</c>, <c>after_id</c>,
/// <c>created_at.gte/gt/lte/lt</c>, <c>limit</c> and returning <c>has_more</c>, <c>first_id</c>, <c>last_id</c> like the
/// API. Like the API, events become visible a minute after they happen. Pages are serialized on each request, except
/// those rendered ahead by <see cref="RenderCatchUp"/>.
/// </summary>
internal sealed class FeedHandler(SyntheticFeed feed, TimeProvider time) : HttpMessageHandler
{
    // One reusable response buffer: the job reads each page completely before asking for the next, and the real
    // SocketsHttpHandler buffers responses in pooled arrays too, so the harness adds no large-object garbage of its own.
    private readonly MemoryStream _buffer = new(4 << 20);
    private readonly Dictionary<(long From, long End, bool HasMore), (long Offset, int Length)> _rendered = [];
    private FileStream? _renderedFile;
    private long _generationTicks;
    private int _requests;
    private long _bytes;

    public TimeSpan GenerationTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _generationTicks));
    public int Requests => _requests;
    public long Bytes => Interlocked.Read(ref _bytes);
    public List<string> Log { get; } = [];

    // A real response arrives asynchronously: the caller gets its task back at once and the page is decoded on a pool
    // thread when it lands, which is what lets IngestActivityJob fetch page N+1 while it stores page N. Answering inline
    // ran the whole fetch, generation and decoding included, on the caller's thread before the store even started.
    // Still one request at a time: the job asks for the next page only once it holds the previous one decoded.
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.Run(() => Respond(request), cancellationToken);

    private HttpResponseMessage Respond(HttpRequestMessage request)
    {
        var started = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _requests);
        var uri = request.RequestUri!;
        if (request.Method != HttpMethod.Get || uri.AbsolutePath != "/v1/compliance/activities")
        {
            return Error(HttpStatusCode.NotFound, "not_found_error", $"No route {request.Method} {uri.AbsolutePath}");
        }
        if (!request.Headers.Contains("x-api-key") || !request.Headers.Contains("anthropic-version"))
        {
            return Error(HttpStatusCode.Unauthorized, "authentication_error", "missing x-api-key or anthropic-version");
        }

        var query = Parse(uri.Query);
        if (Get(query, "order") != "asc")
        {
            return Error(HttpStatusCode.BadRequest, "invalid_request_error", "benchmark feed serves order=asc only");
        }
        var limit = int.TryParse(Get(query, "limit"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : 100;
        if (limit is < 1 or > 5000)
        {
            return Error(HttpStatusCode.BadRequest, "invalid_request_error", "limit must be 1..5000");
        }

        // The visible, filtered window [from, to) of event indexes.
        var visibleUntil = time.GetUtcNow().AddMinutes(-1);
        var from = 0L;
        var to = feed.FirstIndexAtOrAfter(visibleUntil, strict: true);
        if (Timestamp(query, "created_at.gte") is { } gte) from = Math.Max(from, feed.FirstIndexAtOrAfter(gte, strict: false));
        if (Timestamp(query, "created_at.gt") is { } gt) from = Math.Max(from, feed.FirstIndexAtOrAfter(gt, strict: true));
        if (Timestamp(query, "created_at.lt") is { } lt) to = Math.Min(to, feed.FirstIndexAtOrAfter(lt, strict: false));
        if (Timestamp(query, "created_at.lte") is { } lte) to = Math.Min(to, feed.FirstIndexAtOrAfter(lte, strict: true));
        if (Get(query, "after_id") is { } afterId)
        {
            if (feed.IndexOf(afterId) is not { } cursor)
            {
                return Error(HttpStatusCode.BadRequest, "invalid_request_error",
                    $"Invalid `after_id`. No activity found for `after_id` \"{afterId}\"");
            }
            from = Math.Max(from, cursor + 1);
        }

        var end = Math.Min(to, from + limit);
        var count = Math.Max(0, end - from);
        var hasMore = end < to;
        var buffer = _buffer;
        buffer.SetLength(0);
        if (_rendered.TryGetValue((from, end, hasMore), out var page))
        {
            // Rendered before the timed window (RenderCatchUp): producing the page is the API's servers' work, not the
            // portal machine's. Read back like bytes off a socket.
            buffer.SetLength(page.Length);
            _renderedFile!.Position = page.Offset;
            _renderedFile.ReadExactly(buffer.GetBuffer(), 0, page.Length);
        }
        else
        {
            Render(buffer, from, end, hasMore);
        }

        var content = new ByteArrayContent(buffer.GetBuffer(), 0, (int)buffer.Length);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
        response.Headers.Add("request-id", $"req_bench_{_requests:D6}");
        response.Headers.Add("anthropic-ratelimit-requests-remaining", "500");
        Interlocked.Add(ref _bytes, buffer.Length);
        Interlocked.Add(ref _generationTicks, Stopwatch.GetTimestamp() - started);
        lock (Log)
        {
            Log.Add($"{StripIds(uri.Query)} -> {count} records, has_more={hasMore}");
        }
        return response;
    }

    private void Render(MemoryStream buffer, long from, long end, bool hasMore)
    {
        using var writer = new Utf8JsonWriter(buffer);
        writer.WriteStartObject();
        writer.WriteStartArray("data");
        for (var i = from; i < end; i++)
        {
            feed.WriteRecord(writer, i);
        }
        writer.WriteEndArray();
        writer.WriteBoolean("has_more", hasMore);
        if (end > from)
        {
            writer.WriteString("first_id", SyntheticFeed.IdOf(from));
            writer.WriteString("last_id", SyntheticFeed.IdOf(end - 1));
        }
        else
        {
            writer.WriteNull("first_id");
            writer.WriteNull("last_id");
        }
        writer.WriteEndObject();
    }

    /// <summary>
    /// Renders, into <paramref name="file"/>, the pages a catch-up over the whole feed asks for (pages of
    /// <paramref name="pageSize"/> from the first event, every event visible), so that serving them during the timed window
    /// costs a file read, as receiving them from the network would, not the rendering the API's servers do. Any other
    /// page (the reconcile re-read) is still rendered when asked for.
    /// </summary>
    public void RenderCatchUp(string file, int pageSize)
    {
        _renderedFile = new FileStream(file, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20, FileOptions.DeleteOnClose);
        var buffer = new MemoryStream(4 << 20);
        for (var from = 0L; from < feed.Count; from += pageSize)
        {
            var end = Math.Min(feed.Count, from + pageSize);
            buffer.SetLength(0);
            Render(buffer, from, end, hasMore: end < feed.Count);
            _rendered[(from, end, end < feed.Count)] = (_renderedFile.Position, (int)buffer.Length);
            _renderedFile.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        _renderedFile.Flush();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _renderedFile?.Dispose();
        }
        base.Dispose(disposing);
    }

    private static string StripIds(string query) => query.Length > 160 ? query[..160] : query;

    private static Dictionary<string, string> Parse(string query)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var key = Uri.UnescapeDataString(eq < 0 ? part : part[..eq]);
            values[key] = eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..]);
        }
        return values;
    }

    private static string? Get(Dictionary<string, string> query, string key) => query.GetValueOrDefault(key);

    private static DateTimeOffset? Timestamp(Dictionary<string, string> query, string key) =>
        Get(query, key) is { } text && ClaudeJson.TryParseTimestamp(text, out var value) ? value : null;

    private static HttpResponseMessage Error(HttpStatusCode status, string type, string message) =>
        new(status)
        {
            Content = new StringContent(
                JsonSerializer.Serialize(new { type = "error", error = new { type, message } }),
                System.Text.Encoding.UTF8, "application/json"),
        };
}
