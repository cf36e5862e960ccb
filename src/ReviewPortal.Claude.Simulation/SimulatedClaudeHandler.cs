using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using ReviewPortal.Claude.Models;

namespace ReviewPortal.Claude.Simulation;

/// <summary>
/// Serves the documented Compliance and Admin API contract in-process over a <see cref="SimulatedOrganization"/>, so the
/// real clients (serialization, paging, retries) run unchanged in demo mode and in tests. Faults come from
/// <see cref="SimulationFaults"/>.
/// </summary>
public sealed partial class SimulatedClaudeHandler(SimulatedOrganization organization, SimulationFaults faults) : HttpMessageHandler
{
    private static long _requestCounter;

    /// <summary>A handler with its own fault queue, for tests that do not go through DI.</summary>
    public SimulatedClaudeHandler(SimulatedOrganization organization)
        : this(organization, new SimulationFaults())
    {
    }

    private sealed record SimResponse(int Status, string Json, Dictionary<string, string>? Headers = null);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("Request has no URI.");
        var path = uri.AbsolutePath.TrimEnd('/');
        var fault = faults.Next(path);

        if (fault?.Kind == SimulatedFaultKind.Delay)
        {
            // Real time on purpose: the client's attempt timeout (also real time) is what this fault exercises.
            await Task.Delay(fault.Delay, cancellationToken).ConfigureAwait(false);
        }

        if (fault is { Kind: SimulatedFaultKind.Status })
        {
            return ToHttp(FaultResponse(fault));
        }

        if (!request.Headers.TryGetValues("x-api-key", out var keys) || string.IsNullOrWhiteSpace(keys.FirstOrDefault()))
        {
            // Failed authentication uses no quota, so no rate-limit headers either.
            return ToHttp(Error(401, "authentication_error", "The API key provided is invalid or has been revoked."));
        }

        if (fault?.Kind == SimulatedFaultKind.MalformedBody)
        {
            return ToHttp(new SimResponse(200, "{\"data\": [ {\"id\": \"activity_01broken\", <html>"));
        }

        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var query = ParseQuery(uri.Query);
        SimResponse response;
        Dictionary<string, string> rateHeaders;
        lock (organization.SyncRoot)
        {
            organization.CatchUp();
            rateHeaders = organization.RecordRequest();
            try
            {
                response = Route(request.Method, path, query, body, fault);
            }
            catch (BadRequest ex)
            {
                response = Error(400, "invalid_request_error", ex.Message);
            }
        }

        var http = ToHttp(response);
        foreach (var (name, value) in rateHeaders)
        {
            http.Headers.TryAddWithoutValidation(name, value);
        }

        return http;
    }

    private SimResponse Route(HttpMethod method, string path, Dictionary<string, List<string>> query, string? body, SimulatedFault? fault)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2 || segments[0] != "v1")
        {
            return NotFound();
        }

        var get = method == HttpMethod.Get;
        return (segments[1], segments.Length, get) switch
        {
            ("compliance", 3, true) when segments[2] == "activities" => Activities(query, fault),
            ("compliance", 3, true) when segments[2] == "organizations" => TokenPage(query, 1000, 1000, Organizations()),
            ("compliance", 5, true) when segments[2] == "organizations" && segments[4] == "users" => OrganizationUsers(segments[3], query),
            ("compliance", 5, true) when segments[2] == "organizations" && segments[4] == "roles" => OrganizationRoles(segments[3], query),
            ("compliance", 3, true) when segments[2] == "groups" => TokenPage(query, 500, 1000, organization.Groups.Select(g => g.Group)
                .Where(g => First(query, "name_prefix") is not { } prefix || g.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList()),
            ("compliance", 5, true) when segments[2] == "groups" && segments[4] == "members" => GroupMembers(segments[3], query),
            ("organizations", _, _) => Admin(method, segments[2..], query, body),
            _ => NotFound(),
        };
    }

    // ---- Activity Feed -----------------------------------------------------------------------------------

    private SimResponse Activities(Dictionary<string, List<string>> query, SimulatedFault? fault)
    {
        var limit = ParseLimit(query, 100, ActivityQuery.MaxLimit);
        var include = All(query, "activity_types[]");
        var exclude = All(query, "exclude_activity_types[]");
        if (include.Count > 0 && exclude.Count > 0)
        {
            throw new BadRequest("activity_types and exclude_activity_types cannot be used together.");
        }

        var afterId = First(query, "after_id");
        var beforeId = First(query, "before_id");
        if (afterId is not null && beforeId is not null)
        {
            throw new BadRequest("Only one of `after_id` and `before_id` may be provided.");
        }

        var order = First(query, "order") ?? "desc";
        if (order is not ("asc" or "desc"))
        {
            throw new BadRequest($"Invalid `order` \"{order}\". Expected \"asc\" or \"desc\".");
        }

        var actors = All(query, "actor_ids[]").Concat(All(query, "user_ids[]")).ToHashSet(StringComparer.Ordinal);
        var orgs = All(query, "organization_ids[]").ToHashSet(StringComparer.Ordinal);
        var gte = Timestamp(query, "created_at.gte");
        var gt = Timestamp(query, "created_at.gt");
        var lte = Timestamp(query, "created_at.lte");
        var lt = Timestamp(query, "created_at.lt");
        var visibleUntil = organization.Now.AddMinutes(-1); // indexing is asynchronous: events show up within a minute
        var includeSet = include.ToHashSet(StringComparer.Ordinal);
        var excludeSet = exclude.ToHashSet(StringComparer.Ordinal);

        bool Matches(SimulatedEvent e) =>
            e.CreatedAt <= visibleUntil &&
            (includeSet.Count == 0 || includeSet.Contains(e.Type)) &&
            !excludeSet.Contains(e.Type) &&
            (actors.Count == 0 || (e.ActorUserId is not null && actors.Contains(e.ActorUserId))) &&
            (orgs.Count == 0 || (e.OrganizationId is not null && orgs.Contains(e.OrganizationId)) || (e.OrganizationUuid is not null && orgs.Contains(e.OrganizationUuid))) &&
            (gte is null || e.CreatedAt >= gte) && (gt is null || e.CreatedAt > gt) &&
            (lte is null || e.CreatedAt <= lte) && (lt is null || e.CreatedAt < lt);

        var events = organization.Events;
        var step = order == "asc" ? 1 : -1;
        var cursorName = afterId is not null ? "after_id" : "before_id";
        var cursor = afterId ?? beforeId;
        var cursorIndex = cursor is null ? -1 : events.FindIndex(e => e.Id == cursor && e.CreatedAt <= visibleUntil);
        if (cursor is not null && cursorIndex < 0)
        {
            throw new BadRequest($"Invalid `{cursorName}`. No activity found for `{cursorName}` \"{cursor}\"");
        }

        // after_id (or no cursor) walks forward in result order; before_id walks backward and returns the adjacent page.
        var direction = beforeId is not null ? -step : step;
        var index = cursor is not null ? cursorIndex + direction : (step == 1 ? 0 : events.Count - 1);
        var found = new List<SimulatedEvent>(Math.Min(limit + 1, 5001));
        for (; index >= 0 && index < events.Count && found.Count <= limit; index += direction)
        {
            if (Matches(events[index]))
            {
                found.Add(events[index]);
            }
        }

        var hasMore = found.Count > limit;
        var page = found.Take(limit).ToList();
        if (beforeId is not null)
        {
            page.Reverse();
        }

        var records = page.Select(e => e.Json).ToList();
        switch (fault?.Kind)
        {
            case SimulatedFaultKind.RecordWithoutId:
                records.Add($"{{\"created_at\":\"{ClaudeJson.FormatTimestamp(visibleUntil)}\",\"organization_id\":null,\"organization_uuid\":null,\"actor\":{{\"type\":\"system_actor\",\"service\":null}},\"type\":\"claude_chat_created\"}}");
                break;
            case SimulatedFaultKind.DuplicateWithinPage when records.Count > 0:
                records.Add(records[0]);
                break;
            case SimulatedFaultKind.DuplicateAcrossPages when cursorIndex >= 0:
                records.Insert(0, events[cursorIndex].Json);
                break;
        }

        var json = new StringBuilder(records.Sum(r => r.Length + 1) + 200);
        json.Append("{\"data\":[").AppendJoin(',', records).Append("],\"has_more\":").Append(hasMore ? "true" : "false")
            .Append(",\"first_id\":").Append(JsonId(page.FirstOrDefault()?.Id))
            .Append(",\"last_id\":").Append(JsonId(page.LastOrDefault()?.Id)).Append('}');
        return new SimResponse(200, json.ToString());
    }

    private static string JsonId(string? id) => id is null ? "null" : JsonSerializer.Serialize(id);

    // ---- Compliance directory ----------------------------------------------------------------------------

    private List<ComplianceOrganization> Organizations() =>
    [
        new() { Uuid = organization.ParentOrganizationUuid, Name = organization.ParentOrganizationName, CreatedAt = organization.Anchor.AddDays(-900) },
        new() { Uuid = organization.ConsoleOrganizationUuid, Name = organization.ConsoleOrganizationName, CreatedAt = organization.Anchor.AddDays(-700) },
    ];

    private SimResponse OrganizationUsers(string orgUuid, Dictionary<string, List<string>> query)
    {
        if (orgUuid == organization.ParentOrganizationUuid)
        {
            return TokenPage(query, 500, 1000, organization.People.Where(p => p.Employed).OrderBy(p => p.JoinedAt)
                .Select(p => new ComplianceUser { Id = p.UserId, Email = p.Email, FullName = p.FullName, CreatedAt = p.JoinedAt, OrganizationRole = p.EnterpriseRole })
                .ToList());
        }

        if (orgUuid == organization.ConsoleOrganizationUuid)
        {
            return TokenPage(query, 500, 1000, organization.ConsoleMembers.OrderBy(m => m.AddedAt).Select(m =>
            {
                var person = organization.FindPerson(m.UserId)!;
                return new ComplianceUser { Id = m.UserId, Email = person.Email, FullName = person.FullName, CreatedAt = person.JoinedAt, OrganizationRole = m.Role };
            }).ToList());
        }

        return Error(404, "not_found_error", $"Organization {orgUuid} not found.");
    }

    private SimResponse OrganizationRoles(string orgUuid, Dictionary<string, List<string>> query) =>
        orgUuid == organization.ParentOrganizationUuid || orgUuid == organization.ConsoleOrganizationUuid
            ? TokenPage(query, 500, 1000, organization.Roles)
            : Error(404, "not_found_error", $"Organization {orgUuid} not found.");

    private SimResponse GroupMembers(string groupId, Dictionary<string, List<string>> query)
    {
        var group = organization.Groups.Find(g => g.Group.Id == groupId);
        return group is null ? Error(404, "not_found_error", "Group not found.") : TokenPage(query, 500, 1000, group.Members);
    }

    private static SimResponse TokenPage<T>(Dictionary<string, List<string>> query, int defaultLimit, int maxLimit, IReadOnlyList<T> items)
    {
        var limit = ParseLimit(query, defaultLimit, maxLimit);
        var offset = 0;
        if (First(query, "page") is { } token)
        {
            // Page tokens are opaque to clients; here they are a base64 offset, and anything else is a 400.
            try
            {
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
                if (!text.StartsWith("o:", StringComparison.Ordinal) || !int.TryParse(text[2..], NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset > items.Count)
                {
                    throw new FormatException();
                }
            }
            catch (FormatException)
            {
                throw new BadRequest("Invalid page token.");
            }
        }

        var data = items.Skip(offset).Take(limit).ToList();
        var next = offset + data.Count;
        var hasMore = next < items.Count;
        var page = new TokenPage<T> { Data = data, HasMore = hasMore, NextPage = hasMore ? Convert.ToBase64String(Encoding.UTF8.GetBytes($"o:{next}")) : null };
        return Ok(page);
    }

    // ---- Admin API -----------------------------------------------------------------------------------------

    private SimResponse Admin(HttpMethod method, string[] s, Dictionary<string, List<string>> query, string? body)
    {
        var get = method == HttpMethod.Get;
        var post = method == HttpMethod.Post;
        var delete = method == HttpMethod.Delete;
        return (s.Length, s.Length > 0 ? s[0] : "") switch
        {
            (1, "users") when get => CursorPage(query, AdminUsers(First(query, "email")), u => u.Id),
            (2, "users") when get => AdminUsers(null).Find(u => u.Id == s[1]) is { } user ? Ok(user) : Error(404, "not_found_error", "User not found."),
            (2, "users") when post => UpdateUserRole(s[1], body),
            (2, "users") when delete => DeleteUser(s[1]),
            (1, "workspaces") when get => CursorPage(query,
                organization.WorkspaceList.Where(w => w.ArchivedAt is null || First(query, "include_archived") == "true").ToList(), w => w.Id),
            (3, "workspaces") when get && s[2] == "members" => WorkspaceExists(s[1])
                ? CursorPage(query, organization.WorkspaceMembers.Where(m => m.WorkspaceId == s[1]).ToList(), m => m.UserId)
                : Error(404, "not_found_error", "Workspace not found."),
            (3, "workspaces") when post && s[2] == "members" => AddWorkspaceMember(s[1], body),
            (4, "workspaces") when post && s[2] == "members" => UpdateWorkspaceMember(s[1], s[3], body),
            (4, "workspaces") when delete && s[2] == "members" => RemoveWorkspaceMember(s[1], s[3]),
            (1, "api_keys") when get => CursorPage(query, organization.ApiKeyList.Where(k =>
                (First(query, "status") is not { } status || k.Status == status) &&
                (First(query, "workspace_id") is not { } ws || k.WorkspaceId == ws) &&
                (First(query, "created_by_user_id") is not { } by || k.CreatedBy?.Id == by)).ToList(), k => k.Id),
            (2, "api_keys") when get => organization.ApiKeyList.Find(k => k.Id == s[1]) is { } key ? Ok(key) : Error(404, "not_found_error", "API key not found."),
            (2, "api_keys") when post => UpdateApiKey(s[1], body),
            (2, "analytics") when get && s[1] == "usage" => AnalyticsUsage(query),
            (2, "usage_report") when get && s[1] == "messages" => UsageReport(query),
            (2, "usage_report") when get && s[1] == "claude_code" => ClaudeCodeReport(query),
            _ => NotFound(),
        };
    }

    private List<AdminUser> AdminUsers(string? email) => organization.ConsoleMembers
        .Select(m => (Member: m, Person: organization.FindPerson(m.UserId)!))
        .Where(x => email is null || string.Equals(StripTag(x.Person.Email), StripTag(email), StringComparison.OrdinalIgnoreCase))
        .Select(x => new AdminUser { Id = x.Member.UserId, Email = x.Person.Email, Name = x.Person.FullName, Role = x.Member.Role, AddedAt = x.Member.AddedAt })
        .ToList();

    private static string StripTag(string email)
    {
        var at = email.IndexOf('@');
        var plus = email.IndexOf('+');
        return plus >= 0 && plus < at ? email[..plus] + email[at..] : email;
    }

    private bool WorkspaceExists(string workspaceId) => organization.WorkspaceList.Exists(w => w.Id == workspaceId);

    private static SimResponse CursorPage<T>(Dictionary<string, List<string>> query, List<T> items, Func<T, string> id)
    {
        var limit = ParseLimit(query, 20, 1000);
        var afterId = First(query, "after_id");
        var beforeId = First(query, "before_id");
        if (afterId is not null && beforeId is not null)
        {
            throw new BadRequest("Only one of `after_id` and `before_id` may be provided.");
        }

        int start, end; // [start, end) of candidate items
        if (afterId is not null || beforeId is not null)
        {
            var cursor = (afterId ?? beforeId)!;
            var index = items.FindIndex(i => id(i) == cursor);
            if (index < 0)
            {
                throw new BadRequest($"Invalid `{(afterId is not null ? "after_id" : "before_id")}` \"{cursor}\".");
            }

            (start, end) = afterId is not null ? (index + 1, items.Count) : (Math.Max(0, index - limit), index);
        }
        else
        {
            (start, end) = (0, items.Count);
        }

        var data = items.Skip(start).Take(Math.Min(limit, end - start)).ToList();
        var hasMore = beforeId is not null ? start > 0 : start + data.Count < items.Count;
        return Ok(new CursorPage<T> { Data = data, HasMore = hasMore, FirstId = data.Count > 0 ? id(data[0]) : null, LastId = data.Count > 0 ? id(data[^1]) : null });
    }
}
