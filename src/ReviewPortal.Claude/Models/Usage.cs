using System.Text.Json.Serialization;

namespace ReviewPortal.Claude.Models;

/// <summary>
/// One request to a usage endpoint: the UTC range [<see cref="StartingAt"/>, <see cref="EndingAt"/>) in daily buckets, split by
/// <see cref="GroupBy"/>. <see cref="Page"/> is the cursor the previous page returned (<c>next_page</c>); null for the first page.
/// </summary>
public sealed record UsageQuery(DateTimeOffset StartingAt, DateTimeOffset EndingAt, IReadOnlyList<string> GroupBy, int Limit)
{
    public string? Page { get; init; }

    /// <summary>Analytics API only: <c>actor_types[]</c> (<c>user_actor</c>, <c>service_account_actor</c>, …).</summary>
    public IReadOnlyList<string>? ActorTypes { get; init; }

    /// <summary>Only the usage these keys authenticated (<c>api_key_ids[]</c>, both endpoints).</summary>
    public IReadOnlyList<string>? ApiKeyIds { get; init; }

    /// <summary>
    /// Only these members' and service accounts' usage (<c>user_…</c>, <c>svac_…</c>): <c>actor_ids[]</c> on the Analytics API,
    /// <c>account_ids[]</c> and <c>service_account_ids[]</c> on the legacy report.
    /// </summary>
    public IReadOnlyList<string>? ActorIds { get; init; }

    /// <summary>The legacy report's filters for <see cref="ActorIds"/>: service accounts apart from user accounts.</summary>
    public IEnumerable<string>? AccountIds => ActorIds?.Where(id => !IsServiceAccount(id));

    public IEnumerable<string>? ServiceAccountIds => ActorIds?.Where(IsServiceAccount);

    private static bool IsServiceAccount(string id) => id.StartsWith("svac_", StringComparison.Ordinal);
}

/// <summary>A page of <c>GET /v1/organizations/analytics/usage</c>: flat rows, each with its own bucket.</summary>
public sealed record AnalyticsUsagePage
{
    public IReadOnlyList<AnalyticsUsageRow> Data { get; init; } = [];
    public bool HasMore { get; init; }
    public string? NextPage { get; init; }

    /// <summary>The response's <c>request-id</c> header.</summary>
    [JsonIgnore]
    public string? RequestId { get; init; }
}

public sealed record AnalyticsUsageRow
{
    public DateTimeOffset StartingAt { get; init; }
    public DateTimeOffset EndingAt { get; init; }
    public AnalyticsUsageGroup Group { get; init; } = new();
    public UsageMetrics Usage { get; init; } = new();
}

/// <summary>The dimensions of a row; a field is null unless its dimension was in <c>group_by[]</c>.</summary>
public sealed record AnalyticsUsageGroup
{
    public string? ApiKeyId { get; init; }
    public string? WorkspaceId { get; init; }
    public UsageActor? Actor { get; init; }
    public string? ActorType { get; init; }
}

/// <summary>
/// Who the usage is attributed to: <c>user_actor</c> (<see cref="UserId"/>, <see cref="EmailAddress"/>),
/// <c>service_account_actor</c> (<see cref="ServiceAccountId"/>), <c>api_actor</c> (<see cref="ApiKeyId"/>; Claude Code
/// analytics gives <see cref="ApiKeyName"/> instead), or a federated actor.
/// </summary>
public sealed record UsageActor
{
    public string Type { get; init; } = "";
    public string? UserId { get; init; }
    public string? EmailAddress { get; init; }
    public string? ServiceAccountId { get; init; }
    public string? ApiKeyId { get; init; }
    public string? ApiKeyName { get; init; }
}

/// <summary>Token and request counts of a usage row (the legacy report has no <see cref="Requests"/> or <see cref="TotalTokens"/>).</summary>
public record UsageMetrics
{
    public long UncachedInputTokens { get; init; }
    public long CacheReadInputTokens { get; init; }
    public UsageCacheCreation? CacheCreation { get; init; }
    public long OutputTokens { get; init; }
    public long TotalTokens { get; init; }
    public long Requests { get; init; }
    public UsageServerToolUse? ServerToolUse { get; init; }
}

public sealed record UsageCacheCreation
{
    [JsonPropertyName("ephemeral_5m_input_tokens")]
    public long Ephemeral5mInputTokens { get; init; }

    [JsonPropertyName("ephemeral_1h_input_tokens")]
    public long Ephemeral1hInputTokens { get; init; }
}

public sealed record UsageServerToolUse
{
    public long WebSearchRequests { get; init; }
}

/// <summary>A page of the legacy <c>GET /v1/organizations/usage_report/messages</c>: buckets, each with its results.</summary>
public sealed record UsageReportPage
{
    public IReadOnlyList<UsageReportBucket> Data { get; init; } = [];
    public bool HasMore { get; init; }
    public string? NextPage { get; init; }

    [JsonIgnore]
    public string? RequestId { get; init; }
}

public sealed record UsageReportBucket
{
    public DateTimeOffset StartingAt { get; init; }
    public DateTimeOffset EndingAt { get; init; }
    public IReadOnlyList<UsageReportResult> Results { get; init; } = [];
}

/// <summary>A legacy result: the grouping fields (null unless grouped by; <c>workspace_id</c> null = default workspace) and the counts.</summary>
public sealed record UsageReportResult : UsageMetrics
{
    public string? ApiKeyId { get; init; }
    public string? WorkspaceId { get; init; }
    public string? AccountId { get; init; }
    public string? ServiceAccountId { get; init; }
}

/// <summary>A page of <c>GET /v1/organizations/usage_report/claude_code</c> (one UTC day).</summary>
public sealed record ClaudeCodePage
{
    public IReadOnlyList<ClaudeCodeRecord> Data { get; init; } = [];
    public bool HasMore { get; init; }
    public string? NextPage { get; init; }

    [JsonIgnore]
    public string? RequestId { get; init; }
}

/// <summary>One actor's Claude Code day: a member by <c>email_address</c>, or an API key by <c>api_key_name</c>.</summary>
public sealed record ClaudeCodeRecord
{
    public UsageActor Actor { get; init; } = new();
    public ClaudeCodeCoreMetrics CoreMetrics { get; init; } = new();
    public IReadOnlyList<ClaudeCodeModelUsage> ModelBreakdown { get; init; } = [];
}

public sealed record ClaudeCodeCoreMetrics
{
    public int NumSessions { get; init; }
    public ClaudeCodeLines LinesOfCode { get; init; } = new();
    public int CommitsByClaudeCode { get; init; }
    public int PullRequestsByClaudeCode { get; init; }
}

public sealed record ClaudeCodeLines
{
    public int Added { get; init; }
    public int Removed { get; init; }
}

public sealed record ClaudeCodeModelUsage
{
    public string Model { get; init; } = "";
    public ClaudeCodeTokens Tokens { get; init; } = new();
}

public sealed record ClaudeCodeTokens
{
    public long Input { get; init; }
    public long Output { get; init; }
    public long CacheRead { get; init; }
    public long CacheCreation { get; init; }
}
