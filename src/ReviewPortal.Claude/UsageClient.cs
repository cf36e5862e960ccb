using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReviewPortal.Claude.Models;
using ReviewPortal.Claude.Resilience;

namespace ReviewPortal.Claude;

/// <summary>
/// Anthropic's usage reporting, read with the Admin key: aggregate token and request counts per day, never a message,
/// chat or file. Each method reads one page; the caller pages (and restarts a day whose Analytics cursor expired, 410).
/// </summary>
public interface IUsageClient
{
    /// <summary>One page of <c>GET /v1/organizations/analytics/usage</c> (beta) with <c>time_bucket_width=1d</c>.</summary>
    Task<AnalyticsUsagePage> GetAnalyticsUsageAsync(UsageQuery query, CancellationToken ct = default);

    /// <summary>One page of the legacy <c>GET /v1/organizations/usage_report/messages</c> with <c>bucket_width=1d</c>.</summary>
    Task<UsageReportPage> GetUsageReportAsync(UsageQuery query, CancellationToken ct = default);

    /// <summary>One page of <c>GET /v1/organizations/usage_report/claude_code</c> for one UTC day.</summary>
    Task<ClaudeCodePage> GetClaudeCodeAsync(DateOnly day, int limit, string? page, CancellationToken ct = default);
}

/// <summary>Typed HttpClient for the usage endpoints: the Admin key, and the same pipeline and request budget as the other clients.</summary>
public sealed class UsageClient : IUsageClient
{
    /// <summary>The beta the Analytics API requires (<c>anthropic-beta</c>).</summary>
    public const string AnalyticsBeta = "analytics-usage-cost-2026-08-24";

    /// <summary>The Analytics API has no data before this day.</summary>
    public static readonly DateOnly AnalyticsFirstDay = new(2026, 1, 1);

    /// <summary>… and reaches at most this many days back from today.</summary>
    public const int AnalyticsMaxDaysBack = 365;

    private readonly ClaudeHttp _http;

    public UsageClient(HttpClient http, IOptions<ClaudeOptions> options, ClaudeRateLimitGate gate, TimeProvider time, ILogger<UsageClient> logger) =>
        _http = new ClaudeHttp(http, options.Value.AdminKey, options.Value.MaxRetryAfter, gate, time, logger);

    public async Task<AnalyticsUsagePage> GetAnalyticsUsageAsync(UsageQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var q = new QueryBuilder()
            .Add("starting_at", query.StartingAt).Add("ending_at", query.EndingAt).Add("time_bucket_width", "1d")
            .AddAll("group_by[]", query.GroupBy).AddAll("actor_types[]", query.ActorTypes)
            .AddAll("api_key_ids[]", query.ApiKeyIds).AddAll("actor_ids[]", query.ActorIds)
            .Add("limit", query.Limit.ToString(CultureInfo.InvariantCulture)).Add("page", query.Page);
        var (page, requestId) = await _http.GetAsync<AnalyticsUsagePage>(q.AppendTo("/v1/organizations/analytics/usage"), ct, AnalyticsBeta)
            .ConfigureAwait(false);
        return page with { RequestId = requestId };
    }

    public async Task<UsageReportPage> GetUsageReportAsync(UsageQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var q = new QueryBuilder()
            .Add("starting_at", query.StartingAt).Add("ending_at", query.EndingAt).Add("bucket_width", "1d")
            .AddAll("group_by[]", query.GroupBy)
            .AddAll("api_key_ids[]", query.ApiKeyIds).AddAll("account_ids[]", query.AccountIds).AddAll("service_account_ids[]", query.ServiceAccountIds)
            .Add("limit", query.Limit.ToString(CultureInfo.InvariantCulture)).Add("page", query.Page);
        var (page, requestId) = await _http.GetAsync<UsageReportPage>(q.AppendTo("/v1/organizations/usage_report/messages"), ct).ConfigureAwait(false);
        return page with { RequestId = requestId };
    }

    public async Task<ClaudeCodePage> GetClaudeCodeAsync(DateOnly day, int limit, string? page, CancellationToken ct = default)
    {
        var q = new QueryBuilder()
            .Add("starting_at", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .Add("limit", limit.ToString(CultureInfo.InvariantCulture)).Add("page", page);
        var (result, requestId) = await _http.GetAsync<ClaudeCodePage>(q.AppendTo("/v1/organizations/usage_report/claude_code"), ct).ConfigureAwait(false);
        return result with { RequestId = requestId };
    }
}
