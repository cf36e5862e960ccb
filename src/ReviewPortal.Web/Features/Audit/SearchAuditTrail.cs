using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Web.Features.Audit;

/// <summary>
/// The audit explorer's query: filters that map to indexed columns, newest first, keyset-friendly
/// paging. Compliance and Admin only; nobody else reads the ledger.
/// </summary>
public sealed class SearchAuditTrail(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public sealed record Filter
    {
        public string? Actor { get; init; }
        public int? IdentityId { get; init; }
        public int? CampaignId { get; init; }
        public string? Action { get; init; }
        public string? TargetType { get; init; }
        /// <summary>Free text on the target id and the before/after data (an entitlement, a resource, a request id …).</summary>
        public string? Text { get; init; }
        public DateTimeOffset? From { get; init; }
        public DateTimeOffset? To { get; init; }
    }

    public async Task<AuditResultPage?> HandleAsync(Viewer viewer, Filter filter, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        if (!viewer.CanReadEverything)
        {
            return null;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = Apply(db.AuditEntries.AsNoTracking(), filter);
        pageSize = Math.Clamp(pageSize, 1, 200);
        // One row more than the page tells whether there is a next page without a COUNT over a million rows.
        // With a date filter, walking the OccurredAt index newest-first stops after one page instead of
        // sorting the whole window (entries are appended in time order, so the order is the same).
        var ordered = filter.From is not null || filter.To is not null
            ? query.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Sequence)
            : query.OrderByDescending(e => e.Sequence);
        var rows = await ordered
            .Skip(Math.Max(0, page) * pageSize).Take(pageSize + 1)
            .Select(e => new AuditRow(e.Sequence, e.OccurredAt, e.ActorId, e.Actor, e.Action, e.TargetType, e.TargetId, e.IdentityId,
                e.CampaignId, e.Before, e.After, e.CorrelationId, e.Hash))
            .ToListAsync(cancellationToken);
        return new AuditResultPage(rows.Take(pageSize).ToList(), rows.Count > pageSize);
    }

    /// <summary>Streams every matching entry (oldest first) for the CSV export; memory stays flat.</summary>
    public IAsyncEnumerable<AuditEntry> StreamAsync(ReviewPortalDbContext db, Filter filter) =>
        Apply(db.AuditEntries.AsNoTracking(), filter).OrderBy(e => e.Sequence).AsAsyncEnumerable();

    public static IQueryable<AuditEntry> Apply(IQueryable<AuditEntry> query, Filter filter)
    {
        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            query = query.Where(e => e.Actor.Contains(filter.Actor.Trim()));
        }
        if (filter.IdentityId is { } identity)
        {
            // Two indexed branches instead of one OR: SQLite otherwise walks the whole ledger backwards.
            query = query.Where(e => e.IdentityId == identity).Union(query.Where(e => e.ActorId == identity));
        }
        if (filter.CampaignId is { } campaign)
        {
            query = query.Where(e => e.CampaignId == campaign);
        }
        if (!string.IsNullOrWhiteSpace(filter.Action))
        {
            query = query.Where(e => e.Action.StartsWith(filter.Action.Trim()));
        }
        if (!string.IsNullOrWhiteSpace(filter.TargetType))
        {
            query = query.Where(e => e.TargetType == filter.TargetType);
        }
        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var text = filter.Text.Trim();
            query = query.Where(e => e.TargetId.Contains(text) || (e.After != null && e.After.Contains(text)) || (e.Before != null && e.Before.Contains(text)));
        }
        if (filter.From is { } from)
        {
            query = query.Where(e => e.OccurredAt >= from);
        }
        if (filter.To is { } to)
        {
            query = query.Where(e => e.OccurredAt < to);
        }
        return query;
    }
}

public sealed record AuditResultPage(IReadOnlyList<AuditRow> Rows, bool HasMore);

public sealed record AuditRow(long Sequence, DateTimeOffset OccurredAt, int? ActorId, string Actor, string Action, string TargetType,
    string TargetId, int? IdentityId, int? CampaignId, string? Before, string? After, string CorrelationId, string Hash)
{
    /// <summary>Where the target lives in the portal, for deep links.</summary>
    public string? Link => TargetType switch
    {
        "Identity" => $"/identities/{TargetId}",
        "Campaign" => $"/campaigns/{TargetId}",
        "AccessRequest" => $"/requests/{TargetId}",
        "Grant" when IdentityId is { } id => $"/identities/{id}",
        _ when IdentityId is { } id => $"/identities/{id}",
        _ => null,
    };
}
