using System.Globalization;

namespace ReviewPortal.Tests.Claude;

/// <summary>
/// The usage endpoints of the fake: the Analytics API (beta header required, <c>group_by[]</c> of <c>api_key_id</c> or
/// <c>actor</c>+<c>workspace_id</c>, rows ranked by total tokens, offset cursors), the legacy usage report (one bucket per
/// day, every result in it) and Claude Code analytics (one day, paged). A test fills <see cref="Usage"/> and
/// <see cref="ClaudeCode"/>, and may change them between runs (late data).
/// </summary>
internal sealed partial class FakeClaudeApi
{
    public const string AnalyticsBeta = "analytics-usage-cost-2026-08-24";

    /// <summary>Messages usage: one entry per (day, key, actor, workspace); an entry without a key is Playground-like usage of a member.</summary>
    public List<FakeUsage> Usage { get; } = [];

    public List<FakeClaudeCode> ClaudeCode { get; } = [];

    internal sealed record FakeUsage(DateOnly Day, string? ApiKeyId, string ActorType, string ActorId, string? WorkspaceId,
        long Input, long Output, long CacheRead = 0, long Cache5m = 0, long Cache1h = 0, long Requests = 1, long WebSearch = 0);

    /// <summary>A Claude Code day: a member by <paramref name="Who"/> = email (<c>user_actor</c>) or a key by name (<c>api_actor</c>).</summary>
    internal sealed record FakeClaudeCode(DateOnly Day, string ActorType, string Who, int Sessions, int Added, int Removed, int Commits, int PullRequests,
        long Input, long Output, long CacheRead, long CacheCreation);

    private (int, object) AnalyticsUsage(FakeRequest request, Dictionary<string, string> query)
    {
        if (request.Beta != AnalyticsBeta)
        {
            return Error(400, "invalid_request_error", $"This endpoint requires anthropic-beta: {AnalyticsBeta}.");
        }
        var (from, to) = Range(query);
        var groupBy = QueryValues(request.Query, "group_by[]");
        var actorTypes = QueryValues(request.Query, "actor_types[]");
        var limit = int.Parse(query.GetValueOrDefault("limit", "20"), CultureInfo.InvariantCulture);
        // The two identity filters: api_key_ids[] matches what a key authenticated, actor_ids[] whose usage it was.
        var keyIds = QueryValues(request.Query, "api_key_ids[]");
        var actorIds = QueryValues(request.Query, "actor_ids[]");
        var inRange = Usage.Where(u => u.Day >= from && u.Day < to && (keyIds.Length == 0 || keyIds.Contains(u.ApiKeyId))
            && (actorIds.Length == 0 || actorIds.Contains(u.ActorId))).ToList();
        List<(DateOnly Day, object Group, FakeUsage Sum)> rows;
        if (groupBy.SequenceEqual(["api_key_id"]))
        {
            rows = [.. inRange.Where(u => u.ApiKeyId is not null).GroupBy(u => (u.Day, u.ApiKeyId))
                .Select(g => (g.Key.Day, (object)new { api_key_id = g.Key.ApiKeyId, actor = (object?)null, workspace_id = (string?)null }, Sum(g)))];
        }
        else if (groupBy.Order().SequenceEqual(["actor", "workspace_id"]))
        {
            rows = [.. inRange.Where(u => actorTypes.Length == 0 || actorTypes.Contains(u.ActorType)).GroupBy(u => (u.Day, u.ActorType, u.ActorId, u.WorkspaceId))
                .Select(g => (g.Key.Day, (object)new
                {
                    api_key_id = (string?)null,
                    actor = Actor(g.Key.ActorType, g.Key.ActorId),
                    workspace_id = g.Key.WorkspaceId,
                }, Sum(g)))];
        }
        else
        {
            return Error(400, "invalid_request_error", $"The fake does not group by {string.Join(",", groupBy)}.");
        }
        var ranked = rows.OrderByDescending(r => Total(r.Sum)).ThenBy(r => r.Day).ThenBy(r => System.Text.Json.JsonSerializer.Serialize(r.Group), StringComparer.Ordinal).ToList();
        var offset = query.TryGetValue("page", out var page) ? int.Parse(page, CultureInfo.InvariantCulture) : 0;
        var slice = ranked.Skip(offset).Take(limit).ToList();
        var more = offset + slice.Count < ranked.Count;
        return (200, new
        {
            data = slice.Select(r => new
            {
                starting_at = Stamp(r.Day), ending_at = Stamp(r.Day.AddDays(1)), group = r.Group,
                usage = new
                {
                    uncached_input_tokens = r.Sum.Input, cache_read_input_tokens = r.Sum.CacheRead,
                    cache_creation = new { ephemeral_5m_input_tokens = r.Sum.Cache5m, ephemeral_1h_input_tokens = r.Sum.Cache1h },
                    output_tokens = r.Sum.Output, total_tokens = Total(r.Sum), requests = r.Sum.Requests,
                    server_tool_use = new { web_search_requests = r.Sum.WebSearch },
                },
            }).ToList(),
            has_more = more,
            next_page = more ? (offset + slice.Count).ToString(CultureInfo.InvariantCulture) : null,
        });
    }

    private (int, object) UsageReport(FakeRequest request, Dictionary<string, string> query)
    {
        var (from, to) = Range(query);
        var groupBy = query.GetValueOrDefault("group_by[]", "");
        var byKey = groupBy == "api_key_id";
        var keyIds = QueryValues(request.Query, "api_key_ids[]");
        var accountIds = QueryValues(request.Query, "account_ids[]").Concat(QueryValues(request.Query, "service_account_ids[]")).ToArray();
        var days = new List<object>();
        for (var day = from; day < to; day = day.AddDays(1))
        {
            var of = Usage.Where(u => u.Day == day && (keyIds.Length == 0 || keyIds.Contains(u.ApiKeyId))
                && (accountIds.Length == 0 || accountIds.Contains(u.ActorId))).ToList();
            var results = byKey
                ? of.GroupBy(u => u.ApiKeyId).Select(g => Result(Sum(g), apiKey: g.Key, workspace: null, account: null, serviceAccount: null))
                : of.GroupBy(u => (u.ActorType, u.ActorId, u.WorkspaceId)).Select(g => Result(Sum(g), null, g.Key.WorkspaceId,
                    g.Key.ActorType == "user_actor" ? g.Key.ActorId : null, g.Key.ActorType == "service_account_actor" ? g.Key.ActorId : null));
            days.Add(new { starting_at = Stamp(day), ending_at = Stamp(day.AddDays(1)), results = results.ToList() });
        }
        return (200, new { data = days, has_more = false, next_page = (string?)null });
    }

    private (int, object) ClaudeCodeReport(Dictionary<string, string> query)
    {
        var day = DateOnly.ParseExact(query["starting_at"], "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var limit = int.Parse(query.GetValueOrDefault("limit", "20"), CultureInfo.InvariantCulture);
        var offset = query.TryGetValue("page", out var page) ? int.Parse(page, CultureInfo.InvariantCulture) : 0;
        var all = ClaudeCode.Where(c => c.Day == day).ToList();
        var slice = all.Skip(offset).Take(limit).ToList();
        var more = offset + slice.Count < all.Count;
        return (200, new
        {
            data = slice.Select(c => new
            {
                date = Stamp(c.Day),
                actor = c.ActorType == "user_actor" ? (object)new { type = c.ActorType, email_address = c.Who } : new { type = c.ActorType, api_key_name = c.Who },
                organization_id = "org_fake", customer_type = "api", terminal_type = "vscode",
                core_metrics = new
                {
                    num_sessions = c.Sessions, lines_of_code = new { added = c.Added, removed = c.Removed },
                    commits_by_claude_code = c.Commits, pull_requests_by_claude_code = c.PullRequests,
                },
                tool_actions = new { edit_tool = new { accepted = 1, rejected = 0 } },
                model_breakdown = new[]
                {
                    new
                    {
                        model = "claude-sonnet-5",
                        tokens = new { input = c.Input, output = c.Output, cache_read = c.CacheRead, cache_creation = c.CacheCreation },
                        estimated_cost = new { amount = 12.5, currency = "USD" },
                    },
                },
            }).ToList(),
            has_more = more,
            next_page = more ? (offset + slice.Count).ToString(CultureInfo.InvariantCulture) : null,
        });
    }

    private static object Actor(string type, string id) => type switch
    {
        "user_actor" => new { type, user_id = id, email_address = $"{id}@example.test", name = id, deleted = false },
        "service_account_actor" => new { type, service_account_id = id },
        _ => (object)new { type, api_key_id = id },
    };

    private static object Result(FakeUsage sum, string? apiKey, string? workspace, string? account, string? serviceAccount) => new
    {
        uncached_input_tokens = sum.Input, cache_read_input_tokens = sum.CacheRead,
        cache_creation = new { ephemeral_5m_input_tokens = sum.Cache5m, ephemeral_1h_input_tokens = sum.Cache1h },
        output_tokens = sum.Output, server_tool_use = new { web_search_requests = sum.WebSearch },
        api_key_id = apiKey, workspace_id = workspace, account_id = account, service_account_id = serviceAccount,
        model = (string?)null, service_tier = (string?)null, context_window = (string?)null, inference_geo = (string?)null,
    };

    private static FakeUsage Sum(IEnumerable<FakeUsage> rows)
    {
        var list = rows.ToList();
        return new FakeUsage(list[0].Day, list[0].ApiKeyId, list[0].ActorType, list[0].ActorId, list[0].WorkspaceId,
            list.Sum(r => r.Input), list.Sum(r => r.Output), list.Sum(r => r.CacheRead), list.Sum(r => r.Cache5m), list.Sum(r => r.Cache1h),
            list.Sum(r => r.Requests), list.Sum(r => r.WebSearch));
    }

    private static long Total(FakeUsage u) => u.Input + u.Output + u.CacheRead + u.Cache5m + u.Cache1h;

    private static (DateOnly From, DateOnly To) Range(Dictionary<string, string> query)
    {
        var from = DateTimeOffset.Parse(query["starting_at"], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        var to = query.TryGetValue("ending_at", out var end)
            ? DateTimeOffset.Parse(end, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)
            : from.AddDays(31);
        return (DateOnly.FromDateTime(from.UtcDateTime), DateOnly.FromDateTime(to.UtcDateTime));
    }

    private static string Stamp(DateOnly day) => day.ToDateTime(TimeOnly.MinValue).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
