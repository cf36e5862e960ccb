using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Identities;

/// <summary>
/// "Active API keys dormant ≥ 30 days", one definition for the home page's count and the identities list it links to,
/// so the list shows exactly the keys the card counted.
/// </summary>
public static class DormantApiKeys
{
    public static readonly TimeSpan After = TimeSpan.FromDays(30);

    public static IQueryable<Identity> WhereDormantApiKey(this IQueryable<Identity> identities, DateTimeOffset now)
    {
        var since = now - After;
        return identities.Where(i => i.Kind == IdentityKind.ApiKey && i.Status == "active"
            && (i.LastActiveAt == null || i.LastActiveAt < since));
    }
}
