using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace ReviewPortal.Benchmarks.Sync;

/// <summary>
/// A large organization as two APIs serve it: Entra ID's users delta query (every person, department, title and manager;
/// a delta round after the first answers "nothing changed") and the Claude Compliance and Admin APIs' listings (one
/// Console organization whose users are nine in ten of the people, a workspace per hundred people with everyone a member,
/// and API keys created by its users), paged as the APIs page. Answers are generated per request from the indices.
/// </summary>
internal sealed class SyntheticOrganization(int people, int apiKeys)
{
    public const string Org = "00000000-0000-4000-8000-000000000001";
    public int People => people;
    public int ApiKeys => apiKeys;
    public int ClaudeUsers => people - people / 10;
    public int Workspaces => Math.Max(1, people / 100);
    public int Requests;

    private static string UserId(int i) => $"user_01Bench{i:D8}";
    private static string Email(int i) => $"person{i}@northwind.example";
    // Person i is a Claude user unless i % 10 == 9 (a tenth of the company has no seat).
    private static bool HasSeat(int i) => i % 10 != 9;
    private int[]? _users;
    private int[] Users => _users ??= [.. Enumerable.Range(0, people).Where(HasSeat)];

    /// <summary>The Claude APIs (Compliance directory and Admin API listings).</summary>
    public HttpMessageHandler Claude() => new Handler(this, RespondClaude);

    /// <summary>Microsoft Graph's users delta query.</summary>
    public HttpMessageHandler Graph() => new Handler(this, RespondGraph);

    private object RespondClaude(Uri uri)
    {
        var segments = uri.AbsolutePath.Trim('/').Split('/');
        var query = QueryHelpers.ParseQuery(uri.Query);
        var limit = int.Parse(query.TryGetValue("limit", out var l) ? l.ToString() : "100", CultureInfo.InvariantCulture);
        return segments switch
        {
            ["v1", "compliance", "organizations"] => TokenPage([new { uuid = Org, name = "Northwind Console", created_at = "2025-01-01T00:00:00Z" }], null),
            ["v1", "compliance", "organizations", _, "users"] => TokenPaged(Users, limit, query, i => new
            {
                id = UserId(i), email = Email(i), full_name = $"Person {i}", organization_role = i % 50 == 0 ? "admin" : "developer",
                created_at = "2025-01-01T00:00:00Z",
            }),
            ["v1", "compliance", "organizations", _, "roles"] or ["v1", "compliance", "groups"] => TokenPage([], null),
            ["v1", "organizations", "workspaces"] => CursorPaged(Enumerable.Range(0, Workspaces), limit, query, w => $"wrkspc_{w:D5}",
                w => new { id = $"wrkspc_{w:D5}", type = "workspace", name = $"Workspace {w}", created_at = "2025-01-01T00:00:00Z" }),
            ["v1", "organizations", "workspaces", var ws, "members"] => CursorPaged(
                Users.Where(i => i % Workspaces == int.Parse(ws["wrkspc_".Length..], CultureInfo.InvariantCulture)), limit, query, UserId,
                i => new { type = "workspace_member", user_id = UserId(i), workspace_id = ws, workspace_role = i < Workspaces ? "workspace_admin" : "workspace_developer" }),
            ["v1", "organizations", "api_keys"] => CursorPaged(Enumerable.Range(0, apiKeys), limit, query, k => $"apikey_01Bench{k:D8}", k => new
            {
                id = $"apikey_01Bench{k:D8}", type = "api_key", name = $"key-{k}", status = "active", created_at = "2025-06-01T00:00:00Z",
                created_by = new { id = UserId(Users[k * 7 % Users.Length]), type = "user" }, partial_key_hint = "sk-ant-api03-R2D...igAA",
                workspace_id = $"wrkspc_{k % Workspaces:D5}",
            }),
            _ => throw new InvalidOperationException($"The synthetic Claude API does not serve {uri.AbsolutePath}"),
        };
    }

    private const int GraphPage = 500;

    private object RespondGraph(Uri uri)
    {
        var query = QueryHelpers.ParseQuery(uri.Query);
        var baseUrl = $"{uri.Scheme}://{uri.Authority}/v1.0/users/delta";
        if (query.ContainsKey("$deltatoken"))
        {
            // Nothing changed since the last round.
            return new Dictionary<string, object?> { ["value"] = Array.Empty<object>(), ["@odata.deltaLink"] = $"{baseUrl}?$deltatoken=2" };
        }
        var skip = query.TryGetValue("$skiptoken", out var s) ? int.Parse(s.ToString(), CultureInfo.InvariantCulture) : 0;
        var page = Enumerable.Range(skip, Math.Min(GraphPage, people - skip)).Select(i => new Dictionary<string, object?>
        {
            ["id"] = $"oid-{i:D8}", ["displayName"] = $"Person {i}", ["mail"] = Email(i).ToUpperInvariant(), ["userPrincipalName"] = Email(i),
            ["department"] = $"Dept {i % 20:D2}", ["jobTitle"] = i % 17 == 0 ? "Engineering Manager" : "Engineer", ["accountEnabled"] = true,
            ["manager@delta"] = i == 0 ? null : new[] { new Dictionary<string, object?> { ["@odata.type"] = "#microsoft.graph.user", ["id"] = $"oid-{i / 10:D8}" } },
        }).ToList();
        var answer = new Dictionary<string, object?> { ["value"] = page };
        answer[skip + GraphPage < people ? "@odata.nextLink" : "@odata.deltaLink"] = skip + GraphPage < people
            ? $"{baseUrl}?$skiptoken={skip + GraphPage}" : $"{baseUrl}?$deltatoken=1";
        return answer;
    }

    private static object TokenPage(IEnumerable<object> data, string? next) => new { data, has_more = next is not null, next_page = next };

    private static object TokenPaged<T>(IEnumerable<int> items, int limit, Dictionary<string, Microsoft.Extensions.Primitives.StringValues> query, Func<int, T> shape)
    {
        var offset = query.TryGetValue("page", out var p) ? int.Parse(p.ToString(), CultureInfo.InvariantCulture) : 0;
        var page = items.Skip(offset).Take(limit + 1).ToList();
        return new { data = page.Take(limit).Select(shape), has_more = page.Count > limit, next_page = page.Count > limit ? (offset + limit).ToString(CultureInfo.InvariantCulture) : null };
    }

    private static object CursorPaged<T>(IEnumerable<int> items, int limit, Dictionary<string, Microsoft.Extensions.Primitives.StringValues> query,
        Func<int, string> id, Func<int, T> shape)
    {
        var after = query.TryGetValue("after_id", out var a) ? a.ToString() : null;
        var rest = after is null ? items : items.SkipWhile(i => id(i) != after).Skip(1);
        var page = rest.Take(limit + 1).ToList();
        var shown = page.Take(limit).ToList();
        return new { data = shown.Select(shape), has_more = page.Count > limit, first_id = shown.Count > 0 ? id(shown[0]) : null, last_id = shown.Count > 0 ? id(shown[^1]) : null };
    }

    private sealed class Handler(SyntheticOrganization organization, Func<Uri, object> respond) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.Run(() =>
        {
            Interlocked.Increment(ref organization.Requests);
            var body = JsonSerializer.SerializeToUtf8Bytes(respond(request.RequestUri!));
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body), RequestMessage = request };
            response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = Encoding.UTF8.WebName };
            response.Headers.Add("request-id", "req_bench");
            return response;
        }, cancellationToken);
    }
}
