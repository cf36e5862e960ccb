using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ReviewPortal.Tests.Claude;

/// <summary>A request as the fake API received it.</summary>
internal sealed record FakeRequest(string Method, string Path, string Query, string? Body, string? Beta = null);

/// <summary>What the fake API does with the next request under a path prefix, instead of answering it normally.</summary>
internal abstract record FakeFault
{
    /// <summary>Answers normally: lets a fault aim at a later request (<c>Enqueue(path, Answer, Overloaded)</c> hits the second).</summary>
    public static FakeFault Answer { get; } = new AnswerFault();

    /// <summary>Never answers: the caller's timeout (or the end of the test) is the only way out.</summary>
    public static FakeFault Hang { get; } = new HangFault(ApplyFirst: false);

    /// <summary>Makes the change, then never answers: the change happened upstream, the caller never learns it.</summary>
    public static FakeFault ApplyThenHang { get; } = new HangFault(ApplyFirst: true);

    /// <summary>Drops the connection without an answer: the client sees an <see cref="HttpRequestException"/>.</summary>
    public static FakeFault ConnectionReset { get; } = new ResetFault();

    public static FakeFault Status(int status, string type, string message, params (string Name, string Value)[] headers) =>
        new StatusFault(status, type, message, headers);

    public static FakeFault Overloaded { get; } = Status(503, "overloaded_error", "Overloaded.");

    public static FakeFault RateLimited(string retryAfterSeconds) =>
        Status(429, "rate_limit_error", "Number of requests has exceeded your rate limit.", ("retry-after", retryAfterSeconds));

    internal sealed record AnswerFault : FakeFault;

    internal sealed record HangFault(bool ApplyFirst) : FakeFault;

    internal sealed record ResetFault : FakeFault;

    internal sealed record StatusFault(int StatusCode, string Type, string Message, (string Name, string Value)[] Headers) : FakeFault;
}

/// <summary>
/// A stand-in for the Claude APIs on a real Kestrel port on 127.0.0.1, speaking the wire contract
/// (shared/brief/claude-api.md) of the endpoints provisioning, remediation and ingestion call: adding a workspace member
/// (an existing member answers 409 <c>conflict_error</c>) and updating one's role, an API key's status, and the Activity
/// Feed (asc order, <c>after_id</c>, <c>created_at.gte</c>/<c>.lt</c>, <c>limit</c>). Each API takes only its own key.
/// It is not the simulated organization: faults are scripted per path prefix, one per request, and every request that
/// arrives is counted, so a test sees exactly what reached the wire. (The E2E suite's fake in
/// <c>ReviewPortal.E2ETests/Nodes</c> serves a whole organization with a live rate limit for the two-node test; this one is
/// small and scripted, for failures.)
/// </summary>
internal sealed partial class FakeClaudeApi : IAsyncDisposable
{
    public const string ComplianceKey = "sk-ant-api01-fakeComplianceKey0secretsecretsecret00AA";
    public const string AdminKey = "sk-ant-admin01-fakeAdminKey00secretsecretsecret000BB";

    private readonly Lock _gate = new();
    private readonly List<(string PathPrefix, FakeFault Fault)> _faults = [];
    private readonly List<FakeRequest> _requests = [];
    private readonly List<(string Id, DateTimeOffset CreatedAt)> _activities = [];
    private readonly Channel<FakeRequest> _arrivals = Channel.CreateUnbounded<FakeRequest>();
    private readonly CancellationTokenSource _stopping = new();
    private readonly WebApplication _app;
    private int _requestIds;
    private int _disposed;

    private FakeClaudeApi(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Workspace memberships: (workspace id, user id) → workspace role.</summary>
    public Dictionary<(string Workspace, string User), string> Members { get; } = [];

    public Dictionary<string, string> ApiKeyStatuses { get; } = [];

    /// <summary>The organization's directory as the listing endpoints serve it (one page each); empty unless a test fills it.</summary>
    public FakeDirectory Directory { get; } = new();

    public sealed class FakeDirectory
    {
        public List<(string Uuid, string Name)> Organizations { get; } = [];
        /// <summary>Organization uuid → its users (id, email, full name, organization role).</summary>
        public Dictionary<string, List<(string Id, string Email, string Name, string Role)>> Users { get; } = [];
        public List<(string Id, string Name)> Workspaces { get; } = [];
        /// <summary>API keys (their status may be changed by <see cref="ApiKeyStatuses"/>).</summary>
        public List<(string Id, string Name, string CreatedByUserId, string? WorkspaceId)> ApiKeys { get; } = [];
    }

    /// <summary>Every request that reached the API, in arrival order.</summary>
    public IReadOnlyList<FakeRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Requests that change something (POST/DELETE), in order.</summary>
    public IReadOnlyList<FakeRequest> Mutations => [.. Requests.Where(r => r.Method != "GET")];

    public static async Task<FakeClaudeApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Not the portal: the portal's appsettings.json in this output folder restricts AllowedHosts for the portal only.
        builder.Configuration["AllowedHosts"] = "*";
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var api = new FakeClaudeApi(builder.Build());
        api._app.Run(api.HandleAsync);
        await api._app.StartAsync();
        api.BaseUrl = api._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return api;
    }

    public void Enqueue(string pathPrefix, params FakeFault[] faults)
    {
        lock (_gate)
        {
            _faults.AddRange(faults.Select(f => (pathPrefix, f)));
        }
    }

    public void AddActivity(string id, DateTimeOffset createdAt)
    {
        lock (_gate)
        {
            _activities.Add((id, createdAt));
        }
    }

    /// <summary>Waits for the next request to arrive (requests queue in arrival order), within a real-time guard against a hang.</summary>
    public async Task<FakeRequest> NextArrivalAsync()
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await _arrivals.Reader.ReadAsync(guard.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        // Releases every request still hanging, so the server stops at once.
        await _stopping.CancelAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var body = request.Method == "GET" ? null : await new StreamReader(request.Body).ReadToEndAsync(context.RequestAborted);
        var beta = request.Headers["anthropic-beta"].ToString();
        var recorded = new FakeRequest(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", body, beta.Length > 0 ? beta : null);
        FakeFault? fault;
        lock (_gate)
        {
            _requests.Add(recorded);
            fault = TakeFault(recorded.Path);
        }
        _arrivals.Writer.TryWrite(recorded);

        var admin = recorded.Path.StartsWith("/v1/organizations/", StringComparison.Ordinal);
        if (request.Headers["x-api-key"] != (admin ? AdminKey : ComplianceKey))
        {
            await WriteAsync(context, Error(401, "authentication_error", "The API key provided is invalid or has been revoked."));
            return;
        }
        switch (fault)
        {
            case FakeFault.HangFault hang:
                if (hang.ApplyFirst)
                {
                    Answer(recorded);
                }
                using (var released = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token))
                {
                    // Until the client gives up (its timeout closes the connection) or the fake stops.
                    await Task.Delay(Timeout.Infinite, released.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                }
                context.Abort();
                return;
            case FakeFault.ResetFault:
                context.Abort();
                return;
            case FakeFault.StatusFault status:
                var (code, payload) = Error(status.StatusCode, status.Type, status.Message);
                foreach (var (name, value) in status.Headers)
                {
                    context.Response.Headers[name] = value;
                }
                await WriteAsync(context, (code, payload));
                return;
            default:
                (int, object) answer;
                try
                {
                    answer = Answer(recorded);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A bug in the fake fails the test with its message; a 500 would be retried on the test's frozen clock forever.
                    answer = Error(400, "fake_error", $"The fake failed: {ex}");
                }
                await WriteAsync(context, answer);
                return;
        }
    }

    private FakeFault? TakeFault(string path)
    {
        var index = _faults.FindIndex(f => path.StartsWith(f.PathPrefix, StringComparison.Ordinal));
        if (index < 0)
        {
            return null;
        }
        var fault = _faults[index].Fault;
        _faults.RemoveAt(index);
        return fault;
    }

    private (int Status, object Body) Answer(FakeRequest request)
    {
        var segments = request.Path.Trim('/').Split('/');
        lock (_gate)
        {
            switch (request.Method, segments)
            {
                case ("POST", ["v1", "organizations", "workspaces", var workspace, "members"]):
                {
                    using var json = JsonDocument.Parse(request.Body!);
                    var user = json.RootElement.GetProperty("user_id").GetString()!;
                    var role = json.RootElement.GetProperty("workspace_role").GetString()!;
                    if (Members.ContainsKey((workspace, user)))
                    {
                        return Error(409, "conflict_error", "User is already a member of this workspace.");
                    }
                    Members[(workspace, user)] = role;
                    return Member(workspace, user, role);
                }
                case ("POST", ["v1", "organizations", "workspaces", var workspace, "members", var user]):
                {
                    if (!Members.ContainsKey((workspace, user)))
                    {
                        return Error(404, "not_found_error", "Workspace member not found.");
                    }
                    using var json = JsonDocument.Parse(request.Body!);
                    var role = json.RootElement.GetProperty("workspace_role").GetString()!;
                    Members[(workspace, user)] = role;
                    return Member(workspace, user, role);
                }
                case ("POST", ["v1", "organizations", "api_keys", var keyId]):
                {
                    using var json = JsonDocument.Parse(request.Body!);
                    var status = json.RootElement.GetProperty("status").GetString()!;
                    ApiKeyStatuses[keyId] = status;
                    return (200, new { id = keyId, type = "api_key", name = keyId, status });
                }
                case ("GET", ["v1", "compliance", "activities"]):
                    return ActivityPage(QueryString(request.Query));
                case ("GET", ["v1", "compliance", "organizations"]):
                    return TokenPage(Directory.Organizations.Select(o => new { uuid = o.Uuid, name = o.Name, created_at = Created }));
                case ("GET", ["v1", "compliance", "organizations", var org, "users"]):
                    return TokenPage(Directory.Users.GetValueOrDefault(org, []).Select(u => new
                    {
                        id = u.Id, email = u.Email, full_name = u.Name, organization_role = u.Role, created_at = Created,
                    }));
                case ("GET", ["v1", "compliance", "organizations", _, "roles"]):
                case ("GET", ["v1", "compliance", "groups"]):
                    return TokenPage(Array.Empty<object>());
                case ("GET", ["v1", "organizations", "users"]):
                    return CursorPage(Directory.Users.Values.SelectMany(u => u).DistinctBy(u => u.Id)
                        .Select(u => new { id = u.Id, type = "user", email = u.Email, name = u.Name, role = "user", added_at = Created }), u => u.id);
                case ("GET", ["v1", "organizations", "workspaces"]):
                    return CursorPage(Directory.Workspaces.Select(w => new { id = w.Id, type = "workspace", name = w.Name, created_at = Created }), w => w.id);
                case ("GET", ["v1", "organizations", "workspaces", var workspace, "members"]):
                    return CursorPage(Members.Where(m => m.Key.Workspace == workspace).OrderBy(m => m.Key.User, StringComparer.Ordinal)
                        .Select(m => new { type = "workspace_member", user_id = m.Key.User, workspace_id = workspace, workspace_role = m.Value }), m => m.user_id);
                case ("GET", ["v1", "organizations", "api_keys"]):
                    return CursorPage(Directory.ApiKeys.Select(k => new
                    {
                        id = k.Id, type = "api_key", name = k.Name, status = ApiKeyStatuses.GetValueOrDefault(k.Id, "active"), created_at = Created,
                        created_by = new { id = k.CreatedByUserId, type = "user" }, partial_key_hint = "sk-ant-api03-R2D...igAA",
                        workspace_id = k.WorkspaceId,
                    }), k => k.id);
                case ("GET", ["v1", "organizations", "analytics", "usage"]):
                    return AnalyticsUsage(request, QueryString(request.Query));
                case ("GET", ["v1", "organizations", "usage_report", "messages"]):
                    return UsageReport(request, QueryString(request.Query));
                case ("GET", ["v1", "organizations", "usage_report", "claude_code"]):
                    return ClaudeCodeReport(QueryString(request.Query));
                default:
                    return Error(404, "not_found_error", $"The fake Claude API does not serve {request.Method} {request.Path}.");
            }
        }
    }

    private (int, object) ActivityPage(Dictionary<string, string> query)
    {
        DateTimeOffset? At(string name) =>
            query.TryGetValue(name, out var text) ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal) : null;
        var gte = At("created_at.gte");
        var lt = At("created_at.lt");
        var limit = int.Parse(query.GetValueOrDefault("limit", "1000"), CultureInfo.InvariantCulture);
        IEnumerable<(string Id, DateTimeOffset CreatedAt)> matching = _activities
            .Where(a => (gte is null || a.CreatedAt >= gte) && (lt is null || a.CreatedAt < lt));
        if (query.TryGetValue("after_id", out var after))
        {
            matching = matching.SkipWhile(a => a.Id != after).Skip(1);
        }
        var all = matching.ToList();
        var page = all.Take(limit).ToList();
        return (200, new
        {
            data = page.Select(a => new
            {
                id = a.Id, type = "claude_chat_created",
                created_at = a.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                organization_id = "org_fake", organization_uuid = "00000000-0000-0000-0000-000000000001",
                actor = new { type = "user_actor", user_id = "user_fake", email_address = "fake@example.test" },
            }),
            has_more = all.Count > page.Count,
            first_id = page.Count > 0 ? page[0].Id : null,
            last_id = page.Count > 0 ? page[^1].Id : null,
        });
    }

    private const string Created = "2026-01-05T09:00:00Z";

    private static (int, object) TokenPage<T>(IEnumerable<T> data) => (200, new { data = data.ToList(), has_more = false, next_page = (string?)null });

    private static (int, object) CursorPage<T>(IEnumerable<T> data, Func<T, string> id)
    {
        var list = data.ToList();
        return (200, new { data = list, has_more = false, first_id = list.Count > 0 ? id(list[0]) : null, last_id = list.Count > 0 ? id(list[^1]) : null });
    }

    private static Dictionary<string, string> QueryString(string query) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query).ToDictionary(p => p.Key, p => p.Value.ToString());

    /// <summary>Every value of a repeated parameter (<c>group_by[]=a&amp;group_by[]=b</c>).</summary>
    private static string[] QueryValues(string query, string name) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query).TryGetValue(name, out var values) ? [.. values.Select(v => v!)] : [];

    private static (int, object) Member(string workspace, string user, string role) =>
        (200, new { type = "workspace_member", user_id = user, workspace_id = workspace, workspace_role = role });

    private (int, object) Error(int status, string type, string message) =>
        (status, new { type = "error", error = new { type, message }, request_id = NextRequestId() });

    private async Task WriteAsync(HttpContext context, (int Status, object Body) answer)
    {
        context.Response.StatusCode = answer.Status;
        context.Response.Headers["request-id"] = NextRequestId();
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(answer.Body));
    }

    private string NextRequestId() => $"req_fake{Interlocked.Increment(ref _requestIds):D6}";
}
