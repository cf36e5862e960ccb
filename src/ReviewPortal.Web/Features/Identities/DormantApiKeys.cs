using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Identities;

/// <summary>
/// "Active API keys dormant ≥ 30 days", one definition for the home page's count and the identities list it links to,
/// so the list shows exactly the keys the card counted. Use is a feed event by the key or a day of its usage (Messages by
/// api_key_id, Claude Code by the key): the feed does not record each Messages request, so a key serving inference may
/// have no feed event at all.
/// </summary>
public static class DormantApiKeys
{
    public static readonly TimeSpan After = TimeSpan.FromDays(30);

    public static IQueryable<Identity> WhereDormantApiKey(this IQueryable<Identity> identities, IQueryable<UsageRollup> usage, DateTimeOffset now)
    {
        var since = now - After;
        // Usage is by UTC day: a day that overlaps the window counts as use inside it.
        var sinceDay = DateOnly.FromDateTime(since.UtcDateTime);
        return identities.Where(i => i.Kind == IdentityKind.ApiKey && i.Status == "active"
            && (i.LastActiveAt == null || i.LastActiveAt < since)
            && !usage.Any(u => u.IdentityId == i.Id && u.Day >= sinceDay && (u.Requests > 0 || u.Sessions > 0 || u.OutputTokens > 0)));
    }
}
