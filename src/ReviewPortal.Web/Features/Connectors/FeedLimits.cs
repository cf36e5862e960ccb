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
    /// <summary>Splits a page into the records to store and those to quarantine (the decoder's malformed ones first).</summary>
    public static (IReadOnlyList<Activity> Usable, IReadOnlyList<MalformedActivity> Unusable) Screen(ActivityPage page)
    {
        var usable = new List<Activity>(page.Data.Count);
        var unusable = new List<MalformedActivity>(page.Malformed);
        foreach (var activity in page.Data)
        {
            if (Refusal(activity) is { } reason)
            {
                unusable.Add(new MalformedActivity(activity.RawJson, reason));
            }
            else
            {
                usable.Add(activity);
            }
        }
        return (usable, unusable);
    }

    /// <summary>Why a well-formed record cannot be stored as it is, or null when every identifying value fits.</summary>
    public static string? Refusal(Activity activity)
    {
        var actor = activity.Actor;
        return TooLong("activity id", activity.Id, MaxLengths.ActivityEvent.ActivityId)
            ?? TooLong("type", activity.Type, MaxLengths.ActivityEvent.Type)
            ?? TooLong("actor type", actor.Type, MaxLengths.ActivityEvent.ActorType)
            ?? TooLong("organization uuid", activity.OrganizationUuid, MaxLengths.ActivityEvent.OrganizationUuid)
            // A resolvable actor's id becomes an identity's key, the tighter of its two columns.
            ?? (ActorResolver.Describe(actor) is { } described
                ? TooLong($"actor id ({actor.Type})", described.ExternalId, MaxLengths.Identity.ExternalId)
                : TooLong($"actor id ({actor.Type})", ActorResolver.ExternalKey(actor), MaxLengths.ActivityEvent.ActorExternalId));
    }

    /// <summary>
    /// Where the stored cursor moves after a page: to its last id, or, when that id is too long for the cursor column, to
    /// the page's last id that fits (the next run re-reads from there: the stored records come back as duplicates, the
    /// long one is quarantined again); with none, it stays. The run itself pages on with the real last id.
    /// </summary>
    public static string? CursorAfter(ActivityPage page, string? current) => page.LastId switch
    {
        null => current,
        var last when MaxLengths.Fits(last, MaxLengths.IngestionCursor.Cursor) => last,
        _ => page.Data.LastOrDefault(a => MaxLengths.Fits(a.Id, MaxLengths.IngestionCursor.Cursor))?.Id ?? current,
    };

    private static string? TooLong(string what, string? value, int maxLength) => MaxLengths.Fits(value, maxLength)
        ? null
        : $"{what} of {value!.Length} characters is longer than the {maxLength} the portal stores, and an identifier is never shortened";
}
