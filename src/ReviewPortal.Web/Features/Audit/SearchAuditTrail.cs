using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

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
        /// <summary>Whether the routine runs of scheduled jobs (<see cref="SystemNoise"/>) are listed; off by default.</summary>
        public bool IncludeSystemNoise { get; init; }
    }

    /// <summary>
    /// Entries a scheduled job writes on every routine run (the activity feed every minute, the directory and people syncs,
    /// the retention prune) when nobody asked for them: a system actor, no person. Failures, blocked syncs and anything a
    /// person started are never noise.
    /// </summary>
    public static readonly IReadOnlyList<string> SystemNoise =
        ["connector.activity-run", "connector.directory-sync", "people.synced", "connector.activity-retention", "connector.rollups-rebuilt"];

    /// <summary>Counting stops here: "of more than 10,000" is as useful as an exact figure, and costs a bounded scan.</summary>
    public const int CountLimit = 10_000;

    public async Task<Result<AuditResultPage>> HandleAsync(Viewer viewer, Filter filter, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsAndCompliance(viewer, "can read the audit trail") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = Query(db, filter);
        pageSize = Math.Clamp(pageSize, 1, 200);
        // One row more than the page tells whether there is a next page without a COUNT over a million rows.
        // With a date filter, walking the OccurredAt index newest-first stops after one page instead of
        // sorting the whole window (entries are appended in time order, so the order is the same). The text
        // index has its own window (see FromTextIndex) and is walked in its own, Sequence, order.
        var ordered = (filter.From is not null || filter.To is not null) && !UsesTextIndex(db, filter.Text)
            ? query.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Sequence)
            : query.OrderByDescending(e => e.Sequence);
        var rows = await ordered
            .Skip(Math.Max(0, page) * pageSize).Take(pageSize + 1)
            .Select(e => new AuditRow(e.Sequence, e.OccurredAt, e.ActorId, e.Actor, e.Action, e.TargetType, e.TargetId, e.IdentityId,
                e.CampaignId, e.Before, e.After, e.CorrelationId, e.Hash))
            .ToListAsync(cancellationToken);
        return new AuditResultPage(rows.Take(pageSize).ToList(), rows.Count > pageSize, Math.Max(0, page) * pageSize);
    }

    /// <summary>
    /// How many entries the filter matches, counted up to <see cref="CountLimit"/>. Apart from the page on purpose: for a
    /// rare filter over a million entries the count is a scan of the whole ledger (a third of a second for 0.1 %), which
    /// the page, stopping after 50 matches, never needs; the page shows first and its total follows.
    /// </summary>
    public async Task<Result<AuditCount>> CountAsync(Viewer viewer, Filter filter, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsAndCompliance(viewer, "can read the audit trail") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var total = await Query(db, filter).Take(CountLimit + 1).CountAsync(cancellationToken);
        return new AuditCount(Math.Min(total, CountLimit), total > CountLimit);
    }

    /// <summary>Streams every matching entry (oldest first) for the CSV export; memory stays flat.</summary>
    public IAsyncEnumerable<AuditEntry> StreamAsync(ReviewPortalDbContext db, Filter filter) =>
        Query(db, filter).OrderBy(e => e.Sequence).AsAsyncEnumerable();

    /// <summary>
    /// The ledger with every filter applied. On SQLite, free text of three or more characters makes the FTS5 trigram
    /// index (<c>AuditText</c>, migration <c>AuditTextSearch</c>) the source of the rows; the other filters apply on top.
    /// </summary>
    public static IQueryable<AuditEntry> Query(ReviewPortalDbContext db, Filter filter)
    {
        if (UsesTextIndex(db, filter.Text))
        {
            return Apply(FromTextIndex(db, filter.Text!.Trim(), filter.From, filter.To).AsNoTracking(), filter with { Text = null }, db.Provider);
        }
        return Apply(db.AuditEntries.AsNoTracking(), filter, db.Provider);
    }

    private static bool UsesTextIndex(ReviewPortalDbContext db, string? text) =>
        db.Provider == DatabaseProvider.Sqlite && text?.Trim() is { } trimmed && trimmed.EnumerateRunes().Count() >= 3;

    /// <summary>
    /// The entries whose target id, before or after data contain the text, case-insensitively: in a trigram index a
    /// quoted phrase matches exactly its substrings. The index is the outer loop and its rowid is selected as the
    /// Sequence, so ORDER BY Sequence is the index's own order and SQLite stops after a page: a phrase in 14 % of a
    /// million entries costs one page rather than all its matches, and no match costs almost nothing. The substring
    /// scan this replaces took 0.5 CPU-s per million entries when nothing matched.
    /// A date window becomes a Sequence (rowid) range first, two seeks on the OccurredAt index, so the index walk also
    /// stops after a page instead of collecting every match to sort it by time. Entries are appended in time order, the
    /// assumption the date ordering makes too; the exact OccurredAt filters still apply on top.
    /// </summary>
    private static IQueryable<AuditEntry> FromTextIndex(ReviewPortalDbContext db, string text, DateTimeOffset? from, DateTimeOffset? to)
    {
        // OccurredAt is stored as UTC ticks (UtcTicksConverter); raw SQL parameters bypass the converter.
        long? fromTicks = from?.UtcTicks, toTicks = to?.UtcTicks;
        return db.AuditEntries.FromSql($"""
            SELECT AuditText.rowid AS "Sequence", e."OccurredAt", e."ActorId", e."Actor", e."Action", e."TargetType", e."TargetId",
                   e."IdentityId", e."CampaignId", e."Before", e."After", e."CorrelationId", e."PreviousHash", e."Hash"
            FROM AuditText JOIN "AuditEntries" AS e ON e."Sequence" = AuditText.rowid
            WHERE AuditText MATCH {FtsPhrase(text)}
              AND AuditText.rowid >= COALESCE((SELECT "Sequence" FROM "AuditEntries" WHERE {fromTicks} IS NOT NULL AND "OccurredAt" >= {fromTicks}
                                               ORDER BY "OccurredAt", "Sequence" LIMIT 1), CASE WHEN {fromTicks} IS NULL THEN 0 ELSE 9223372036854775807 END)
              AND AuditText.rowid <= COALESCE((SELECT "Sequence" FROM "AuditEntries" WHERE {toTicks} IS NOT NULL AND "OccurredAt" < {toTicks}
                                               ORDER BY "OccurredAt" DESC, "Sequence" DESC LIMIT 1), CASE WHEN {toTicks} IS NULL THEN 9223372036854775807 ELSE -1 END)
            """);
    }

    private static IQueryable<AuditEntry> Apply(IQueryable<AuditEntry> query, Filter filter, DatabaseProvider provider)
    {
        if (!filter.IncludeSystemNoise)
        {
            var noise = SystemNoise.ToArray();
            query = query.Where(e => e.ActorId != null || !noise.Contains(e.Action));
        }
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
            query = WhereText(query, filter.Text.Trim(), provider);
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

    /// <summary>
    /// The substring match, case-insensitive on every provider. PostgreSQL: ILIKE on each column, served by the trigram
    /// GIN indexes of its Initial migration. SQLite: for text the FTS5 trigram index cannot look up (one or two
    /// characters), LIKE, which ignores case for ASCII letters (Contains would be instr(), case-sensitive). SQL Server:
    /// Contains is a LIKE, case-insensitive under the default collation; a full-text index is not in every edition and
    /// its word breaker does not find arbitrary substrings, so SQL Server scans. Wildcards in the text are escaped.
    /// </summary>
    private static IQueryable<AuditEntry> WhereText(IQueryable<AuditEntry> query, string text, DatabaseProvider provider)
    {
        var pattern = "%" + text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%";
        return provider switch
        {
            DatabaseProvider.Postgres => query.Where(e => EF.Functions.ILike(e.TargetId, pattern, @"\")
                || (e.After != null && EF.Functions.ILike(e.After, pattern, @"\"))
                || (e.Before != null && EF.Functions.ILike(e.Before, pattern, @"\"))),
            DatabaseProvider.Sqlite => query.Where(e => EF.Functions.Like(e.TargetId, pattern, @"\")
                || (e.After != null && EF.Functions.Like(e.After, pattern, @"\"))
                || (e.Before != null && EF.Functions.Like(e.Before, pattern, @"\"))),
            _ => query.Where(e => e.TargetId.Contains(text) || (e.After != null && e.After.Contains(text)) || (e.Before != null && e.Before.Contains(text))),
        };
    }

    /// <summary>
    /// The text as one FTS5 string: inside double quotes every character is literal (operators, <c>*</c>, <c>:</c>,
    /// <c>NEAR(</c>), and a double quote is written twice. Passed as a parameter, never spliced into SQL.
    /// </summary>
    public static string FtsPhrase(string text) => "\"" + text.Replace("\"", "\"\"") + "\"";
}

/// <summary>One page of entries: rows <see cref="Skipped"/>+1 to Skipped+Rows.Count, of <see cref="Count"/> once counted.</summary>
public sealed record AuditResultPage(IReadOnlyList<AuditRow> Rows, bool HasMore, int Skipped = 0, AuditCount? Count = null)
{
    /// <summary>"1–50 of 3,210", "51–100 of more than 10,000", "1–50 of …" while counting, "No entries".</summary>
    public string Range => Rows.Count == 0 ? "No entries"
        : string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Skipped + 1:N0}–{Skipped + Rows.Count:N0} of {Count switch { null => "…", { Capped: true } => $"more than {Count.Total:N0}", _ => $"{Count.Total:N0}" }}");
}

/// <summary>The entries a filter matches, up to <see cref="SearchAuditTrail.CountLimit"/> (<see cref="Capped"/> beyond it).</summary>
public sealed record AuditCount(int Total, bool Capped);

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
