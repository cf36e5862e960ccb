using System.Globalization;
using ReviewPortal.Claude.Models;

namespace ReviewPortal.Claude.Simulation;

// Usage reporting, served from SimulatedOrganization.Usage: the Analytics API (grouped by key, or by actor and workspace),
// the legacy usage report and Claude Code analytics. A key's usage is its holder's (user or service account) in the key's workspace.
public sealed partial class SimulatedClaudeHandler
{
    private SimResponse AnalyticsUsage(Dictionary<string, List<string>> query)
    {
        var (from, to) = UsageRange(query);
        var groupBy = query.GetValueOrDefault("group_by[]") ?? [];
        var byKey = groupBy.Contains("api_key_id");
        var keyIds = query.GetValueOrDefault("api_key_ids[]") ?? [];
        var actorIds = query.GetValueOrDefault("actor_ids[]") ?? [];
        var rows = new List<AnalyticsUsageRow>();
        for (var day = from; day < to; day = day.AddDays(1))
        {
            // api_key_ids[] keeps what those keys authenticated; actor_ids[] what those members or service accounts did.
            var used = organization.UsageOn(day).Where(u => (keyIds.Count == 0 || keyIds.Contains(u.Key.Id))
                && (actorIds.Count == 0 || (u.Key.Principal is { } p && actorIds.Contains(p.Id))));
            var groups = byKey
                ? used.GroupBy(u => (Key: (string?)u.Key.Id, Actor: (PrincipalRef?)null, Workspace: (string?)null))
                : used.GroupBy(u => (Key: (string?)null, Actor: (PrincipalRef?)u.Key.Principal, Workspace: u.Key.WorkspaceId));
            foreach (var g in groups)
            {
                rows.Add(new AnalyticsUsageRow
                {
                    StartingAt = Midnight(day),
                    EndingAt = Midnight(day.AddDays(1)),
                    Group = new AnalyticsUsageGroup
                    {
                        ApiKeyId = g.Key.Key,
                        WorkspaceId = g.Key.Workspace,
                        Actor = g.Key.Actor is { } actor
                            ? actor.Type == "service_account"
                                ? new UsageActor { Type = "service_account_actor", ServiceAccountId = actor.Id }
                                : new UsageActor { Type = "user_actor", UserId = actor.Id }
                            : null,
                    },
                    Usage = Metrics<UsageMetrics>(g.Select(u => u.Usage)),
                });
            }
        }
        rows.Sort((a, b) => b.Usage.TotalTokens.CompareTo(a.Usage.TotalTokens));
        return TokenPage(query, 20, 1000, rows);
    }

    private SimResponse UsageReport(Dictionary<string, List<string>> query)
    {
        var (from, to) = UsageRange(query);
        var groupBy = query.GetValueOrDefault("group_by[]") ?? [];
        var keyIds = query.GetValueOrDefault("api_key_ids[]") ?? [];
        List<string> accountIds = [.. query.GetValueOrDefault("account_ids[]") ?? [], .. query.GetValueOrDefault("service_account_ids[]") ?? []];
        var buckets = new List<UsageReportBucket>();
        for (var day = from; day < to; day = day.AddDays(1))
        {
            var used = organization.UsageOn(day).Where(u => (keyIds.Count == 0 || keyIds.Contains(u.Key.Id))
                && (accountIds.Count == 0 || (u.Key.Principal is { } p && accountIds.Contains(p.Id))));
            var results = groupBy.Contains("api_key_id")
                ? used.GroupBy(u => u.Key.Id).Select(g => Metrics<UsageReportResult>(g.Select(u => u.Usage)) with { ApiKeyId = g.Key })
                : used.GroupBy(u => (u.Key.Principal, u.Key.WorkspaceId)).Select(g => Metrics<UsageReportResult>(g.Select(u => u.Usage)) with
                {
                    WorkspaceId = g.Key.WorkspaceId,
                    AccountId = g.Key.Principal?.Type == "service_account" ? null : g.Key.Principal?.Id,
                    ServiceAccountId = g.Key.Principal?.Type == "service_account" ? g.Key.Principal.Id : null,
                });
            buckets.Add(new UsageReportBucket { StartingAt = Midnight(day), EndingAt = Midnight(day.AddDays(1)), Results = [.. results] });
        }
        return TokenPage(query, 7, 31, buckets);
    }

    private SimResponse ClaudeCodeReport(Dictionary<string, List<string>> query)
    {
        if (!DateOnly.TryParseExact(First(query, "starting_at"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            throw new BadRequest("starting_at must be a UTC day (YYYY-MM-DD).");
        }
        return TokenPage(query, 20, 1000, organization.ClaudeCodeOn(day));
    }

    private static T Metrics<T>(IEnumerable<(long Input, long Output, long CacheRead, long CacheWrite, long Requests, long WebSearch)> usage)
        where T : UsageMetrics, new()
    {
        long input = 0, output = 0, cacheRead = 0, cacheWrite = 0, requests = 0, webSearch = 0;
        foreach (var u in usage)
        {
            (input, output, cacheRead, cacheWrite, requests, webSearch) =
                (input + u.Input, output + u.Output, cacheRead + u.CacheRead, cacheWrite + u.CacheWrite, requests + u.Requests, webSearch + u.WebSearch);
        }
        return new T
        {
            UncachedInputTokens = input,
            OutputTokens = output,
            CacheReadInputTokens = cacheRead,
            CacheCreation = new UsageCacheCreation { Ephemeral5mInputTokens = cacheWrite },
            TotalTokens = input + output + cacheRead + cacheWrite,
            Requests = typeof(T) == typeof(UsageReportResult) ? 0 : requests,
            ServerToolUse = new UsageServerToolUse { WebSearchRequests = webSearch },
        };
    }

    private static (DateOnly From, DateOnly To) UsageRange(Dictionary<string, List<string>> query)
    {
        if (!ClaudeJson.TryParseTimestamp(First(query, "starting_at"), out var from))
        {
            throw new BadRequest("starting_at is required (RFC 3339).");
        }
        var to = ClaudeJson.TryParseTimestamp(First(query, "ending_at"), out var end) ? end : from.AddDays(31);
        return (DateOnly.FromDateTime(from.UtcDateTime), DateOnly.FromDateTime(to.UtcDateTime));
    }

    private static DateTimeOffset Midnight(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
