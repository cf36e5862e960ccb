using ReviewPortal.Claude.Models;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// Holds Activity Feed records to the columns they are stored in, before a page is written: PostgreSQL and SQL Server
/// refuse an over-long value and would fail the page on every run. A record whose identifying values do not fit is
/// quarantined like a malformed one, with the reason, and never stored shortened: the activity id is the dedupe key and
/// the actor id is an identity's key (two long ids shortened alike would become one), and the type and actor type decide
/// the category and the attribution. The rest of the page is stored and the cursor moves on.
/// (docs/decisions/0008-bounded-text.md)
/// </summary>
public static class FeedLimits
{
    /// <summary>
    /// Why a well-formed record cannot be stored as it is, or null when every identifying value fits. <paramref name="actor"/>
    /// is the identity its actor resolves to (<see cref="ActorResolver.Describe"/>), <paramref name="actorKey"/> the key
    /// the event keeps (<see cref="ActorResolver.ExternalKey"/>).
    /// </summary>
    public static string? Refusal(Activity activity, ActorIdentity? actor, string? actorKey) =>
        TooLong("activity id", activity.Id, MaxLengths.ActivityEvent.ActivityId)
        ?? TooLong("type", activity.Type, MaxLengths.ActivityEvent.Type)
        ?? TooLong("actor type", activity.Actor.Type, MaxLengths.ActivityEvent.ActorType)
        ?? TooLong("organization uuid", activity.OrganizationUuid, MaxLengths.ActivityEvent.OrganizationUuid)
        // A resolvable actor's id becomes an identity's key, the tighter of its two columns.
        ?? TooLong($"actor id ({activity.Actor.Type})", actorKey,
            actor is not null ? MaxLengths.Identity.ExternalId : MaxLengths.ActivityEvent.ActorExternalId);

    /// <summary>
    /// Where the stored cursor moves after a page: to its last id, or, when that id is too long for the cursor column, to
    /// the page's last id that fits (the next run re-reads from there: the stored records come back as duplicates, the
    /// long one is quarantined again); null when there is none (the cursor stays). The run itself pages on with the real
    /// last id.
    /// </summary>
    public static string? CursorAfter(ActivityPage page) => page.LastId switch
    {
        null => null,
        var last when MaxLengths.Fits(last, MaxLengths.IngestionCursor.Cursor) => last,
        _ => page.Data.LastOrDefault(a => MaxLengths.Fits(a.Id, MaxLengths.IngestionCursor.Cursor))?.Id,
    };

    private static string? TooLong(string what, string? value, int maxLength) => MaxLengths.Fits(value, maxLength)
        ? null
        : $"{what} of {value!.Length} characters is longer than the {maxLength} the portal stores, and an identifier is never shortened";
}
