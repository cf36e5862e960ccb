using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ReviewPortal.E2ETests.Nodes;

/// <summary>
/// An HTTP fake of the Compliance API and the Admin API on a real Kestrel port, speaking the wire contract of
/// shared/brief/claude-api.md over a <see cref="FakeOrganization"/>: the Activity Feed (order, created_at windows,
/// <c>after_id</c>/<c>before_id</c>), the page-token directory lists, the <c>after_id</c> Admin lists and the Admin calls
/// remediation makes; keys checked per API (401 unknown, 403 wrong API); the organization's requests-per-minute limit with
/// its <c>anthropic-ratelimit-requests-*</c> headers, and 429 with <c>retry-after</c> beyond it. Each node gets its own key
/// pair (the limit is per organization, whatever the key), so every request is counted, timestamped and attributed.
/// </summary>
public sealed class FakeClaudeApi : IAsyncDisposable
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Node, bool Compliance)> _keys;
    private readonly int _requestsPerMinute;
    private readonly Queue<long> _quota = new();
    private readonly List<Served> _served = [];
    private WebApplication? _app;
    private long _requestIds;

    /// <summary>One request as it arrived: when (wall clock and monotonic), from which node's key, what, and the answer.</summary>
    public sealed record Served(DateTimeOffset At, long Timestamp, string Node, string Method, string Path, string Query, string? Body, int Status);

    public FakeClaudeApi(FakeOrganization organization, int requestsPerMinute, IReadOnlyDictionary<string, (string ComplianceKey, string AdminKey)> nodeKeys)
    {
        Organization = organization;
        _requestsPerMinute = requestsPerMinute;
        _keys = nodeKeys.SelectMany(n => new[] { (n.Value.ComplianceKey, (n.Key, true)), (n.Value.AdminKey, (n.Key, false)) })
            .ToDictionary(k => k.Item1, k => k.Item2);
    }

    public FakeOrganization Organization { get; }

    public string BaseUrl { get; private set; } = "";

    /// <summary>Every authenticated request so far (failed authentication costs no quota and is not listed).</summary>
    public IReadOnlyList<Served> Requests
    {
        get
        {
            lock (_gate)
            {
                return _served.ToList();
            }
        }
    }

    /// <summary>The ids of every activity the organization has recorded so far.</summary>
    public IReadOnlyList<string> ActivityIds
    {
        get
        {
            lock (_gate)
            {
                return Organization.Events.Select(e => e.Id).ToList();
            }
        }
    }

    /// <summary>Reads the organization's state under the API's lock.</summary>
    public T Read<T>(Func<FakeOrganization, T> read)
    {
        lock (_gate)
        {
            return read(Organization);
        }
    }

    /// <summary>The organization gets busy: many events at once, which the feed serves from then on.</summary>
    public void Burst(int events)
    {
        lock (_gate)
        {
            Organization.Burst(events);
        }
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Not the portal: the portal's appsettings.json in this output folder restricts AllowedHosts for the portal only.
        builder.Configuration["AllowedHosts"] = "*";
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var body = request.ContentLength is > 0 || request.Method == "POST" ? await new StreamReader(request.Body).ReadToEndAsync() : null;
        var path = request.Path.Value?.TrimEnd('/') ?? "";
        var query = request.Query;
        int status;
        object payload;
        var headers = new Dictionary<string, string>();
        lock (_gate)
        {
            var at = DateTimeOffset.UtcNow;
            var timestamp = Stopwatch.GetTimestamp();
            var key = request.Headers["x-api-key"].ToString();
            if (!_keys.TryGetValue(key, out var owner))
            {
                // Failed authentication uses no quota, so no rate-limit headers either.
                (status, payload) = FakeOrganization.Error(401, "authentication_error", "The API key provided is invalid or has been revoked.");
            }
            else
            {
                (status, payload) = Limit(timestamp, headers) ?? Answer(request.Method, path, query, body, owner.Compliance);
                _served.Add(new Served(at, timestamp, owner.Node, request.Method, path, request.QueryString.Value ?? "", body, status));
            }
        }
        context.Response.StatusCode = status;
        context.Response.Headers["request-id"] = $"req_fake{Interlocked.Increment(ref _requestIds):D12}";
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(payload as string ?? JsonSerializer.Serialize(payload));
    }

    /// <summary>The organization's limit over the trailing minute of arrivals; null when this request fits.</summary>
    private (int, object)? Limit(long timestamp, Dictionary<string, string> headers)
    {
        while (_quota.Count > 0 && Stopwatch.GetElapsedTime(_quota.Peek(), timestamp) >= Minute)
        {
            _quota.Dequeue();
        }
        var full = _quota.Count >= _requestsPerMinute;
        if (!full)
        {
            _quota.Enqueue(timestamp);
        }
        var reset = DateTimeOffset.UtcNow + (Minute - Stopwatch.GetElapsedTime(_quota.Peek(), timestamp));
        headers["anthropic-ratelimit-requests-limit"] = _requestsPerMinute.ToString(CultureInfo.InvariantCulture);
        headers["anthropic-ratelimit-requests-remaining"] = (_requestsPerMinute - _quota.Count).ToString(CultureInfo.InvariantCulture);
        headers["anthropic-ratelimit-requests-reset"] = FakeOrganization.Timestamp(reset);
        if (!full)
        {
            return null;
        }
        headers["retry-after"] = Math.Ceiling((reset - DateTimeOffset.UtcNow).TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return FakeOrganization.Error(429, "rate_limit_error", "Number of requests has exceeded your rate limit.");
    }

    private (int, object) Answer(string method, string path, IQueryCollection query, string? body, bool complianceKey)
    {
        var s = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (s.Length < 3 || s[0] != "v1")
        {
            return NotFound();
        }
        if ((s[1] == "compliance") != complianceKey)
        {
            // A Compliance key on the Admin API, or an Admin key beyond the feed: a scope it does not have (costs a unit).
            return FakeOrganization.Error(403, "permission_error",
                $"Missing required scopes. Got: [] Needed: [{(complianceKey ? "org:admin" : "read:compliance_org_data")}]");
        }
        try
        {
            return (s[1], method) switch
            {
                ("compliance", "GET") => Compliance(s[2..], query),
                ("organizations", _) => Admin(method, s[2..], query, body),
                _ => NotFound(),
            };
        }
        catch (BadRequest ex)
        {
            return FakeOrganization.Error(400, "invalid_request_error", ex.Message);
        }
    }

    // ---- Compliance API --------------------------------------------------------------------------------------------

    private (int, object) Compliance(string[] s, IQueryCollection query) => s switch
    {
        ["activities"] => Activities(query),
        ["organizations"] => TokenPage(query, 1000, 1000, new object[]
        {
            new { uuid = FakeOrganization.ParentUuid, name = "Northwind", created_at = FakeOrganization.Timestamp(Organization.Founded) },
            new { uuid = FakeOrganization.ConsoleUuid, name = "Northwind Console", created_at = FakeOrganization.Timestamp(Organization.Founded.AddDays(90)) },
        }),
        ["organizations", FakeOrganization.ParentUuid, "users"] => TokenPage(query, 500, 1000,
            FakeOrganization.People.Select(p => ComplianceUser(p, p.EnterpriseRole)).ToArray()),
        ["organizations", FakeOrganization.ConsoleUuid, "users"] => TokenPage(query, 500, 1000,
            Organization.ConsoleMembers.Select(m => ComplianceUser(m.Person, m.Role)).ToArray()),
        ["organizations", var org, "users"] => FakeOrganization.Error(404, "not_found_error", $"Organization {org} not found."),
        ["groups"] => TokenPage(query, 500, 1000, Organization.Groups
            .Where(g => query["name_prefix"].FirstOrDefault() is not { } prefix || g.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(g => (object)new { id = g.Id, name = g.Name, description = (string?)null, source_type = g.SourceType, roles = (string[]?)null,
                created_at = FakeOrganization.Timestamp(Organization.Founded.AddDays(30)), updated_at = (string?)null }).ToArray()),
        ["groups", var id, "members"] => Organization.Groups.Find(g => g.Id == id) is { } group
            ? TokenPage(query, 500, 1000, group.MemberIds.Select(m => (object)new
            {
                user_id = m, email = FakeOrganization.PersonById(m).Email,
                created_at = FakeOrganization.Timestamp(Organization.Founded.AddDays(40)), updated_at = (string?)null,
            }).ToArray())
            : FakeOrganization.Error(404, "not_found_error", "Group not found."),
        _ => NotFound(),
    };

    private object ComplianceUser(FakeOrganization.Person person, string role) => new
    {
        id = person.Id, email = person.Email, full_name = person.Name,
        created_at = FakeOrganization.Timestamp(Organization.Founded.AddDays(20)), organization_role = role,
    };

    /// <summary><c>GET /v1/compliance/activities</c> (§1.4): filters, <c>order</c> (default desc), and cursors relative to that order.</summary>
    private (int, object) Activities(IQueryCollection query)
    {
        var limit = Limit(query, 100, 5000);
        var afterId = query["after_id"].FirstOrDefault();
        var beforeId = query["before_id"].FirstOrDefault();
        if (afterId is not null && beforeId is not null)
        {
            throw new BadRequest("Only one of `after_id` and `before_id` may be provided.");
        }
        if (query["activity_types[]"].Count > 0 && query["exclude_activity_types[]"].Count > 0)
        {
            throw new BadRequest("activity_types and exclude_activity_types cannot be used together.");
        }
        var order = query["order"].FirstOrDefault() ?? "desc";
        if (order is not ("asc" or "desc"))
        {
            throw new BadRequest($"Invalid `order` \"{order}\". Expected \"asc\" or \"desc\".");
        }
        var gte = Time(query, "created_at.gte");
        var gt = Time(query, "created_at.gt");
        var lte = Time(query, "created_at.lte");
        var lt = Time(query, "created_at.lt");
        var include = query["activity_types[]"].ToHashSet();
        var exclude = query["exclude_activity_types[]"].ToHashSet();
        var ordered = order == "asc" ? Organization.Events : Enumerable.Reverse(Organization.Events).ToList();
        var cursor = afterId ?? beforeId;
        var at = cursor is null ? -1 : ordered.FindIndex(e => e.Id == cursor);
        if (cursor is not null && at < 0)
        {
            var name = afterId is not null ? "after_id" : "before_id";
            throw new BadRequest($"Invalid `{name}`. No activity found for `{name}` \"{cursor}\"");
        }
        bool Matches(FakeOrganization.Event e)
        {
            var type = JsonDocument.Parse(e.Json).RootElement.GetProperty("type").GetString()!;
            return (gte is null || e.CreatedAt >= gte) && (gt is null || e.CreatedAt > gt) && (lte is null || e.CreatedAt <= lte)
                && (lt is null || e.CreatedAt < lt) && (include.Count == 0 || include.Contains(type)) && !exclude.Contains(type);
        }
        List<FakeOrganization.Event> page;
        bool hasMore;
        if (beforeId is not null)
        {
            // The page adjacent to the cursor, walking back towards the start of the result order.
            var earlier = ordered.Take(at).Where(Matches).ToList();
            page = earlier.Skip(Math.Max(0, earlier.Count - limit)).ToList();
            hasMore = earlier.Count > limit;
        }
        else
        {
            var later = ordered.Skip(at + 1).Where(Matches).Take(limit + 1).ToList();
            page = later.Take(limit).ToList();
            hasMore = later.Count > limit;
        }
        var json = new StringBuilder("{\"data\":[").AppendJoin(',', page.Select(e => e.Json))
            .Append("],\"has_more\":").Append(hasMore ? "true" : "false")
            .Append(",\"first_id\":").Append(JsonSerializer.Serialize(page.FirstOrDefault()?.Id))
            .Append(",\"last_id\":").Append(JsonSerializer.Serialize(page.LastOrDefault()?.Id)).Append('}');
        return (200, json.ToString());
    }

    // ---- Admin API -------------------------------------------------------------------------------------------------

    private (int, object) Admin(string method, string[] s, IQueryCollection query, string? body) => (method, s) switch
    {
        ("GET", ["users"]) => CursorPage(query, Organization.ConsoleMembers
            // Most recently added first, as the Enterprise page documents.
            .Reverse()
            .Where(m => query["email"].FirstOrDefault() is not { } email || string.Equals(m.Person.Email, email, StringComparison.OrdinalIgnoreCase))
            .Select(m => (m.Person.Id, FakeOrganization.User(m.Person, m.Role))).ToList()),
        ("GET", ["users", var id]) => Organization.ConsoleMembers.FirstOrDefault(m => m.Person.Id == id) is { Person: not null } m
            ? (200, FakeOrganization.User(m.Person, m.Role))
            : FakeOrganization.Error(404, "not_found_error", "User not found."),
        ("POST", ["users", var id]) => Organization.UpdateUserRole(id, BodyString(body, "role")),
        ("DELETE", ["users", var id]) => Organization.DeleteUser(id),
        ("GET", ["workspaces"]) => CursorPage(query, new[]
        {
            (FakeOrganization.Prod, (object)Workspace(FakeOrganization.Prod, "prod", "#D97757")),
            (FakeOrganization.Research, Workspace(FakeOrganization.Research, "research", "#6A9BCC")),
        }.ToList()),
        ("GET", ["workspaces", var ws, "members"]) => ws is FakeOrganization.Prod or FakeOrganization.Research
            ? CursorPage(query, Organization.WorkspaceMembers.Where(m => m.WorkspaceId == ws).Select(m => (m.UserId, FakeOrganization.Member(m))).ToList())
            : FakeOrganization.Error(404, "not_found_error", "Workspace not found."),
        ("POST", ["workspaces", var ws, "members", var user]) => Organization.UpdateWorkspaceMember(ws, user, BodyString(body, "workspace_role")),
        ("DELETE", ["workspaces", var ws, "members", var user]) => Organization.RemoveWorkspaceMember(ws, user),
        ("GET", ["api_keys"]) => CursorPage(query, Organization.Keys
            .Where(k => (query["status"].FirstOrDefault() is not { } status || k.Status == status)
                && (query["workspace_id"].FirstOrDefault() is not { } ws || k.WorkspaceId == ws)
                && (query["created_by_user_id"].FirstOrDefault() is not { } by || k.CreatedBy == by))
            .Select(k => (k.Id, Organization.ApiKey(k))).ToList()),
        ("GET", ["api_keys", var id]) => Organization.Keys.Find(k => k.Id == id) is { } key
            ? (200, Organization.ApiKey(key))
            : FakeOrganization.Error(404, "not_found_error", "API key not found."),
        ("POST", ["api_keys", var id]) => Organization.UpdateKeyStatus(id, BodyString(body, "status")),
        _ => NotFound(),
    };

    private object Workspace(string id, string name, string color) => new
    {
        id, type = "workspace", name, created_at = FakeOrganization.Timestamp(Organization.Founded.AddDays(100)), archived_at = (string?)null,
        display_color = color,
    };

    // ---- paging and parameters -------------------------------------------------------------------------------------

    /// <summary>The Compliance directory's page tokens (§1.5): opaque to clients; here a base64 offset, anything else a 400.</summary>
    private static (int, object) TokenPage(IQueryCollection query, int defaultLimit, int maxLimit, object[] items)
    {
        var limit = Limit(query, defaultLimit, maxLimit);
        var offset = 0;
        if (query["page"].FirstOrDefault() is { } token)
        {
            string text;
            try
            {
                text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            }
            catch (FormatException)
            {
                throw new BadRequest("Invalid page token.");
            }
            if (!text.StartsWith("o:", StringComparison.Ordinal) || !int.TryParse(text[2..], CultureInfo.InvariantCulture, out offset) || offset > items.Length)
            {
                throw new BadRequest("Invalid page token.");
            }
        }
        var data = items.Skip(offset).Take(limit).ToArray();
        var next = offset + data.Length;
        var hasMore = next < items.Length;
        return (200, new { data, has_more = hasMore, next_page = hasMore ? Convert.ToBase64String(Encoding.UTF8.GetBytes($"o:{next}")) : null });
    }

    /// <summary>The Admin API's cursors (§2.2): <c>after_id</c> / <c>before_id</c>, default limit 20.</summary>
    private static (int, object) CursorPage(IQueryCollection query, List<(string Id, object Item)> items)
    {
        var limit = Limit(query, 20, 1000);
        var afterId = query["after_id"].FirstOrDefault();
        var beforeId = query["before_id"].FirstOrDefault();
        if (afterId is not null && beforeId is not null)
        {
            throw new BadRequest("Only one of `after_id` and `before_id` may be provided.");
        }
        int start = 0, end = items.Count;
        if ((afterId ?? beforeId) is { } cursor)
        {
            var index = items.FindIndex(i => i.Id == cursor);
            if (index < 0)
            {
                throw new BadRequest($"Invalid `{(afterId is not null ? "after_id" : "before_id")}` \"{cursor}\".");
            }
            (start, end) = afterId is not null ? (index + 1, items.Count) : (Math.Max(0, index - limit), index);
        }
        var data = items.Skip(start).Take(Math.Min(limit, end - start)).ToList();
        var hasMore = beforeId is not null ? start > 0 : start + data.Count < items.Count;
        return (200, new
        {
            data = data.Select(d => d.Item).ToArray(), has_more = hasMore,
            first_id = data.Count > 0 ? data[0].Id : null, last_id = data.Count > 0 ? data[^1].Id : null,
        });
    }

    private static int Limit(IQueryCollection query, int defaultLimit, int max)
    {
        var text = query["limit"].FirstOrDefault();
        if (text is null)
        {
            return defaultLimit;
        }
        return int.TryParse(text, CultureInfo.InvariantCulture, out var limit) && limit >= 1 && limit <= max
            ? limit
            : throw new BadRequest($"The limit parameter must be between 1 and {max}, inclusive. Got {text}.");
    }

    private static DateTimeOffset? Time(IQueryCollection query, string name)
    {
        var text = query[name].FirstOrDefault();
        if (text is null)
        {
            return null;
        }
        // RFC 3339 needs a time and a zone: a bare date is a 400, as documented.
        var zoned = text.EndsWith('Z') || (text.Length > 6 && text[^6] is '+' or '-');
        return text.Contains('T') && zoned && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : throw new BadRequest($"Invalid `{name}`: \"{text}\" is not an RFC 3339 timestamp.");
    }

    private static string? BodyString(string? body, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(body) ? "{}" : body);
            return document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            throw new BadRequest("Request body is not valid JSON.");
        }
    }

    private static (int, object) NotFound() => FakeOrganization.Error(404, "not_found_error", "Not found.");

    private sealed class BadRequest(string message) : Exception(message);
}
