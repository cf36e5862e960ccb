using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace ReviewPortal.Benchmarks.Usage;

/// <summary>
/// The primary handler under the real UsageClient pipeline (resilience → request budget → this): answers the Usage and
/// Cost Analytics API, <c>GET /v1/organizations/analytics/usage</c> with <c>time_bucket_width=1d</c>, for the two
/// groupings <see cref="ReviewPortal.Web.Features.Connectors.IngestUsageJob"/> asks for (<c>group_by[]=api_key_id</c>;
/// <c>group_by[]=actor&amp;group_by[]=workspace_id</c> with <c>actor_types[]</c>), one UTC day per request, paged with
/// <c>limit</c> and an opaque <c>page</c> cursor (<c>next_page</c>, <c>has_more</c>). Every page is rendered ahead into a
/// file by <see cref="Render"/> (the API's servers render pages, not the portal's machine) and only read back here.
/// Claude Code analytics (<c>/v1/organizations/usage_report/claude_code</c>) answers an empty page: this benchmark measures
/// the Messages usage rollups. Revision 1 is late data: the last <c>revisedDays</c> days with different counts, served once
/// <see cref="Revision"/> is set to 1 (the second run's re-read).
/// </summary>
internal sealed class UsageHandler : HttpMessageHandler
{
    public const string KeysGrouping = "api_key_id";
    public const string ActorsGrouping = "actor,workspace_id";
    public const int WorkspacesPerPerson = 4;

    private static readonly byte[] EmptyClaudeCodePage = """{"data":[],"has_more":false,"next_page":null}"""u8.ToArray();

    private readonly Dictionary<(int Revision, DateOnly Day, string Grouping, int Page), (long Offset, int Length)> _pages = [];
    private readonly FileStream _file;
    private readonly DateOnly _from;
    private readonly DateOnly _to;
    private readonly DateOnly _revisedFrom;
    private readonly int _keys;
    private readonly int _limit;
    private byte[] _buffer = new byte[1 << 20];
    private int _requests;
    private int _analyticsRequests;
    private int _claudeCodeRequests;
    private long _bytes;

    private UsageHandler(FileStream file, DateOnly from, DateOnly to, int revisedDays, int keys, int limit)
    {
        _file = file;
        _from = from;
        _to = to;
        _revisedFrom = to.AddDays(-(revisedDays - 1));
        _keys = keys;
        _limit = limit;
    }

    /// <summary>Which revision of the revised days is served: 0 (as first reported) or 1 (late data).</summary>
    public int Revision { get; set; }

    public int Requests => _requests;
    public int AnalyticsRequests => _analyticsRequests;
    public int ClaudeCodeRequests => _claudeCodeRequests;
    public long Bytes => Interlocked.Read(ref _bytes);

    public static int People(int keys) => keys / WorkspacesPerPerson;
    public static string KeyId(int k) => $"apikey_bench{k:D6}";
    public static string UserId(int p) => $"user_bench{p:D6}";
    public static string Email(int p) => $"person{p:D6}@bench.example";
    public static string WorkspaceId(int w) => $"wrkspc_bench{w:D2}";

    /// <summary>The counts of one row: deterministic in (revision, day, grouping, index), so totals can be recomputed.</summary>
    public static (long Input, long CacheRead, long Cache5m, long Output, long Requests, long WebSearch) Counts(int revision, DateOnly day, int grouping, int i)
    {
        var seed = (uint)(day.DayNumber * 7919 + grouping * 104_729 + i * 31);
        var scale = 1_000 + (long)(seed % 50_000);
        return (scale * 3, scale / 2, scale / 10, scale + revision * 17, 1 + scale / 2_000, seed % 7 == 0 ? 1 + revision : revision);
    }

    /// <summary>Renders every page of days [from, to] for both groupings (and revision 1 of the last revisedDays days) into <paramref name="path"/>.</summary>
    public static UsageHandler Render(string path, DateOnly from, DateOnly to, int revisedDays, int keys, int limit)
    {
        var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        var handler = new UsageHandler(file, from, to, revisedDays, keys, limit);
        var page = new MemoryStream(1 << 20);
        for (var revision = 0; revision <= 1; revision++)
        {
            for (var day = revision == 0 ? from : handler._revisedFrom; day <= to; day = day.AddDays(1))
            {
                for (var grouping = 0; grouping < 2; grouping++)
                {
                    var pages = (keys + limit - 1) / limit;
                    for (var p = 0; p < pages; p++)
                    {
                        page.SetLength(0);
                        WritePage(page, revision, day, grouping, p * limit, Math.Min(keys, (p + 1) * limit), p + 1 < pages ? $"page_{p + 1}" : null);
                        handler._pages[(revision, day, grouping == 0 ? KeysGrouping : ActorsGrouping, p)] = (file.Position, (int)page.Length);
                        file.Write(page.GetBuffer(), 0, (int)page.Length);
                        if (page.Length > handler._buffer.Length)
                        {
                            handler._buffer = new byte[page.Length];
                        }
                    }
                }
            }
        }
        file.Flush();
        return handler;
    }

    private static void WritePage(Stream stream, int revision, DateOnly day, int grouping, int first, int end, string? nextPage)
    {
        using var json = new Utf8JsonWriter(stream);
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var startText = start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var endText = start.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        json.WriteStartObject();
        json.WriteStartArray("data");
        for (var i = first; i < end; i++)
        {
            json.WriteStartObject();
            json.WriteString("starting_at", startText);
            json.WriteString("ending_at", endText);
            json.WriteStartObject("group");
            if (grouping == 0)
            {
                json.WriteString("api_key_id", KeyId(i));
            }
            else
            {
                // Person p in workspaces p % 20, (p + 1) % 20, …: `keys` rows as (actor, workspace) pairs.
                var person = i / WorkspacesPerPerson;
                json.WriteStartObject("actor");
                json.WriteString("type", "user_actor");
                json.WriteString("user_id", UserId(person));
                json.WriteString("email_address", Email(person));
                json.WriteEndObject();
                json.WriteString("workspace_id", WorkspaceId((person + i % WorkspacesPerPerson) % 20));
            }
            json.WriteEndObject();
            var c = Counts(revision, day, grouping, i);
            json.WriteStartObject("usage");
            json.WriteNumber("uncached_input_tokens", c.Input);
            json.WriteNumber("cache_read_input_tokens", c.CacheRead);
            json.WriteStartObject("cache_creation");
            json.WriteNumber("ephemeral_5m_input_tokens", c.Cache5m);
            json.WriteNumber("ephemeral_1h_input_tokens", 0);
            json.WriteEndObject();
            json.WriteNumber("output_tokens", c.Output);
            json.WriteNumber("total_tokens", c.Input + c.CacheRead + c.Cache5m + c.Output);
            json.WriteNumber("requests", c.Requests);
            json.WriteStartObject("server_tool_use");
            json.WriteNumber("web_search_requests", c.WebSearch);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteBoolean("has_more", nextPage is not null);
        if (nextPage is null)
        {
            json.WriteNull("next_page");
        }
        else
        {
            json.WriteString("next_page", nextPage);
        }
        json.WriteEndObject();
    }

    // Answered on a pool thread like a real response (see FeedHandler); one request at a time, as the job asks them, so
    // the one response buffer is never shared.
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.Run(() => Respond(request), cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }
        base.Dispose(disposing);
    }

    private HttpResponseMessage Respond(HttpRequestMessage request)
    {
        Interlocked.Increment(ref _requests);
        var uri = request.RequestUri!;
        if (request.Method != HttpMethod.Get)
        {
            return Error(HttpStatusCode.NotFound, "not_found_error", $"No route {request.Method} {uri.AbsolutePath}");
        }
        if (!request.Headers.Contains("x-api-key") || !request.Headers.Contains("anthropic-version"))
        {
            return Error(HttpStatusCode.Unauthorized, "authentication_error", "missing x-api-key or anthropic-version");
        }
        var query = Parse(uri.Query);
        if (uri.AbsolutePath == "/v1/organizations/usage_report/claude_code")
        {
            Interlocked.Increment(ref _claudeCodeRequests);
            return Ok(EmptyClaudeCodePage, EmptyClaudeCodePage.Length);
        }
        if (uri.AbsolutePath != "/v1/organizations/analytics/usage")
        {
            return Error(HttpStatusCode.NotFound, "not_found_error", $"No route {request.Method} {uri.AbsolutePath}");
        }
        Interlocked.Increment(ref _analyticsRequests);
        if (!request.Headers.TryGetValues("anthropic-beta", out var betas) || !betas.Contains(ReviewPortal.Claude.UsageClient.AnalyticsBeta))
        {
            return Error(HttpStatusCode.BadRequest, "invalid_request_error", "the Analytics API requires its anthropic-beta header");
        }
        if (One(query, "time_bucket_width") != "1d")
        {
            return Error(HttpStatusCode.BadRequest, "invalid_request_error", "benchmark serves time_bucket_width=1d only");
        }
        if (!DateTimeOffset.TryParse(One(query, "starting_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start)
            || !DateTimeOffset.TryParse(One(query, "ending_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var end)
            || start.TimeOfDay != TimeSpan.Zero || end - start != TimeSpan.FromDays(1))
        {
            return Error(HttpStatusCode.BadRequest, "invalid_request_error", "benchmark serves one whole UTC day per request");
        }
        var day = DateOnly.FromDateTime(start.UtcDateTime);
        if (day < _from || day > _to)
        {
            return Error(HttpStatusCode.BadRequest, "invalid_request_error", $"benchmark has no data for {day:yyyy-MM-dd}");
        }
        var grouping = string.Join(',', query.TryGetValue("group_by[]", out var groups) ? groups : []);
        if (grouping == ActorsGrouping && !(query.TryGetValue("actor_types[]", out var types) && types.Contains("user_actor")))
        {
            return Error(HttpStatusCode.BadRequest, "invalid_request_error", "benchmark's actor rows are user_actor rows");
        }
        if (One(query, "limit") != _limit.ToString(CultureInfo.InvariantCulture))
        {
            return Error(HttpStatusCode.BadRequest, "invalid_request_error", $"benchmark renders pages of limit={_limit}");
        }
        var pageText = One(query, "page");
        var pageNumber = 0;
        if (pageText is not null && !(pageText.StartsWith("page_", StringComparison.Ordinal)
            && int.TryParse(pageText.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out pageNumber)))
        {
            return Error(HttpStatusCode.BadRequest, "invalid_request_error", "Invalid `page`");
        }
        var revision = Revision == 1 && day >= _revisedFrom ? 1 : 0;
        if (!_pages.TryGetValue((revision, day, grouping, pageNumber), out var at))
        {
            return Error(HttpStatusCode.BadRequest, "invalid_request_error", $"benchmark does not serve group_by {grouping} page {pageNumber}");
        }
        _file.Position = at.Offset;
        _file.ReadExactly(_buffer, 0, at.Length);
        return Ok(_buffer, at.Length);
    }

    private HttpResponseMessage Ok(byte[] body, int length)
    {
        Interlocked.Add(ref _bytes, length);
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body, 0, length) };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        response.Headers.Add("request-id", $"req_bench{_requests:D8}");
        return response;
    }

    private static HttpResponseMessage Error(HttpStatusCode status, string type, string message) =>
        new(status)
        {
            Content = new StringContent(JsonSerializer.Serialize(new { type = "error", error = new { type, message } }), Encoding.UTF8, "application/json"),
        };

    private static string? One(Dictionary<string, List<string>> query, string name) =>
        query.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;

    private static Dictionary<string, List<string>> Parse(string query)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(eq < 0 ? part : part[..eq]);
            var value = eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
            if (!result.TryGetValue(name, out var list))
            {
                result[name] = list = [];
            }
            list.Add(value);
        }
        return result;
    }
}
