using System.Text;

namespace ReviewPortal.Claude.Models;

/// <summary>Filters and paging for <c>GET /v1/compliance/activities</c> (§1.4.1). All properties are optional.</summary>
public sealed record ActivityQuery
{
    public const int MaxLimit = 5000;

    public IReadOnlyList<string>? ActivityTypes { get; init; }
    public IReadOnlyList<string>? ExcludeActivityTypes { get; init; }

    /// <summary><c>user_…</c> ids only (the API supports no other actor ids here).</summary>
    public IReadOnlyList<string>? ActorIds { get; init; }

    /// <summary><c>org_…</c> ids or organization UUIDs.</summary>
    public IReadOnlyList<string>? OrganizationIds { get; init; }

    public DateTimeOffset? CreatedAtGte { get; init; }
    public DateTimeOffset? CreatedAtGt { get; init; }
    public DateTimeOffset? CreatedAtLte { get; init; }
    public DateTimeOffset? CreatedAtLt { get; init; }

    /// <summary>Next page in result order: pass the previous page's <c>last_id</c>.</summary>
    public string? AfterId { get; init; }

    /// <summary>Adjacent page the other way: pass the previous page's <c>first_id</c>.</summary>
    public string? BeforeId { get; init; }

    /// <summary>1..5000; the API default is 100.</summary>
    public int? Limit { get; init; }

    public ActivityOrder? Order { get; init; }

    /// <summary>
    /// Builds the query string (without the leading <c>?</c>). Rejects combinations the API would refuse with a
    /// 400, so a caller bug costs no request and no rate-limit unit.
    /// </summary>
    public string ToQueryString()
    {
        if (ActivityTypes is { Count: > 0 } && ExcludeActivityTypes is { Count: > 0 })
        {
            throw new ArgumentException("activity_types[] and exclude_activity_types[] cannot be combined.");
        }

        if (AfterId is not null && BeforeId is not null)
        {
            throw new ArgumentException("Send at most one of after_id and before_id.");
        }

        if (Limit is < 1 or > MaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(Limit), Limit, $"limit must be between 1 and {MaxLimit}.");
        }

        var query = new QueryBuilder();
        query.AddAll("activity_types[]", ActivityTypes);
        query.AddAll("exclude_activity_types[]", ExcludeActivityTypes);
        query.AddAll("actor_ids[]", ActorIds);
        query.AddAll("organization_ids[]", OrganizationIds);
        query.Add("created_at.gte", CreatedAtGte);
        query.Add("created_at.gt", CreatedAtGt);
        query.Add("created_at.lte", CreatedAtLte);
        query.Add("created_at.lt", CreatedAtLt);
        query.Add("after_id", AfterId);
        query.Add("before_id", BeforeId);
        query.Add("limit", Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        query.Add("order", Order switch { ActivityOrder.Asc => "asc", ActivityOrder.Desc => "desc", _ => null });
        return query.ToString();
    }
}

/// <summary>Small query-string builder: bracket keys stay readable, every value is URL-encoded.</summary>
internal sealed class QueryBuilder
{
    private readonly StringBuilder _builder = new();

    public QueryBuilder Add(string key, string? value)
    {
        if (value is null)
        {
            return this;
        }

        if (_builder.Length > 0)
        {
            _builder.Append('&');
        }

        _builder.Append(key).Append('=').Append(Uri.EscapeDataString(value));
        return this;
    }

    public QueryBuilder Add(string key, DateTimeOffset? value) =>
        value is null ? this : Add(key, ClaudeJson.FormatTimestamp(value.Value));

    public QueryBuilder AddAll(string key, IEnumerable<string>? values)
    {
        foreach (var value in values ?? [])
        {
            Add(key, value);
        }

        return this;
    }

    public string AppendTo(string path) => _builder.Length == 0 ? path : $"{path}?{_builder}";

    public override string ToString() => _builder.ToString();
}
